"""Gap-free numbering, for real: committed transactions, and two completions at once on two database
connections (concierge/tests/concurrency.py). No sleeps decide an outcome: the tests wait for
PostgreSQL to report a backend waiting for the counter's lock."""

import threading
import time

import pytest
from django.db import connections, transaction

from billing.models import DocumentCounter, DocumentKind, Invoice
from concierge.tests.concurrency import REACH_THE_LOCK_WITHIN_SECONDS, at_once, backends_waiting_for_a_lock
from servicing.models import Service
from servicing.services import service_complete, service_start

from .scenarios import a_job_with_one_approved_line

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


def _started_job() -> Service:
    job = a_job_with_one_approved_line()
    service_start(service=job)
    return job


def _numbers() -> list[int]:
    return sorted(Invoice.objects.filter(kind=DocumentKind.INVOICE).values_list("number", flat=True))


def test_a_rolled_back_completion_leaves_no_gap():
    first, second = _started_job(), _started_job()
    with pytest.raises(Rollback), transaction.atomic():
        service_complete(service=first)
        assert Invoice.objects.get(service=first).number == 1
        raise Rollback  # e.g. a later write in the same request failed
    assert not Invoice.objects.exists()
    service_complete(service=second)
    assert _numbers() == [1]
    assert DocumentCounter.objects.get(series=DocumentKind.INVOICE).last_number == 1


def test_concurrent_completions_take_consecutive_numbers():
    jobs = [_started_job() for _ in range(2)]
    # The series' row, for at_once to hold while both completions reach it.
    counter = DocumentCounter.objects.create(series=DocumentKind.INVOICE, last_number=0)
    at_once(counter, *[lambda job=job: service_complete(service=job) for job in jobs])
    assert _numbers() == [1, 2]


def test_a_completion_waiting_behind_one_that_rolls_back_takes_its_number():
    first, second = _started_job(), _started_job()
    first_holds_the_number, let_first_roll_back = threading.Event(), threading.Event()
    taken: dict[str, int] = {}
    errors: list[BaseException] = []

    def complete_then_roll_back():
        try:
            with transaction.atomic():
                service_complete(service=first)
                taken["first"] = Invoice.objects.get(service=first).number
                first_holds_the_number.set()
                let_first_roll_back.wait(REACH_THE_LOCK_WITHIN_SECONDS)
                raise Rollback
        except Rollback:
            pass
        except BaseException as error:
            errors.append(error)
            first_holds_the_number.set()
        finally:
            connections.close_all()

    def complete():
        try:
            service_complete(service=second)
            taken["second"] = Invoice.objects.get(service=second).number
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    one = threading.Thread(target=complete_then_roll_back)
    one.start()
    assert first_holds_the_number.wait(REACH_THE_LOCK_WITHIN_SECONDS)
    two = threading.Thread(target=complete)
    two.start()
    give_up = time.monotonic() + REACH_THE_LOCK_WITHIN_SECONDS
    while backends_waiting_for_a_lock() < 1 and time.monotonic() < give_up and two.is_alive():
        time.sleep(0.01)
    waiting = backends_waiting_for_a_lock()
    let_first_roll_back.set()
    one.join()
    two.join()
    assert not errors, errors
    assert waiting == 1  # the second completion really waited on the first one's number
    assert taken == {"first": 1, "second": 1}
    assert _numbers() == [1]
    assert Service.objects.get(pk=first.pk).status == "in_progress"
