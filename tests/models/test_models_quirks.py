"""Better Stack's quirks are absorbed once, in the models."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from _model_samples import PARSERS, load, parse_sample
from pydantic import BaseModel, TypeAdapter, ValidationError

from betterstack_rca import models
from betterstack_rca.models import (
    Availability,
    DocumentShapeError,
    EscalationStep,
    Heartbeat,
    HeartbeatGroup,
    HeartbeatStatus,
    Incident,
    IncidentComment,
    IncidentStatus,
    JsonApiResource,
    Metadata,
    MetadataValue,
    MetadataValueType,
    Monitor,
    MonitorResponseTimes,
    MonitorStatus,
    MonitorType,
    OnCallCalendar,
    OnCallEvent,
    OutgoingWebhook,
    Policy,
    ReportType,
    ResourceStatus,
    ResponseTimeSample,
    StatusPage,
    StatusPageResource,
    StatusReport,
    StepMemberType,
    StepType,
    TimeBranchingStep,
    TimelineItemType,
    TriggerType,
    UnknownStep,
    UTCDateTime,
    parse_many,
    parse_on_call_events,
    parse_one,
    parse_rotation,
    parse_timeline,
)
from betterstack_rca.models._base import to_utc

# --- ids -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [123, "123"])
def test_ids_accept_int_or_str_and_are_always_str(raw: Any) -> None:
    monitor = Monitor.model_validate({"id": raw, "monitor_group_id": raw, "policy_id": raw})
    assert monitor.id == monitor.monitor_group_id == monitor.policy_id == "123"


@pytest.mark.parametrize("raw", [True, False, "", "   ", 1.5, None, [], {}])
def test_bad_ids_are_rejected(raw: Any) -> None:
    with pytest.raises(ValidationError):
        Monitor.model_validate({"id": raw})


def test_int_foreign_keys_in_samples_become_str() -> None:
    report = parse_sample("status_report.json")
    assert report.status_page_id == "123456"
    assert report.status_updates[0].status_report_id == "12345"
    steps = parse_sample("policy_v2.json").steps
    assert isinstance(steps[0], EscalationStep)
    assert steps[0].urgency_id == "12345"
    assert Heartbeat.model_validate({"id": "1", "heartbeat_group_id": 9525}).heartbeat_group_id == (
        "9525"
    )


def test_attribute_id_equal_to_resource_id_is_merged() -> None:
    comments = parse_sample("incident_comments_list.json")
    assert [c.id for c in comments] == ["123", "124"]
    assert all("attributes_id" not in (c.model_extra or {}) for c in comments)
    assert comments[1].user_id == "456"


def test_attribute_id_different_from_resource_id_is_kept_aside() -> None:
    body = {"data": {"id": "1", "type": "incident_comment", "attributes": {"id": 99}}}
    comment = parse_one(IncidentComment, body)
    assert comment.id == "1"
    assert (comment.model_extra or {})["attributes_id"] == 99


def test_flatten_keeps_the_order_and_stringifies_odd_keys() -> None:
    # the fast path (nothing collides, every key a string) and the careful one agree
    usual = JsonApiResource.flatten(
        {"id": "1", "type": "x", "attributes": {"b": 1, "a": 2}, "links": {}}
    )
    assert list(usual) == ["id", "type", "links", "b", "a"]
    odd = JsonApiResource.flatten({"id": "1", "type": "x", "attributes": {1: "one", "a": 2}})
    assert odd == {"id": "1", "type": "x", "1": "one", "a": 2}


# --- datetimes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-03-09T17:37:56.662Z", datetime(2020, 3, 9, 17, 37, 56, 662000, timezone.utc)),
        ("2020-03-09T19:37:56+02:00", datetime(2020, 3, 9, 17, 37, 56, tzinfo=timezone.utc)),
        ("2021-02-12 23:59:59 UTC", datetime(2021, 2, 12, 23, 59, 59, tzinfo=timezone.utc)),
        ("2021-02-12T23:59:59", datetime(2021, 2, 12, 23, 59, 59, tzinfo=timezone.utc)),
        (datetime(2021, 2, 12, 23, 59, 59), datetime(2021, 2, 12, 23, 59, 59, tzinfo=timezone.utc)),
        (
            datetime(2021, 2, 13, 1, 59, 59, tzinfo=timezone(timedelta(hours=2))),
            datetime(2021, 2, 12, 23, 59, 59, tzinfo=timezone.utc),
        ),
    ],
)
def test_datetimes_are_aware_utc(raw: Any, expected: datetime) -> None:
    incident = Incident.model_validate({"id": "1", "started_at": raw})
    assert incident.started_at == expected
    assert incident.started_at is not None
    assert incident.started_at.tzinfo is timezone.utc


def test_unparseable_datetime_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        Incident.model_validate({"id": "1", "started_at": "yesterday-ish"})
    (error,) = info.value.errors()
    assert error["loc"] == ("started_at",)
    assert "valid datetime" in error["msg"]
    assert error["input"] == "yesterday-ish"


@pytest.mark.parametrize(
    "raw", ["  2021-02-12T23:59:59Z ", "2021-02-12 23:59:59 gmt", "2021-02-12T23:59:59 UTC"]
)
def test_lenient_datetime_spellings_still_parse(raw: str) -> None:
    moment = to_utc(raw)
    assert moment == datetime(2021, 2, 12, 23, 59, 59, tzinfo=timezone.utc)
    assert moment.tzinfo is timezone.utc


def test_datetimes_are_parsed_natively_with_one_python_step() -> None:
    # speed: pydantic-core parses the value; Python only converts it to timezone.utc (the
    # lenient spellings above are a fallback that runs only for what native parsing refuses)
    schema = TypeAdapter(UTCDateTime).core_schema
    assert schema["type"] == "function-after"
    union = schema["schema"]
    assert union["type"] == "union"
    assert union["mode"] == "left_to_right"
    assert union["choices"][0]["type"] == "datetime"


def test_a_datetime_out_of_range_in_utc_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="out of range"):
        Incident.model_validate({"id": "1", "started_at": "9999-12-31T23:59:59-05:00"})


def _datetimes(value: Any) -> Iterator[datetime]:
    if isinstance(value, datetime):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _datetimes(getattr(value, name))
    elif isinstance(value, list):
        for item in value:
            yield from _datetimes(item)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_every_datetime_parsed_from_samples_is_aware(name: str) -> None:
    for moment in _datetimes(parse_sample(name)):
        assert moment.tzinfo is timezone.utc


# --- included --------------------------------------------------------------------------


def _single_incident(included: Any) -> dict[str, Any]:
    item = load("incident_v3_list_item.json")
    body: dict[str, Any] = {"data": item}
    if included is not None:
        body["included"] = included
    return body


def _included_monitor(id_: str = "2") -> dict[str, Any]:
    monitor: dict[str, Any] = copy.deepcopy(load("monitor.json")["data"])
    monitor["id"] = id_
    return monitor


def test_included_as_an_object_resolves_the_incident_monitor() -> None:
    incident = parse_one(Incident, _single_incident(_included_monitor()))
    assert incident.monitor_id == "2"
    assert incident.monitor is not None
    assert incident.monitor.pronounceable_name == "Uptime homepage"


def test_included_as_a_list_resolves_the_incident_monitor() -> None:
    incident = parse_one(Incident, _single_incident([_included_monitor()]))
    assert incident.monitor is not None
    assert incident.monitor.id == "2"


def test_included_absent_or_for_another_monitor_leaves_monitor_none() -> None:
    assert parse_one(Incident, _single_incident(None)).monitor is None
    assert parse_one(Incident, _single_incident(_included_monitor("999"))).monitor is None


def test_included_list_resolves_on_call_users() -> None:
    calendar = parse_sample("on_call.json")
    assert [u.name for u in calendar.users] == ["Tomas Hromada"]
    assert calendar.users[0].phone_numbers == ["+420737123456"]


def test_on_call_users_fall_back_to_relationship_meta_email() -> None:
    body = load("on_call_list.json")
    del body["included"]
    calendars = parse_many(OnCallCalendar, body)
    assert calendars[0].users[0].email == "tomas@betterstack.com"
    assert calendars[0].users[0].first_name is None
    assert calendars[0].user_emails == ["tomas@betterstack.com"]


def test_status_report_updates_come_from_included() -> None:
    report = parse_sample("status_report.json")
    assert [u.message for u in report.status_updates] == ["Status update message"]
    reports = parse_sample("status_reports_list.json")
    assert reports[0].status_updates == []
    assert reports[0].status_update_ids == ["12345"]


def test_outgoing_webhook_template_is_resolved_from_included() -> None:
    body = load("outgoing_webhook_create_201.json")
    body["data"]["relationships"]["custom_webhook_template"]["data"] = {
        "id": 7,
        "type": "custom_webhook_template",
    }
    body["included"] = [
        {
            "id": "7",
            "type": "custom_webhook_template",
            "attributes": {
                "http_method": "post",
                "auth_username": "bot",
                "auth_password": "s3cret",
                "headers_template": [{"name": "X-Token", "value": "abc"}],
                "body_template": {"id": "$INCIDENT_ID"},
            },
        }
    ]
    webhook = parse_one(OutgoingWebhook, body)
    assert webhook.custom_webhook_template_id == "7"
    template = webhook.custom_webhook_template
    assert template is not None
    assert template.http_method == "post"
    assert template.headers_template is not None
    assert template.headers_template[0].name == "X-Token"
    assert template.body_template == {"id": "$INCIDENT_ID"}
    body["included"][0]["attributes"]["body_template"] = '{"id": "$INCIDENT_ID"}'
    assert parse_one(OutgoingWebhook, body).custom_webhook_template is not None


def test_outgoing_webhook_without_template_has_none() -> None:
    webhook = parse_sample("outgoing_webhook_create_201.json")
    assert webhook.custom_webhook_template is None
    assert webhook.custom_webhook_template_id is None


# --- relationships ---------------------------------------------------------------------


def test_incident_relationships_resolve_to_ids_and_are_kept() -> None:
    (incident,) = parse_sample("incident_v3_list_item.json")
    assert incident.monitor_id == "2"
    assert incident.heartbeat_id is None
    assert incident.source_id == "2"
    assert incident.relationships == {"monitor": {"data": {"id": "2", "type": "monitor"}}}


def test_heartbeat_incident_resolves_heartbeat_id() -> None:
    body = {
        "data": {
            "id": "9",
            "type": "incident",
            "attributes": {"escalation_policy_id": 456},
            "relationships": {"heartbeat": {"data": {"id": 12345, "type": "heartbeat"}}},
        }
    }
    incident = parse_one(Incident, body)
    assert incident.heartbeat_id == "12345"
    assert incident.monitor_id is None
    assert incident.escalation_policy_id == "456"


def test_incident_monitor_id_attribute_is_used_when_present() -> None:
    body = {"data": {"id": "9", "type": "incident", "attributes": {"monitor_id": 7}}}
    assert parse_one(Incident, body).monitor_id == "7"


# --- metadata --------------------------------------------------------------------------


def test_v2_string_metadata_and_v3_typed_lists_give_the_same_values() -> None:
    v3 = Incident.model_validate(
        {"id": "1", "metadata": {"Response code": [{"type": "String", "value": "404"}]}}
    )
    v2 = Incident.model_validate({"id": "1", "metadata": {"Response code": "404"}})
    assert v2.metadata == v3.metadata
    assert v3.metadata is not None
    assert v3.metadata["Response code"][0].type is MetadataValueType.STRING


def test_metadata_record_v3_typed_values() -> None:
    body = {
        "data": {
            "id": "5",
            "type": "metadata",
            "attributes": {
                "key": "Team",
                "values": [
                    {"type": "User", "item_id": 12, "email": "a@example.com"},
                    {"type": "Hologram", "name": "x"},
                ],
                "owner_id": 123,
                "owner_type": "Monitor",
            },
        }
    }
    record = parse_one(Metadata, body)
    assert record.owner_id == "123"
    assert record.values[0].type is MetadataValueType.USER
    assert record.values[0].item_id == "12"
    assert record.values[1].type == "Hologram"
    assert record.texts == ["a@example.com", "x"]


def test_metadata_record_v2_plain_string_value() -> None:
    body = {"data": {"id": "5", "type": "metadata", "attributes": {"key": "k", "value": "v"}}}
    record = parse_one(Metadata, body)
    assert record.value == "v"
    assert record.values == [MetadataValue(type=MetadataValueType.STRING, value="v")]


# --- policies --------------------------------------------------------------------------


def test_policy_steps_beside_or_inside_attributes_are_the_same() -> None:
    beside = parse_sample("policy_v2.json")
    body = load("policy_v2.json")
    body["data"]["attributes"]["steps"] = body["data"].pop("steps")
    inside = parse_one(Policy, body)
    assert beside.steps == inside.steps
    assert len(beside.steps) == 1
    assert "resource_steps" not in (beside.model_extra or {})


def test_policy_steps_are_typed_and_unknown_kinds_keep_the_raw_dict() -> None:
    raw_branch = {"type": "metadata_branching", "metadata_key": "Env", "policy_id": 3}
    policy = Policy.model_validate(
        {
            "id": "1",
            "steps": [
                {"type": "escalation", "wait_before": 600, "step_members": [{"type": "robot"}]},
                {"type": "time_branching", "days": ["mon"], "policy_id": 456},
                raw_branch,
                {"type": "teleport", "where": "mars"},
            ],
        }
    )
    escalation, branching, metadata_branch, unknown = policy.steps
    assert isinstance(escalation, EscalationStep)
    assert escalation.wait_before == 600
    assert escalation.step_members[0].type == "robot"
    assert isinstance(branching, TimeBranchingStep)
    assert branching.policy_id == "456"
    assert isinstance(metadata_branch, UnknownStep)
    assert metadata_branch.type is StepType.METADATA_BRANCHING
    assert metadata_branch.raw == raw_branch
    assert isinstance(unknown, UnknownStep)
    assert unknown.type == "teleport"
    assert policy.first_wait_seconds == 600


def test_policy_survives_a_json_round_trip() -> None:
    policy = Policy.model_validate(
        {"id": "1", "steps": [{"type": "escalation"}, {"type": "odd", "x": 1}]}
    )
    assert Policy.model_validate(policy.model_dump(mode="json")) == policy


# --- other quirks ----------------------------------------------------------------------


def test_hearbeat_group_typo_is_accepted_as_heartbeat_group() -> None:
    body = load("heartbeat_group.json")
    body["data"]["type"] = "hearbeat_group"
    group = parse_one(HeartbeatGroup, body)
    assert group.type == "heartbeat_group"
    assert group.name == "Backend services"


def test_on_call_events_under_events_or_data() -> None:
    body = load("on_call_events.json")
    documented = parse_on_call_events(body)
    tolerated = parse_on_call_events({"data": body["events"]})
    assert documented == tolerated
    assert [e.id for e in documented] == ["12345", "23456", "34567"]
    assert documented[2].override is True
    assert documented[0].covers("2024-09-05T12:00:00Z")
    assert not documented[0].covers(datetime(2024, 9, 5, 22, 0, tzinfo=timezone.utc))


def test_rotation_is_a_bare_object() -> None:
    rotation = parse_rotation(load("on_call_rotation.json"))
    assert rotation.rotation_length == 8
    assert rotation.users == ["bob@betterstack.com", "alice@betterstack.com"]


def test_timeline_truncation_marker_is_a_flag_not_an_item() -> None:
    timeline = parse_sample("incident_timeline_partial.json")
    assert timeline.truncated is True
    assert timeline.truncation_note == "Skipping 123 timeline events"
    assert timeline.skipped_count == 123
    assert len(timeline) == 3
    assert [item.item_type for item in timeline] == [
        TimelineItemType.COMMENT,
        TimelineItemType.GENERIC_CARD,
        TimelineItemType.RESPONSE_ITEM,
    ]
    assert all(not item.is_truncation_marker for item in timeline.items)
    assert timeline.markers[0].id == "2021-02-12 23:59:59 UTC"
    assert timeline[0].text == "Some comment with attachment"
    assert [i.id for i in timeline.chronological()] == [
        "2470302-content-response",
        "107107309",
        "23",
    ]


def test_timeline_truncation_marker_typo_is_recognised() -> None:
    body = load("incident_timeline_partial.json")
    body["data"][0]["attributes"]["item_type"] = "timeline_trucated"
    timeline = parse_timeline(body)
    assert timeline.truncated is True
    assert len(timeline) == 3


def test_untruncated_timeline() -> None:
    body = load("incident_timeline_partial.json")
    body["data"] = body["data"][1:]
    timeline = parse_timeline(body)
    assert timeline.truncated is False
    assert timeline.truncation_note is None
    assert timeline.skipped_count is None
    assert len(list(timeline)) == 3


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("{}", {}), ('{"follow_redirects": true}', {"follow_redirects": True}), ("not json", None)],
)
def test_response_options_json_string(raw: str, parsed: dict[str, Any] | None) -> None:
    incident = Incident.model_validate({"id": "1", "response_options": raw})
    assert incident.response_options == raw
    assert incident.response_options_parsed == parsed


def test_unknown_fields_are_kept_as_extras() -> None:
    body = load("monitor.json")
    body["data"]["attributes"]["brand_new_setting"] = {"x": 1}
    body["data"]["links"] = {"self": "https://example.com"}
    monitor = parse_one(Monitor, body)
    assert (monitor.model_extra or {})["brand_new_setting"] == {"x": 1}
    assert (monitor.model_extra or {})["links"] == {"self": "https://example.com"}


def test_monitor_response_times_by_region_in_seconds() -> None:
    body = {
        "data": {
            "id": "270985",
            "type": "monitor_response_times",
            "attributes": {
                "regions": [
                    {
                        "region": "us",
                        "response_times": [
                            {
                                "at": "2020-04-07T11:28:47.000Z",
                                "response_time": 0.47273,
                                "name_lookup_time": 0.00443,
                                "connection_time": 0.02188,
                                "tls_handshake_time": 0.13474,
                                "data_transfer_time": 0.31168,
                            }
                        ],
                    }
                ]
            },
        }
    }
    times = parse_one(MonitorResponseTimes, body)
    us = times.region("us")
    assert us is not None
    assert us.response_times[0].response_time == pytest.approx(0.47273)
    assert times.region("eu") is None


def test_availability_percent_vs_status_page_fraction() -> None:
    sla = parse_sample("monitor_sla.json")
    assert sla.availability == 99.98
    assert sla.availability_fraction == pytest.approx(0.9998)
    resource = parse_sample("status_page_resource.json")
    assert resource.availability == 0.99963
    assert resource.availability_percent == pytest.approx(99.963)


# --- open enums ------------------------------------------------------------------------

OPEN_ENUMS: list[tuple[type[BaseModel], str, Any, Any]] = [
    (Incident, "status", "Acknowledged", IncidentStatus.ACKNOWLEDGED),
    (Monitor, "status", "validating", MonitorStatus.VALIDATING),
    (Monitor, "monitor_type", "playwright", MonitorType.PLAYWRIGHT),
    (Heartbeat, "status", "down", HeartbeatStatus.DOWN),
    (StatusPage, "aggregate_state", "degraded", ResourceStatus.DEGRADED),
    (StatusPageResource, "status", "not_monitored", ResourceStatus.NOT_MONITORED),
    (StatusReport, "report_type", "maintenance", ReportType.MAINTENANCE),
    (OutgoingWebhook, "trigger_type", "monitor_change", TriggerType.MONITOR_CHANGE),
]


@pytest.mark.parametrize(("model", "field", "known", "member"), OPEN_ENUMS)
def test_open_enum_known_value_is_a_member(
    model: type[BaseModel], field: str, known: str, member: Any
) -> None:
    value = getattr(model.model_validate({"id": "1", field: known}), field)
    assert value is member
    assert value == known
    assert str(value) == known


@pytest.mark.parametrize(("model", "field", "known", "member"), OPEN_ENUMS)
def test_open_enum_unknown_value_survives_as_a_string(
    model: type[BaseModel], field: str, known: str, member: Any
) -> None:
    value = getattr(model.model_validate({"id": "1", field: "quantum_flux"}), field)
    assert type(value) is str
    assert value == "quantum_flux"


def test_nested_open_enums_keep_unknown_values() -> None:
    item = parse_timeline({"data": [{"id": "1", "attributes": {"item_type": "hologram"}}]})[0]
    assert item.item_type == "hologram"
    member = (
        Policy.model_validate(
            {
                "id": "1",
                "steps": [{"type": "escalation", "step_members": [{"type": "entire_team"}]}],
            }
        )
        .escalation_steps[0]
        .step_members[0]
    )
    assert member.type is StepMemberType.ENTIRE_TEAM


# --- documentation ---------------------------------------------------------------------


def test_unit_docstrings_say_percent_fraction_and_seconds() -> None:
    def doc(model: type[BaseModel], field: str) -> str:
        return (model.model_fields[field].description or "").lower()

    assert "percent" in doc(Availability, "availability")
    assert "fraction" in doc(StatusPageResource, "availability")
    for field in ("total_downtime", "longest_incident", "average_incident"):
        assert "seconds" in doc(Availability, field)
    for field in ("response_time", "name_lookup_time", "tls_handshake_time"):
        assert "seconds" in doc(ResponseTimeSample, field)
    assert "seconds" in doc(Monitor, "check_frequency")
    assert "seconds" in doc(Heartbeat, "period")
    assert "seconds" in doc(Policy, "repeat_delay")


def _public_models() -> list[type[BaseModel]]:
    return [
        obj
        for name in models.__all__
        if isinstance(obj := getattr(models, name), type) and issubclass(obj, BaseModel)
    ]


@pytest.mark.parametrize("model", _public_models(), ids=lambda m: m.__name__)
def test_every_field_is_documented(model: type[BaseModel]) -> None:
    undocumented = [name for name, f in model.model_fields.items() if not f.description]
    assert not undocumented


def test_all_is_complete_and_sorted() -> None:
    exported = set(models.__all__)
    for name in models.__all__:
        assert hasattr(models, name), name
    resource_classes = {
        cls.__name__ for cls in _subclasses(JsonApiResource) if not cls.__name__.startswith("_")
    }
    assert resource_classes <= exported
    assert models.__all__ == sorted(models.__all__)


def _subclasses(cls: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("betterstack_rca.models"):
            yield sub
        yield from _subclasses(sub)


# --- document shape errors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_one(Monitor, []), "expected an object with 'data', got list"),
        (lambda: parse_one(Monitor, {"errors": "x"}), "expected an object with 'data'"),
        (lambda: parse_one(Monitor, {"data": None}), "expected 'data' to be an object, got null"),
        (lambda: parse_many(Monitor, {"data": {}}), "expected 'data' to be a list"),
        (lambda: parse_many(Monitor, {"data": [], "included": 3}), "'included'"),
        (lambda: parse_one(Monitor, {"data": {"id": "1", "attributes": []}}), "'attributes'"),
        (lambda: parse_timeline("<html>"), "expected an object with 'data', got a string"),
        (lambda: parse_on_call_events({"items": []}), "expected an object with 'events'"),
        (lambda: parse_rotation(None), "expected a rotation object, got null"),
    ],
)
def test_bad_document_shapes_raise_value_errors_saying_what_was_expected(
    call: Any, message: str
) -> None:
    with pytest.raises(DocumentShapeError, match=message.replace("(", r"\(")):
        call()
    assert issubclass(DocumentShapeError, ValueError)


def test_bad_field_values_raise_validation_errors_which_are_value_errors() -> None:
    with pytest.raises(ValueError, match="id"):
        parse_one(Monitor, {"data": {"type": "monitor", "attributes": {}}})
    with pytest.raises(ValueError, match="check_frequency"):
        parse_one(Monitor, {"data": {"id": "1", "attributes": {"check_frequency": "often"}}})


def test_on_call_events_accept_json_api_items() -> None:
    body = {"data": [{"id": "1", "type": "event", "attributes": {"users": ["a@example.com"]}}]}
    (event,) = parse_on_call_events(body)
    assert isinstance(event, OnCallEvent)
    assert event.users == ["a@example.com"]
