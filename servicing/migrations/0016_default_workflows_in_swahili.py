"""The default workflows' client messages get their Swahili texts (issue 18 item 3).

Only where a shop still has the text we shipped: an action whose English text is the shipped one and
that has no Swahili text yet gets ours; a text the shop rewrote is theirs, and left alone (they can add
a Swahili text in the workflow editor). The texts are written out here, not imported, so that this
migration does the same whatever servicing/workflow_defaults.py says later."""

from django.db import migrations

# (workflow name, channel, shipped English text) → Swahili text.
SWAHILI = {
    ("SMS when work starts", "SMS",
     "Hi {{ first_name }}, work on your {{ car }} ({{ plate }}) has started: {{ service_type }}. {{ shop_name }}"):
        "Habari {{ first_name }}, tumeanza kazi ya {{ service_type }} kwenye gari lako {{ car }} "
        "({{ plate }}). {{ shop_name }}",
    ("SMS and in-app message when a job is completed", "SMS",
     "Hi {{ first_name }}, your {{ car }} ({{ plate }}) is ready for collection. "
     "{{ service_type }}: {{ cost }}. {{ status_link }}"):
        "Habari {{ first_name }}, gari lako {{ plate }} liko tayari kuchukuliwa. "
        "{{ service_type }}: {{ cost }}. {{ status_link }}",
    ("SMS and in-app message when a job is completed", "in_app",
     "{{ service_type }} on {{ plate }} completed on {{ completed_date }}. Total {{ cost }}."):
        "{{ service_type }} ya gari {{ plate }} imekamilika tarehe {{ completed_date }}. Jumla: {{ cost }}.",
    ("Reminder the day before", "SMS",
     "Hi {{ first_name }}, a reminder: your {{ car }} ({{ plate }}) is booked for "
     "{{ service_type }} tomorrow, {{ scheduled_date }}. {{ shop_name }}"):
        "Habari {{ first_name }}, tunakukumbusha kuwa gari lako {{ car }} ({{ plate }}) "
        "limepangiwa {{ service_type }} kesho, {{ scheduled_date }}. Karibu {{ shop_name }}.",
}


def add_swahili_where_default(apps, schema_editor):
    Workflow = apps.get_model("workflows", "Workflow")
    names = {name for name, _, _ in SWAHILI}
    for workflow in Workflow.objects.filter(name__in=names):
        changed = False
        for action in workflow.actions:
            if not isinstance(action, dict) or action.get("type") != "send_notification" or "template_sw" in action:
                continue
            swahili = SWAHILI.get((workflow.name, action.get("channel"), action.get("template")))
            if swahili is not None:
                action["template_sw"] = swahili
                changed = True
        if changed:
            workflow.save(update_fields=["actions"])


def remove_our_swahili(apps, schema_editor):
    Workflow = apps.get_model("workflows", "Workflow")
    ours = set(SWAHILI.values())
    for workflow in Workflow.objects.filter(name__in={name for name, _, _ in SWAHILI}):
        kept = [{k: v for k, v in action.items() if not (k == "template_sw" and v in ours)}
                if isinstance(action, dict) else action for action in workflow.actions]
        if kept != workflow.actions:
            workflow.actions = kept
            workflow.save(update_fields=["actions"])


class Migration(migrations.Migration):
    dependencies = [
        ("servicing", "0015_scheduled_date_bounds"),
        ("workflows", "0004_event_cascade_deletes"),
    ]

    operations = [migrations.RunPython(add_swahili_where_default, remove_our_swahili)]
