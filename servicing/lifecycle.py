"""The one place that says which status may follow which.

pending → in_progress → completed; pending or in_progress → cancelled; completed and cancelled are
final. The admin form, bulk actions, the job board and workflow actions all ask here.
"""

from .models import ServiceStatus

ALLOWED_TRANSITIONS = {
    ServiceStatus.PENDING: {ServiceStatus.IN_PROGRESS, ServiceStatus.CANCELLED},
    ServiceStatus.IN_PROGRESS: {ServiceStatus.COMPLETED, ServiceStatus.CANCELLED},
    ServiceStatus.COMPLETED: set(),
    ServiceStatus.CANCELLED: set(),
}

FINAL_STATUSES = frozenset(s for s, nexts in ALLOWED_TRANSITIONS.items() if not nexts)


class InvalidTransition(Exception):
    """A status change the lifecycle does not allow; the message is meant for staff."""


def can_transition(current, new):
    return new in ALLOWED_TRANSITIONS[ServiceStatus(current)]


def check_transition(current, new):
    current, new = ServiceStatus(current), ServiceStatus(new)
    if current == new:
        raise InvalidTransition(f"The job is already {current.label.lower()}.")
    if new not in ALLOWED_TRANSITIONS[current]:
        if current in FINAL_STATUSES:
            raise InvalidTransition(f"A {current.label.lower()} job is final: it cannot become {new.label.lower()}.")
        raise InvalidTransition(f"A {current.label.lower()} job cannot become {new.label.lower()}.")


def next_status(current):
    """The forward step on the job board (pending → in progress → completed), or None when final."""
    return {
        ServiceStatus.PENDING: ServiceStatus.IN_PROGRESS,
        ServiceStatus.IN_PROGRESS: ServiceStatus.COMPLETED,
    }.get(ServiceStatus(current))
