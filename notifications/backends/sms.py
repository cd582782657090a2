"""SMS backends for development and tests. Africa's Talking lives in africastalking.py."""

import itertools
import threading

from . import console_stream, mask_number

# What LocmemSMSBackend "sent", like django.core.mail.outbox: a list of (to, message) tuples.
outbox: list[tuple[str, str]] = []
_counter = itertools.count(1)
_lock = threading.Lock()


class ConsoleSMSBackend:
    """Writes each message to the process's own stdout (development, `make run`), the sign-in or status
    link whole so that the developer can open it. The number is masked.

    Not to sys.stdout: in a Celery worker that is a proxy into the logging, whose redaction (rightly,
    for logs) turned the link's token into `[token]`. The stored text never holds a live link (the
    link is made at sending: notifications/links.py); only this console line does."""

    stream = None  # a test may give it one

    def send(self, *, to, message, sender=None):
        with _lock:
            message_id = f"console-{next(_counter)}"
        stream = self.stream or console_stream()
        stream.write(f"SMS to {mask_number(to)} [{message_id}]: {message}\n")
        stream.flush()
        return message_id


class LocmemSMSBackend:
    """Keeps messages in `notifications.backends.sms.outbox` (the test suite)."""

    def send(self, *, to, message, sender=None):
        with _lock:
            outbox.append((to, message))
            return f"locmem-{len(outbox)}"
