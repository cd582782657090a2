"""Celery tasks of the clients app: thin, a service call each (ids, or a contact's keyed hash, in)."""

from celery import shared_task

from clients.portal.services import portal_tokens_purge_expired, sign_in_request_fulfil


@shared_task(ignore_result=True)
def fulfil_sign_in_request(kind: str, contact_hash: str) -> None:
    # Not retried: a sign-in link is worth asking for again, and a retried request could send two.
    sign_in_request_fulfil(kind=kind, contact_hash=contact_hash)


@shared_task(acks_late=True, ignore_result=True)
def purge_expired_portal_tokens() -> int:
    """Nightly (beat): portal links that can never open anything again."""
    return portal_tokens_purge_expired()
