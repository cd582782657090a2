"""The shop's standard workflows about jobs, registered with the engine (servicing/workflow_actions.py)
and installed by concierge.workflows.defaults.install_default_workflows (the demo command).

Client messages carry an English text (`template`) and a Swahili one (`template_sw`), written for
people rather than translated word by word; staff escalations stay English. A shop installed before
the Swahili texts got them by migration servicing.0016 where its text was still this one."""

from typing import Any

from concierge.accounts.roles import MANAGER

from .workflow_events import SERVICE_COMPLETED, SERVICE_DUE_TOMORROW, SERVICE_IN_PROGRESS, SERVICE_OVERDUE

DEFAULT_WORKFLOWS: list[dict[str, Any]] = [
    {
        "name": "SMS when work starts",
        "trigger_event": SERVICE_IN_PROGRESS,
        "actions": [{
            "type": "send_notification", "channel": "SMS", "category": "service",
            "template": "Hi {{ first_name }}, work on your {{ car }} ({{ plate }}) has started: {{ service_type }}. {{ shop_name }}",
            "template_sw": "Habari {{ first_name }}, tumeanza kazi ya {{ service_type }} kwenye gari lako {{ car }} "
                           "({{ plate }}). {{ shop_name }}",
        }],
    },
    {
        "name": "SMS and in-app message when a job is completed",
        "trigger_event": SERVICE_COMPLETED,
        "actions": [
            {
                "type": "send_notification", "channel": "SMS", "category": "service",
                "template": "Hi {{ first_name }}, your {{ car }} ({{ plate }}) is ready for collection. "
                            "{{ service_type }}: {{ cost }}. {{ status_link }}",
                # The plate alone names the car (as a Nairobi shop would say it): with the car's make and
                # model too, a long model name pushed the text past one part.
                "template_sw": "Habari {{ first_name }}, gari lako {{ plate }} liko tayari kuchukuliwa. "
                               "{{ service_type }}: {{ cost }}. {{ status_link }}",
            },
            {
                "type": "send_notification", "channel": "in_app", "category": "service",
                "template": "{{ service_type }} on {{ plate }} completed on {{ completed_date }}. Total {{ cost }}.",
                "template_sw": "{{ service_type }} ya gari {{ plate }} imekamilika tarehe {{ completed_date }}. "
                               "Jumla: {{ cost }}.",
            },
        ],
    },
    {
        "name": "Reminder the day before",
        "trigger_event": SERVICE_DUE_TOMORROW,
        "actions": [{
            "type": "send_notification", "channel": "SMS", "category": "reminder",
            "template": "Hi {{ first_name }}, a reminder: your {{ car }} ({{ plate }}) is booked for "
                        "{{ service_type }} tomorrow, {{ scheduled_date }}. {{ shop_name }}",
            "template_sw": "Habari {{ first_name }}, tunakukumbusha kuwa gari lako {{ car }} ({{ plate }}) "
                           "limepangiwa {{ service_type }} kesho, {{ scheduled_date }}. Karibu {{ shop_name }}.",
        }],
    },
    {
        "name": "Overdue jobs escalated to managers",
        "trigger_event": SERVICE_OVERDUE,
        "actions": [{
            "type": "notify_staff", "group": MANAGER, "channel": "email",
            "subject": "Overdue: {{ service_type }} on {{ plate }}",
            "template": "{{ service_type }} on {{ plate }} ({{ car }}) was scheduled for {{ scheduled_date }} "
                        "and is still pending.",
        }],
    },
    {
        # Off by default: an example of a follow-up booking for the shop to switch on.
        "name": "Book the next oil change in 90 days",
        "trigger_event": SERVICE_COMPLETED,
        "active": False,
        "actions": [{
            "type": "schedule_follow_up", "service_type": "Oil Change", "after_days": 90,
            "conditions": {"service_type": "Oil Change"},
        }],
    },
]
