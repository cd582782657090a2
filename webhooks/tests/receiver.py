"""A webhook receiver on a free loopback port, checking each request the way docs/webhooks.md tells a
receiver to: its `verify` function is taken from the docs' Python block and run as written."""

import http.server
import re
import threading
from pathlib import Path

from notifications.tests.local_server import LocalServer

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def docs_block(marker: str) -> str:
    """The fenced code block right after `<!-- marker -->` in docs/webhooks.md."""
    match = re.search(rf"<!-- {marker} -->\n```\w+\n(.*?)```", DOCS.read_text(), re.DOTALL)
    assert match, f"docs/webhooks.md has no {marker} block"
    return match.group(1)


def docs_verify():
    namespace: dict = {}
    exec(compile(docs_block("verify-python"), str(DOCS), "exec"), namespace)  # noqa: S102 - our own docs
    return namespace["verify"]


class Receiver(LocalServer):
    """Answers each POST with the next status of `statuses` (then `default`), recording what came:
    headers, raw body and whether the docs' verify() accepted it. `hang` makes it hold requests
    unanswered until `release` is set (a receiver, or a network, that never answers)."""

    def __init__(self, *, secret: str = ""):
        self.secret = secret
        self.statuses: list[int] = []
        self.default = 200
        self.requests: list[dict] = []
        self.hang = threading.Event()
        self.release = threading.Event()
        self.arrived = threading.Event()
        self.verify = docs_verify()
        self._lock = threading.Lock()
        self._serve(http.server.ThreadingHTTPServer)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/concierge?source=shop"

    def _handler(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                record = {"path": self.path, "headers": headers, "body": body,
                          "verified": receiver.verify(receiver.secret, body, headers.get("x-concierge-timestamp"),
                                                      headers.get("x-concierge-signature"))}
                with receiver._lock:
                    receiver.requests.append(record)
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.default
                receiver.arrived.set()
                if receiver.hang.is_set():
                    receiver.release.wait(60)
                # As the docs tell a receiver: a request that fails the check is refused.
                if not record["verified"]:
                    status = 400
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler
