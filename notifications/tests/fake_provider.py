"""A local stand-in for Africa's Talking's SMS endpoint, started by the tests (and the benchmark).

It speaks the documented protocol: POST /version1/messaging, form-encoded, apiKey header, a JSON reply
with SMSMessageData.Recipients. It records every request and every message it took (`accepted`: the
provider has the text), and can misbehave the ways a provider across the internet does:

- failure_rate: answer HTTP `error_status` (500) with `error_body`: the text is not taken.
- hang_rate: take the text, then answer only after `hang_seconds` (past the client's timeout).
- drop_rate: take the text, then close the connection without an answer.
- hold_request: take the text of request number N, then wait until `release()` before answering
  (`held` is set meanwhile): a test can kill the worker while it is inside that request.
- refuse() / resume(): stop listening (connection refused) and listen again on the same port.
- status_code: the per-recipient code of every answer (101 Processed; 403, 405, 406… refusals).
- sender_ids: the sender IDs the account has; a text `from` any other is refused with 402 InvalidSenderId.

Delivery reports, as the provider posts them to the callback URL set in its dashboard: with
`delivery_report_url` set, after answering a send it takes, it POSTs (form-encoded `id`, `status`,
`phoneNumber`, `networkCode`, `failureReason` for failures, `retryCount`) one report per entry of
`delivery_reports`, a list of (status, failureReason) in order, over real HTTP. `post_report()`
posts one by hand (a duplicate, an unknown id, a wrong URL); `wait_for_reports(n)` waits until n
were answered. Each answered report is in `reports_posted` as (form, HTTP status).

Incoming messages, as the provider posts a text an owner sent to the shop's number to the incoming-
messages callback URL: `post_inbound(text=..., phone=...)` POSTs form-encoded `from`, `to`, `text`,
`date`, `id` and `linkId` to `inbound_url` over real HTTP and returns the app's HTTP status; each is
in `inbound_posted` as (form, HTTP status). A retry of the same message: pass its `message_id` again.
"""

import itertools
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

from .local_server import JsonHandler, LocalServer

ACCEPTED = (100, 101, 102)
REFUSALS = {
    401: "RiskHold", 402: "InvalidSenderId", 403: "InvalidPhoneNumber", 404: "UnsupportedNumberType",
    405: "InsufficientBalance", 406: "UserInBlacklist", 407: "CouldNotRoute", 500: "InternalServerError",
    501: "GatewayError", 502: "RejectedByGateway",
}


class FakeAfricasTalking(LocalServer):
    def __init__(self, *, api_key="test-key", failure_rate=0.0, status_code=101, seed=1, latency=0.0,
                 error_body="Internal Server Error", error_status=500, hang_rate=0.0, hang_seconds=3.0,
                 drop_rate=0.0, hold_request=None, delivery_report_url=None, delivery_reports=(),
                 network_code="63902", hold_reports=False, inbound_url=None, short_code="20880",
                 sender_ids=None):
        self.api_key = api_key
        # The sender IDs registered to the account: a text `from` another one is refused (402 InvalidSenderId).
        self.sender_ids = sender_ids
        self.delivery_report_url = delivery_report_url
        self.delivery_reports = list(delivery_reports)
        self.network_code = network_code  # 63902: Safaricom
        self.reports_posted = []  # (form, HTTP status of the app's answer)
        self.inbound_url = inbound_url
        self.short_code = short_code  # the shop's number the owners text
        self.inbound_posted = []  # (form, HTTP status of the app's answer)
        self._inbound_ids = itertools.count(1)
        # Held: reports wait for release_reports() (the test lets the app record the send first).
        self._reports_go = threading.Event()
        if not hold_reports:
            self._reports_go.set()
        self._reports_answered = threading.Condition()
        self.latency = latency  # seconds before answering, like a real provider across the internet
        self.error_body = error_body
        self.error_status = error_status
        self.failure_rate = failure_rate
        self.hang_rate = hang_rate
        self.hang_seconds = hang_seconds
        self.drop_rate = drop_rate
        self.hold_request = hold_request
        self.held = threading.Event()
        self._release = threading.Event()
        self.status_code = status_code
        self.requests = []  # every request: (headers with lower-case names, form dict)
        self.accepted = []  # form dicts of messages the provider took (it has the text)
        self.faults = {"failed": 0, "hung": 0, "dropped": 0, "held": 0}
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._serve(ThreadingHTTPServer)

    def release(self):
        self._release.set()

    def _fault(self, number):
        """What to do with request number `number`: one random draw per request, reproducible by seed."""
        draw = self._random.random()
        if self.hold_request == number:
            return "held"
        for fault, rate in (("failed", self.failure_rate), ("hung", self.hang_rate), ("dropped", self.drop_rate)):
            if draw < rate:
                return fault
            draw -= rate
        return None

    def post_report(self, *, message_id, status, phone, failure_reason="", retry_count=0, url=None):
        """POST one delivery report to the app, as the provider does; returns the HTTP status."""
        form = {"id": message_id, "status": status, "phoneNumber": phone, "networkCode": self.network_code,
                "retryCount": str(retry_count)}
        if failure_reason:
            form["failureReason"] = failure_reason
        request = urllib.request.Request(
            url or self.delivery_report_url, data=urlencode(form).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                code = response.status
        except urllib.error.HTTPError as error:
            code = error.code
        with self._reports_answered:
            self.reports_posted.append((form, code))
            self._reports_answered.notify_all()
        return code

    def post_inbound(self, *, text, phone, message_id=None, url=None, link_id=""):
        """POST one incoming text to the app, as the provider does; returns the HTTP status."""
        form = {
            "from": phone, "to": self.short_code, "text": text,
            "date": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
            "id": message_id if message_id is not None else f"inbound_{next(self._inbound_ids)}",
            "linkId": link_id,
        }
        code = self._post(url or self.inbound_url, form)
        self.inbound_posted.append((form, code))
        return code

    @staticmethod
    def _post(url, form):
        request = urllib.request.Request(url, data=urlencode(form).encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _report_later(self, message_id, phone):
        def post_all():
            self._reports_go.wait(30)
            for status, reason in self.delivery_reports:
                self.post_report(message_id=message_id, status=status, phone=phone, failure_reason=reason or "")

        threading.Thread(target=post_all, daemon=True).start()

    def release_reports(self):
        self._reports_go.set()

    def wait_for_reports(self, count, timeout=20):
        """Until `count` reports have been answered by the app (a bound, not a measurement)."""
        with self._reports_answered:
            if not self._reports_answered.wait_for(lambda: len(self.reports_posted) >= count, timeout):
                raise AssertionError(f"{len(self.reports_posted)} of {count} delivery reports answered")
        return self.reports_posted

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def _handler(self):
        fake = self

        class Handler(JsonHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with fake._lock:
                    fake.requests.append(({k.lower(): v for k, v in self.headers.items()}, form))
                    number = len(fake.requests)
                    fault = fake._fault(number)
                    if fault:
                        fake.faults[fault] += 1
                if fake.latency:
                    time.sleep(fake.latency)
                if self.path != "/version1/messaging":
                    return self._reply(404, "Not found")
                if self.headers.get("apiKey") != fake.api_key:
                    return self._reply(401, "The supplied authentication is invalid")
                if fault == "failed":
                    return self._reply(fake.error_status, fake.error_body)
                code = fake.status_code
                if fake.sender_ids is not None and "from" in form and form["from"] not in fake.sender_ids:
                    code = 402
                with fake._lock:
                    if code in ACCEPTED:
                        fake.accepted.append(form)
                if fault == "dropped":
                    # The text is taken; the answer never leaves.
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return None
                if fault == "hung":
                    time.sleep(fake.hang_seconds)
                if fault == "held":
                    fake.held.set()
                    fake._release.wait(60)
                if code in ACCEPTED and fake.delivery_report_url:
                    # After the answer below has left (the app records the id as the reports come).
                    fake._report_later(f"ATXid_{number}", form.get("to", ""))
                try:
                    return self._reply(201, {"SMSMessageData": {
                        "Message": "Sent to 1/1 Total Cost: KES 0.8000" if code in ACCEPTED else "Sent to 0/1",
                        "Recipients": [{
                            "statusCode": code, "number": form.get("to", ""),
                            "status": "Success" if code in ACCEPTED else REFUSALS.get(code, "Failed"),
                            "cost": "KES 0.8000" if code in ACCEPTED else "0", "messageId": f"ATXid_{number}",
                        }],
                    }})
                except OSError:
                    return None  # the client gave up waiting (hung, held): nobody hears this answer

        return Handler
