import datetime
import json

import pytest
from django.utils import timezone

from api.tests.factories import key_with
from clients.models import Client
from clients.tests.factories import ClientFactory
from fleet.models import OdometerReading
from fleet.tests.factories import VehicleFactory
from servicing import signals
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def post(client, url, body, headers, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **headers, **extra)


def patch(client, url, body, headers, **extra):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers, **extra)


def test_every_resource_lists_and_reads(client, shop):
    _, headers = key_with()
    for resource, row in (("clients", "client"), ("vehicles", "vehicle"), ("services", "service"),
                          ("estimates", "estimate"), ("invoices", "invoice"), ("payments", "payment"),
                          ("notifications", "notification")):
        listed = client.get(f"/api/v1/{resource}", **headers)
        assert listed.status_code == 200, (resource, listed.content)
        assert str(shop[row].pk) in [r["id"] for r in listed.json()["results"]], resource
        one = client.get(f"/api/v1/{resource}/{shop[row].pk}", **headers)
        assert one.status_code == 200 and one.json()["id"] == str(shop[row].pk), resource
    invoice = client.get(f"/api/v1/invoices/{shop['invoice'].pk}", **headers).json()
    assert invoice["total"] == "2000.00" and len(invoice["lines"]) == 1
    payment = client.get(f"/api/v1/payments/{shop['payment'].pk}", **headers).json()
    assert payment["amount"] == "1000.00" and payment["method"] == "cash"


def test_contacts_are_decrypted_only_for_keys_that_read_clients(client):
    _, reader = key_with("clients:read")
    _, writer = key_with("clients:write")
    person = ClientFactory(email="amina@example.co.ke", phone="+254712000111")
    body = client.get(f"/api/v1/clients/{person.pk}", **reader).json()
    assert (body["email"], body["phone"]) == ("amina@example.co.ke", "+254712000111")
    made = post(client, "/api/v1/clients", {"first_name": "B", "last_name": "C", "email": "b@example.co.ke",
                                             "phone": "0712000222"}, writer).json()
    assert made["email"] is None and made["phone"] is None
    assert Client.objects.get(pk=made["id"]).phone == "+254712000222"  # stored as the admin stores it


def test_clients_are_found_by_phone_in_the_body_never_the_url(client):
    _, headers = key_with("clients:read")
    person = ClientFactory(phone="+254712000333")
    ClientFactory(phone="+254712000444")
    found = post(client, "/api/v1/clients/search", {"phone": "0712 000 333"}, headers).json()["results"]
    assert [r["id"] for r in found] == [str(person.pk)]


def test_create_refuses_what_the_admin_refuses_with_its_message_by_field(client):
    _, headers = key_with("clients:write", "clients:read")
    ClientFactory(email="taken@example.co.ke")
    response = post(client, "/api/v1/clients", {"first_name": "A", "last_name": "B", "email": "Taken@example.co.ke",
                                                 "phone": "not a phone"}, headers)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["email"] == "A client with this email address already exists."
    assert "phone" in errors
    assert Client.objects.count() == 1


def test_a_jobs_price_is_not_set_through_the_api_and_an_unknown_field_is_refused(client):
    # The price is the invoice's (billing keeps it): sending one is refused by name, not dropped.
    _, headers = key_with("services:write", "services:read")
    car = VehicleFactory()
    response = post(client, "/api/v1/services", {"vehicle": str(car.pk), "service_type": "Oil Change",
                                                  "scheduled_date": "2026-12-08", "cost": "1.00"}, headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["cost"]
    assert not Service.objects.exists()


def test_vehicle_plate_filter_takes_any_usual_spelling_and_refuses_a_bad_plate(client):
    _, headers = key_with("vehicles:read")
    car = VehicleFactory(license_plate="KDA 123A")
    VehicleFactory()
    rows = client.get("/api/v1/vehicles?plate=kda123a", **headers).json()["results"]
    assert [r["id"] for r in rows] == [str(car.pk)]
    bad = client.get("/api/v1/vehicles?plate=K%24A", **headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "plate"


def test_vehicle_create_uses_the_admins_checks_and_records_the_reading(client):
    key, headers = key_with("vehicles:write")
    owner = ClientFactory()
    VehicleFactory(license_plate="KDB 200B")
    taken = post(client, "/api/v1/vehicles", {"client": str(owner.pk), "license_plate": "kdb200b", "make": "Mazda",
                                              "model": "Demio", "vin": "JM1DE1234567890AB", "mileage": 1000}, headers)
    assert taken.status_code == 422
    assert taken.json()["errors"] == [{"field": "license_plate", "message": "A vehicle with this number plate already exists."}]
    made = post(client, "/api/v1/vehicles", {"client": str(owner.pk), "license_plate": "kdc 300c", "make": "Mazda",
                                             "model": "Demio", "vin": "JM1DE1234567890AB", "mileage": 1000}, headers)
    assert made.status_code == 201, made.json()
    assert made.json()["license_plate"] == "KDC 300C"
    assert OdometerReading.objects.filter(vehicle_id=made.json()["id"], mileage=1000).exists()


def test_a_status_change_goes_through_the_lifecycle_with_the_keys_user(client, catalogue):
    key, headers = key_with("services:write", "services:read")
    job = ServiceFactory()
    etag = client.get(f"/api/v1/services/{job.pk}", **headers)["ETag"]
    sent = []
    receiver = lambda **kwargs: sent.append((kwargs["old_status"], kwargs["new_status"], kwargs["by"]))  # noqa: E731
    signals.service_status_changed.connect(receiver, weak=False)
    try:
        response = patch(client, f"/api/v1/services/{job.pk}", {"status": "in_progress"}, headers, HTTP_IF_MATCH=etag)
    finally:
        signals.service_status_changed.disconnect(receiver)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress"
    assert sent == [(ServiceStatus.PENDING, ServiceStatus.IN_PROGRESS, key.acting_user)]
    # Completed is final: the lifecycle's own reason, beside the field.
    Service.objects.filter(pk=job.pk).update(status=ServiceStatus.COMPLETED, completed_date=timezone.localdate())
    etag = client.get(f"/api/v1/services/{job.pk}", **headers)["ETag"]
    refused = patch(client, f"/api/v1/services/{job.pk}", {"status": "pending"}, headers, HTTP_IF_MATCH=etag)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "status"


# Committed between requests, as two real clients would: a row's version is its updated_at, the writing
# transaction's start time (concierge/admin/concurrency.py), so one test transaction would never move it.
@pytest.mark.django_db(transaction=True)
def test_a_stale_edit_is_refused_and_an_edit_needs_if_match(client, catalogue):
    _, headers = key_with("services:write", "services:read")
    job = ServiceFactory()
    etag = client.get(f"/api/v1/services/{job.pk}", **headers)["ETag"]
    assert patch(client, f"/api/v1/services/{job.pk}", {"notes": "x"}, headers).status_code == 428
    first = patch(client, f"/api/v1/services/{job.pk}", {"notes": "first"}, headers, HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    second = patch(client, f"/api/v1/services/{job.pk}", {"notes": "second"}, headers, HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    job.refresh_from_db()
    assert job.notes == "first"


def test_a_new_job_is_booked_pending_and_a_retry_with_the_same_idempotency_key_books_nothing_more(client, catalogue):
    _, headers = key_with("services:write")
    car = VehicleFactory()
    body = {"vehicle": str(car.pk), "service_type": "Oil Change", "scheduled_date": str(timezone.localdate())}
    first = post(client, "/api/v1/services", body, headers, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = post(client, "/api/v1/services", body, headers, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["status"] == "pending"
    assert Service.objects.filter(vehicle=car).count() == 1
    other = post(client, "/api/v1/services", {**body, "notes": "x"}, headers, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert other.status_code == 409
    started = post(client, "/api/v1/services", {**body, "status": "completed"}, headers)
    assert started.status_code == 422 and started.json()["errors"][0]["field"] == "status"


def test_cursor_pages_cover_every_row_once_in_a_stable_order(client):
    _, headers = key_with("clients:read")
    made = {str(ClientFactory().pk) for _ in range(7)}
    seen, cursor = [], None
    while True:
        url = "/api/v1/clients?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, **headers).json()
        seen += [r["id"] for r in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        ClientFactory()  # a row written meanwhile goes to the end, moving nothing already paged
    assert made <= set(seen) and len(seen) == len(set(seen))
    assert client.get("/api/v1/clients?cursor=garbage", **headers).status_code == 400


def test_filters_by_status_and_change_time(client, catalogue):
    _, headers = key_with("services:read")
    ServiceFactory()  # pending
    started = ServiceFactory()
    Service.objects.filter(pk=started.pk).update(status=ServiceStatus.IN_PROGRESS)
    rows = client.get("/api/v1/services?status=in_progress", **headers).json()["results"]
    assert [r["id"] for r in rows] == [str(started.pk)]
    later = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/services", {"updated_since": later}, **headers).json()["results"] == []
    assert client.get("/api/v1/services?status=bogus", **headers).status_code == 422


def test_the_schema_is_openapi_3_1_and_the_docs_load_nothing_from_a_cdn(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.1")
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs
