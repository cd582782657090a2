"""A local stand-in for Safaricom's Daraja API, started by the tests.

It speaks the documented shapes: OAuth (GET /oauth/v1/generate?grant_type=client_credentials with
Basic auth: {"access_token", "expires_in"}), M-Pesa Express (POST /mpesa/stkpush/v1/processrequest:
checks the Bearer token, every field, the Password against shortcode + passkey + Timestamp, a whole
Amount, a 2547/2541 phone and AccountReference <= 12; answers MerchantRequestID, CheckoutRequestID,
ResponseCode "0"...), C2B URL registration (POST /mpesa/c2b/v1/registerurl) and its status query (POST /mpesa/stkpushquery/v1/query: ResultCode/ResultDesc
once the owner answered, else HTTP 500 errorCode 500.001.1001). Refusals are Daraja's
{"requestId", "errorCode", "errorMessage"}.

The owner's phone is the test: `answer(checkout_id, result_code)` settles a push and builds the
callback Daraja would POST (Body.stkCallback with CallbackMetadata.Item[{Name, Value}]);
`call_back(...)` POSTs it to the push's CallBackURL over real HTTP. `paybill(...)` builds (and
`post_json` sends) a C2B confirmation, as a Paybill payment made from the owner's phone.

Misbehaviour: fail_next (HTTP 503 on a push, nothing recorded), trickle_next (push recorded, its
answer sent one byte every trickle_interval seconds), odd_answer (the next push answered
with a given status and raw body), expire_token() / refuse_every_token (Bearer tokens refused with
401 "404.001.03" Invalid Access Token), hang_next (push recorded, answer only
after hang_seconds: past the client's timeout), hold_next (push recorded, answer held until
release(); `held` is set), refuse()/resume() (nothing listening).
"""

import base64
import json
import re
import threading
import time
import urllib.request
from http.server import ThreadingHTTPServer

from notifications.tests.local_server import JsonHandler, StallingServer

PUSH_FIELDS = ("BusinessShortCode", "Password", "Timestamp", "TransactionType", "Amount", "PartyA", "PartyB",
               "PhoneNumber", "CallBackURL", "AccountReference", "TransactionDesc")
RESULT_DESCS = {
    0: "The service request is processed successfully.",
    1: "The balance is insufficient for the transaction.",
    1032: "Request cancelled by user",
    1037: "DS timeout user cannot be reached",
    2001: "The initiator information is invalid.",
}


class FakeDaraja(StallingServer):
    def __init__(self, *, consumer_key="fake-consumer-key", consumer_secret="fake-consumer-secret-0123456789",
                 shortcode="174379", passkey="bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",
                 hang_seconds=3.0):
        self.consumer_key, self.consumer_secret = consumer_key, consumer_secret
        self.shortcode, self.passkey = shortcode, passkey
        self.token = "fakeToken" + "x" * 20
        self.tokens_issued = 0
        self.pushes = []  # bodies of the pushes it took (the phone prompted)
        self.requests = []  # (path, headers, body) of every request
        self.results = {}  # CheckoutRequestID -> ResultCode once the owner answered
        self.registered = None  # the last C2B register-URL body
        self.fail_next = 0
        # (HTTP status, raw body) for the next push instead of Daraja's answer; a 2xx one records the
        # push (the phone is prompted, the answer is odd), any other does not.
        self.odd_answer = None
        self.refuse_every_token = False  # every Bearer token is "Invalid Access Token", even new ones
        self._stalls(hang_seconds)
        self._lock = threading.Lock()
        self._counter = 0
        self._serve(ThreadingHTTPServer)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def expire_token(self):
        """The token handed out is no longer valid (expired early, revoked): the next one is new."""
        self.token = f"fakeToken{self.tokens_issued + 1:x}" + "y" * 20

    def push_for(self, checkout_id):
        return next(body for body, cid in self.pushes if cid == checkout_id)

    @property
    def checkout_ids(self):
        return [cid for _, cid in self.pushes]

    # --- the owner's phone ---------------------------------------------------------------------
    def answer(self, checkout_id, result_code=0, *, amount=None, receipt=None, phone=None):
        """The owner answers the prompt; returns the callback body Daraja would POST."""
        push = self.push_for(checkout_id)
        self.results[checkout_id] = result_code
        body = {"Body": {"stkCallback": {
            "MerchantRequestID": push["_merchant_id"], "CheckoutRequestID": checkout_id,
            "ResultCode": result_code, "ResultDesc": RESULT_DESCS.get(result_code, "Failed"),
        }}}
        if result_code == 0:
            with self._lock:
                self._counter += 1
                number = self._counter
            body["Body"]["stkCallback"]["CallbackMetadata"] = {"Item": [
                {"Name": "Amount", "Value": float(push["Amount"] if amount is None else amount)},
                {"Name": "MpesaReceiptNumber", "Value": receipt or f"SKL{number:07d}"},
                {"Name": "Balance"},
                {"Name": "TransactionDate", "Value": int(time.strftime("%Y%m%d%H%M%S"))},
                {"Name": "PhoneNumber", "Value": int(phone or push["PhoneNumber"])},
            ]}
        return body

    def call_back(self, checkout_id, result_code=0, **kwargs):
        """Answer the prompt and POST the callback to the push's CallBackURL; returns (status, body)."""
        body = self.answer(checkout_id, result_code, **kwargs)
        return post_json(self.push_for(checkout_id)["CallBackURL"], body)

    def paybill(self, *, amount, account, trans_id, msisdn="254708374149", first_name="WANJIKU",
                shortcode=None, when="20261203143005"):
        """A C2B confirmation as Daraja POSTs it after an owner pays the Paybill."""
        masked = msisdn[:6] + "*****" + msisdn[-3:]  # Daraja masks the payer's number since 2021
        return {"TransactionType": "Pay Bill", "TransID": trans_id, "TransTime": when, "TransAmount": str(amount),
                "BusinessShortCode": shortcode or self.shortcode, "BillRefNumber": account, "InvoiceNumber": "",
                "OrgAccountBalance": "49197.00", "ThirdPartyTransID": "", "MSISDN": masked,
                "FirstName": first_name, "MiddleName": "", "LastName": ""}

    def _handler(self):
        fake = self

        class Handler(JsonHandler):
            def _error(self, status, code, message):
                return self._reply(status, {"requestId": "fake-1", "errorCode": code, "errorMessage": message})

            def do_GET(self):
                headers = {k.lower(): v for k, v in self.headers.items()}
                fake.requests.append((self.path, headers, None))
                if not self.path.startswith("/oauth/v1/generate?grant_type=client_credentials"):
                    return self._error(404, "404.001.01", "Resource not found")
                basic = base64.b64encode(f"{fake.consumer_key}:{fake.consumer_secret}".encode()).decode()
                if headers.get("authorization") != f"Basic {basic}":
                    return self._error(400, "400.008.01", "Invalid Authentication passed")
                fake.tokens_issued += 1
                return self._reply(200, {"access_token": fake.token, "expires_in": "3599"})

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._error(400, "400.002.02", "Bad Request - Invalid Body")
                fake.requests.append((self.path, headers, body))
                if headers.get("authorization") != f"Bearer {fake.token}" or fake.refuse_every_token:
                    return self._error(401, "404.001.03", "Invalid Access Token")
                if self.path == "/mpesa/c2b/v1/registerurl":
                    return self._register(body)
                if not self._password_ok(body):
                    return self._error(400, "400.002.02", "Bad Request - Invalid Password")
                if self.path == "/mpesa/stkpush/v1/processrequest":
                    return self._push(body)
                if self.path == "/mpesa/stkpushquery/v1/query":
                    return self._query(body)
                return self._error(404, "404.001.01", "Resource not found")

            def _password_ok(self, body):
                stamp = str(body.get("Timestamp", ""))
                expected = base64.b64encode(f"{fake.shortcode}{fake.passkey}{stamp}".encode()).decode()
                return (re.fullmatch(r"\d{14}", stamp) is not None and body.get("Password") == expected
                        and str(body.get("BusinessShortCode")) == fake.shortcode)

            def _push(self, body):
                with fake._lock:
                    if fake.fail_next:
                        fake.fail_next -= 1
                        return self._error(503, "503.001.01", "Service Unavailable")
                    odd, fake.odd_answer = fake.odd_answer, None
                if odd is not None:
                    status, raw = odd
                    if 200 <= status < 300:
                        with fake._lock:
                            fake._counter += 1
                            fake.pushes.append(({**body, "_merchant_id": "odd"}, f"ws_CO_odd{fake._counter}"))
                    return self._reply(status, raw)
                missing = [f for f in PUSH_FIELDS if f not in body]
                if missing:
                    return self._error(400, "400.002.02", f"Bad Request - Invalid {missing[0]}")
                if not isinstance(body["Amount"], int) or body["Amount"] < 1:
                    return self._error(400, "400.002.02", "Bad Request - Invalid Amount")
                if not re.fullmatch(r"254[71]\d{8}", str(body["PhoneNumber"])) or body["PartyA"] != body["PhoneNumber"]:
                    return self._error(400, "400.002.02", "Bad Request - Invalid PhoneNumber")
                if len(body["AccountReference"]) > 12 or not body["AccountReference"]:
                    return self._error(400, "400.002.02", "Bad Request - Invalid AccountReference")
                if body["TransactionType"] != "CustomerPayBillOnline" or str(body["PartyB"]) != fake.shortcode:
                    return self._error(400, "400.002.02", "Bad Request - Invalid TransactionType")
                with fake._lock:
                    fake._counter += 1
                    n = fake._counter
                    checkout = f"ws_CO_0312202614{n:06d}"
                    body = {**body, "_merchant_id": f"29115-3462{n:04d}-1"}
                    fake.pushes.append((body, checkout))
                    hang, hold = fake._take_stall()
                    self.trickle = fake._take_trickle()
                fake._stall(hang, hold)
                return self._reply(200, {"MerchantRequestID": body["_merchant_id"], "CheckoutRequestID": checkout,
                                         "ResponseCode": "0",
                                         "ResponseDescription": "Success. Request accepted for processing",
                                         "CustomerMessage": "Success. Request accepted for processing"})

            def _register(self, body):
                if str(body.get("ShortCode")) != fake.shortcode or body.get("ResponseType") not in ("Completed",
                                                                                                  "Cancelled"):
                    return self._error(400, "400.002.02", "Bad Request - Invalid ShortCode")
                if not str(body.get("ConfirmationURL", "")).startswith(("http://", "https://")):
                    return self._error(400, "400.002.02", "Bad Request - Invalid ConfirmationURL")
                fake.registered = body
                return self._reply(200, {"OriginatorCoversationID": "fake-1", "ResponseCode": "0",
                                         "ResponseDescription": "success"})

            def _query(self, body):
                checkout = body.get("CheckoutRequestID")
                if checkout not in fake.checkout_ids:
                    return self._error(400, "400.002.02", "Bad Request - Invalid CheckoutRequestID")
                if checkout not in fake.results:
                    return self._error(500, "500.001.1001", "The transaction is being processed")
                code = fake.results[checkout]
                return self._reply(200, {"ResponseCode": "0",
                                         "ResponseDescription": "The service request has been accepted successsfully",
                                         "MerchantRequestID": fake.push_for(checkout)["_merchant_id"],
                                         "CheckoutRequestID": checkout, "ResultCode": str(code),
                                         "ResultDesc": RESULT_DESCS.get(code, "Failed")})

        return Handler


def post_json(url, body):
    """POST a JSON body over real HTTP, as Daraja calls us back; returns (status, parsed answer or text)."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")
