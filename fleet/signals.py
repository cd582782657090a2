"""Turns saves of a car into named events (concierge/workflows/events.py): added, mileage updated."""

from django.db.models.signals import post_init, post_save

from concierge.workflows import events

from .models import Vehicle


def remember_loaded_mileage(sender, instance, **kwargs):
    instance._loaded_mileage = instance.mileage if "mileage" in instance.__dict__ else None


def vehicle_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        events.event_emit(name=events.VEHICLE_ADDED, vehicle=instance)
    elif update_fields is None or "mileage" in update_fields:
        old = getattr(instance, "_loaded_mileage", None)
        if old is not None and old != instance.mileage:
            events.event_emit(
                name=events.VEHICLE_MILEAGE_UPDATED, vehicle=instance,
                payload={"old_mileage": old, "new_mileage": instance.mileage},
            )
    instance._loaded_mileage = instance.mileage


def connect():
    post_init.connect(remember_loaded_mileage, sender=Vehicle, dispatch_uid="fleet.remember_loaded_mileage")
    post_save.connect(vehicle_saved, sender=Vehicle, dispatch_uid="fleet.vehicle_saved")
