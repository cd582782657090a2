"""Listening to a Django signal in a test with a real receiver (no mock): what each send carried."""

import contextlib
from collections.abc import Iterator

from django.db import connection
from django.dispatch import Signal


@contextlib.contextmanager
def received(signal: Signal) -> Iterator[list[dict]]:
    """Yield a list that gets one dict per send of `signal` while the block runs: its keyword arguments,
    with `sender`, and `in_transaction` (whether the send happened inside an atomic block)."""
    sends: list[dict] = []

    def receiver(sender, signal, **kwargs):
        sends.append({"sender": sender, **kwargs, "in_transaction": connection.in_atomic_block})

    signal.connect(receiver, weak=False, dispatch_uid=f"test-received-{id(sends)}")
    try:
        yield sends
    finally:
        signal.disconnect(dispatch_uid=f"test-received-{id(sends)}")
