"""The outbox against the fake KRA server: sent once, retried while KRA is unreachable, refused and
uncertain ones left for a person, nothing sent when eTIMS is not configured."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from concierge.audit.models import AuditLog
from concierge.processes import queued_args
from etims.models import Transmission, TransmissionState
from etims.selectors import status_line_for
from etims.services import (
    queue_transmission, transmission_record_receipt, transmission_requeue, transmission_send, transmissions_sweep,
)
from etims.tasks import send_transmission
from notifications.tests.local_server import TricklingServer, raw_http

from .factories import credit_note, invoice

pytestmark = pytest.mark.django_db


def test_an_accepted_invoice_stores_the_control_units_receipt_and_its_qr_code(etims_settings, etims_server):
    row = queue_transmission(invoice(5, customer_tin="P000111222Q"))
    assert row.state == TransmissionState.QUEUED and status_line_for("invoice", 5) == "Awaiting KRA"

    assert transmission_send(transmission_id=row.pk).state == TransmissionState.ACCEPTED

    row.refresh_from_db()
    assert (row.state, row.cur_rcpt_no, row.tot_rcpt_no, row.sdc_date_time) == ("accepted", "1", "1", "20261203143005")
    assert row.intrl_data == "INTRL" + "0" * 20 + "1" and row.rcpt_sign == "SIGN000000000001"
    assert row.qr_url == ("https://etims.kra.go.ke/common/link/etims/receipt/indexEtimsReceiptData?Data="
                          "P051234567X00SIGN000000000001")
    assert status_line_for("invoice", 5) == "KRA eTIMS receipt no. 1, 03/12/2026 14:30"
    [init, sale] = etims_server.requests
    assert init[0] == "selectInitOsdcInfo" and init[2] == {"tin": "P051234567X", "bhfId": "00",
                                                           "dvcSrlNo": "NDEGWA-OSCU-1"}
    assert sale[1]["cmckey"] == etims_server.cmc_key  # the key from initialisation, sent as a header
    assert sale[2] == row.payload and sale[2]["invcNo"] == row.invc_no and sale[2]["custTin"] == "P000111222Q"


def test_while_kra_is_unreachable_the_invoice_waits_and_is_sent_when_it_is_back(etims_settings, etims_server):
    row = queue_transmission(invoice(6))
    etims_server.refuse()
    outcome = transmission_send(transmission_id=row.pk)
    assert outcome.state == "retry" and outcome.retry_in is not None
    row.refresh_from_db()
    assert row.state == TransmissionState.QUEUED and row.attempts == 1 and "not reached" in row.last_error
    assert status_line_for("invoice", 6) == "Awaiting KRA"

    etims_server.resume()
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.ACCEPTED
    row.refresh_from_db()
    assert row.attempts == 2 and row.last_error == "" and len(etims_server.sales) == 1


def test_a_5xx_answer_is_retried_and_the_sale_recorded_once(etims_settings, etims_server):
    row = queue_transmission(invoice(7))
    etims_server.fail_next = 2
    assert transmission_send(transmission_id=row.pk).state == "retry"
    assert transmission_send(transmission_id=row.pk).state == "retry"
    row.refresh_from_db()
    assert "HTTP 503" in row.last_error
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.ACCEPTED
    assert len(etims_server.sale_requests()) == 3 and len(etims_server.sales) == 1


def test_a_refused_invoice_is_kept_with_kras_reason_and_not_resent(etims_settings, etims_server):
    row = queue_transmission(invoice(8))
    etims_server.result_code, etims_server.result_message = "921", "Sales data which is declared cannot be received."
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.REJECTED
    row.refresh_from_db()
    assert (row.state, row.result_code) == ("rejected", "921")
    assert row.last_error == "KRA eTIMS refused it: 921 Sales data which is declared cannot be received."
    assert transmission_send(transmission_id=row.pk).state == "skipped"
    assert len(etims_server.sale_requests()) == 1
    assert status_line_for("invoice", 8) == "Awaiting KRA"


def test_a_timeout_after_sending_is_uncertain_and_never_resent_automatically(etims_settings, etims_server, broker):
    row = queue_transmission(invoice(9))
    etims_server.hang_next = 1  # KRA records it; its answer comes after our 1 s timeout
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.UNCERTAIN
    row.refresh_from_db()
    assert row.state == TransmissionState.UNCERTAIN and "KRA may have recorded it" in row.last_error
    # Neither a redelivered task nor the sweep sends it again.
    Transmission.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert transmission_send(transmission_id=row.pk).state == "skipped"
    assert transmissions_sweep() == {"requeued": 0, "abandoned": 0}
    assert queued_args(broker, send_transmission) == []
    assert len(etims_server.sale_requests()) == 1 and len(etims_server.sales) == 1


def test_an_answer_trickled_a_byte_at_a_time_ends_within_the_timeout_as_uncertain(etims_settings, etims_server):
    # KRA records the sale, then answers a byte every quarter second: each read is inside the 1 s
    # timeout, the whole answer would take over a minute.
    etims_server.trickle_next = 1
    row = queue_transmission(invoice(19))
    started = time.monotonic()
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.UNCERTAIN
    assert time.monotonic() - started < 3
    row.refresh_from_db()
    assert "(timed out)" in row.last_error and "KRA may have recorded it" in row.last_error
    assert transmission_send(transmission_id=row.pk).state == "skipped" and len(etims_server.sales) == 1


def inits(etims_server):
    return [op for op, _, _ in etims_server.requests if op == "selectInitOsdcInfo"]


def test_a_key_kra_no_longer_takes_is_fetched_again_once_and_the_sale_sent_once_more(etims_settings, etims_server):
    assert transmission_send(transmission_id=queue_transmission(invoice(21)).pk).state == TransmissionState.ACCEPTED
    etims_server.cmc_key = "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5"  # the device was initialised again: a new key
    row = queue_transmission(invoice(22))
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.ACCEPTED
    assert len(inits(etims_server)) == 2 and len(etims_server.sale_requests()) == 3 and len(etims_server.sales) == 2
    assert etims_server.requests[-1][1]["cmckey"] == etims_server.cmc_key


def test_a_key_refused_again_after_a_fresh_one_is_rejected_not_asked_for_in_a_loop(etims_settings, etims_server):
    etims_server.result_code, etims_server.result_message = "901", "It is not valid device"
    row = queue_transmission(invoice(23))
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.REJECTED
    row.refresh_from_db()
    assert row.result_code == "901" and row.last_error == "KRA eTIMS refused it: 901 It is not valid device"
    assert len(inits(etims_server)) == 2 and len(etims_server.sale_requests()) == 2 and etims_server.sales == []


def test_a_device_kra_does_not_know_is_rejected_for_a_person_not_retried_forever(etims_settings, etims_server):
    etims_settings.ETIMS_DEVICE_SERIAL = "NOT-OUR-DEVICE"
    row = queue_transmission(invoice(24))
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.REJECTED
    row.refresh_from_db()
    assert row.result_code == "901" and "check ETIMS_PIN, ETIMS_BRANCH_ID, ETIMS_DEVICE_SERIAL" in row.last_error
    assert len(inits(etims_server)) == 1 and etims_server.sale_requests() == []


def test_a_person_resolves_an_uncertain_one_by_recording_the_receipt_kra_has(
        etims_settings, etims_server, superuser):
    row = queue_transmission(invoice(10))
    etims_server.hang_next = 1
    transmission_send(transmission_id=row.pk)
    # Sent again on purpose: KRA already has this invoice number (994), so it stays uncertain.
    assert transmission_requeue(transmission=Transmission.objects.get(pk=row.pk), by=superuser)
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.UNCERTAIN
    row.refresh_from_db()
    assert row.result_code == "994" and "already has this invoice number" in row.last_error
    assert len(etims_server.sales) == 1

    assert transmission_record_receipt(transmission=row, receipt_number="1", rcpt_sign="SIGN000000000001", by=superuser)
    assert not transmission_record_receipt(transmission=row, receipt_number="2", by=superuser)  # once
    row.refresh_from_db()
    assert (row.state, row.cur_rcpt_no, row.resolved_by) == ("accepted", "1", superuser)
    assert row.qr_url.endswith("P051234567X00SIGN000000000001")


def test_queueing_the_same_document_twice_keeps_one_row_and_one_send(
        etims_settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = queue_transmission(invoice(11))
        second = queue_transmission(invoice(11))
    assert first.pk == second.pk and Transmission.objects.filter(number=11).count() == 1
    assert len(callbacks) == 1
    with pytest.raises(ValueError, match="other contents"):
        queue_transmission(invoice(11, lines=invoice(12).lines[:1]))


def test_a_credit_note_waits_for_its_invoice_to_be_accepted_and_names_it(etims_settings, etims_server):
    sale = queue_transmission(invoice(12))
    credit = queue_transmission(credit_note(1, original_number=12))
    assert credit.org_invc_no == sale.invc_no and credit.payload["orgInvcNo"] == sale.invc_no
    assert transmission_send(transmission_id=credit.pk).state == "retry"
    credit.refresh_from_db()
    assert "waiting for invoice 12" in credit.last_error and etims_server.sale_requests() == []
    assert transmission_send(transmission_id=sale.pk).state == TransmissionState.ACCEPTED
    assert transmission_send(transmission_id=credit.pk).state == TransmissionState.ACCEPTED
    assert [s["rcptTyCd"] for s in etims_server.sales] == ["S", "R"]
    with pytest.raises(ValueError, match="never queued"):
        queue_transmission(credit_note(2, original_number=99))


def test_without_configuration_the_invoice_is_recorded_not_configured_and_says_so(
        settings, django_capture_on_commit_callbacks, etims_server, superuser):
    settings.ETIMS_BASE_URL = settings.ETIMS_PIN = settings.ETIMS_DEVICE_SERIAL = ""
    with django_capture_on_commit_callbacks() as callbacks:
        row = queue_transmission(invoice(13))
    assert row.state == TransmissionState.NOT_CONFIGURED and callbacks == []
    assert status_line_for("invoice", 13) == "Not transmitted to KRA eTIMS (not configured)"
    assert status_line_for("invoice", 404) == "Not transmitted to KRA eTIMS (not configured)"
    with pytest.raises(ValueError, match="still not configured"):
        transmission_requeue(transmission=row, by=superuser)

    # Configured later, a manager sends it: the shop's PIN and branch are filled in then.
    settings.ETIMS_BASE_URL, settings.ETIMS_PIN = etims_server.base_url, etims_server.tin
    settings.ETIMS_DEVICE_SERIAL, settings.ETIMS_TIMEOUT = etims_server.device_serial, 1.0
    assert transmission_requeue(transmission=row, by=superuser)
    assert transmission_send(transmission_id=row.pk).state == TransmissionState.ACCEPTED
    assert etims_server.sales[0]["tin"] == "P051234567X"


def test_configuration_removed_after_queueing_leaves_it_queued_with_the_reason(etims_settings, etims_server):
    row = queue_transmission(invoice(19))
    etims_settings.ETIMS_BASE_URL = "ftp://etims.example"
    assert transmission_send(transmission_id=row.pk).state == "retry"
    etims_settings.ETIMS_DEVICE_SERIAL = ""
    assert transmission_send(transmission_id=row.pk).state == "retry"
    row.refresh_from_db()
    assert row.state == TransmissionState.QUEUED and "not configured now" in row.last_error
    assert etims_server.requests == []


def test_every_change_to_a_transmission_is_audited(etims_settings, etims_server):
    row = queue_transmission(invoice(20))
    transmission_send(transmission_id=row.pk)
    actions = list(AuditLog.objects.filter(table_name="etims_transmissions", record_id=row.pk)
                   .values_list("action", flat=True))
    assert sorted(actions) == ["INSERT", "UPDATE", "UPDATE"]  # queued; claimed; accepted


def test_the_sweep_marks_a_lost_workers_claim_uncertain_and_requeues_due_rows(etims_settings, broker, settings):
    stuck, due, fresh = (queue_transmission(invoice(n)) for n in (14, 15, 16))
    hour_ago = timezone.now() - timedelta(hours=1)
    Transmission.objects.filter(pk=stuck.pk).update(state=TransmissionState.SENDING, claimed_at=hour_ago)
    Transmission.objects.filter(pk__in=[stuck.pk, due.pk]).update(created_at=hour_ago)

    assert transmissions_sweep() == {"requeued": 1, "abandoned": 1}
    assert Transmission.objects.get(pk=stuck.pk).state == TransmissionState.UNCERTAIN
    assert queued_args(broker, send_transmission) == [[str(due.pk)]]
    assert transmissions_sweep()["requeued"] == 0  # not again within an interval
    assert Transmission.objects.get(pk=fresh.pk).requeued_at is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_transmission_send_it_once(etims_settings, etims_server, broker):
    with transaction.atomic():
        row = queue_transmission(invoice(17))
    assert queued_args(broker, send_transmission) == [[str(row.pk)]]  # queued after commit, once

    start, outcomes = threading.Barrier(2), []

    def worker():
        try:
            start.wait(5)
            outcomes.append(transmission_send(transmission_id=row.pk).state)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == ["accepted", "skipped"]
    assert len(etims_server.sale_requests()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_send_while_another_worker_holds_the_claim_sends_nothing(etims_settings, etims_server, broker):
    with transaction.atomic():
        row = queue_transmission(invoice(18))
    etims_settings.ETIMS_TIMEOUT = 15  # the held request must outlast the checks below
    etims_server.hold_next = True
    first = []
    thread = threading.Thread(target=lambda: (first.append(transmission_send(transmission_id=row.pk).state),
                                              connection.close()))
    thread.start()
    assert etims_server.held.wait(10)
    assert Transmission.objects.get(pk=row.pk).state == TransmissionState.SENDING  # committed before the call
    assert transmission_send(transmission_id=row.pk).state == "skipped"
    etims_server.release()
    thread.join(20)
    assert first == ["accepted"] and len(etims_server.sale_requests()) == 1


def _kra_answering(etims_settings, body: bytes):
    server = TricklingServer(answer=raw_http(200, body), interval=0)
    etims_settings.ETIMS_BASE_URL, etims_settings.ETIMS_CMC_KEY = server.base_url, "a-key-set-by-hand"
    return server


@pytest.mark.parametrize("body, state", [
    (b"[" * 100_000 + b"]" * 100_000, TransmissionState.UNCERTAIN),  # nested past the JSON parser
    (b'{"resultCd": "' + b"9" * 50 + b'", "resultMsg": "odd"}', TransmissionState.REJECTED),
    (b'{"resultCd": "000", "resultMsg": "' + b"m" * 500 + b'", "data": {"curRcptNo": "' + b"1" * 60
     + b'", "rcptSign": "' + b"S" * 150 + b'", "intrlData": "' + b"I" * 300 + b'", "sdcDateTime": "'
     + b"2" * 20 + b'"}}', TransmissionState.UNCERTAIN),
])
def test_an_odd_answer_from_kra_is_recorded_not_a_crash(etims_settings, body, state):
    with _kra_answering(etims_settings, body):
        row = queue_transmission(invoice(31))
        assert transmission_send(transmission_id=row.pk).state == state
    row.refresh_from_db()
    assert row.state == state and row.claimed_at is None and row.last_error
