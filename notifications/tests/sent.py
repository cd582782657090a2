"""The text a message went out with, for tests: delivered here through the in-memory backends of the
test settings (LocmemSMSBackend, Django's locmem email), as a worker would deliver it."""

from django.core import mail

from notifications.backends import sms
from notifications.models import NotificationType
from notifications.services import notification_deliver


def text_as_sent(notification):
    texts, emails = len(sms.outbox), len(mail.outbox)
    outcome = notification_deliver(notification_id=notification.pk)
    assert outcome.status == "sent", outcome
    if notification.channel == NotificationType.SMS:
        return sms.outbox[texts][1]
    return mail.outbox[emails].body
