from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True, ignore_result=True)
def clear_expired_sessions() -> None:
    """Nightly (beat): Django's own `clearsessions`: staff and portal sessions past their expiry."""
    call_command("clearsessions")
