import datetime
from decimal import Decimal

import factory

from fleet.tests.factories import VehicleFactory
from servicing.models import Service, ServiceStatus
from servicing.services import service_create


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    vehicle = factory.SubFactory(VehicleFactory)
    service_type = "Oil Change"
    description = "Engine oil and filter"
    status = ServiceStatus.PENDING
    scheduled_date = factory.LazyFunction(datetime.date.today)
    cost = Decimal("4500.00")
    technician = "Peter Kamau"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, as every writer: it sends the signal the workflow events come from.
        return service_create(service=model_class(*args, **kwargs))
