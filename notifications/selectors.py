"""Reads about messaging consent: whether a number takes optional texts, and its history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from .models import ConsentChange, Notification, PhoneConsent


def phone_opted_out(*, phone_hash: str | None) -> bool:
    """Whether the number with this keyed hash asked for no reminder or marketing texts."""
    if not phone_hash:
        return False
    return PhoneConsent.objects.filter(phone_hash=phone_hash, opted_out=True).exists()


@dataclass(frozen=True)
class ConsentState:
    consent: PhoneConsent | None  # None: the number never opted out or in (it takes every category)
    history: list[ConsentChange]

    @property
    def opted_out(self) -> bool:
        return self.consent is not None and self.consent.opted_out


def consent_history(*, phone_hash: str) -> QuerySet[ConsentChange]:
    return ConsentChange.objects.filter(phone_hash=phone_hash).select_related("changed_by").order_by("-at")


def consent_state(*, phone_hash: str | None, history_limit: int = 20) -> ConsentState:
    """The number's current consent and its latest changes, newest first."""
    if not phone_hash:
        return ConsentState(consent=None, history=[])
    consent = PhoneConsent.objects.select_related("changed_by").filter(phone_hash=phone_hash).first()
    return ConsentState(consent=consent, history=list(consent_history(phone_hash=phone_hash)[:history_limit]))


def client_messages(*, client_id: uuid.UUID | str, newest: int = 10) -> list[Notification]:
    """A client's latest messages, newest first (the client page's message history)."""
    return list(
        Notification.objects.filter(client_id=client_id).defer("message")
        .order_by("-created_at", "-id")[:newest]
    )
