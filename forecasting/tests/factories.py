import datetime
from collections.abc import Sequence

from fleet.models import ReadingSource, Vehicle
from fleet.services import odometer_reading_record
from fleet.tests.factories import VehicleFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory


def car_with_history(
    *, readings: Sequence[tuple[datetime.date, int]], services: Sequence[tuple[str, datetime.date]] = (),
    **car: object,
) -> Vehicle:
    """A car with dated readings (as staff recorded them) and completed jobs (type, day)."""
    vehicle = VehicleFactory(mileage=0, **car)
    for day, km in readings:
        odometer_reading_record(vehicle=vehicle, mileage=km, source=ReadingSource.ADMIN, read_on=day)
    for service_type, day in services:
        ServiceFactory(vehicle=vehicle, service_type=service_type, status=ServiceStatus.COMPLETED,
                       scheduled_date=day, completed_date=day)
    return vehicle
