"""The shop's standard workflows, installed by the demo command. Idempotent: a workflow is looked up
by name and left alone when it exists, so staff edits survive a second install.

The workflows themselves are registered by the apps whose events and actions they use
(servicing/workflow_defaults.py); this module only installs what is registered."""

from django.contrib.auth.models import Group
from django.db import transaction

from concierge.accounts.roles import MANAGER

from .models import Workflow
from .registry import registry
from .validation import validate_actions

# The group the default escalations address (notify_staff); created with them.
MANAGER_GROUP = MANAGER


def default_workflows() -> list[dict]:
    return registry.default_workflows


@transaction.atomic
def install_default_workflows() -> int:
    """Create the missing default workflows (and the Manager group they address); return how many."""
    Group.objects.get_or_create(name=MANAGER_GROUP)
    created = 0
    for spec in default_workflows():
        validate_actions(spec["actions"], trigger_event=spec["trigger_event"])
        _, was_created = Workflow.objects.get_or_create(
            name=spec["name"],
            defaults={"trigger_event": spec["trigger_event"], "actions": spec["actions"], "active": spec.get("active", True)},
        )
        created += was_created
    return created
