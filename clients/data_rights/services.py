"""Writes of a data-subject request: erasure of one client's personal data."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.dispatch import Signal

from clients.models import Client
from clients.portal.models import PortalToken
from concierge.accounts.models import User
from concierge.audit.context import set_acting_user
from concierge.audit.ledger import record_erasure
from notifications.models import Notification

from .selectors import client_record_ids

ERASED = "[erased]"
# Keys of audit JSON holding personal data, by table. Vehicles and services keep their values:
# the shop's service records and costs survive an erasure (the issue asks for it, and records the
# law requires, e.g. for tax, may be kept); what goes is everything that names the person.
PERSONAL_KEYS = {
    "clients": ["first_name", "last_name", "email", "phone", "address"],
    "notifications": ["message"],
}
ERASED_MESSAGE = "[message erased on the client's request]"
ERASED_FIRST_NAME, ERASED_LAST_NAME = "Erased", "client"
ERASURE_NOTE = "personal data erased on the client's request"

# client_erased(client, by): sent by client_erase in its transaction, after the client's row is
# anonymised; apps holding more of the person's data (billing: the KRA PIN) remove it in their receivers.
client_erased = Signal()


def client_is_erased(client: Client) -> bool:
    """The client's row holds nothing of the person any more (as client_erase leaves it)."""
    return (client.first_name, client.last_name, client.phone, client.address) == (
        ERASED_FIRST_NAME, ERASED_LAST_NAME, None, None)


@transaction.atomic
def client_erase(*, client: Client, by: User | None, record: bool = True) -> Client:
    """Anonymise a client on their request; their vehicles' service records and costs stay.

    Names, email, phone and address are replaced, notification texts erased, portal links deleted,
    and the same values scrubbed from audit_logs by the owner's function (clients/data_rights/owner_sql.py:
    the application role cannot change audit rows itself), which also writes the audit row recording
    that the erasure happened, and by whom. The erasure ledger (concierge/audit/ledger.py, outside
    the database) notes the client's id first, so that the erasure can be applied again to a
    restored backup; `record=False` when re-applying it (reapply_erasures).
    """
    if record:  # before any change: no erasure without its line (LedgerError: nothing was erased)
        record_erasure(client.pk)
    set_acting_user(by.pk if by else None)
    ids = client_record_ids(client_id=client.pk)
    client = Client.objects.select_for_update().get(pk=client.pk)
    client.first_name, client.last_name = ERASED_FIRST_NAME, ERASED_LAST_NAME
    # Unique and required: a placeholder that can never be anyone's address (.invalid, RFC 2606).
    client.email = f"erased-{client.pk}@erased.invalid"
    client.phone = None
    client.address = None
    client.consent_gdpr = False
    client.save()
    Notification.objects.filter(pk__in=ids["notifications"]).update(message=ERASED_MESSAGE)
    # Sign-in and status links stop working: the person they were sent to is no longer on file.
    PortalToken.objects.filter(client=client).delete()
    # The admin's own change log keeps the name it showed at the time (object_repr).
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client), object_id=str(client.pk)
    ).update(object_repr=str(client))
    with connection.cursor() as cursor:
        cursor.execute("SELECT concierge_audit_erase_client(%s, %s)", [client.pk, by.pk if by else None])
    client_erased.send(sender=Client, client=client, by=by)
    return client
