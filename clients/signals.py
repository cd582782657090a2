"""Turns the creation of a client into the `client_created` event (concierge/workflows/events.py)."""

from django.db.models.signals import post_save

from concierge.workflows import events

from .models import Client


def client_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        events.event_emit(name=events.CLIENT_CREATED, client=instance)


def connect():
    post_save.connect(client_saved, sender=Client, dispatch_uid="clients.client_saved")
