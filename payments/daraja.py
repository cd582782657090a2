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
  timeout, dropped connection, HTTP 5xx, an unreadable answer): never pushed again; the status query
  settles it.

http.client, as etims/client.py: a failure to connect (nothing sent) is told apart from one after the
request left. Nothing here logs: the token, the secret, the passkey and the phone never reach a log.
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import json
import socket
import threading
import time
import urllib.parse
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

NAIROBI = ZoneInfo("Africa/Nairobi")
# The query's "still waiting for the owner" answer.
PROCESSING_ERROR_CODE = "500.001.1001"


class DarajaError(Exception):
    """The text is shown to staff and kept on the request: it names no phone, key or token."""


class TransientError(DarajaError):
    pass


class RejectedError(DarajaError):
    def __init__(self, code: str, message: str):
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


def _why(exc: BaseException) -> str:
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timed out"
    return type(exc).__name__


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

    def _connect(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        connection = cls(self.host, self.port, timeout=self.timeout)
        try:
            connection.connect()
        except OSError as exc:
            connection.close()
            raise TransientError(f"M-Pesa (Daraja) not reached ({_why(exc)}): nothing was sent") from None
        return connection

    def _token(self) -> str:
        with _tokens_lock:
            cached = _tokens.get((self._origin, self._key))
            if cached and cached[1] > time.monotonic():
                return cached[0]
        basic = base64.b64encode(f"{self._key}:{self._secret}".encode()).decode()
        connection = self._connect()
        try:
            connection.request("GET", f"{self.path}/oauth/v1/generate?grant_type=client_credentials",
                               headers={"Authorization": f"Basic {basic}", "Accept": "application/json"})
            response = connection.getresponse()
            status, payload = response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            # Asking for a token pushes nothing: safe to try again.
            raise TransientError(f"no token from M-Pesa ({_why(exc)}): nothing was sent") from None
        finally:
            connection.close()
        if status >= 500:
            raise TransientError(f"M-Pesa's token service answered HTTP {status}: nothing was sent")
        try:
            answer = json.loads(payload)
            token, expires_in = str(answer["access_token"]), int(answer.get("expires_in") or 3599)
        except (ValueError, KeyError, TypeError):
            raise RejectedError(f"HTTP {status}", "no access token: check MPESA_CONSUMER_KEY / _SECRET") from None
        with _tokens_lock:
            _tokens[(self._origin, self._key)] = (token, time.monotonic() + max(expires_in - 60, 0))
        return token

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        token = self._token()
        data = json.dumps(body, separators=(",", ":")).encode()
        connection = self._connect()
        try:
            connection.request("POST", f"{self.path}{path}", body=data, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json",
            })
            response = connection.getresponse()
            status, payload = response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise UncertainError(f"no answer from M-Pesa after the request was sent ({_why(exc)})") from None
        finally:
            connection.close()
        try:
            answer = json.loads(payload)
        except ValueError:
            answer = None
        if status in (401, 403) or (isinstance(answer, dict) and answer.get("errorCode") == "404.001.03"):
            # The token expired early or was revoked: forget it, so the next attempt asks again.
            with _tokens_lock:
                _tokens.pop((self._origin, self._key), None)
        return status, answer if isinstance(answer, dict) else None

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
        if status >= 500 or answer is None:
            raise UncertainError(f"M-Pesa answered HTTP {status} to the push: it may have reached the phone")
        if status >= 400 or str(answer.get("ResponseCode", "")) != "0":
            code = str(answer.get("errorCode") or answer.get("ResponseCode") or f"HTTP {status}")
            raise RejectedError(code, str(answer.get("errorMessage") or answer.get("ResponseDescription") or "")[:150])
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
