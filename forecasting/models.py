from django.db import models

from concierge.db.functions import CurrentTimestamp

from .estimate import Confidence, Source


class ServicePrediction(models.Model):
    """When a car's next service of one type falls due, as last worked out (forecasting.services):
    one row per car and catalogue type with an interval that the car has had done here. Rewritten
    whole by the nightly refresh and for a car after each of its readings; never edited by hand."""

    SOURCES = [(Source.OWN, "its own readings"), (Source.FLEET, "its make and model"), (Source.DEFAULT, "shop default")]
    CONFIDENCES = [(Confidence.HIGH, "high"), (Confidence.MEDIUM, "medium"), (Confidence.LOW, "low")]

    id = models.BigAutoField(primary_key=True)
    vehicle = models.ForeignKey("fleet.Vehicle", on_delete=models.CASCADE, related_name="service_predictions")
    service_type = models.ForeignKey("servicing.ServiceType", on_delete=models.CASCADE, related_name="predictions")
    km_per_day = models.FloatField("km per day")
    rate_source = models.CharField("km/day from", max_length=8, choices=SOURCES)
    confidence = models.CharField(max_length=8, choices=CONFIDENCES)
    readings_used = models.PositiveSmallIntegerField(default=0)
    last_service_date = models.DateField()
    km_since_last = models.IntegerField("km since last service")
    due_date = models.DateField("predicted due")
    due_by = models.CharField("due by", max_length=8, choices=[("km", "km"), ("months", "months")])
    refreshed_at = models.DateTimeField(db_default=CurrentTimestamp(), editable=False)

    class Meta:
        db_table = "service_predictions"
        ordering = ["due_date", "id"]
        verbose_name = "expected service"
        verbose_name_plural = "expected services"
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "service_type"], name="service_predictions_car_type_uniq"),
        ]
        # The expected list: its rows in its order (due date, id), so the first page is the index's first
        # 100 entries rather than a whole day's cars joined then sorted; and with the type included, its
        # count per day and type is read from the index alone (forecasting.selectors.expected_by_week).
        indexes = [models.Index(fields=["due_date", "id"], include=["service_type"], name="predictions_due_order_idx")]

    def __str__(self):
        return f"{self.service_type} due {self.due_date:%d/%m/%Y}"
