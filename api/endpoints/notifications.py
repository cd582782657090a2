import datetime
import uuid

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from notifications.models import Notification, NotificationStatus, NotificationType

from ..auth import require
from ..filters import since, text
from ..pagination import paginate
from ..schemas import NotificationOut, Page
from .common import ERRORS, LIMIT

router = Router(tags=["notifications"])


@router.get("/notifications", response={200: Page[NotificationOut], **ERRORS})
def list_notifications(
    request: HttpRequest, client: uuid.UUID | None = None, service: uuid.UUID | None = None,
    status: NotificationStatus | None = None, channel: NotificationType | None = None,
    created_since: datetime.datetime | None = None, cursor: str | None = None, limit: int = LIMIT,
):
    """Messages to clients (SMS, email, in-app): who, about which job, and whether they went out."""
    require(request, "notifications:read")
    queryset = since(Notification.objects.all(), "created_at", created_since, "created_since")
    for field, value in (("client_id", client), ("service_id", service), ("status", status), ("channel", channel)):
        if value is not None:
            queryset = queryset.filter(**{field: value})
    rows, next_cursor = paginate(queryset, cursor=text(cursor, "cursor"), limit=limit)
    return {"results": [NotificationOut.model_validate(n, from_attributes=True) for n in rows], "next_cursor": next_cursor}


@router.get("/notifications/{notification_id}", response={200: NotificationOut, **ERRORS})
def get_notification(request: HttpRequest, notification_id: uuid.UUID):
    require(request, "notifications:read")
    return NotificationOut.model_validate(get_object_or_404(Notification, pk=notification_id), from_attributes=True)
