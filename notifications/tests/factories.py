import factory

from notifications.models import Notification, NotificationStatus, NotificationType
from servicing.tests.factories import ServiceFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    service = factory.SubFactory(ServiceFactory)
    vehicle = factory.LazyAttribute(lambda o: o.service.vehicle)
    client = factory.LazyAttribute(lambda o: o.service.vehicle.client)
    channel = NotificationType.SMS
    message = "Your car is ready for collection."
    status = NotificationStatus.SENT
