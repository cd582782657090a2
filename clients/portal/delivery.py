"""Handing portal links to the notification channels.

The message is recorded as a notifications.Notification (status pending) in the caller's
transaction. After commit it is handed to `notifications.tasks.deliver_notification` when that task
exists (issue #4 adds it); until then the pending row is the whole delivery, and is what tests read.
"""

import importlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.models import Notification, NotificationStatus

log = logging.getLogger(__name__)


def _deliver_on_commit(notification):
    try:
        tasks = importlib.import_module("notifications.tasks")
    except ImportError:
        tasks = None
    deliver = getattr(tasks, "deliver_notification", None)
    if deliver is None:
        log.info("notification %s left pending: notifications.tasks.deliver_notification is not there yet",
                 notification.pk)
        return
    notification_id = str(notification.pk)
    transaction.on_commit(lambda: deliver.delay(notification_id))


@transaction.atomic
def send_sign_in_link(*, client, channel, url):
    notification = Notification.objects.create(
        client=client, channel=channel, status=NotificationStatus.PENDING, sent_at=None,
        message=_("Your sign-in link for %(shop)s, valid for 10 minutes and once: %(url)s")
        % {"shop": settings.SHOP_NAME, "url": url},
    )
    _deliver_on_commit(notification)
    return notification


@transaction.atomic
def send_status_link(*, service, channel, url):
    vehicle = service.vehicle
    notification = Notification.objects.create(
        client=vehicle.client, vehicle=vehicle, service=service, channel=channel,
        status=NotificationStatus.PENDING, sent_at=None,
        message=_("Follow the %(job)s on %(plate)s here: %(url)s")
        % {"job": service.service_type, "plate": vehicle.license_plate or vehicle.vin, "url": url},
    )
    _deliver_on_commit(notification)
    return notification

