"""The data-subject requests on the client admin page: export and erasure, for those allowed to."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, superuser):
    login_verified(client, superuser)
    return client


def test_erasure_needs_the_name_typed_back(staff_client):
    client = ClientFactory(first_name="Zawadi", last_name="Mwakilema")
    url = reverse("admin:clients_client_erase", args=[client.pk])
    wrong = staff_client.post(url, {"confirm_name": "Zawadi"})
    assert wrong.status_code == 400
    assert Client.objects.get(pk=client.pk).first_name == "Zawadi"
    staff_client.post(url, {"confirm_name": "zawadi mwakilema"})
    assert Client.objects.get(pk=client.pk).first_name == "Erased"


def test_staff_without_the_permission_cannot_export_or_erase(client):
    staff = UserFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_client"))
    login_verified(client, staff)
    target = ClientFactory()
    assert client.get(reverse("admin:clients_client_personal_data", args=[target.pk])).status_code == 403
    assert client.post(reverse("admin:clients_client_erase", args=[target.pk]),
                       {"confirm_name": target.full_name}).status_code == 403
    changelist = client.get(reverse("admin:clients_client_changelist")).content.decode()
    assert "erase_personal_data" not in changelist


def test_export_action_opens_the_readable_page_and_offers_json(staff_client):
    target = ClientFactory(first_name="Zawadi", email="zawadi@example.co.ke")
    response = staff_client.post(reverse("admin:clients_client_changelist"),
                                 {"action": "export_personal_data", "_selected_action": [target.pk]})
    assert response.status_code == 302
    page = staff_client.get(response["Location"]).content.decode()
    assert "zawadi@example.co.ke" in page
    json_url = reverse("admin:clients_client_personal_data_json", args=[target.pk])
    assert f'href="{json_url}"' in page
    download = staff_client.get(json_url)
    assert download["Content-Type"] == "application/json"
    assert download.json()["client"]["email"] == "zawadi@example.co.ke"


def test_managers_answer_data_subject_requests_and_the_front_desk_does_not(client):
    from django.contrib.auth.models import Group

    from concierge.accounts.roles import FRONT_DESK, MANAGER

    target = ClientFactory()
    erase = reverse("admin:clients_client_erase", args=[target.pk])
    export = reverse("admin:clients_client_personal_data", args=[target.pk])
    for role, expected in [(MANAGER, 200), (FRONT_DESK, 403)]:
        user = UserFactory()
        user.groups.add(Group.objects.get(name=role))
        login_verified(client, user)
        assert (client.get(export).status_code, client.get(erase).status_code) == (expected, expected), role
