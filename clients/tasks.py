"""Celery tasks for clients: ids (here, a contact's keyed hash) in, a service call."""

from celery import shared_task

from clients.portal.services import sign_in_request_fulfil


@shared_task(ignore_result=True)
def fulfil_sign_in_request(kind: str, contact_hash: str) -> None:
    # Not retried: a sign-in link is worth asking for again, and a retried request could send two.
    sign_in_request_fulfil(kind=kind, contact_hash=contact_hash)
