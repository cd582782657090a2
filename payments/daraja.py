"""Safaricom Daraja over HTTP: OAuth, M-Pesa Express (STK push) and its status query.

- GET  /oauth/v1/generate?grant_type=client_credentials, Basic auth (consumer key:secret):
  {"access_token", "expires_in"} (seconds, as a string). Kept in this process's memory only.
- POST /mpesa/stkpush/v1/processrequest, Bearer token: BusinessShortCode, Password
  (base64(shortcode + passkey + timestamp)), Timestamp (YYYYMMDDHHMMSS, Nairobi time),
  TransactionType, Amount (whole shillings), PartyA, PartyB, PhoneNumber (2547...), CallBackURL,
  AccountReference (<= 12 characters), TransactionDesc. Answer: MerchantRequestID,
  CheckoutRequestID, ResponseCode ("0": the push was accepted), ResponseDescription, CustomerMessage;
  a refusal is {"requestId", "errorCode", "errorMessage"} with an HTTP 4xx/5xx.
- POST /mpesa/stkpushquery/v1/query: BusinessShortCode, Password, Timestamp, CheckoutRequestID.
  Answer: ResponseCode, ResultCode ("0" paid, "1032" cancelled, "1037" no answer from the phone, "1"
  insufficient balance, ...), ResultDesc; while the owner has not answered yet, HTTP 500 with
  errorCode 500.001.1001 ("The transaction is being processed").

What a failure of the push means decides what the outbox may do (docs/payments.md):
- TransientError: Daraja provably never got the push (connection refused, connect timeout, no
  token): tried again later.
- RejectedError: Daraja read it and refused it: nothing reached the phone.
- UncertainError: the push may have reached Daraja and the phone, but its answer was lost (read
  timeout, dropped connection, HTTP 5xx, a 2xx without Daraja's ResponseCode): never pushed again;
  the status query settles it. A 3xx/4xx, whatever its body, is a refusal.

http.client through concierge.http_deadline, as etims/client.py: a failure to connect (nothing sent)
is told apart from one after the request left, and each exchange ends within MPESA_TIMEOUT however
slowly Daraja answers. A token Daraja refuses is renewed once and the request sent once more.
Nothing here logs: the token, the secret, the passkey and the phone never reach a log.
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import json
import threading
import time
import urllib.parse
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from concierge.http_deadline import Answer, NoAnswer, NotSent, exchange

NAIROBI = ZoneInfo("Africa/Nairobi")
# The query's "still waiting for the owner" answer.
PROCESSING_ERROR_CODE = "500.001.1001"
# "Invalid Access Token" (with HTTP 401): the token expired early or was revoked.
INVALID_TOKEN_ERROR_CODE = "404.001.03"


class DarajaError(Exception):
    """The text is shown to staff and kept on the request: it names no phone, key or token."""


class TransientError(DarajaError):
    pass


class RejectedError(DarajaError):
    def __init__(self, code: str, message: str):
        # Daraja's codes are a dozen characters ("500.001.1001"): anything longer is not one, and
        # the text must fit the request's columns (result_code, status_message).
        code, message = code[:20], message[:150]
        super().__init__(f"M-Pesa refused the request: {code} {message}".strip())
        self.code, self.message = code, message


class UncertainError(DarajaError):
    pass


@dataclasses.dataclass(frozen=True)
class PushAccepted:
    merchant_request_id: str
    checkout_request_id: str
    customer_message: str


@dataclasses.dataclass(frozen=True)
class QueryResult:
    pending: bool  # the owner has not answered yet
    result_code: str
    result_desc: str


def timestamp(at: datetime | None = None) -> str:
    """Daraja's Timestamp: YYYYMMDDHHMMSS in Nairobi time."""
    return (at or datetime.now(tz=NAIROBI)).astimezone(NAIROBI).strftime("%Y%m%d%H%M%S")


def stk_password(*, shortcode: str, passkey: str, stamp: str) -> str:
    return base64.b64encode(f"{shortcode}{passkey}{stamp}".encode()).decode()


def _json_object(payload: bytes) -> dict[str, Any] | None:
    try:
        answer = json.loads(payload)
    except (ValueError, RecursionError):  # not JSON (an HTML error page), or nested past the parser
        return None
    return answer if isinstance(answer, dict) else None


def _token_refused(status: int, answer: dict[str, Any] | None) -> bool:
    return status == 401 or (answer is not None and answer.get("errorCode") == INVALID_TOKEN_ERROR_CODE)


# One token per (origin, key) for this process: asked for once, reused until a minute before it expires.
_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    with _tokens_lock:
        _tokens.clear()


class DarajaClient:
    def __init__(self, *, base_url: str, consumer_key: str, consumer_secret: str, shortcode: str, passkey: str,
                 timeout: float):
        base = urllib.parse.urlsplit(base_url.rstrip("/"))
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError("MPESA_BASE_URL must be an http(s) URL")
        self.scheme, self.host, self.port, self.path = base.scheme, base.hostname, base.port, base.path
        self._origin = base_url
        self._key, self._secret = consumer_key, consumer_secret
        self.shortcode, self._passkey, self.timeout = shortcode, passkey, timeout

    def __repr__(self) -> str:  # never the key, secret or passkey
        return f"DarajaClient({self.host!r}, shortcode={self.shortcode!r})"

    def _exchange(self, method: str, path: str, *, headers: dict[str, str], body: bytes | None = None) -> Answer:
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return exchange(cls(self.host, self.port, timeout=self.timeout), method, f"{self.path}{path}",
                        headers=headers, body=body, timeout=self.timeout)

    def _token(self) -> str:
        with _tokens_lock:
            cached = _tokens.get((self._origin, self._key))
            if cached and cached[1] > time.monotonic():
                return cached[0]
        basic = base64.b64encode(f"{self._key}:{self._secret}".encode()).decode()
        try:
            answer = self._exchange("GET", "/oauth/v1/generate?grant_type=client_credentials",
                                    headers={"Authorization": f"Basic {basic}", "Accept": "application/json"})
        except NotSent as exc:
            raise TransientError(f"M-Pesa (Daraja) not reached ({exc.why}): nothing was sent") from None
        except NoAnswer as exc:
            # Asking for a token pushes nothing: safe to try again.
            raise TransientError(f"no token from M-Pesa ({exc.why}): nothing was sent") from None
        status, payload = answer.status, answer.body
        if status >= 500 or status == 429:  # down, or too many token requests: try again later
            raise TransientError(f"M-Pesa's token service answered HTTP {status}: nothing was sent")
        try:
            answer = json.loads(payload)
            token, expires_in = str(answer["access_token"]), int(answer.get("expires_in") or 3599)
        except (ValueError, KeyError, TypeError, RecursionError):
            raise RejectedError(f"HTTP {status}", "no access token: check MPESA_CONSUMER_KEY / _SECRET") from None
        with _tokens_lock:
            _tokens[(self._origin, self._key)] = (token, time.monotonic() + max(expires_in - 60, 0))
        return token

    def _forget_token(self) -> None:
        with _tokens_lock:
            _tokens.pop((self._origin, self._key), None)

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        """POST with a token: (HTTP status, the JSON object answered or None). A token Daraja refuses
        (expired early, revoked) is renewed once and the request sent once more: Daraja refused it at
        the door without acting on it, so the second try cannot push twice. A second refusal is final."""
        data = json.dumps(body, separators=(",", ":")).encode()
        for last_try in (False, True):
            token = self._token()
            try:
                reply = self._exchange("POST", path, body=data, headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json",
                    "Accept": "application/json",
                })
            except NotSent as exc:
                raise TransientError(f"M-Pesa (Daraja) not reached ({exc.why}): nothing was sent") from None
            except NoAnswer as exc:
                raise UncertainError(f"no answer from M-Pesa after the request was sent ({exc.why})") from None
            answer = _json_object(reply.body)
            if not _token_refused(reply.status, answer):
                break
            self._forget_token()
            if last_try:
                break
        return reply.status, answer

    def _credentials(self) -> dict[str, str]:
        stamp = timestamp()
        return {"BusinessShortCode": self.shortcode,
                "Password": stk_password(shortcode=self.shortcode, passkey=self._passkey, stamp=stamp),
                "Timestamp": stamp}

    def stk_push(self, *, amount: int, phone: str, account_reference: str, description: str,
                 callback_url: str) -> PushAccepted:
        """Ask the owner's phone for `amount` shillings. phone: 2547XXXXXXXX / 2541XXXXXXXX."""
        if len(account_reference) > 12:
            raise ValueError("AccountReference is at most 12 characters")
        body = {**self._credentials(), "TransactionType": "CustomerPayBillOnline", "Amount": int(amount),
                "PartyA": phone, "PartyB": self.shortcode, "PhoneNumber": phone, "CallBackURL": callback_url,
                "AccountReference": account_reference, "TransactionDesc": description[:13]}
        status, answer = self._post("/mpesa/stkpush/v1/processrequest", body)
        if status >= 500:
            raise UncertainError(f"M-Pesa answered HTTP {status} to the push: it may have reached the phone")
        if status >= 300:
            # Refused before it was acted on (a 4xx, or a redirect we do not follow): an error body,
            # an HTML page from a gateway, or nothing readable at all.
            raise RejectedError(str((answer or {}).get("errorCode") or f"HTTP {status}"),
                                str((answer or {}).get("errorMessage") or "")[:150])
        if answer is None or "ResponseCode" not in answer:
            # 2xx without Daraja's answer (a proxy's page, another shape): the push may have gone.
            raise UncertainError(f"M-Pesa answered HTTP {status} to the push with an unreadable reply: "
                                 "it may have reached the phone")
        if str(answer["ResponseCode"]) != "0":
            raise RejectedError(str(answer["ResponseCode"]), str(answer.get("ResponseDescription") or "")[:150])
        checkout = str(answer.get("CheckoutRequestID") or "")
        if not checkout:
            raise UncertainError("M-Pesa accepted the push without a CheckoutRequestID")
        return PushAccepted(merchant_request_id=str(answer.get("MerchantRequestID") or ""),
                            checkout_request_id=checkout,
                            customer_message=str(answer.get("CustomerMessage") or "")[:200])

    def c2b_register_urls(self, *, confirmation_url: str, validation_url: str) -> str:
        """POST /mpesa/c2b/v1/registerurl: where Daraja sends the Paybill's confirmations (and
        validations). ResponseType "Completed": if our validation URL cannot be reached, M-Pesa
        completes the payment anyway (an owner's money is never refused because we are down)."""
        status, answer = self._post("/mpesa/c2b/v1/registerurl", {
            "ShortCode": self.shortcode, "ResponseType": "Completed",
            "ConfirmationURL": confirmation_url, "ValidationURL": validation_url,
        })
        if answer is None or status >= 400 or str(answer.get("ResponseCode", "")) != "0":
            code = str((answer or {}).get("errorCode") or (answer or {}).get("ResponseCode") or f"HTTP {status}")
            raise RejectedError(code, str((answer or {}).get("errorMessage") or (answer or {}).get("ResponseDescription") or "")[:150])
        return str(answer.get("ResponseDescription") or "success")

    def stk_query(self, *, checkout_request_id: str) -> QueryResult:
        """The outcome of an STK push: pending, or its ResultCode and ResultDesc."""
        status, answer = self._post("/mpesa/stkpushquery/v1/query",
                                    {**self._credentials(), "CheckoutRequestID": checkout_request_id})
        if answer is not None and answer.get("errorCode") == PROCESSING_ERROR_CODE:
            return QueryResult(pending=True, result_code="", result_desc=str(answer.get("errorMessage") or ""))
        if status >= 500 or answer is None:
            raise TransientError(f"M-Pesa answered HTTP {status} to the status query")
        if status >= 400 or "ResultCode" not in answer:
            code = str(answer.get("errorCode") or answer.get("ResponseCode") or f"HTTP {status}")
            raise RejectedError(code, str(answer.get("errorMessage") or answer.get("ResponseDescription") or "")[:150])
        return QueryResult(pending=False, result_code=str(answer["ResultCode"]),
                           result_desc=str(answer.get("ResultDesc") or "")[:200])
