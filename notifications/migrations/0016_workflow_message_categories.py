# Message categories on the workflows' send_notification actions (docs/notifications.md, "Opt-out,
# consent and quiet hours"): the day-before reminder is a reminder, an action marked marketing is
# marketing, the rest (job started, ready for collection) are service messages. By trigger event, not
# by name: a shop may have renamed its workflows. An action that already has a category keeps it.

from django.db import migrations

REMINDER_EVENTS = {"service_due_tomorrow"}


def category_of(action, trigger_event):
    if action.get("marketing"):
        return "marketing"
    return "reminder" if trigger_event in REMINDER_EVENTS else "service"


def add_categories(apps, schema_editor):
    Workflow = apps.get_model("workflows", "Workflow")
    for workflow in Workflow.objects.all():
        changed = False
        for action in workflow.actions if isinstance(workflow.actions, list) else []:
            if isinstance(action, dict) and action.get("type") == "send_notification" and "category" not in action:
                action["category"] = category_of(action, workflow.trigger_event)
                changed = True
        if changed:
            workflow.save(update_fields=["actions"])


def remove_categories(apps, schema_editor):
    Workflow = apps.get_model("workflows", "Workflow")
    for workflow in Workflow.objects.all():
        actions = workflow.actions if isinstance(workflow.actions, list) else []
        if any(isinstance(a, dict) and "category" in a for a in actions):
            for action in actions:
                if isinstance(action, dict):
                    action.pop("category", None)
            workflow.save(update_fields=["actions"])


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0015_opt_out_consent_categories"),
        ("workflows", "0004_event_cascade_deletes"),
    ]

    operations = [migrations.RunPython(add_categories, remove_categories)]
