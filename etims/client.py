"""KRA eTIMS OSCU over HTTP: device initialisation (`selectInitOsdcInfo`) and sales (`saveTrnsSalesOsdc`).

Every call is a JSON POST to {ETIMS_BASE_URL}/<operation> with the headers tin, bhfId and (after
initialisation) cmcKey; every answer has resultCd ("000": done), resultMsg, resultDt and data.

What a failure means decides what the outbox may do with it (docs/etims.md, "States"):

- TransientError: KRA provably did not get the request, or answered that it could not take it now
  (connection refused, connect timeout, DNS, HTTP 5xx): sent again later, automatically.
- RejectedError: KRA read the request and refused it (a resultCd other than 000): not resent.
- UncertainError: the request may have reached KRA but its answer was lost (read timeout, connection
  dropped after the request was written, an answer we cannot read): KRA may have recorded the sale,
  so it is never resent automatically; a person decides.

http.client rather than urllib or a client library, through concierge.http_deadline: the connection is
opened on its own first, so a failure there (nothing sent) is told apart from one after the request
left (maybe recorded), and the whole exchange ends within ETIMS_TIMEOUT, however slowly KRA answers.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import urllib.parse
from typing import Any

from concierge.http_deadline import NoAnswer, NotSent, exchange

SUCCESS = "000"
# The columns of etims.Transmission that keep them.
RESULT_CODE_MAX = 10
RECEIPT_FIELDS_MAX = {"cur_rcpt_no": 40, "tot_rcpt_no": 40, "intrl_data": 200, "rcpt_sign": 100, "sdc_date_time": 14}


class EtimsError(Exception):
    """The text is kept on the transmission row: it names no customer and no key."""


class TransientError(EtimsError):
    pass


class RejectedError(EtimsError):
    def __init__(self, result_code: str, result_message: str):
        super().__init__(f"KRA eTIMS refused it: {result_code} {result_message}".strip())
        self.result_code, self.result_message = result_code, result_message


class UncertainError(EtimsError):
    pass


@dataclasses.dataclass(frozen=True)
class DeviceInfo:
    """What selectInitOsdcInfo answers about the control unit (its `data.info`)."""

    sdc_id: str
    mrc_no: str
    device_id: str
    cmc_key: str = dataclasses.field(repr=False)  # the communication key: a secret


@dataclasses.dataclass(frozen=True)
class SaleReceipt:
    """The control unit's signature of a sale (saveTrnsSalesOsdc's `data`)."""

    result_code: str
    result_message: str
    cur_rcpt_no: str
    tot_rcpt_no: str
    intrl_data: str
    rcpt_sign: str
    sdc_date_time: str  # YYYYMMDDhhmmss, the control unit's clock


class EtimsClient:
    def __init__(self, *, base_url: str, tin: str, branch_id: str, timeout: float, cmc_key: str = ""):
        base = urllib.parse.urlsplit(base_url.rstrip("/"))
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError("ETIMS_BASE_URL must be an http(s) URL")
        self.scheme, self.host, self.port, self.path = base.scheme, base.hostname, base.port, base.path
        self.tin, self.branch_id, self.timeout, self.cmc_key = tin, branch_id, timeout, cmc_key

    def _post(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "tin": self.tin, "bhfId": self.branch_id}
        if self.cmc_key:
            headers["cmcKey"] = self.cmc_key
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        try:
            reply = exchange(cls(self.host, self.port, timeout=self.timeout), "POST", f"{self.path}/{operation}",
                             body=data, headers=headers, timeout=self.timeout)
        except NotSent as exc:
            raise TransientError(f"KRA eTIMS not reached ({exc.why}): nothing was sent") from None
        except NoAnswer as exc:
            raise UncertainError(f"no answer from KRA eTIMS after the request was sent ({exc.why})") from None
        status, payload = reply.status, reply.body
        if status >= 500:
            raise TransientError(f"KRA eTIMS answered HTTP {status}: it could not take the request now")
        if status >= 300:
            # Our request or our credentials are wrong (404 wrong base URL, 401/403): nothing recorded.
            raise RejectedError(f"HTTP {status}", "the request was not accepted (check ETIMS_* settings)")
        try:
            answer = json.loads(payload)
            if not isinstance(answer, dict) or not isinstance(answer.get("resultCd"), str):
                raise ValueError
        except (ValueError, RecursionError):
            raise UncertainError(f"KRA eTIMS answered HTTP {status} with an unreadable reply") from None
        return answer

    @staticmethod
    def _refused(answer: dict[str, Any]) -> RejectedError:
        return RejectedError(answer["resultCd"][:RESULT_CODE_MAX], EtimsClient._message(answer))

    @staticmethod
    def _message(answer: dict[str, Any]) -> str:
        return str(answer.get("resultMsg") or "")[:200]

    def init_device(self, *, device_serial: str) -> DeviceInfo:
        """selectInitOsdcInfo: the control unit's identity and the communication key for later calls."""
        answer = self._post("selectInitOsdcInfo", {"tin": self.tin, "bhfId": self.branch_id, "dvcSrlNo": device_serial})
        if answer["resultCd"] != SUCCESS:
            raise self._refused(answer)
        try:
            info = answer["data"]["info"]
            return DeviceInfo(sdc_id=str(info.get("sdcId", "")), mrc_no=str(info.get("mrcNo", "")),
                              device_id=str(info.get("dvcId", "")), cmc_key=str(info["cmcKey"]))
        except (KeyError, TypeError):
            raise RejectedError(SUCCESS, "device initialisation answered without a communication key") from None

    def save_sale(self, body: dict[str, Any]) -> SaleReceipt:
        """saveTrnsSalesOsdc with a body from payload.sales_payload."""
        answer = self._post("saveTrnsSalesOsdc", body)
        if answer["resultCd"] != SUCCESS:
            raise self._refused(answer)
        data = answer.get("data")
        if not isinstance(data, dict) or not data.get("rcptSign") or data.get("curRcptNo") in (None, ""):
            # "Succeeded" without a signature: KRA has the sale, we have nothing to print.
            raise UncertainError("KRA eTIMS answered 000 without a receipt number or signature")
        receipt = SaleReceipt(
            result_code=SUCCESS, result_message=self._message(answer),
            cur_rcpt_no=str(data["curRcptNo"]), tot_rcpt_no=str(data.get("totRcptNo") or ""),
            intrl_data=str(data.get("intrlData") or ""), rcpt_sign=str(data["rcptSign"]),
            sdc_date_time=str(data.get("sdcDateTime") or ""),
        )
        too_long = [name for name, most in RECEIPT_FIELDS_MAX.items() if len(getattr(receipt, name)) > most]
        if too_long:
            # KRA has the sale; a receipt cut short would print a wrong number or QR code.
            raise UncertainError(f"KRA eTIMS answered 000 with a receipt too long to keep ({', '.join(too_long)})")
        return receipt
