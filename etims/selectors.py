"""Reads for the invoice and the admin: what to print about a document's eTIMS transmission."""

from __future__ import annotations

import datetime

from .models import DocumentKind, Transmission, TransmissionState
from .payload import NAIROBI

NOT_CONFIGURED = "Not transmitted to KRA eTIMS (not configured)"
AWAITING = "Awaiting KRA"


def transmission_for(*, kind: str, number: int) -> Transmission | None:
    return Transmission.objects.filter(kind=DocumentKind(kind), number=number).first()


def control_unit_time(transmission: Transmission) -> datetime.datetime | None:
    """The control unit's YYYYMMDDhhmmss as an aware Nairobi time, or None if absent or malformed."""
    try:
        moment = datetime.datetime.strptime(transmission.sdc_date_time, "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=NAIROBI)


def status_line_for(kind: str, number: int) -> str:
    """One line for the printed invoice: the KRA receipt, "Awaiting KRA", or that eTIMS is not in use."""
    row = transmission_for(kind=kind, number=number)
    if row is None or row.state == TransmissionState.NOT_CONFIGURED:
        return NOT_CONFIGURED
    if row.state == TransmissionState.ACCEPTED:
        moment = control_unit_time(row)
        when = f", {moment:%d/%m/%Y %H:%M}" if moment else ""
        return f"KRA eTIMS receipt no. {row.cur_rcpt_no}{when}"
    return AWAITING  # queued, sending, uncertain or refused: not confirmed by KRA yet
