"""Every scripted sandbox scenario: the root cause is found, nothing contradicts it."""

from __future__ import annotations

import os
from datetime import datetime
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


@pytest.mark.parametrize("key", KEYS)
def test_the_diagnosis_names_the_true_trigger(
    key: str, client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, key)
    diagnosis = bundles[key].diagnosis
    assert diagnosis.trigger is not None
    assert diagnosis.trigger.rule == sc.trigger_rule
    assert diagnosis.first_failure is not None
    assert diagnosis.impact is not None


@pytest.mark.parametrize("key", KEYS)
def test_every_rule_leaves_a_check(key: str, bundles: dict[str, IncidentBundle]) -> None:
    from betterstack_rca.rca.findings import RULES

    bundle = bundles[key]
    checks = {c.name: c for c in bundle.checks}
    assert {name for name, _ in RULES} <= set(checks)
    fired = {c.finding for c in bundle.checks if c.status == "fired"}
    assert fired == {f.rule for f in bundle.findings}
    for check in bundle.checks:
        assert check.reason
        assert check.status in ("fired", "ran", "ruled_out", "skipped")


def test_a_symptom_is_not_the_trigger_when_a_state_change_precedes(
    bundles: dict[str, IncidentBundle],
) -> None:
    for bundle in bundles.values():
        trigger = bundle.diagnosis.trigger
        assert trigger is not None
        start = bundle.incident.started_at
        assert start is not None
        preceding = [
            f for f in bundle.findings if f.role == "trigger" and f.at is not None and f.at < start
        ]
        if preceding:
            assert trigger.data["role"] == "trigger"


def test_old_incidents_skip_response_times_beyond_the_horizon(
    bundles: dict[str, IncidentBundle],
) -> None:
    check = next(c for c in bundles["tls_expiry"].checks if c.name == "latency_rising")
    assert check.status == "skipped"
    assert "24 h" in check.reason


def test_wrong_responder_reports_who_the_policy_paged(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "wrong_responder")
    bundle = bundles["wrong_responder"]
    step1, step2 = bundle.responders.paged
    (member,) = step1.members
    assert member.type == "current_on_call"
    assert member.calendar_id == sc.facts["step1_calendar_id"]
    assert [p.email for p in member.people] == [sc.facts["step1_email"]]
    assert member.people[0].reachable_by_phone is False
    assert [p.email for p in step2.members[0].people] == [sc.facts["step2_email"]]
    assert bundle.responders.fallback is None
    audit = bundle.audit.escalation
    assert audit.acknowledged_at_step == sc.facts["ack_step"]
    assert tuple(audit.step_at_seconds) == sc.facts["step_at_seconds"]
    assert bundle.metrics.time_to_acknowledge == 420
    unreachable = next(f for f in bundle.findings if f.rule == "responder_unreachable")
    assert unreachable.data["step"] == 1
    assert "Gita Rao" in unreachable.summary


def test_dns_zone_links_monitors_of_other_groups_by_domain(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "dns_zone")
    bundle = bundles["dns_zone"]
    shared = next(f for f in bundle.findings if f.rule == "shared_failure")
    assert set(shared.data["monitor_ids"]) == set(sc.facts["other_monitor_ids"])
    assert shared.data["others"] == 3
    assert shared.data["groups"] == sc.facts["groups"] == 4
    assert shared.data["linked_by"] == "domain"
    assert shared.data["spread_seconds"] == sc.facts["spread_seconds"]
    assert sc.facts["blip_incident_id"] not in shared.data["incident_ids"]
    assert "unrelated" not in shared.summary
    first = bundle.diagnosis.first_failure
    assert first is not None
    assert first.data["onset"][0]["monitor_id"] == sc.facts["first_monitor_id"]
    assert bundle.diagnosis.trigger is not None
    assert bundle.diagnosis.trigger.at is not None
    assert bundle.incident.started_at is not None
    lead = (bundle.incident.started_at - bundle.diagnosis.trigger.at).total_seconds()
    assert lead == sc.facts["first_lead_seconds"] == 60


def test_maintenance_overran_reads_the_rails_zone(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "maintenance_overran")
    finding = next(
        f for f in bundles["maintenance_overran"].findings if f.rule == "maintenance_overran"
    )
    assert finding.data["iana_zone"] == sc.facts["iana_zone"]
    assert finding.data["seconds_after_end"] == sc.facts["seconds_after_end"]
    assert finding.data["window_end"].replace("+00:00", "") == sc.facts["window_end_at"][:19]


def test_heartbeat_due_says_when_the_check_in_was_due(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "heartbeat_due")
    bundle = bundles["heartbeat_due"]
    finding = next(f for f in bundle.findings if f.rule == "cause_heartbeat_missed")
    assert finding.data["period_seconds"] == sc.facts["period_seconds"]
    assert finding.data["grace_seconds"] == sc.facts["grace_seconds"]
    assert finding.data["alert_after_seconds"] == 3900
    assert finding.data["due_at"][:19] == sc.facts["due_at"][:19]
    assert finding.data["last_check_in_by"][:19] == sc.facts["last_check_in_by"][:19]
    detection = bundle.audit.detection
    assert detection.check_frequency is None  # a heartbeat has none: None, never 0
    assert detection.grace == 300
    text = bundle.to_markdown()
    assert "No status page shows this heartbeat." in text
    assert "this monitor" not in text


def test_upstream_cert_puts_the_dependency_before_the_config_change(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "upstream_cert")
    bundle = bundles["upstream_cert"]
    shared = next(f for f in bundle.findings if f.rule == "shared_failure")
    assert shared.data["incident_ids"] == [sc.facts["upstream_incident_id"]]
    assert shared.data["linked_by"] == "zone"
    assert shared.level == "high"
    first = bundle.diagnosis.first_failure
    assert first is not None
    assert first.data["onset"][0]["monitor_id"] == sc.facts["upstream_monitor_id"]


def test_recurring_history_classifies_and_ranks_past_incidents(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "recurring_history")
    bundle = bundles["recurring_history"]
    past = next(f for f in bundle.findings if f.rule == "past_incidents")
    assert past.data["verdict"] == sc.facts["verdict"]
    assert past.data["same_cause_class"] == sc.facts["same_cause_30d"]
    assert past.data["earlier"] == sc.facts["earlier_30d"]
    top = bundle.similar_incidents[0]
    assert top.incident_id == sc.facts["most_similar_incident_id"]
    assert top.score == sc.facts["most_similar_score"] == sum(top.matches.values())
    recurrence = next(f for f in bundle.findings if f.rule == "recurrence")
    assert len(recurrence.data["earlier_incident_ids"]) == sc.facts["earlier_7d"]


def test_shared_upstream_links_the_burst_on_unrelated_hosts(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "shared_upstream")
    bundle = bundles["shared_upstream"]
    shared = next(f for f in bundle.findings if f.rule == "shared_failure")
    assert shared.data["linked_by"] == "burst"
    assert set(shared.data["monitor_ids"]) == set(sc.facts["failed_monitor_ids"]) - {sc.monitor_id}
    assert shared.data["spread_seconds"] == sc.facts["spread_seconds"]
    assert bundle.findings[0].rule == "shared_failure"
    check = next(c for c in bundle.checks if c.name == "shared_failure")
    assert check.status == "fired"


def test_slow_degradation_dates_the_climb_and_ignores_the_siblings_edit(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "slow_degradation")
    bundle = bundles["slow_degradation"]
    trigger = bundle.diagnosis.trigger
    assert trigger is not None
    assert trigger.data["role"] == "trigger"
    assert "No state change" not in trigger.summary
    start = bundle.incident.started_at
    assert start is not None
    assert trigger.at is not None
    lead = (start - trigger.at).total_seconds()
    assert 20 * 60 < lead <= sc.facts["latency_rise_window_seconds"]
    assert sc.facts["sibling_monitor_id"] in {m.id for m in bundle.siblings}
    check = next(c for c in bundle.checks if c.name == "config_changed")
    assert check.status == "ran"


def test_regional_tls_does_not_call_the_valid_certificate_expired(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    sc = scenario(client, "regional_tls")
    bundle = bundles["regional_tls"]
    tls = next(f for f in bundle.findings if f.rule == "cause_tls")
    assert tls.data["expired"] is False
    valid_until = datetime.fromisoformat(tls.data["valid_until"])
    assert valid_until == datetime.fromisoformat(str(sc.facts["certificate_expires_at"]))
    regional = next(f for f in bundle.findings if f.rule == "partial_regions")
    assert tuple(regional.data["failed_regions"]) == tuple(sc.facts["failed_regions"])
    assert bundle.findings[0].rule == "partial_regions"
