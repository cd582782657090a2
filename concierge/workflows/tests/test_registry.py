"""The registry the domain apps fill in their ready(): what it refuses, and that what an app registers
is what staff can choose, validate against and use."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from concierge.workflows.forms import WorkflowForm
from concierge.workflows.registry import EventSpec, Outcome, WorkflowRegistry, registry
from concierge.workflows.validation import WorkflowInvalid, actions_schema, validate_actions


def noop(action, context):
    return Outcome("nothing")


def wash_schema(type_="wash_car"):
    return {"type": "object", "additionalProperties": False, "required": ["type"], "properties": {"type": {"const": type_}}}


@pytest.fixture
def fresh():
    fresh = WorkflowRegistry()
    fresh.subject_register("client", label="client")
    return fresh


def test_an_event_registered_twice_is_refused(fresh):
    fresh.event_register("client_created", label="A client was registered", subject="client")
    with pytest.raises(ImproperlyConfigured, match="event 'client_created' is already registered"):
        fresh.event_register("client_created", label="again", subject="client")


def test_an_event_about_an_unknown_subject_is_refused(fresh):
    with pytest.raises(ImproperlyConfigured, match="unknown subject 'boat'"):
        fresh.event_register("boat_docked", label="A boat docked", subject="boat")


def test_an_action_registered_twice_is_refused(fresh):
    fresh.action_register("wash_car", handler=noop, schema=wash_schema())
    with pytest.raises(ImproperlyConfigured, match="action 'wash_car' is already registered"):
        fresh.action_register("wash_car", handler=noop, schema=wash_schema())


def test_an_action_whose_schema_names_another_type_is_refused(fresh):
    with pytest.raises(ImproperlyConfigured, match="properties.type"):
        fresh.action_register("wash_car", handler=noop, schema=wash_schema("dry_car"))


def test_an_action_for_an_unknown_subject_is_refused(fresh):
    with pytest.raises(ImproperlyConfigured, match="unknown subject 'boat'"):
        fresh.action_register("wash_car", handler=noop, schema=wash_schema(), subjects={"boat"})


def test_a_condition_registered_twice_is_refused(fresh):
    fresh.condition_register("colour", schema={"type": "string"}, holds=lambda value, context: True)
    with pytest.raises(ImproperlyConfigured, match="condition 'colour' is already registered"):
        fresh.condition_register("colour", schema={"type": "string"}, holds=lambda value, context: True)


def test_a_placeholder_registered_by_two_apps_is_refused(fresh):
    fresh.placeholders_register("client", names={"first_name"}, values=lambda client, dry_run: {})
    with pytest.raises(ImproperlyConfigured, match="placeholder first_name is already registered"):
        fresh.placeholders_register("car", names={"first_name", "plate"}, values=lambda car, dry_run: {})


def test_a_subject_registered_twice_or_without_its_parent_is_refused(fresh):
    with pytest.raises(ImproperlyConfigured, match="subject 'client' is already registered"):
        fresh.subject_register("client", label="client")
    with pytest.raises(ImproperlyConfigured, match="parent_of is required"):
        fresh.subject_register("car", label="car")


def test_an_unknown_event_is_refused_by_name(fresh):
    with pytest.raises(ValueError, match="unknown event 'car_washed'"):
        fresh.event("car_washed")


def test_a_registered_action_and_condition_are_in_the_schema(fresh):
    fresh.action_register("wash_car", handler=noop, schema=wash_schema())
    fresh.condition_register("colour", schema={"type": "string"}, holds=lambda value, context: True)
    schema = fresh.actions_schema()
    assert schema["items"]["properties"]["type"] == {"enum": ["wash_car"]}
    assert {"if": {"properties": {"type": {"const": "wash_car"}}}, "then": {"$ref": "#/$defs/wash_car"}} in schema["items"]["allOf"]
    assert schema["$defs"]["wash_car"]["properties"]["conditions"] == {"$ref": "#/$defs/conditions"}
    assert schema["$defs"]["conditions"]["properties"] == {"colour": {"type": "string"}}


def test_each_apps_registrations_are_in_the_published_schema():
    schema = actions_schema()
    # servicing's and notifications' actions, servicing's and fleet's conditions
    assert set(schema["items"]["properties"]["type"]["enum"]) == {
        "set_status", "schedule_follow_up", "send_notification", "notify_staff"}
    assert schema["$defs"]["set_status"]["properties"]["status"] == {"enum": ["pending", "in_progress", "completed", "cancelled"]}
    assert set(schema["$defs"]["conditions"]["properties"]) == {"service_type", "cost_above", "vehicle_make"}


def test_each_apps_events_are_the_trigger_choices():
    choices = dict(WorkflowForm().fields["trigger_event"].choices)
    assert choices["vehicle_added"] == "vehicle_added — A car was added"  # fleet
    assert choices["client_created"] == "client_created — A client was registered"  # clients
    assert choices["service_overdue"] == "service_overdue — A pending job's scheduled date has passed"  # servicing


def test_an_event_registered_later_is_a_trigger_choice_and_validates(monkeypatch):
    monkeypatch.setitem(registry.events, "car_washed", EventSpec("car_washed", "A car was washed", "car"))
    assert ("car_washed", "car_washed — A car was washed") in WorkflowForm().fields["trigger_event"].choices
    validate_actions([{"type": "send_notification", "channel": "SMS", "template": "{{ plate }}"}], trigger_event="car_washed")
    with pytest.raises(WorkflowInvalid, match="set_status needs a job"):
        validate_actions([{"type": "set_status", "status": "completed"}], trigger_event="car_washed")


def test_placeholders_follow_the_subject_and_what_it_belongs_to():
    job = registry.placeholders_for("service_completed")
    car = registry.placeholders_for("vehicle_added")
    client = registry.placeholders_for("client_created")
    assert client == {"first_name", "shop_name"}
    assert car == client | {"plate", "car", "mileage", "predicted_service", "predicted_date"}
    assert job == car | {"service_type", "status", "cost", "scheduled_date", "completed_date", "status_link",
                         "invoice_number", "invoice_balance", "paybill"}
