"""An estimate of a job booked before the car was sold goes to the job's own client, its seller."""

import pytest

from billing.sending import estimate_send
from billing.tests.scenarios import a_job_priced_in_every_tax_category
from clients.tests.factories import ClientFactory
from fleet.services import vehicle_client_change
from fleet.tests.factories import backdate
from notifications.links import message_for_sending
from notifications.models import NotificationType

pytestmark = pytest.mark.django_db


def test_an_old_jobs_estimate_goes_to_its_seller_with_a_link_that_opens_for_them():
    job = a_job_priced_in_every_tax_category()
    seller, buyer = job.vehicle.client, ClientFactory()
    backdate(job.vehicle, days=5)
    job.refresh_from_db()
    vehicle_client_change(vehicle=job.vehicle, client_id=buyer.pk)

    result = estimate_send(service=job, channel=NotificationType.SMS, by=None, last_seen=None)

    assert result.notification.client_id == seller.pk
    assert "/s/" in message_for_sending(result.notification)  # the link is made: it is the job's own client's
