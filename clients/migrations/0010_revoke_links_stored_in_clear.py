"""Links sent before notifications kept a placeholder are in clear in old notification texts (and in
their audit rows, which cannot be rewritten): revoke every portal token whose raw value appears in a
stored message, so none of those links works any more. Staff can send a fresh status link; a
sign-in link is asked for again. Tokens made from now on are never stored (notifications/links.py)."""

import hashlib
import re

from django.db import migrations
from django.db.models.functions import Now

TOKEN_IN_LINK = re.compile(r"/portal/(?:s|sign-in)/([A-Za-z0-9_-]{20,128})/")


def revoke_links_stored_in_clear(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    PortalToken = apps.get_model("clients", "PortalToken")
    messages = Notification.objects.filter(message__contains="/portal/").values_list("message", flat=True)
    hashes = set()
    for message in messages.iterator(chunk_size=5000):
        hashes.update(hashlib.sha256(raw.encode()).hexdigest() for raw in TOKEN_IN_LINK.findall(message))
    hashes = sorted(hashes)
    for start in range(0, len(hashes), 5000):
        PortalToken.objects.filter(token_hash__in=hashes[start:start + 5000], revoked_at__isnull=True).update(revoked_at=Now())


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0009_portal_token_sent_to_phone_hash"),
        ("notifications", "0012_link_made_when_sent"),
    ]

    operations = [migrations.RunPython(revoke_links_stored_in_clear, migrations.RunPython.noop, elidable=True)]
