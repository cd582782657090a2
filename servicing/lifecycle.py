"""The one place that says which status may follow which.

pending → in_progress → completed; pending or in_progress → cancelled; completed and cancelled are
final. The admin form, bulk actions, the job board and workflow actions all ask here.
"""

from collections.abc import Callable

from .models import Service, ServiceStatus

ALLOWED_TRANSITIONS = {
    ServiceStatus.PENDING: {ServiceStatus.IN_PROGRESS, ServiceStatus.CANCELLED},
    ServiceStatus.IN_PROGRESS: {ServiceStatus.COMPLETED, ServiceStatus.CANCELLED},
    ServiceStatus.COMPLETED: set(),
    ServiceStatus.CANCELLED: set(),
}

FINAL_STATUSES = frozenset(s for s, nexts in ALLOWED_TRANSITIONS.items() if not nexts)


class InvalidTransition(Exception):
    """A status change the lifecycle does not allow; the message is meant for staff."""


# What other apps add to the lifecycle (billing: work starts only once an estimate line is approved).
# service_change_status runs each on the locked row, after the lifecycle allowed the change and before
# anything is written; a check refuses by raising InvalidTransition with a message for staff. Registered
# from the app's ready(), so servicing never imports the app.
TransitionCheck = Callable[[Service, ServiceStatus, ServiceStatus], None]
transition_checks: list[TransitionCheck] = []


def transition_check_register(check: TransitionCheck) -> None:
    if check not in transition_checks:
        transition_checks.append(check)


def transition_checks_run(service: Service, current: ServiceStatus, new: ServiceStatus) -> None:
    for check in transition_checks:
        check(service, current, new)


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
