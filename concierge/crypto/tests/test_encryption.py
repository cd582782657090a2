"""Client email and phone are stored encrypted, stay findable by exact value, and survive key rotation."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from clients.models import Client
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from concierge.audit.models import AuditLog
from concierge.crypto.fields import UndecryptableValue
from demo.builder import build_demo_shop

pytestmark = pytest.mark.django_db


def stored(client):
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, phone FROM clients WHERE id = %s", [client.pk])
        return cursor.fetchone()


def test_email_and_phone_reach_the_database_encrypted_and_read_back_in_clear():
    client = ClientFactory(email="wanjiru.kamau@example.co.ke", phone="+254712345678")
    email, phone = stored(client)
    assert "wanjiru" not in email and "712345678" not in phone
    client = Client.objects.get(pk=client.pk)
    assert (client.email, client.phone) == ("wanjiru.kamau@example.co.ke", "+254712345678")


def test_exact_lookup_by_email_ignores_case_and_spaces():
    client = ClientFactory(email="Wanjiru.Kamau@example.co.ke")
    ClientFactory()
    assert list(Client.objects.by_email("  wanjiru.kamau@EXAMPLE.co.ke ")) == [client]
    assert not Client.objects.by_email("wanjiru@example.co.ke").exists()


def test_exact_lookup_by_phone_accepts_local_and_international_forms():
    client = ClientFactory(phone="+254712345678")
    assert list(Client.objects.by_phone("0712 345 678")) == [client]
    assert list(Client.objects.by_phone("+254-712-345-678")) == [client]
    assert not Client.objects.by_phone("0712345679").exists()


def test_email_stays_unique_whatever_its_case():
    ClientFactory(email="achieng@example.co.ke")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClientFactory(email="ACHIENG@example.co.ke")


def test_model_validation_reports_a_taken_email_beside_the_field():
    ClientFactory(email="achieng@example.co.ke")
    duplicate = Client(first_name="A", last_name="O", email="Achieng@example.co.ke")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "email" in excinfo.value.message_dict


def test_an_email_too_long_to_encrypt_into_the_column_is_refused_by_validation():
    client = Client(first_name="A", last_name="O", email=("a" * 120) + "@example.co.ke")
    with pytest.raises(ValidationError) as excinfo:
        client.full_clean()
    assert "email" in excinfo.value.message_dict


def test_a_save_of_some_fields_keeps_the_hash_in_step():
    client = ClientFactory(phone="+254712345678")
    client.phone = "+254722000111"
    client.save(update_fields=["phone"])
    assert list(Client.objects.by_phone("+254722000111")) == [client]


def test_a_dump_of_every_table_holds_no_email_or_phone_in_clear():
    build_demo_shop(clients=25)
    client = Client.objects.exclude(phone=None).first()
    client.phone = "+254799000111"  # an update, so audit_logs holds an UPDATE as well as INSERTs
    client.save()
    contacts = {value for c in Client.objects.all() for value in (c.email, c.phone) if value}
    contacts |= {phone[4:] for phone in contacts if phone.startswith("+254")}  # the national number too
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
        dump = []
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" t')
            dump.extend(row[0] for row in cursor.fetchall())
    assert "clients" in tables and "audit_logs" in tables
    text = "\n".join(dump)
    assert len(contacts) > 40
    leaked = [value for value in contacts if value in text]
    assert leaked == []


def test_rotation_reencrypts_every_row_under_the_newest_key(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    clients = ClientFactory.create_batch(5)
    ClientFactory(phone=None)
    before = {c.pk: stored(c) for c in clients}
    audit_rows = AuditLog.objects.count()

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", "--batch-size", "2", stdout=open(os.devnull, "w"))

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone: every row must still open
    for client in clients:
        assert stored(client) != before[client.pk]
        fresh = Client.objects.get(pk=client.pk)
        assert (fresh.email, fresh.phone) == (client.email, client.phone)
    assert Client.objects.filter(phone=None).count() == 1
    # Only ciphertexts moved: nothing a person would call a change.
    assert AuditLog.objects.count() == audit_rows


def test_a_row_no_key_opens_is_reported_not_returned_garbled(settings):
    client = ClientFactory()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(UndecryptableValue, match="rotate_field_keys"):
        Client.objects.get(pk=client.pk)


def test_production_settings_refuse_to_start_without_field_keys():
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELD_")}
    env.update(SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.com", DJANGO_SETTINGS_MODULE="concierge.settings.production")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_admin_search_finds_a_client_by_exact_email_or_phone(client, superuser):
    from django.urls import reverse

    wanted = ClientFactory(email="njeri@example.co.ke", phone="+254733111222")
    ClientFactory()
    login_verified(client, superuser)
    url = reverse("admin:clients_client_changelist")
    for term in ("NJERI@example.co.ke", "0733 111 222"):
        assert list(client.get(url, {"q": term}).context["cl"].result_list) == [wanted], term


def test_admin_form_reports_a_taken_email_beside_the_field(client, superuser):
    from django.urls import reverse

    ClientFactory(email="njeri@example.co.ke")
    login_verified(client, superuser)
    response = client.post(reverse("admin:clients_client_add"), {
        "first_name": "Njeri", "last_name": "Maina", "email": "Njeri@example.co.ke", "phone": "",
        "address": "", "vehicles-TOTAL_FORMS": "0", "vehicles-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "A client with this email address already exists." in response.context["adminform"].form.errors["email"]


@pytest.mark.parametrize("typed", [
    "0712 345 678", "+254712345678", "254 712 345678", "712345678", "+254-733-111-222", "0110 123456",
    "(0722) 123 456", "+254 20 222 2222", "020 2222222", "+44 20 7946 0958",
])
def test_the_hash_reads_a_phone_number_as_the_staff_forms_store_it(typed):
    # The admin stores clients/phones.py's E.164; the hash must normalise every valid number the same
    # way, or a number typed differently from how it was stored would not be found.
    from clients.phones import normalise_phone as stored_form
    from concierge.crypto.normalise import normalise_phone as hashed_form

    assert hashed_form(typed) == stored_form(typed)
