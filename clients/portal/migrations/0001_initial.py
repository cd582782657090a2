# The portal's tables, until now in the clients app's state (clients.0002 to 0010), taken into this
# app's state as they are in the database: same db_table, fields, check constraint and indexes, so no
# SQL runs (clients.0011 took them out of clients' state). The content types move with them: a
# permission on a portal link that a manager granted to a group keeps working, now as portal.<codename>.
import uuid

import django.contrib.postgres.functions
import django.db.models.deletion
from django.db import IntegrityError, migrations, models, router, transaction

import concierge.db.functions

MODELS = ("portaltoken", "portalinboxread")


def _content_types_move(apps, schema_editor, *, old: str, new: str) -> None:
    """As Django's RenameContentType does for a model's name, here for its app label."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not router.allow_migrate_model(db, ContentType):
        return
    for model in MODELS:
        moved = ContentType.objects.db_manager(db).filter(app_label=old, model=model)
        try:
            with transaction.atomic(using=db):
                moved.update(app_label=new)
        except IntegrityError:
            # Both exist: only if content types were made by hand between the two migrations. Leave
            # them both rather than fail the deploy; `remove_stale_contenttypes` tidies the old one.
            pass
    ContentType.objects.clear_cache()


def content_types_to_portal(apps, schema_editor):
    _content_types_move(apps, schema_editor, old="clients", new="portal")


def content_types_to_clients(apps, schema_editor):
    _content_types_move(apps, schema_editor, old="portal", new="clients")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("clients", "0011_portal_models_move_to_portal_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0012_link_made_when_sent"),
        ("servicing", "0015_scheduled_date_bounds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PortalInboxRead",
                    fields=[
                        ("notification", models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="portal_read", serialize=False, to="notifications.notification")),
                        ("notification_created_at", models.DateTimeField(editable=False)),
                        ("read_at", models.DateTimeField(db_default=concierge.db.functions.CurrentTimestamp())),
                    ],
                    options={
                        "verbose_name": "inbox read mark",
                        "db_table": "portal_inbox_reads",
                    },
                ),
                migrations.CreateModel(
                    name="PortalToken",
                    fields=[
                        ("id", models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        ("purpose", models.CharField(choices=[("sign_in", "Sign-in link"), ("status_link", "Service status link")], max_length=20)),
                        ("created_at", models.DateTimeField(db_default=concierge.db.functions.CurrentTimestamp(), editable=False)),
                        ("expires_at", models.DateTimeField(blank=True, null=True)),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_to_phone_hash", models.CharField(blank=True, default="", editable=False, max_length=64)),
                        ("client", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="portal_tokens", to="clients.client")),
                        ("service", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="portal_tokens", to="servicing.service")),
                    ],
                    options={
                        "verbose_name": "portal link",
                        "db_table": "portal_tokens",
                        "ordering": ["-created_at"],
                        "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("expires_at__isnull", False), ("purpose", "sign_in"), ("service__isnull", True)), models.Q(("purpose", "status_link"), ("service__isnull", False)), _connector="OR"), name="portal_tokens_purpose_shape")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_portal, content_types_to_clients),
    ]
