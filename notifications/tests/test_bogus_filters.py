"""A list filtered by a channel its enum column cannot hold is Django's bad lookup (`?e=1`), not a 500."""

import pytest

from concierge.accounts.roles import FRONT_DESK
from concierge.accounts.tests.factories import login_verified, staff_in_role

pytestmark = pytest.mark.django_db


def test_messages_list_filtered_by_a_channel_that_does_not_exist_redirects_to_the_error_flag(client):
    login_verified(client, staff_in_role(FRONT_DESK))
    response = client.get("/admin/notifications/notification/?channel__exact=bogus")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
