"""Sale documents as billing would hand them over."""

import datetime
from decimal import Decimal

from etims.documents import DocumentKind, SaleDocument, SaleLine, TaxType

NAIROBI = datetime.timezone(datetime.timedelta(hours=3))


def invoice(number=1, **overrides):
    lines = overrides.pop("lines") if "lines" in overrides else [
        SaleLine(item_code="KE2NTU0000001", name="Labour: full service", quantity=Decimal("2"),
                 unit_price=Decimal("1160.00"), tax_type=TaxType.B),
        SaleLine(item_code="KE2NTU0000002", name="Oil filter", quantity=Decimal("1"),
                 unit_price=Decimal("850.00"), tax_type=TaxType.A),
    ]
    fields = dict(kind=DocumentKind.INVOICE, number=number, lines=lines, customer_name="Wanjiku Motors Ltd",
                  issued_at=datetime.datetime(2026, 12, 3, 14, 30, 0, tzinfo=NAIROBI))
    return SaleDocument(**{**fields, **overrides})


def credit_note(number=1, original_number=1, **overrides):
    lines = overrides.pop("lines") if "lines" in overrides else [
        SaleLine(item_code="KE2NTU0000002", name="Oil filter", quantity=Decimal("1"),
                 unit_price=Decimal("850.00"), tax_type=TaxType.A),
    ]
    return invoice(number, kind=DocumentKind.CREDIT_NOTE, original_number=original_number, lines=lines, **overrides)
