import factory

from clients.tests.factories import ClientFactory
from fleet.models import Vehicle
from fleet.services import vehicle_create


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    client = factory.SubFactory(ClientFactory)
    make = "Toyota"
    model = factory.Iterator(["Fielder", "Probox", "Premio", "Axio"])
    year = 2014
    # 17 characters from the ISO 3779 alphabet (no I, O, Q).
    vin = factory.Sequence(lambda n: f"JTDBT923{n:09d}")
    license_plate = factory.Sequence(lambda n: f"KD{chr(65 + n // 26000 % 26)} {n % 1000:03d}{chr(65 + n // 1000 % 26)}")
    mileage = 85000
    metadata = factory.LazyFunction(lambda: {"colour": "silver", "fuel": "petrol"})

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, as every writer: it sends the signal the workflow events come from.
        return vehicle_create(vehicle=model_class(*args, **kwargs))


def backdate(vehicle, *, days):
    """Move a car's start, its owner periods and its jobs `days` into the past, as if they had been
    made then: a test runs in one transaction, where every CURRENT_TIMESTAMP is the same moment, so a
    sale would otherwise fall at the very moment the car and its jobs were made."""
    import datetime

    from django.db.models import F

    from fleet.models import Vehicle, VehicleOwnership
    from servicing.models import Service

    back = datetime.timedelta(days=days)
    Vehicle.objects.filter(pk=vehicle.pk).update(created_at=F("created_at") - back)
    VehicleOwnership.objects.filter(vehicle=vehicle).update(
        started_at=F("started_at") - back, ended_at=F("ended_at") - back)
    Service.objects.filter(vehicle=vehicle).update(created_at=F("created_at") - back)
    vehicle.refresh_from_db()
    return vehicle
