"""The portal's tables moved from the clients app to its own (label "portal") by state alone: a
database that already holds portal links keeps every row, and a group given a permission on portal
links keeps it (the content type moved, not re-made)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from clients.portal.models import PortalToken
from clients.portal.tokens import status_link_token_issue
from concierge.accounts.tests.factories import UserFactory
from servicing.tests.factories import ServiceFactory

# Migrations run as the owner role (concierge/db/roles.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.owner_role]

# Main's last migrations before the move: the portal's models still clients.PortalToken / PortalInboxRead.
BEFORE = [("clients", "0010_revoke_links_stored_in_clear")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def leaf_nodes():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    yield
    migrate(leaf_nodes())


def test_links_and_their_group_permissions_survive_the_move_to_the_portal_app(client):
    job = ServiceFactory()
    raw = status_link_token_issue(service=job)
    migrate(BEFORE)
    try:
        # The old state: the content type is the clients app's, and a manager grants it to a group.
        old_type = ContentType.objects.get(model="portaltoken")
        assert old_type.app_label == "clients"
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO portal_tokens (token_hash, client_id, purpose, expires_at, sent_to_phone_hash) "
                "VALUES (%s, %s, 'sign_in', now() + interval '10 minutes', '')",
                ["f" * 64, job.vehicle.client_id],
            )
        group = Group.objects.create(name="Link keepers")
        group.permissions.add(Permission.objects.get(content_type=old_type, codename="view_portaltoken"))
    finally:
        migrate(leaf_nodes())

    assert sorted(PortalToken.objects.values_list("purpose", flat=True)) == ["sign_in", "status_link"]
    assert client.get(reverse("portal:status_link", kwargs={"token": raw})).status_code == 200
    moved = ContentType.objects.get(model="portaltoken")
    assert (moved.pk, moved.app_label) == (old_type.pk, "portal")
    keeper = UserFactory()
    keeper.groups.add(group)
    assert keeper.has_perm("portal.view_portaltoken")
    client.force_login(keeper)
    assert client.get(reverse("admin:portal_portaltoken_changelist")).status_code == 200


def test_the_move_runs_no_sql():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    for app, name in [("clients", "0011_portal_models_move_to_portal_app"), ("portal", "0001_initial")]:
        plan = [(executor.loader.graph.nodes[app, name], False)]
        statements = executor.loader.collect_sql(plan)
        assert not [s for s in statements if s.strip() and not s.startswith("--")], (app, name)
