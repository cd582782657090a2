"""What the fake providers share: a threaded server on a free loopback port, run while in a `with` block."""

import threading


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
