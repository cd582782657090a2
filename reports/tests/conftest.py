import pytest
from django.contrib.auth.models import Permission

from concierge.accounts.tests.factories import UserFactory


@pytest.fixture
def manager(db):
    user = UserFactory(first_name="Grace", last_name="Wairimu")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="reports", codename="view_reports"))
    return user


@pytest.fixture
def front_desk(db):
    """Staff without reports.view_reports."""
    return UserFactory(first_name="Brian", last_name="Ochieng")
