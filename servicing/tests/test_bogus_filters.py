"""A list filtered by a value its enum column cannot hold is Django's bad lookup (`?e=1`), not a 500."""

import pytest
from django.core.exceptions import ValidationError

from concierge.accounts.roles import FRONT_DESK
from concierge.accounts.tests.factories import login_verified, staff_in_role
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["status__exact=bogus", "status=bogus", "status__in=pending,bogus"])
def test_jobs_list_filtered_by_a_status_that_does_not_exist_redirects_to_the_error_flag(client, query):
    ServiceFactory()
    login_verified(client, staff_in_role(FRONT_DESK))
    response = client.get(f"/admin/servicing/service/?{query}")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_a_status_outside_the_enum_is_refused_before_the_query():
    with pytest.raises(ValidationError):
        Service.objects.filter(status="bogus")
    assert not Service.objects.filter(status=ServiceStatus.CANCELLED).exists()
