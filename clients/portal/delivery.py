"""Handing portal links to the notification channels.

Each link becomes a notifications.Notification written in the caller's transaction through
`notification_create`, which queues its delivery after commit (and leaves it pending for the beat
sweeper when Redis is down, so a sign-in request never fails because of the broker).
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.services import notification_create


@transaction.atomic
def send_sign_in_link(*, client, channel, url):
    return notification_create(
        client=client, channel=channel,
        message=_("Your sign-in link for %(shop)s, valid for 10 minutes and once: %(url)s")
        % {"shop": settings.SHOP_NAME, "url": url},
    )


@transaction.atomic
def send_status_link(*, service, channel, url):
    vehicle = service.vehicle
    return notification_create(
        client=vehicle.client, vehicle=vehicle, service=service, channel=channel,
        message=_("Follow the %(job)s on %(plate)s here: %(url)s")
        % {"job": service.service_type, "plate": vehicle.license_plate or vehicle.vin, "url": url},
    )
