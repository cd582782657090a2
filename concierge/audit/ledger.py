"""The erasure ledger: which clients were erased, and when, kept outside the database.

Restoring a backup taken before an erasure would bring the client's personal data back. The ledger
survives such a restore because it is not in the database (nor in its dumps): a directory
(ERASURE_LEDGER_DIR) holding one append-only file, one line per erasure:

    2026-11-05T07:30:00Z<TAB>8d3c0f5e-...-client id

No name, address or anything else about the person: a client id means nothing without the database.
`manage.py reapply_erasures` reads it and erases again every listed client the database still
holds (docs/backups.md).

The line is written, and flushed to disk, before the erasure's transaction commits: if the disk
refuses, nothing is erased (the caller says so); if the transaction then fails, the line stays and
the next reapply_erasures completes the erasure that was asked for. Appends of one short line with
O_APPEND do not interleave between processes on one machine; several machines share a directory
on shared storage, or each writes its own (every file in the directory is read).
"""

import dataclasses
import datetime
import os
import uuid
from pathlib import Path

from django.conf import settings

FILE_NAME = "erasures.log"


class LedgerError(Exception):
    """The ledger could not be written or read; the message names the directory, never a person."""


@dataclasses.dataclass(frozen=True)
class Entry:
    erased_at: datetime.datetime
    client_id: uuid.UUID


def ledger_dir() -> Path:
    return Path(settings.ERASURE_LEDGER_DIR)


def record_erasure(client_id: uuid.UUID, *, when: datetime.datetime | None = None) -> Entry:
    """Append one line for `client_id`, durably (fsync), before the caller's transaction commits."""
    when = (when or datetime.datetime.now(datetime.timezone.utc)).astimezone(datetime.timezone.utc)
    entry = Entry(when.replace(microsecond=0), uuid.UUID(str(client_id)))
    line = f"{entry.erased_at:%Y-%m-%dT%H:%M:%SZ}\t{entry.client_id}\n".encode()
    directory = ledger_dir()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(directory / FILE_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise LedgerError(f"the erasure ledger in {directory} could not be written ({exc.strerror})") from None
    return entry


def read_ledger() -> list[Entry]:
    """Every entry of every file in the directory, oldest first; an unreadable line is an error
    (a ledger silently skipping lines would let a client come back)."""
    directory = ledger_dir()
    if not directory.exists():
        return []
    entries = []
    try:
        files = sorted(path for path in directory.iterdir() if path.is_file() and path.suffix == ".log")
        for path in files:
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    stamp, client_id = line.split("\t")
                    when = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
                    entries.append(Entry(when, uuid.UUID(client_id)))
                except ValueError:
                    raise LedgerError(f"{path}, line {number}: not '<UTC time>\\t<client id>'") from None
    except OSError as exc:
        raise LedgerError(f"the erasure ledger in {directory} could not be read ({exc.strerror})") from None
    return sorted(entries, key=lambda entry: entry.erased_at)
