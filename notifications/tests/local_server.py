"""What the fake providers share: a threaded server on a free loopback port, run while in a `with` block,
and a request handler that answers JSON quietly."""

import json
import threading
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
