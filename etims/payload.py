"""The body of KRA's OSCU `saveTrnsSalesOsdc` request, built from a SaleDocument.

Field names, codes and formats follow the OSCU specification (docs/etims.md, "What is sent"): dates
as YYYYMMDDhhmmss / YYYYMMDD in Kenyan time, amounts as JSON numbers with two decimals at most.
The body is built once, when the document is queued, and stored: what KRA receives is what the
invoice said when it was issued.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal
from typing import Any

from .documents import DocumentKind, SaleDocument, TaxType

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
RECEIPT_TYPE = {DocumentKind.INVOICE: "S", DocumentKind.CREDIT_NOTE: "R"}  # rcptTyCd: sale, credit note
SALES_TYPE_NORMAL = "N"  # salesTyCd
STATUS_APPROVED = "02"  # salesSttsCd: the sale is final when it is transmitted
PACKAGING_UNIT = "NT"  # pkgUnitCd: not packaged (labour, loose parts)
QUANTITY_UNIT = "U"  # qtyUnitCd: pieces / units
# regrId/regrNm/modrId/modrNm name who registered the sale in the shop's system: the system itself,
# so no staff member's name leaves the shop.
REGISTRAR_ID = "concierge"
REGISTRAR_NAME = "Ndegwa Auto Concierge"


def number(value: Decimal) -> int | float:
    """A Decimal as the JSON number KRA reads: exact, since an amount rounded to the cent with fewer
    than 16 digits has a float whose shortest form (what json writes) is that same decimal."""
    if value == value.to_integral_value():
        return int(value)
    if len(value.normalize().as_tuple().digits) > 15:
        raise ValueError(f"{value} has more digits than a JSON number carries exactly")
    return float(value)


def kra_datetime(moment: datetime.datetime) -> str:
    return moment.astimezone(NAIROBI).strftime("%Y%m%d%H%M%S")


def trader_invoice_number(kind: DocumentKind, doc_number: int) -> str:
    """The shop's own number as printed (trdInvcNo): invoices and credit notes are numbered apart."""
    return f"{'INV' if kind == DocumentKind.INVOICE else 'CN'}-{doc_number:06d}"


def sales_payload(doc: SaleDocument, *, tin: str, branch_id: str, invc_no: int, org_invc_no: int = 0) -> dict[str, Any]:
    """`invc_no`: KRA's invoice number for this transmission (unique per PIN and branch across invoices
    and credit notes, so not the shop's per-kind number); `org_invc_no`: for a credit note, the
    invc_no its invoice was sent under, else 0."""
    issued = kra_datetime(doc.issued_at)
    totals = doc.totals_by_tax_type()
    body: dict[str, Any] = {
        "tin": tin,
        "bhfId": branch_id,
        "trdInvcNo": trader_invoice_number(doc.kind, doc.number),
        "invcNo": invc_no,
        "orgInvcNo": org_invc_no,
        "custTin": doc.customer_tin or None,
        "custNm": doc.customer_name[:60] or None,  # CHAR(60): a long company name is cut, not refused
        "salesTyCd": SALES_TYPE_NORMAL,
        "rcptTyCd": RECEIPT_TYPE[doc.kind],
        "pmtTyCd": str(doc.payment_type),
        "salesSttsCd": STATUS_APPROVED,
        "cfmDt": issued,
        "salesDt": issued[:8],
        "stockRlsDt": None,
        "cnclReqDt": None,
        "cnclDt": None,
        "rfdDt": issued if doc.kind == DocumentKind.CREDIT_NOTE else None,
        "rfdRsnCd": str(doc.credit_note_reason) if doc.credit_note_reason else None,
        "totItemCnt": len(doc.lines),
    }
    for tax_type in TaxType:
        body[f"taxblAmt{tax_type}"] = number(totals[tax_type].taxable_amount)
    for tax_type in TaxType:
        body[f"taxRt{tax_type}"] = number(totals[tax_type].rate)
    for tax_type in TaxType:
        body[f"taxAmt{tax_type}"] = number(totals[tax_type].tax_amount)
    body.update({
        "totTaxblAmt": number(doc.total_amount),
        "totTaxAmt": number(doc.total_tax),
        "totAmt": number(doc.total_amount),
        "prchrAcptcYn": "N",
        "remark": None,
        "regrId": REGISTRAR_ID, "regrNm": REGISTRAR_NAME, "modrId": REGISTRAR_ID, "modrNm": REGISTRAR_NAME,
        "receipt": {
            "custTin": doc.customer_tin or None,
            "custMblNo": None,  # no phone number leaves the shop
            "rptNo": None,
            "trdeNm": None,
            "adrs": None,
            "topMsg": None,
            "btmMsg": None,
            "prchrAcptcYn": "N",
            "rcptPbctDt": issued,
        },
        "itemList": [
            {
                "itemSeq": seq,
                "itemCd": line.item_code,
                "itemClsCd": None,
                "itemNm": line.name[:200],
                "bcd": None,
                "pkgUnitCd": PACKAGING_UNIT,
                "pkg": number(line.quantity),
                "qtyUnitCd": QUANTITY_UNIT,
                "qty": number(line.quantity),
                "prc": number(line.unit_price),
                "splyAmt": number(line.supply_amount),
                "dcRt": number(line.discount_rate),
                "dcAmt": number(line.discount),
                "isrccCd": None, "isrccNm": None, "isrcRt": None, "isrcAmt": None,
                "taxTyCd": str(line.tax_type),
                "taxblAmt": number(line.taxable_amount),
                "taxAmt": number(line.tax_amount),
                "totAmt": number(line.taxable_amount),
            }
            for seq, line in enumerate(doc.lines, start=1)
        ],
    })
    return body
