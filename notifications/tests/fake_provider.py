"""A local stand-in for Africa's Talking's SMS endpoint, started by the tests (and the benchmark).

It speaks the documented protocol: POST /version1/messaging, form-encoded, apiKey header, a JSON reply
with SMSMessageData.Recipients. It records every accepted message, and can fail a share of requests.
"""

import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from .local_server import LocalServer


class FakeAfricasTalking(LocalServer):
    def __init__(self, *, api_key="test-key", failure_rate=0.0, status_code=101, seed=1, latency=0.0,
                 error_body="Internal Server Error"):
        self.api_key = api_key
        self.latency = latency  # seconds before answering, like a real provider across the internet
        self.error_body = error_body
        self.failure_rate = failure_rate
        self.status_code = status_code
        self.requests = []  # every request: (headers with lower-case names, form dict)
        self.accepted = []  # form dicts of messages answered as sent
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._serve(ThreadingHTTPServer)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _reply(self, code, body):
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with fake._lock:
                    fake.requests.append(({k.lower(): v for k, v in self.headers.items()}, form))
                    fail = fake._random.random() < fake.failure_rate
                if fake.latency:
                    time.sleep(fake.latency)
                if self.path != "/version1/messaging":
                    return self._reply(404, "Not found")
                if self.headers.get("apiKey") != fake.api_key:
                    return self._reply(401, "The supplied authentication is invalid")
                if fail:
                    return self._reply(500, fake.error_body)
                code = fake.status_code
                with fake._lock:
                    if code in (100, 101, 102):
                        fake.accepted.append(form)
                    message_id = f"ATXid_{len(fake.requests)}"
                return self._reply(201, {"SMSMessageData": {
                    "Message": "Sent to 1/1 Total Cost: KES 0.8000",
                    "Recipients": [{
                        "statusCode": code, "number": form.get("to", ""),
                        "status": "Success" if code in (100, 101, 102) else "InvalidPhoneNumber",
                        "cost": "KES 0.8000", "messageId": message_id,
                    }],
                }})

        return Handler
