"""Writes to the price list and to customers' KRA PINs."""

from django.db import transaction

from clients.models import Client
from concierge.accounts.models import User

from ..models import CustomerTaxPin, PriceListItem, normalise_kra_pin


@transaction.atomic
def price_list_item_save(*, item: PriceListItem, by: User | None = None) -> PriceListItem:
    """Validate and save a price-list line. The audit trigger records every price change with the
    acting user (set by the admin's middleware). Estimates already made keep the prices they copied."""
    item.part_number = item.part_number.strip()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def customer_tax_pin_set(*, client: Client, kra_pin: str, by: User | None = None) -> CustomerTaxPin | None:
    """Set (or with an empty value, remove) the client's KRA PIN, printed on invoices issued from now on."""
    kra_pin = normalise_kra_pin(kra_pin or "")
    if not kra_pin:
        CustomerTaxPin.objects.filter(client=client).delete()
        return None
    pin = CustomerTaxPin.objects.select_for_update().filter(client=client).first() or CustomerTaxPin(client=client)
    pin.kra_pin = kra_pin
    pin.full_clean(exclude={"client"})
    pin.save()
    return pin


def customer_tax_pin_erase(*, client: Client) -> None:
    """Erasure (clients.data_rights): the PIN goes; the invoices issued keep theirs, as legal records."""
    CustomerTaxPin.objects.filter(client=client).delete()
