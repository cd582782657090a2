"""Sale documents and the saveTrnsSalesOsdc body: KRA's tax types, VAT-inclusive amounts, hand-computed."""

import datetime
import json
from decimal import Decimal

import pytest

from etims.documents import DocumentKind, SaleDocument, SaleLine, TaxType
from etims.payload import sales_payload

from .factories import NAIROBI, credit_note, invoice


def line(price, tax_type, quantity="1", discount="0.00", code="KE2NTU0000009"):
    return SaleLine(item_code=code, name="Part", quantity=Decimal(quantity), unit_price=Decimal(price),
                    tax_type=tax_type, discount=Decimal(discount))


def test_vat_is_the_part_of_the_inclusive_amount_at_each_tax_types_rate():
    doc = invoice(lines=[
        line("1160.00", TaxType.B, quantity="2"),  # 2320.00, of which VAT 2320 x 16/116 = 320.00
        line("999.99", TaxType.B, quantity="3", discount="100.00"),  # 2999.97 - 100 = 2899.97; VAT 399.9958 -> 400.00
        line("850.00", TaxType.A),  # exempt
        line("500.00", TaxType.C),  # zero-rated
        line("540.00", TaxType.E),  # 540 x 8/108 = 40.00
    ])
    totals = doc.totals_by_tax_type()
    assert totals[TaxType.B].taxable_amount == Decimal("5219.97")
    assert totals[TaxType.B].tax_amount == Decimal("720.00")
    assert totals[TaxType.A].taxable_amount == Decimal("850.00") and totals[TaxType.A].tax_amount == 0
    assert totals[TaxType.C].taxable_amount == Decimal("500.00") and totals[TaxType.C].tax_amount == 0
    assert totals[TaxType.E].tax_amount == Decimal("40.00") and totals[TaxType.E].rate == 8
    assert totals[TaxType.D].taxable_amount == 0
    assert doc.total_amount == Decimal("7109.97")
    assert doc.total_tax == Decimal("760.00")
    assert doc.lines[1].discount_rate == Decimal("3.33")  # 100 / 2999.97


def test_payload_carries_the_documented_fields_with_exact_amounts():
    doc = invoice(7, customer_tin="p051234567x", lines=[
        line("999.99", TaxType.B, quantity="3", discount="100.00"), line("850.00", TaxType.A)])
    body = sales_payload(doc, tin="P051234567X", branch_id="00", invc_no=41)
    assert (body["tin"], body["bhfId"], body["invcNo"], body["orgInvcNo"], body["trdInvcNo"]) == (
        "P051234567X", "00", 41, 0, "INV-000007")
    assert (body["rcptTyCd"], body["salesTyCd"], body["salesSttsCd"], body["pmtTyCd"]) == ("S", "N", "02", "01")
    assert body["custTin"] == "P051234567X" and body["custNm"] == "Wanjiku Motors Ltd"
    long_name = sales_payload(invoice(customer_name="N" * 80), tin="P051234567X", branch_id="00", invc_no=1)
    assert long_name["custNm"] == "N" * 60  # KRA's CHAR(60): an invoice is never refused for a long name
    assert body["cfmDt"] == "20261203143000" and body["salesDt"] == "20261203"
    assert body["totItemCnt"] == 2
    assert [body[f"taxRt{t}"] for t in "ABCDE"] == [0, 16, 0, 0, 8]
    assert body["taxblAmtB"] == 2899.97 and body["taxAmtB"] == 400 and body["taxblAmtA"] == 850
    assert body["totTaxblAmt"] == body["totAmt"] == 3749.97 and body["totTaxAmt"] == 400
    first = body["itemList"][0]
    assert first == {**first, "itemSeq": 1, "itemCd": "KE2NTU0000009", "qty": 3, "prc": 999.99, "splyAmt": 2999.97,
                     "dcRt": 3.33, "dcAmt": 100, "taxTyCd": "B", "taxblAmt": 2899.97, "taxAmt": 400, "totAmt": 2899.97}
    # As KRA reads it: JSON numbers with the decimal digits of the invoice, not binary noise.
    text = json.dumps(body)
    assert '"taxblAmtB": 2899.97' in text and '"splyAmt": 2999.97' in text


def test_issue_time_is_sent_in_kenyan_time():
    doc = invoice(issued_at=datetime.datetime(2026, 12, 3, 21, 15, tzinfo=datetime.UTC))
    assert sales_payload(doc, tin="P051234567X", branch_id="00", invc_no=1)["cfmDt"] == "20261204001500"


def test_credit_note_is_receipt_type_r_and_names_the_original():
    body = sales_payload(credit_note(3, original_number=7), tin="P051234567X", branch_id="00", invc_no=9,
                         org_invc_no=41)
    assert (body["rcptTyCd"], body["orgInvcNo"], body["rfdRsnCd"], body["trdInvcNo"]) == ("R", 41, "06", "CN-000003")
    assert body["rfdDt"] == body["cfmDt"]


@pytest.mark.parametrize("change, message", [
    (dict(lines=[]), "at least one line"),
    (dict(issued_at=datetime.datetime(2026, 12, 3, 14, 30)), "aware"),
    (dict(customer_tin="12345"), "KRA PIN"),
    (dict(kind=DocumentKind.CREDIT_NOTE), "number of the invoice it corrects"),
    (dict(original_number=3), "only a credit note"),
    (dict(number=0), "positive"),
])
def test_a_document_kra_would_refuse_is_refused_when_built(change, message):
    with pytest.raises(ValueError, match=message):
        invoice(**change)


def test_floats_are_refused_not_rounded():
    with pytest.raises(ValueError, match="Decimal"):
        SaleLine(item_code="X1", name="Part", quantity=Decimal("1"), unit_price=0.1, tax_type=TaxType.B)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="discount"):
        line("100.00", TaxType.B, discount="100.01")


def test_documents_are_frozen():
    doc = invoice()
    assert isinstance(doc.lines, tuple)
    with pytest.raises(AttributeError):
        doc.number = 2  # type: ignore[misc]
    assert SaleDocument.__dataclass_params__.frozen and doc.issued_at.tzinfo is NAIROBI
