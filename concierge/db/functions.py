from django.db import models
from django.db.models import Func


class CurrentDate(Func):
    """SQL `CURRENT_DATE`, for the seed's CHECK on vehicles.year."""

    template = "CURRENT_DATE"
    output_field = models.DateField()

    def __init__(self):
        super().__init__()


class CurrentTimestamp(Func):
    """SQL `CURRENT_TIMESTAMP`, as the seed writes its defaults."""

    template = "CURRENT_TIMESTAMP"
    output_field = models.DateTimeField()

    def __init__(self):
        super().__init__()
