"""Billing's workflow event, registered with the engine from billing.apps like servicing's job events."""

from concierge.workflows.registry import registry

DECLINED_WORK_DUE = "declined_work_due"

BILLING_EVENTS = {
    DECLINED_WORK_DUE: "Declined work on a job reached its follow-up date",
}


def register() -> None:
    for name, label in BILLING_EVENTS.items():
        registry.event_register(name, label=label, subject="job")
