import pytest

from clients import workflow_events as client_events
from concierge.workflows.defaults import default_workflows
from concierge.workflows.templating import TemplateRefused, compile_template, context_for, render
from concierge.workflows.validation import WorkflowInvalid, validate_actions
from servicing import workflow_events as job_events


def sms(template="Hi {{ first_name }}", **extra):
    return [{"type": "send_notification", "channel": "SMS", "template": template, **extra}]


def refused(actions, trigger=job_events.SERVICE_COMPLETED):
    with pytest.raises(WorkflowInvalid) as info:
        validate_actions(actions, trigger_event=trigger)
    return str(info.value)


@pytest.mark.parametrize("spec", default_workflows(), ids=lambda s: s["name"])
def test_the_default_workflows_are_valid(spec):
    validate_actions(spec["actions"], trigger_event=spec["trigger_event"])


def test_a_misspelt_key_is_named():
    message = refused([{"type": "send_notification", "chanel": "SMS", "template": "Hi"}])
    assert "action 1" in message and "'chanel'" in message


def test_a_missing_key_is_named():
    message = refused([{"type": "schedule_follow_up", "service_type": "Oil Change"}])
    assert message == "action 1: missing key 'after_days'"


def test_a_wrong_channel_lists_the_choices():
    message = refused(sms(channel="sms"))
    assert "action 1 → channel" in message and "SMS, email, in_app" in message


def test_an_unknown_action_type_is_refused():
    assert "action 2 → type" in refused([*sms(), {"type": "launch_rocket"}])


def test_an_unknown_condition_is_named():
    message = refused(sms(conditions={"colour": "red"}))
    assert "action 1 → conditions" in message and "'colour'" in message


def test_actions_must_be_a_non_empty_list():
    assert "actions" in refused({"type": "send_notification"})
    assert "actions" in refused([])


def test_an_unknown_placeholder_is_refused_at_save_time():
    message = refused(sms("Hi {{ first_nmae }}"))
    assert "action 1 → template" in message and "first_nmae" in message


def test_job_placeholders_are_refused_on_a_client_event():
    message = refused(sms("Your {{ plate }}"), trigger=client_events.CLIENT_CREATED)
    assert "plate" in message


def test_attribute_lookups_are_refused():
    assert "first_name.upper" in refused(sms("{{ first_name.upper }}"))


def test_tags_are_refused():
    assert "no {% tags %}" in refused(sms("{% include 'admin/base.html' %}"))
    assert "not a valid template" in refused(sms("{% load static %}"))
    assert "no {% tags %}" in refused(sms("{% if cost %}x{% endif %}"))


def test_filters_outside_the_list_are_refused():
    assert "|safe" in refused(sms("{{ first_name|safe }}"))


def test_a_job_action_on_a_non_job_event_is_refused():
    message = refused([{"type": "set_status", "status": "cancelled"}], trigger=client_events.CLIENT_CREATED)
    assert "set_status" in message


def test_an_unknown_trigger_is_refused():
    assert "trigger_event" in refused(sms(), trigger="car_washed")


def test_allowed_filters_render():
    template = "{{ first_name|upper }} {{ missing|default:'n/a' }}"
    with pytest.raises(TemplateRefused):
        compile_template(template, allowed={"first_name"})
    assert render("{{ first_name|upper }}", {"first_name": "Wanjiru"}, allowed={"first_name"}) == "WANJIRU"


@pytest.mark.django_db
def test_the_context_has_every_placeholder_as_a_string(settings):
    import datetime
    from decimal import Decimal

    from servicing.tests.factories import ServiceFactory

    service = ServiceFactory(cost=Decimal("12500.00"), scheduled_date=datetime.date(2026, 3, 5),
                             vehicle__make="Toyota", vehicle__model="Fielder", vehicle__license_plate="KDA 123A")
    context = context_for(client=service.vehicle.client, vehicle=service.vehicle, service=service)
    assert context["cost"] == "KES 12,500.00"
    assert context["car"] == "Toyota Fielder"
    assert context["plate"] == "KDA 123A"
    assert context["scheduled_date"] == "5 Mar 2026"
    assert context["status"] == "pending"
    # Strings, but for the status link (a portal token issued) and the car's predicted service (a query,
    # forecasting/workflow_events.py), the job's invoice and its balance (queries, payments/overdue.py):
    # made only when a template uses them.
    lazy = {"status_link", "predicted_service", "predicted_date", "invoice_number", "invoice_balance"}
    assert all(isinstance(v, str) for k, v in context.items() if k not in lazy)
    assert all(callable(context[k]) for k in lazy)


def link_for(notification):
    return f"https://portal.example/jobs/{notification.service.pk}/"


@pytest.mark.django_db
def test_the_status_link_comes_from_the_registered_link_maker(monkeypatch):
    from notifications import links
    from notifications.models import NotificationType
    from notifications.services import notification_create
    from notifications.tests.sent import text_as_sent
    from servicing.tests.factories import ServiceFactory

    # The maker the portal registered (clients.apps), swapped for this one for the test.
    monkeypatch.setitem(links._makers, links.LinkKind.STATUS_LINK, link_for)
    service = ServiceFactory()
    context = context_for(service=service, vehicle=service.vehicle)
    # Rendered as the placeholder; the maker makes the link when the message is sent.
    assert render("{{ status_link }}", context, allowed={"status_link"}) == "[status link]"
    sms = notification_create(channel=NotificationType.SMS, message="Here: [status link]", client=service.vehicle.client,
                              service=service, link="status_link")
    assert text_as_sent(sms) == f"Here: https://portal.example/jobs/{service.pk}/"
    # No app makes status links: the placeholder renders empty.
    monkeypatch.delitem(links._makers, links.LinkKind.STATUS_LINK)
    assert render("[{{ status_link }}]", context, allowed={"status_link"}) == "[]"
