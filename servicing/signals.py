"""Turns saves of a job into named events (concierge/workflows/events.py); nothing else happens here.

The status a job was loaded with is remembered on the instance, so a save can tell whether the
status changed. Every status change goes through servicing.services.service_change_status, which
decides on the row it loaded under a lock and saves the status only when it differs (the status a job
already has is no change: no save, so no event): one event per job changed, bulk actions included
(they call the service per row; a queryset .update() would bypass signals and is not used for status).
The admin form never saves the status field itself (ServiceAdmin.save_model).
"""

from django.db.models.signals import post_init, post_save

from concierge.workflows import events

from .models import Service


def remember_loaded_status(sender, instance, **kwargs):
    # A deferred status is not in __dict__: reading it would cost a query per row, so leave it unknown.
    instance._loaded_status = str(instance.status) if "status" in instance.__dict__ else None


def service_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        events.event_emit(name=events.SERVICE_CREATED, service=instance)
    elif update_fields is None or "status" in update_fields:
        old, new = getattr(instance, "_loaded_status", None), str(instance.status)
        if old is not None and old != new:
            events.service_status_events_emit(service=instance, old_status=old, new_status=new)
    instance._loaded_status = str(instance.status)


def connect():
    post_init.connect(remember_loaded_status, sender=Service, dispatch_uid="servicing.remember_loaded_status")
    post_save.connect(service_saved, sender=Service, dispatch_uid="servicing.service_saved")
