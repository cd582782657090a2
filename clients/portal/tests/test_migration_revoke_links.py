"""Links stored in clear before the placeholder change stop working once the migration has run."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from clients.portal.tokens import sign_in_token_issue, status_link_token_issue
from notifications.tests.factories import NotificationFactory
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("clients.migrations.0010_revoke_links_stored_in_clear")


def test_tokens_found_in_stored_texts_are_revoked_and_others_left_alone(client):
    job = ServiceFactory()
    leaked_status = status_link_token_issue(service=job)
    leaked_sign_in = sign_in_token_issue(client=job.vehicle.client)
    kept = status_link_token_issue(service=job)
    NotificationFactory(service=job, message=f"Follow it here: https://x.example/portal/s/{leaked_status}/")
    NotificationFactory(service=None, vehicle=None, client=job.vehicle.client,
                        message=f"Your sign-in link: https://x.example/portal/sign-in/{leaked_sign_in}/")

    # The models as that migration saw them (PortalToken was still clients.PortalToken then).
    apps = MigrationLoader(connection).project_state(("clients", "0010_revoke_links_stored_in_clear")).apps
    migration.revoke_links_stored_in_clear(apps, None)

    assert client.get(reverse("portal:status_link", kwargs={"token": leaked_status})).status_code == 410
    assert client.get(reverse("portal:sign_in_confirm", kwargs={"token": leaked_sign_in})).status_code == 410
    assert client.get(reverse("portal:status_link", kwargs={"token": kept})).status_code == 200
