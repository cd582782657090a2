"""One outbound HTTP exchange under one deadline, told apart into "not sent" and "no answer".

A socket timeout bounds each read, not the exchange: a server that accepts the connection and then
answers one byte a second never trips it, and the worker waits as long as the server likes (minutes
for a few hundred bytes). `exchange` runs connect, send and read under one deadline: when it passes, a
timer shuts the socket down, which ends whichever read or write is blocked, and the exchange fails.

What the callers (Africa's Talking, Daraja, eTIMS, webhooks) may do next depends on which side of
the request the failure fell:

- NotSent: no byte of the request left (DNS, refused, connect timeout, TLS handshake, or the deadline
  passed before the request was written): the other side provably did not act on it; safe to retry.
- NoAnswer: the request was being written or had been, and no complete answer came (read timeout,
  connection dropped, the deadline passed, an answer http.client cannot parse): the other side may
  have acted on it.

The answer's body is read up to `max_bytes` (a server that answers gigabytes does not fill the
worker's memory); past that, `Answer.truncated` says so.
"""

from __future__ import annotations

import dataclasses
import email.utils
import http.client
import socket
import threading
import time
from collections.abc import Callable

DEFAULT_MAX_BYTES = 256 * 1024


class ExchangeFailed(Exception):
    """`why`: a few words for a row staff read; `cause`: the socket or HTTP error, if there was one."""

    def __init__(self, why: str, cause: BaseException | None = None):
        super().__init__(why)
        self.why, self.cause = why, cause


class NotSent(ExchangeFailed):
    pass


class NoAnswer(ExchangeFailed):
    pass


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: http.client.HTTPMessage
    truncated: bool = False

    def retry_after(self) -> float | None:
        """Seconds the server asked us to wait (a 429 or 503's Retry-After: seconds or an HTTP date),
        or None when it did not say or said it unreadably."""
        value = (self.headers.get("Retry-After") or "").strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        return max(when.timestamp() - time.time(), 0.0)


def why(exc: BaseException) -> str:
    """A failure in a few words, for a row staff read: its kind, never the peer's data."""
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timed out"
    return type(exc).__name__


class Deadline:
    """Shuts down the socket `sock_of()` returns once `seconds` have passed, unless finished first.

    Used as a context manager around a conversation on one connection. `expired` says whether it
    fired; `finish()` stops it and says whether the conversation ended in time (a timer that fires
    after finish() does nothing, so a complete answer is never called late).
    """

    def __init__(self, seconds: float, sock_of: Callable[[], socket.socket | None]):
        self.seconds = seconds
        self._sock_of = sock_of
        self._lock = threading.Lock()
        self._done = False
        self.expired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            sock = self._sock_of()
        if sock is not None:
            try:
                # The plain socket's shutdown, also for a TLS socket: SSLSocket.shutdown would drop its
                # TLS state under a read blocked in another thread. Shutting the descriptor down ends
                # that read (EOF) and any write (EPIPE) at once.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def finish(self) -> bool:
        with self._lock:
            self._done = True
        self._timer.cancel()
        return not self.expired


def exchange(connection: http.client.HTTPConnection, method: str, path: str, *, headers: dict[str, str],
             timeout: float, body: bytes | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Answer:
    """Connect, send one request and read its answer within `timeout` seconds in all. Closes the
    connection. Raises NotSent or NoAnswer (above); any HTTP status is an Answer."""
    deadline = Deadline(timeout, lambda: connection.sock)
    try:
        with deadline:
            try:
                connection.connect()
            except OSError as exc:
                if deadline.expired:
                    raise NotSent("timed out") from None
                raise NotSent(why(exc), exc) from None
            try:
                # Written into http.client's buffer only: a path or header that cannot be written (a
                # character outside Latin-1, a line break) fails here, with nothing sent.
                connection.putrequest(method, path)
                for name, value in headers.items():
                    connection.putheader(name, value)
                if body is not None:
                    connection.putheader("Content-Length", str(len(body)))
            except (ValueError, http.client.HTTPException) as exc:
                raise NotSent(why(exc), exc) from None
            # The line between the two: past here, bytes of the request may reach the server. (A
            # deadline passing between this test and the first byte makes a NoAnswer: the safe side.)
            if deadline.expired:
                raise NotSent("timed out")
            try:
                connection.endheaders(body)
                response = connection.getresponse()
                payload = response.read(max_bytes + 1)
            except (OSError, http.client.HTTPException) as exc:
                if deadline.expired:
                    raise NoAnswer("timed out") from None
                raise NoAnswer(why(exc), exc) from None
            if not deadline.finish():
                # The socket was shut down under the read: what was read may be cut short.
                raise NoAnswer("timed out")
    finally:
        connection.close()
    return Answer(status=response.status, body=payload[:max_bytes], headers=response.headers,
                  truncated=len(payload) > max_bytes)
