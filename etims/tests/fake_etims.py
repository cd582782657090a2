"""A local stand-in for KRA's eTIMS OSCU API, started by the tests.

It speaks the documented protocol: JSON POSTs to <base>/selectInitOsdcInfo (tin, bhfId, dvcSrlNo;
answers data.info with the cmcKey) and <base>/saveTrnsSalesOsdc (headers tin, bhfId, cmcKey; answers
resultCd "000" with data.curRcptNo, totRcptNo, intrlData, rcptSign, sdcDateTime). Like the real one
it refuses an unknown device (901), a body missing a required field (910) and an invoice number it
already has (994). Every sale it took is in `sales` (KRA has it).

Misbehaviour, as from a service across the internet:
- refuse() / resume(): stop listening (connection refused) and listen again on the same port.
- fail_next: answer that many sale requests with HTTP 503 (nothing recorded).
- result_code: answer every sale with this resultCd and message instead (nothing recorded).
- hang_next: record that many sales, then answer only after `hang_seconds` (past the client's timeout).
- trickle_next: record that many sales, then answer one byte every `trickle_interval` seconds.
- hold_next: record the next sale, then wait for `release()` before answering (`held` is set).
"""

import json
import threading
import time
from http.server import ThreadingHTTPServer

from notifications.tests.local_server import JsonHandler, StallingServer

SALE_REQUIRED = (
    "tin", "bhfId", "invcNo", "orgInvcNo", "salesTyCd", "rcptTyCd", "salesSttsCd", "cfmDt", "salesDt", "totItemCnt",
    *(f"{f}{t}" for f in ("taxblAmt", "taxRt", "taxAmt") for t in "ABCDE"),
    "totTaxblAmt", "totTaxAmt", "totAmt", "prchrAcptcYn", "regrId", "regrNm", "modrId", "modrNm", "receipt", "itemList",
)
ITEM_REQUIRED = ("itemSeq", "itemCd", "itemNm", "pkgUnitCd", "pkg", "qtyUnitCd", "qty", "prc", "splyAmt", "dcRt",
                 "dcAmt", "taxTyCd", "taxblAmt", "taxAmt", "totAmt")


class FakeEtims(StallingServer):
    def __init__(self, *, tin="P051234567X", branch_id="00", device_serial="NDEGWA-OSCU-1",
                 cmc_key="f0b9831bd2334874b7ec815e40347bc4", path="/etims-api", hang_seconds=3.0):
        self.tin, self.branch_id, self.device_serial, self.cmc_key = tin, branch_id, device_serial, cmc_key
        self.path = path
        self.requests = []  # (operation, headers with lower-case names, body)
        self.sales = []  # bodies of the sales it recorded
        self.fail_next = 0
        self._stalls(hang_seconds)
        self.result_code, self.result_message = "000", "It is succeeded"
        self._lock = threading.Lock()
        self._serve(ThreadingHTTPServer)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}{self.path}"

    def sale_requests(self):
        return [body for operation, _, body in self.requests if operation == "saveTrnsSalesOsdc"]

    def _handler(self):
        fake = self

        class Handler(JsonHandler):
            def _result(self, code, message, data=None):
                return self._reply(200, {"resultCd": code, "resultMsg": message,
                                         "resultDt": time.strftime("%Y%m%d%H%M%S"), "data": data})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                operation = self.path.removeprefix(fake.path + "/")
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._result("911", "There is no request full text")
                with fake._lock:
                    fake.requests.append((operation, headers, body))
                if operation == "selectInitOsdcInfo":
                    return self._init(body)
                if operation == "saveTrnsSalesOsdc":
                    return self._sale(headers, body)
                return self._reply(404, {"error": "Not Found"})

            def _init(self, body):
                if (body.get("tin"), body.get("bhfId"), body.get("dvcSrlNo")) != (
                        fake.tin, fake.branch_id, fake.device_serial):
                    return self._result("901", "It is not valid device")
                return self._result("000", "It is succeeded", {"info": {
                    "tin": fake.tin, "taxprNm": "NDEGWA AUTO", "bhfId": fake.branch_id, "bhfNm": "Headquarter",
                    "dvcId": "9999911300000001", "sdcId": "KRACU0100000001", "mrcNo": "WIS01000150",
                    "cmcKey": fake.cmc_key,
                }})

            def _sale(self, headers, body):
                with fake._lock:
                    if fake.fail_next:
                        fake.fail_next -= 1
                        return self._reply(503, {"error": "Service Unavailable"})
                if (headers.get("tin"), headers.get("bhfid"), headers.get("cmckey")) != (
                        fake.tin, fake.branch_id, fake.cmc_key):
                    return self._result("901", "It is not valid device")
                missing = [f for f in SALE_REQUIRED if f not in body]
                missing += [f for item in body.get("itemList") or [] for f in ITEM_REQUIRED if f not in item]
                if missing or not body.get("itemList") or body.get("tin") != fake.tin:
                    return self._result("910", "Request parameter error")
                if fake.result_code != "000":
                    return self._result(fake.result_code, fake.result_message)
                with fake._lock:
                    if any(s["invcNo"] == body["invcNo"] for s in fake.sales):
                        return self._result("994", "There is an overlapped Data")
                    fake.sales.append(body)
                    number = len(fake.sales)
                    hang, hold = fake._take_stall()
                    self.trickle = fake._take_trickle()
                fake._stall(hang, hold)
                return self._result("000", "It is succeeded", {
                    "curRcptNo": number, "totRcptNo": number, "intrlData": f"INTRL{number:021d}",
                    "rcptSign": f"SIGN{number:012d}", "sdcDateTime": "20261203143005",
                })

        return Handler
