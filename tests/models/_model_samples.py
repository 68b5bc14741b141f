"""Where the documented Better Stack bodies live, and which parser reads each one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from betterstack_rca.models import (
    Availability,
    Heartbeat,
    HeartbeatGroup,
    IncidentComment,
    IncidentLogEvent,
    Monitor,
    MonitorGroup,
    OnCallCalendar,
    OutgoingWebhook,
    Policy,
    Severity,
    StatusPageResource,
    StatusReport,
    parse_many,
    parse_on_call_events,
    parse_one,
    parse_rotation,
    parse_timeline,
)
from betterstack_rca.models import Incident as _Incident

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"

# Bodies that are not API resource documents (errors, pushed webhooks, a request example).
NOT_RESOURCE_DOCUMENTS = frozenset(
    {"outgoing_webhook_custom_body_template_example.json", "on_call_create_422.json"}
)


def is_resource_sample(name: str) -> bool:
    return not (name.startswith(("error_", "webhook_")) or name in NOT_RESOURCE_DOCUMENTS)


def load(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def wrap_list_item(body: Any) -> Any:
    # incident_v3_list_item.json is data[0] of the published list, not a whole document.
    return {"data": [body], "pagination": {"first": None, "last": None, "prev": None, "next": None}}


# sample file -> (body as the API would send it, parser)
PARSERS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "heartbeat.json": (lambda b: b, lambda b: parse_one(Heartbeat, b)),
    "heartbeat_availability.json": (lambda b: b, lambda b: parse_one(Availability, b)),
    "heartbeat_group.json": (lambda b: b, lambda b: parse_one(HeartbeatGroup, b)),
    "heartbeats_list.json": (lambda b: b, lambda b: parse_many(Heartbeat, b)),
    "incident_comments_list.json": (lambda b: b, lambda b: parse_many(IncidentComment, b)),
    "incident_log_monitor_checked.json": (lambda b: b, IncidentLogEvent.model_validate),
    "incident_timeline_partial.json": (lambda b: b, parse_timeline),
    "incident_v3_list_item.json": (wrap_list_item, lambda b: parse_many(_Incident, b)),
    "monitor.json": (lambda b: b, lambda b: parse_one(Monitor, b)),
    "monitor_group.json": (lambda b: b, lambda b: parse_one(MonitorGroup, b)),
    "monitor_sla.json": (lambda b: b, lambda b: parse_one(Availability, b)),
    "monitors_list_v2_legacy.json": (lambda b: b, lambda b: parse_many(Monitor, b)),
    "on_call.json": (lambda b: b, lambda b: parse_one(OnCallCalendar, b)),
    "on_call_events.json": (lambda b: b, parse_on_call_events),
    "on_call_list.json": (lambda b: b, lambda b: parse_many(OnCallCalendar, b)),
    "on_call_rotation.json": (lambda b: b, parse_rotation),
    "outgoing_webhook_create_201.json": (lambda b: b, lambda b: parse_one(OutgoingWebhook, b)),
    "policies_v3_in_group_list.json": (lambda b: b, lambda b: parse_many(Policy, b)),
    "policy_v2.json": (lambda b: b, lambda b: parse_one(Policy, b)),
    "policy_v3.json": (lambda b: b, lambda b: parse_one(Policy, b)),
    "severities_list.json": (lambda b: b, lambda b: parse_many(Severity, b)),
    "severity.json": (lambda b: b, lambda b: parse_one(Severity, b)),
    "status_page_resource.json": (lambda b: b, lambda b: parse_one(StatusPageResource, b)),
    "status_report.json": (lambda b: b, lambda b: parse_one(StatusReport, b)),
    "status_reports_list.json": (lambda b: b, lambda b: parse_many(StatusReport, b)),
}


def sample_body(name: str) -> Any:
    prepare, _ = PARSERS[name]
    return prepare(load(name))


def parse_sample(name: str) -> Any:
    _, parse = PARSERS[name]
    return parse(sample_body(name))
