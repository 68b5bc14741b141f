"""Every scripted sandbox scenario: the root cause is found, nothing contradicts it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from betterstack_rca import BetterStack
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.sandbox import SCENARIOS

from .conftest import REF

KEYS = list(SCENARIOS)
SNAPSHOTS = Path(__file__).parent / "snapshots"


def scenario(client: BetterStack, key: str):  # type: ignore[no-untyped-def]
    return client.sandbox_account.account.scenarios[key]  # type: ignore[union-attr]


@pytest.mark.parametrize("key", KEYS)
def test_root_cause_is_among_the_first_two_findings(
    key: str, client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    expected = scenario(client, key).expected_rules
    top = [f.rule for f in bundles[key].findings[:2]]
    assert expected[0] in top, f"{key}: {expected[0]} not in {top}"


@pytest.mark.parametrize("key", KEYS)
def test_every_expected_rule_fires_and_none_contradicts(
    key: str, client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, key)
    rules = {f.rule for f in bundles[key].findings}
    assert set(sc.expected_rules) <= rules
    assert not rules & set(sc.forbidden_rules), rules & set(sc.forbidden_rules)


@pytest.mark.parametrize("key", KEYS)
def test_findings_cite_real_timeline_events(key: str, bundles: dict[str, IncidentBundle]) -> None:
    bundle = bundles[key]
    ids = {e.id for e in bundle.timeline}
    for finding in bundle.findings:
        assert finding.evidence, finding.rule
        assert set(finding.evidence) <= ids
        assert 0 < finding.confidence <= 1


def test_findings_are_ordered_by_confidence(bundles: dict[str, IncidentBundle]) -> None:
    for bundle in bundles.values():
        confidences = [f.confidence for f in bundle.findings]
        assert confidences == sorted(confidences, reverse=True)


def test_headline_metrics_match_the_scenario(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "database_backup")
    bundle = bundles["database_backup"]
    assert bundle.metrics.time_to_acknowledge == sc.facts["ack_seconds"]
    assert bundle.metrics.status_page_delay == sc.facts["status_page_delay_seconds"]
    assert bundle.metrics.time_to_resolve == sc.facts["resolved_seconds"]
    heartbeat = next(f for f in bundle.findings if f.rule == "heartbeat_stopped")
    assert heartbeat.data["lead_seconds"] == sc.facts["heartbeat_lead_seconds"]
    shared = next(f for f in bundle.findings if f.rule == "shared_failure")
    failed = set(sc.facts["failed_monitor_ids"]) - {sc.monitor_id}
    assert set(shared.data["monitor_ids"]) == failed


def test_headline_knows_who_was_on_call(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "database_backup")
    emails = {u.email for cal in bundles["database_backup"].responders.on_call for u in cal.users}
    assert sc.facts["on_call_email"] in emails


def test_region_blip_names_the_failing_region(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "region_blip")
    finding = next(f for f in bundles["region_blip"].findings if f.rule == "partial_regions")
    assert tuple(finding.data["failed_regions"]) == tuple(sc.facts["failed_regions"])
    recurrence = next(f for f in bundles["region_blip"].findings if f.rule == "recurrence")
    assert len(recurrence.data["earlier_incident_ids"]) == sc.facts["earlier_incidents_7d"]


def test_unacknowledged_incident_has_no_time_to_acknowledge(
    bundles: dict[str, IncidentBundle],
) -> None:
    bundle = bundles["unacknowledged_escalation"]
    assert bundle.metrics.time_to_acknowledge is None
    escalated = next(f for f in bundle.findings if f.rule == "escalated")
    assert escalated.data["steps_reached"] == escalated.data["steps"] == 3


def test_timeline_is_ordered_and_merges_duplicates(bundles: dict[str, IncidentBundle]) -> None:
    bundle = bundles["database_backup"]
    times = [e.at for e in bundle.timeline]
    assert times == sorted(times)
    started = [e for e in bundle.timeline if e.kind == "started" and not e.related]
    assert len(started) == 1  # Better Stack's own "Incident started" item was merged
    texts = [e.details.get("text") for e in bundle.timeline if e.kind == "comment"]
    assert len(texts) == len(set(texts)) == 2  # each comment once, not twice
    sources = {e.source for e in bundle.timeline}
    assert {"incident", "related_incident", "comment", "status_page"} <= sources


@pytest.mark.parametrize("key", KEYS)
def test_markdown_snapshot(key: str, bundles: dict[str, IncidentBundle]) -> None:
    text = bundles[key].to_markdown()
    path = SNAPSHOTS / f"{key}.md"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text)
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 once"
    assert text == path.read_text()


def test_bundle_is_reproducible_for_a_fixed_reference_time(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "bad_deploy")
    again = client.bundle(sc.incident_id, now=REF)
    first = bundles["bad_deploy"].to_dict()
    second = again.to_dict()
    first.pop("stats")
    second.pop("stats")
    assert first == second
