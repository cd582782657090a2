"""SMS backends for development and tests. Africa's Talking lives in africastalking.py."""

import itertools
import sys
import threading

from . import mask_number

# What LocmemSMSBackend "sent", like django.core.mail.outbox: a list of (to, message) tuples.
outbox: list[tuple[str, str]] = []
_counter = itertools.count(1)
_lock = threading.Lock()


class ConsoleSMSBackend:
    """Writes each message to stdout (development, `make run`). The number is masked."""

    stream = sys.stdout

    def send(self, *, to, message, sender=None):
        with _lock:
            message_id = f"console-{next(_counter)}"
        self.stream.write(f"SMS to {mask_number(to)} [{message_id}]: {message}\n")
        self.stream.flush()
        return message_id


class LocmemSMSBackend:
    """Keeps messages in `notifications.backends.sms.outbox` (the test suite)."""

    def send(self, *, to, message, sender=None):
        with _lock:
            outbox.append((to, message))
            return f"locmem-{len(outbox)}"
