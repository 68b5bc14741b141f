"""The legacy incident webhook names the incident and nothing else: it is an incident event,
and `bundle_for` fetches what the body leaves out."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from betterstack_rca import BetterStack, WebhookParseError, parse_webhook

LEGACY = {"id": "410002025", "team_id": 48213, "type": "incident"}


def test_a_bare_incident_reference_is_an_incident_event() -> None:
    event = parse_webhook(json.dumps(LEGACY).encode())
    assert (event.kind, event.format, event.incident_id) == (
        "incident",
        "betterstack_incident",
        "410002025",
    )
    assert event.action == "changed"  # it does not say what changed
    assert event.at is None
    assert event.title is None
    assert event.wants_bundle  # so a receiver collects a fresh bundle
    assert event.raw == LEGACY


@pytest.mark.parametrize(
    "body",
    [
        {"id": 410002025, "type": "Incident"},
        {"id": "410002025", "team_id": "48213", "type": "incident"},
    ],
)
def test_int_ids_and_capitals_are_read_the_same_way(body: dict[str, object]) -> None:
    assert parse_webhook(body).incident_id == "410002025"


def test_a_bad_team_id_is_named() -> None:
    with pytest.raises(WebhookParseError, match="team_id"):
        parse_webhook({"id": "1", "team_id": {"x": 1}, "type": "incident"})


def test_other_bare_types_are_not_taken_for_incidents() -> None:
    with pytest.raises(WebhookParseError, match="unknown shape"):
        parse_webhook({"id": "1", "team_id": 2, "type": "monitor"})


def test_bundle_for_fetches_the_details() -> None:
    ref = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    bs = BetterStack.sandbox(reference_time=ref)
    assert bs.sandbox_account is not None
    headline = bs.sandbox_account.account.scenarios["database_backup"]
    event = parse_webhook({"id": headline.incident_id, "team_id": 1, "type": "incident"})
    bundle = bs.bundle_for(event, now=ref)
    assert bundle.incident.id == headline.incident_id
    assert bundle.incident.cause == "Status 503"
    assert bundle.findings
