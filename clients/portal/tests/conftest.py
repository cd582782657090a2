import pytest
from django.core.cache import cache
from django.urls import reverse

from clients.portal.tokens import sign_in_token_issue


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    # Rate-limit counters live in the shared test Redis; each test starts with none.
    cache.clear()


def portal_sign_in_as(http, client):
    """Sign a Django test client in the way a phone does: a fresh link, then its button."""
    raw = sign_in_token_issue(client=client)
    response = http.post(reverse("portal:sign_in_confirm", kwargs={"token": raw}))
    assert response.status_code == 302 and response["Location"] == reverse("portal:vehicles")
    return http


@pytest.fixture
def signed_in(client):
    """`signed_in(car_owner)` -> the test client, signed in to the portal as that car owner."""
    return lambda car_owner: portal_sign_in_as(client, car_owner)
