"""What the fake providers share: a threaded server on a free loopback port, run while in a `with` block,
and a request handler that answers JSON quietly."""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler
from socketserver import StreamRequestHandler, ThreadingTCPServer


class JsonHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    trickle = 0.0  # seconds between the answer's bytes (set per request by a fake that trickles)

    def _reply(self, code, body):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        try:
            if self.trickle:
                return self._trickle(code, data)
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting: nobody hears this answer

    def _trickle(self, code, data):
        """The whole answer, status line first, one byte every `trickle` seconds."""
        self.close_connection = True
        head = (f"HTTP/1.1 {code} {self.responses.get(code, ('',))[0]}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n")
        for byte in head.encode() + data:
            time.sleep(self.trickle)
            self.wfile.write(bytes([byte]))


class LocalServer:
    def _serve(self, server_class, port=0):
        self._server_class = server_class
        self._server = server_class(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self):
        return self._server.server_address[1]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def refuse(self):
        """Stop listening: new connections are refused (ECONNREFUSED), as from a provider that is down."""
        self._port = self.port
        self.__exit__()
        self._server = None

    def resume(self):
        """Listen again on the same port."""
        self._serve(self._server_class, self._port)
        self._thread.start()

    def _handler(self):
        raise NotImplementedError


class StallingServer(LocalServer):
    """A fake that can record a request and then answer late: `hang_next` requests answer only after
    `hang_seconds` (past the client's timeout); `hold_next` waits for `release()`, with `held` set
    meanwhile, so a test can kill a worker while it is inside that request; `trickle_next` requests
    are answered one byte every `trickle_interval` seconds (each read well inside a client's per-read
    timeout, the whole answer far past it)."""

    def _stalls(self, hang_seconds):
        self.trickle_next = 0
        self.trickle_interval = 0.25
        self.hang_next = 0
        self.hang_seconds = hang_seconds
        self.hold_next = False
        self.held = threading.Event()
        self._release = threading.Event()

    def release(self):
        self._release.set()

    def _take_stall(self):
        """Which stall the current request gets; call it under the fake's lock."""
        hang = self.hang_next > 0
        self.hang_next -= hang
        hold, self.hold_next = self.hold_next, False
        return hang, hold

    def _take_trickle(self):
        """The current request's byte interval (0: answered at once); call it under the fake's lock."""
        trickle = self.trickle_next > 0
        self.trickle_next -= trickle
        return self.trickle_interval if trickle else 0.0

    def _stall(self, hang, hold):
        if hang:
            time.sleep(self.hang_seconds)
        if hold:
            self.held.set()
            self._release.wait(30)


def raw_http(status: int, body: bytes, content_type: str = "application/json", **headers: str) -> bytes:
    """An HTTP/1.1 answer as bytes, for TricklingServer(answer=...); headers as Retry_After="120"."""
    extra = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    return (f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"{extra}Connection: close\r\n\r\n").encode() + body


class TricklingServer(LocalServer):
    """Accepts the connection, reads the whole request (`requests` counts them: the server has it),
    then answers `answer` one byte every `interval` seconds: each read gets a byte well within any
    per-read timeout, while the whole answer takes len(answer) × interval. `before_request=True`
    trickles before reading anything (a server, or a TLS handshake, that never lets the request go).
    `interval=0` sends `answer` at once: any raw answer, however odd (with `endless`, followed by
    blanks for as long as the client reads)."""

    def __init__(self, *, answer=None, interval=1.0, before_request=False, endless=False):
        body = b'{"ok": true}'
        self.answer = answer or (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
        self.interval = interval
        self.before_request = before_request
        self.endless = endless  # after `answer`, blanks without end (an answer with no length and no end)
        self.written = 0  # bytes of answer written, all connections together
        self.requests = 0
        self.stop = threading.Event()
        self._serve(ThreadingTCPServer)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        self.stop.set()
        super().__exit__(*exc)

    def _handler(self):
        fake = self

        class Handler(StreamRequestHandler):
            def handle(self):
                if not fake.before_request:
                    head = b""
                    while (line := self.rfile.readline()) not in (b"\r\n", b""):
                        head += line
                    length = re.search(rb"(?i)content-length:\s*(\d+)", head)
                    self.rfile.read(int(length.group(1)) if length else 0)
                    fake.requests += 1
                if not fake.interval:
                    try:
                        self.wfile.write(fake.answer)  # a canned answer, all at once
                        fake.written += len(fake.answer)
                        while fake.endless and not fake.stop.is_set():
                            self.wfile.write(b" " * 65536)
                            fake.written += 65536
                    except OSError:
                        pass  # the client stopped reading and hung up
                    return
                for byte in fake.answer:
                    if fake.stop.wait(fake.interval):
                        return
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return  # the client gave up

        return Handler
