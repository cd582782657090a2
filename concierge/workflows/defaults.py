"""The shop's standard workflows, installed by the demo command. Idempotent: a workflow is looked up
by name and left alone when it exists, so staff edits survive a second install."""

from django.contrib.auth.models import Group
from django.db import transaction

from . import events
from .models import Workflow
from .validation import validate_actions

MANAGER_GROUP = "Manager"

DEFAULT_WORKFLOWS = [
    {
        "name": "SMS when work starts",
        "trigger_event": events.SERVICE_IN_PROGRESS,
        "actions": [{
            "type": "send_notification", "channel": "SMS",
            "template": "Hi {{ first_name }}, work on your {{ car }} ({{ plate }}) has started: {{ service_type }}. {{ shop_name }}",
        }],
    },
    {
        "name": "SMS and in-app message when a job is completed",
        "trigger_event": events.SERVICE_COMPLETED,
        "actions": [
            {
                "type": "send_notification", "channel": "SMS",
                "template": "Hi {{ first_name }}, your {{ car }} ({{ plate }}) is ready for collection. "
                            "{{ service_type }}: {{ cost }}. {{ status_link }}",
            },
            {
                "type": "send_notification", "channel": "in_app",
                "template": "{{ service_type }} on {{ plate }} completed on {{ completed_date }}. Total {{ cost }}.",
            },
        ],
    },
    {
        "name": "Reminder the day before",
        "trigger_event": events.SERVICE_DUE_TOMORROW,
        "actions": [{
            "type": "send_notification", "channel": "SMS",
            "template": "Hi {{ first_name }}, a reminder: your {{ car }} ({{ plate }}) is booked for "
                        "{{ service_type }} tomorrow, {{ scheduled_date }}. {{ shop_name }}",
        }],
    },
    {
        "name": "Overdue jobs escalated to managers",
        "trigger_event": events.SERVICE_OVERDUE,
        "actions": [{
            "type": "notify_staff", "group": MANAGER_GROUP, "channel": "email",
            "subject": "Overdue: {{ service_type }} on {{ plate }}",
            "template": "{{ service_type }} on {{ plate }} ({{ car }}) was scheduled for {{ scheduled_date }} "
                        "and is still pending.",
        }],
    },
    {
        # Off by default: an example of a follow-up booking for the shop to switch on.
        "name": "Book the next oil change in 90 days",
        "trigger_event": events.SERVICE_COMPLETED,
        "active": False,
        "actions": [{
            "type": "schedule_follow_up", "service_type": "Oil Change", "after_days": 90,
            "conditions": {"service_type": "Oil Change"},
        }],
    },
]


@transaction.atomic
def install_default_workflows():
    """Create the missing default workflows (and the Manager group they address); return how many."""
    Group.objects.get_or_create(name=MANAGER_GROUP)
    created = 0
    for spec in DEFAULT_WORKFLOWS:
        validate_actions(spec["actions"], trigger_event=spec["trigger_event"])
        _, was_created = Workflow.objects.get_or_create(
            name=spec["name"],
            defaults={"trigger_event": spec["trigger_event"], "actions": spec["actions"], "active": spec.get("active", True)},
        )
        created += was_created
    return created
