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


@pytest.fixture
def ask_for_link(client, monkeypatch, django_capture_on_commit_callbacks):
    """`ask_for_link(contact, ip=...)`: post the sign-in form as a phone does, then do the worker's half.

    The view only queues clients.tasks.fulfil_sign_in_request after commit; what it hands Celery is
    recorded here (in `ask_for_link.queued`) and run in this thread by Celery's own `apply`, so a test
    sees the link the worker would have written. test_sign_in_worker.py runs it in a real worker."""
    from clients import tasks

    queued = []
    monkeypatch.setattr(tasks.fulfil_sign_in_request, "apply_async", lambda args, **kw: queued.append(tuple(args)))

    def ask(contact, ip="10.0.0.1", *, run_worker=True):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("portal:sign_in"), {"contact": contact}, REMOTE_ADDR=ip)
        if run_worker:
            for args in queued:
                tasks.fulfil_sign_in_request.apply(args=args).get()
            ask.published.extend(queued)
            queued.clear()
        return response

    ask.queued = queued
    ask.published = []
    return ask
