"""The monitor or heartbeat Better Stack includes with a single incident."""

from __future__ import annotations

from typing import Any

from betterstack_rca.models import Heartbeat, Incident, parse_one


def document(included: Any) -> dict[str, Any]:
    return {
        "data": {
            "id": "7",
            "type": "incident",
            "attributes": {"name": "nightly-export", "cause": "Missed heartbeat"},
            "relationships": {"heartbeat": {"data": {"id": "512001", "type": "heartbeat"}}},
        },
        "included": included,
    }


HEARTBEAT = {
    "id": "512001",
    "type": "heartbeat",
    "attributes": {"name": "nightly-export", "period": 86400, "grace": 900, "status": "up"},
}


def test_the_included_heartbeat_is_the_incidents_heartbeat_outside_its_json() -> None:
    incident = parse_one(Incident, document(HEARTBEAT))
    assert incident.heartbeat_id == "512001"
    assert isinstance(incident.heartbeat, Heartbeat)
    assert incident.heartbeat.period == 86400
    assert "heartbeat" not in incident.model_dump()  # the incident's JSON is unchanged
    copy = incident.without_included()
    assert copy.heartbeat is None
    assert copy.monitor is None
    assert incident.heartbeat is not None  # the original keeps it


def test_another_or_a_malformed_included_object_is_no_heartbeat() -> None:
    other = {**HEARTBEAT, "id": "999"}
    assert parse_one(Incident, document(other)).heartbeat is None
    broken = {**HEARTBEAT, "attributes": {"period": "every night"}}
    incident = parse_one(Incident, document(broken))
    assert incident.heartbeat is None  # asked for instead; the incident itself still parses
    assert incident.name == "nightly-export"
    assert parse_one(Incident, document(None)).heartbeat is None
