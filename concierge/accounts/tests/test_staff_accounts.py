"""A staff account made with a role can sign in (issue 12, item 3)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from concierge.accounts.models import User
from concierge.accounts.roles import FRONT_DESK, MANAGER, TECHNICIAN
from concierge.accounts.services import staff_user_groups_set
from concierge.accounts.tests.factories import PASSWORD, UserFactory, login_verified

pytestmark = pytest.mark.django_db


def test_a_role_makes_the_user_staff():
    user = UserFactory(is_staff=False)
    staff_user_groups_set(user=user, groups=[Group.objects.get(name=TECHNICIAN)])
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [TECHNICIAN]


def test_a_group_that_is_not_a_role_leaves_staff_status_alone():
    user = UserFactory(is_staff=False)
    staff_user_groups_set(user=user, groups=[Group.objects.create(name="Newsletter")])
    user.refresh_from_db()
    assert not user.is_staff


def test_the_add_form_asks_for_the_role(client, superuser):
    login_verified(client, superuser)
    page = client.get(reverse("admin:accounts_user_add"))
    role = page.context["adminform"].form.fields["role"]
    assert role.required
    assert sorted(group.name for group in role.queryset) == sorted([FRONT_DESK, MANAGER, TECHNICIAN])
    refused = client.post(reverse("admin:accounts_user_add"), {
        "email": "no.role@ndegwa.example", "password1": PASSWORD, "password2": PASSWORD,
    })
    assert refused.status_code == 200
    assert "role" in refused.context["adminform"].form.errors
    assert not User.objects.filter(email="no.role@ndegwa.example").exists()


def test_a_technician_added_through_the_admin_signs_in(client, superuser):
    login_verified(client, superuser)
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "ann.wanjiku@ndegwa.example", "first_name": "Ann", "last_name": "Wanjiku",
        "role": Group.objects.get(name=TECHNICIAN).pk, "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302
    client.logout()
    response = client.post(reverse("admin:login"), {"username": "ann.wanjiku@ndegwa.example", "password": PASSWORD})
    assert response.status_code == 302, "the new technician was refused at login"
    assert client.get(reverse("admin:index")).status_code == 200


def test_putting_a_user_in_a_role_on_the_change_form_makes_them_staff(client, superuser):
    user = UserFactory(is_staff=False)
    login_verified(client, superuser)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "groups"}
    data.update({"groups": [Group.objects.get(name=FRONT_DESK).pk], "user_permissions": [],
                 "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
                 "date_joined_1": user.date_joined.strftime("%H:%M:%S")})
    data.pop("is_staff", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_staff
