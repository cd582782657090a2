"""What the fake providers share: a threaded server on a free loopback port, run while in a `with` block."""

import threading


class LocalServer:
    def _serve(self, server_class):
        self._server = server_class(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self):
        return self._server.server_address[1]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        raise NotImplementedError
