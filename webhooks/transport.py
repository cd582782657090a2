"""Sending one signed POST to a checked address (addresses.resolve), and saying what came of it.

http.client rather than a client library, like notifications' and eTIMS' clients: the connection is
made to the address we checked (not to whatever the name resolves to a moment later), with the URL's
host as the Host header and the TLS server name, so the certificate is still checked against the name.
Redirects are not followed: a redirect could lead anywhere, past the address checks.
"""

import dataclasses
import http.client
import socket
import ssl

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
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclasses.dataclass(frozen=True)
class Result:
    """What one attempt came to: `status` the HTTP status (None: no answer), `error` why not delivered
    (empty when delivered), and whether another attempt may succeed."""

    status: int | None
    error: str
    retry: bool

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(*, target: Target, body: bytes, headers: dict[str, str], timeout: float) -> Result:
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = cls(target, timeout)
    try:
        try:
            connection.connect()
        except ssl.SSLError as exc:
            # A certificate that does not match the name will not match on the next try either.
            return Result(None, f"TLS failed: {exc.reason or type(exc).__name__}"[:300], retry=False)
        except OSError as exc:
            return Result(None, f"could not connect ({type(exc).__name__})", retry=True)
        try:
            connection.request("POST", target.path, body=body, headers={
                **headers, "Content-Type": "application/json", "User-Agent": USER_AGENT,
            })
            response = connection.getresponse()
            response.read(4096)  # the receiver's answer is not kept: only its status
        except TimeoutError:
            return Result(None, f"no answer within {timeout:g} s", retry=True)
        except (OSError, http.client.HTTPException) as exc:
            return Result(None, f"connection lost ({type(exc).__name__})", retry=True)
    finally:
        connection.close()
    status = response.status
    if 200 <= status < 300:
        return Result(status, "", retry=False)
    if status in (408, 429) or status >= 500:
        return Result(status, f"HTTP {status}: will retry", retry=True)
    if 300 <= status < 400:
        return Result(status, f"HTTP {status}: redirects are not followed; register the final URL", retry=False)
    return Result(status, f"HTTP {status}: the receiver refused it", retry=False)
