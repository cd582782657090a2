"""What a sale document says, in KRA's terms, independent of how the shop stores its invoices.

The caller (billing) turns an issued invoice or credit note into a `SaleDocument`; everything eTIMS
needs is here and nothing else is read from the database. Amounts are Decimal, in KES.

KRA's OSCU specification works in tax-inclusive amounts: a line's unit price (`prc`) is what the
customer pays per unit with VAT in it, its taxable amount (`taxblAmt`) is quantity x price less the
discount, VAT included, and the tax (`taxAmt`) is the part of it that is VAT: taxable x rate / (100 +
rate). The tax types are KRA's (docs/etims.md, "Tax types"):

    A exempt, B 16 % VAT, C zero-rated (0 %), D non-VAT, E 8 %
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# A KRA PIN: a letter (P for companies, A for individuals), nine digits, a check letter.
KRA_PIN = re.compile(r"[A-Z]\d{9}[A-Z]")


def money(value: Decimal) -> Decimal:
    """Rounded to the cent, half up (KRA's examples round 1067.8 to 1068, never to even)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class DocumentKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class TaxType(enum.StrEnum):
    """KRA's tax type codes (`taxTyCd`) and their rates in percent."""

    A = "A"  # exempt
    B = "B"  # 16 % VAT, the standard rate
    C = "C"  # zero-rated
    D = "D"  # non-VAT
    E = "E"  # 8 % (petroleum products)

    @property
    def rate(self) -> Decimal:
        return TAX_RATES[self]


TAX_RATES: dict[TaxType, Decimal] = {
    TaxType.A: Decimal("0"), TaxType.B: Decimal("16"), TaxType.C: Decimal("0"),
    TaxType.D: Decimal("0"), TaxType.E: Decimal("8"),
}


class PaymentType(enum.StrEnum):
    """KRA's payment method codes (`pmtTyCd`)."""

    CASH = "01"
    CREDIT = "02"
    CASH_CREDIT = "03"
    BANK_CHECK = "04"
    CARD = "05"
    MOBILE_MONEY = "06"
    OTHER = "07"


class CreditNoteReason(enum.StrEnum):
    """KRA's credit note reason codes (`rfdRsnCd`)."""

    MISSING_QUANTITY = "01"
    MISSING_DATA = "02"
    DAMAGED = "03"
    WASTED = "04"
    RAW_MATERIAL_SHORTAGE = "05"
    REFUND = "06"


def _decimal(name: str, value: object) -> Decimal:
    # Floats are refused, not converted: 0.1 as a float is not 0.1 shillings.
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{name} must be a finite Decimal, not {type(value).__name__} {value!r}")
    return value


@dataclasses.dataclass(frozen=True)
class SaleLine:
    item_code: str
    name: str
    quantity: Decimal
    unit_price: Decimal  # KES per unit, VAT included
    tax_type: TaxType
    discount: Decimal = ZERO  # KES off the line, VAT included

    def __post_init__(self) -> None:
        if not self.item_code.strip() or not self.name.strip():
            raise ValueError("a line needs an item code and a name")
        if _decimal("quantity", self.quantity) <= 0:
            raise ValueError("quantity must be more than zero")
        if _decimal("unit price", self.unit_price) < 0:
            raise ValueError("unit price must not be negative")
        if not ZERO <= _decimal("discount", self.discount) <= self.supply_amount:
            raise ValueError("discount must be between zero and the line's amount")
        object.__setattr__(self, "tax_type", TaxType(self.tax_type))

    @property
    def supply_amount(self) -> Decimal:
        return money(self.quantity * self.unit_price)

    @property
    def discount_rate(self) -> Decimal:
        """Percent, as KRA's dcRt (NUMBER 5,2)."""
        return money(self.discount * 100 / self.supply_amount) if self.supply_amount else ZERO

    @property
    def taxable_amount(self) -> Decimal:
        return money(self.supply_amount - self.discount)

    @property
    def tax_amount(self) -> Decimal:
        rate = self.tax_type.rate
        return money(self.taxable_amount * rate / (100 + rate))


@dataclasses.dataclass(frozen=True)
class TaxTotal:
    taxable_amount: Decimal
    rate: Decimal
    tax_amount: Decimal


@dataclasses.dataclass(frozen=True)
class SaleDocument:
    """An issued invoice or credit note. `number` is the shop's own (gap-free) number for its kind;
    a credit note names the invoice it corrects by that invoice's number (`original_number`)."""

    kind: DocumentKind
    number: int
    issued_at: datetime.datetime
    lines: Sequence[SaleLine]
    customer_name: str = ""
    customer_tin: str = ""  # the customer's KRA PIN, when they gave one
    original_number: int | None = None
    payment_type: PaymentType = PaymentType.CASH
    credit_note_reason: CreditNoteReason | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DocumentKind(self.kind))
        object.__setattr__(self, "payment_type", PaymentType(self.payment_type))
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "customer_tin", self.customer_tin.strip().upper())
        if not isinstance(self.number, int) or self.number <= 0:
            raise ValueError("number must be a positive whole number")
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be an aware datetime")
        if not self.lines:
            raise ValueError("a sale document needs at least one line")
        if self.customer_tin and not KRA_PIN.fullmatch(self.customer_tin):
            raise ValueError("customer TIN must be a KRA PIN: a letter, nine digits, a letter (P051234567X)")
        if self.kind == DocumentKind.CREDIT_NOTE:
            if not isinstance(self.original_number, int) or self.original_number <= 0:
                raise ValueError("a credit note needs the number of the invoice it corrects")
            object.__setattr__(self, "credit_note_reason", CreditNoteReason(self.credit_note_reason or "06"))
        elif self.original_number is not None or self.credit_note_reason is not None:
            raise ValueError("only a credit note has an original invoice number and a reason")

    def totals_by_tax_type(self) -> dict[TaxType, TaxTotal]:
        """Every tax type A-E (KRA asks for all five), summed over the lines."""
        totals = {}
        for tax_type in TaxType:
            lines = [line for line in self.lines if line.tax_type == tax_type]
            totals[tax_type] = TaxTotal(
                taxable_amount=sum((line.taxable_amount for line in lines), ZERO),
                rate=tax_type.rate,
                tax_amount=sum((line.tax_amount for line in lines), ZERO),
            )
        return totals

    @property
    def total_amount(self) -> Decimal:
        return sum((line.taxable_amount for line in self.lines), ZERO)

    @property
    def total_tax(self) -> Decimal:
        return sum((line.tax_amount for line in self.lines), ZERO)
