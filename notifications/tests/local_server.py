"""What the fake providers share: a threaded server on a free loopback port, run while in a `with` block,
and a request handler that answers JSON quietly."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler


class JsonHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    def _reply(self, code, body):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting: nobody hears this answer


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
    meanwhile, so a test can kill a worker while it is inside that request."""

    def _stalls(self, hang_seconds):
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

    def _stall(self, hang, hold):
        if hang:
            time.sleep(self.hang_seconds)
        if hold:
            self.held.set()
            self._release.wait(30)
