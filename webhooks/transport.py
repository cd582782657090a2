"""Sending one signed POST to a checked address (addresses.resolve), and saying what came of it.

http.client rather than a client library, like notifications' and eTIMS' clients: the connection is
made to the address we checked (not to whatever the name resolves to a moment later), with the URL's
host as the Host header and the TLS server name, so the certificate is still checked against the name.
Redirects are not followed: a redirect could lead anywhere, past the address checks. The exchange runs
under concierge.http_deadline: it ends within WEBHOOKS_TIMEOUT_SECONDS, however slowly the receiver
answers.
"""

import dataclasses
import http.client
import socket
import ssl

from concierge.http_deadline import NoAnswer, NotSent, exchange

from .addresses import Target

USER_AGENT = "NdegwaConcierge-Webhooks/1"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        # Kept on the connection during the handshake too, so the exchange's deadline can cut it.
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclasses.dataclass(frozen=True)
class Result:
    """What one attempt came to: `status` the HTTP status (None: no answer), `error` why not delivered
    (empty when delivered), and whether another attempt may succeed."""

    status: int | None
    error: str
    retry: bool
    retry_after: float | None = None  # the receiver's Retry-After, in seconds

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


# The receiver hung up on the handshake (reset, or closed mid-way): nothing was sent and a later
# attempt may get through. Any other TLS failure (a certificate that does not match the name, no
# protocol or cipher in common) will fail the same way next time.
_TLS_CUT = (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError)


def _not_sent(exc: NotSent) -> Result:
    cause = exc.cause
    if isinstance(cause, ssl.SSLError) and not isinstance(cause, _TLS_CUT):
        return Result(None, f"TLS failed: {cause.reason or type(cause).__name__}"[:300], retry=False)
    return Result(None, f"could not connect ({exc.why})", retry=True)


def post(*, target: Target, body: bytes, headers: dict[str, str], timeout: float) -> Result:
    """One POST, connect to complete answer within `timeout` seconds (concierge.http_deadline: a
    receiver trickling its answer does not hold the worker). The answer's body is not kept: its status is."""
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    try:
        answer = exchange(cls(target, timeout), "POST", target.path, body=body, timeout=timeout, max_bytes=4096,
                          headers={**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT})
    except NotSent as exc:
        return _not_sent(exc)
    except NoAnswer as exc:
        if exc.why == "timed out":
            return Result(None, f"no answer within {timeout:g} s", retry=True)
        return Result(None, f"connection lost ({exc.why})", retry=True)
    status = answer.status
    if 200 <= status < 300:
        return Result(status, "", retry=False)
    if status in (408, 429) or status >= 500:
        return Result(status, f"HTTP {status}: will retry", retry=True, retry_after=answer.retry_after())
    if 300 <= status < 400:
        return Result(status, f"HTTP {status}: redirects are not followed; register the final URL", retry=False)
    return Result(status, f"HTTP {status}: the receiver refused it", retry=False)
