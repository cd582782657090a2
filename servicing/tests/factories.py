import datetime
from decimal import Decimal

import factory

from fleet.tests.factories import VehicleFactory
from servicing.models import Service, ServiceStatus


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
