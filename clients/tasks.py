"""Celery tasks of the clients app: thin, a service call each."""

from celery import shared_task

from clients.portal.services import portal_tokens_purge_expired


@shared_task(acks_late=True, ignore_result=True)
def purge_expired_portal_tokens() -> int:
    """Nightly (beat): portal links that can never open anything again."""
    return portal_tokens_purge_expired()
