"""The development console email backend (`make run`): Django's, written to the process's own stdout."""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleEmailBackend

from . import console_stream


class ConsoleEmailBackend(DjangoConsoleEmailBackend):
    """Django's console backend takes sys.stdout when it is made: in a Celery worker, a proxy into the
    logging, whose redaction turned a sign-in link's token into `[token]` (and the address into
    `[email]`). The developer needs the link whole; the stored message holds no live link either way."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("stream", console_stream())
        super().__init__(*args, **kwargs)
