"""Scripted incident scenarios planted in every generated sandbox account.

Each scenario is one incident with a known root cause and the evidence a good root-cause
analysis must find. ``SCENARIOS`` holds the static description (rules, title, placement);
``Account.scenarios`` holds the concrete ``Scenario`` objects (ids, timings, facts) of one
generated account. Rule names are the correlator's vocabulary:

shared_failure, heartbeat_stopped, recurrence, partial_regions, cause_timeout, cause_dns,
cause_tls, cause_connection, cause_http_5xx, cause_http_4xx, cause_keyword,
cause_heartbeat_missed, latency_rising, maintenance_window, config_changed,
not_acknowledged, escalated, status_page_late, status_page_silent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

RULES: tuple[str, ...] = (
    "shared_failure",
    "heartbeat_stopped",
    "recurrence",
    "partial_regions",
    "cause_timeout",
    "cause_dns",
    "cause_tls",
    "cause_connection",
    "cause_http_5xx",
    "cause_http_4xx",
    "cause_keyword",
    "cause_heartbeat_missed",
    "latency_rising",
    "maintenance_window",
    "config_changed",
    "not_acknowledged",
    "escalated",
    "status_page_late",
    "status_page_silent",
)


@dataclass(frozen=True)
class ScenarioSpec:
    """What a scenario is, independent of any generated account."""

    key: str
    letter: str
    title: str
    root_cause: str
    expected_rules: tuple[str, ...]
    forbidden_rules: tuple[str, ...]
    # Seconds before the account's reference time at which the scenario incident starts.
    starts_before_reference: int


@dataclass(frozen=True)
class Scenario:
    """One scenario as planted in a generated account (concrete ids and checkable facts).

    ``expected_rules[0]`` is the root-cause rule: a good RCA ranks it among its first two
    findings; the other expected rules must also appear, and none of ``forbidden_rules``.
    """

    key: str
    letter: str
    title: str
    root_cause: str
    incident_id: str
    monitor_id: str | None
    heartbeat_id: str | None
    expected_rules: tuple[str, ...]
    forbidden_rules: tuple[str, ...]
    facts: Mapping[str, object] = field(default_factory=dict)
    started_at: str = ""


_H = 3600
_D = 86400

_SPECS = (
    ScenarioSpec(
        key="database_backup",
        letter="a",
        title="API outage after the database backup heartbeat stopped",
        root_cause=(
            "The nightly database backup hung and locked the primary database, so its "
            "heartbeat stopped and four API monitors that depend on the database failed."
        ),
        expected_rules=("heartbeat_stopped", "shared_failure", "status_page_late"),
        forbidden_rules=(
            "maintenance_window",
            "not_acknowledged",
            "status_page_silent",
            "partial_regions",
            "config_changed",
            "recurrence",
        ),
        starts_before_reference=50 * 60,
    ),
    ScenarioSpec(
        key="tls_expiry",
        letter="b",
        title="Billing portal down: TLS certificate expired",
        root_cause="The billing portal's TLS certificate expired and was not renewed in time.",
        expected_rules=("cause_tls",),
        forbidden_rules=(
            "maintenance_window",
            "config_changed",
            "partial_regions",
            "heartbeat_stopped",
            "shared_failure",
        ),
        starts_before_reference=2 * _D + 3 * _H,
    ),
    ScenarioSpec(
        key="region_blip",
        letter="c",
        title="Search API unreachable from Asia only (fifth time this week)",
        root_cause=(
            "A flaky network path between the Asian checking region and the search cluster "
            "times out from that region only; it has recurred all week."
        ),
        expected_rules=("partial_regions", "recurrence"),
        forbidden_rules=(
            "shared_failure",
            "maintenance_window",
            "config_changed",
            "cause_http_5xx",
            "heartbeat_stopped",
        ),
        starts_before_reference=8 * _H,
    ),
    ScenarioSpec(
        key="maintenance",
        letter="d",
        title="Reports service down during its scheduled maintenance",
        root_cause=(
            "The reports service was taken down on purpose inside a scheduled maintenance "
            "window announced on the status page."
        ),
        expected_rules=("maintenance_window",),
        forbidden_rules=("config_changed", "shared_failure", "partial_regions", "recurrence"),
        starts_before_reference=3 * _D + 5 * _H,
    ),
    ScenarioSpec(
        key="bad_deploy",
        letter="e",
        title="Checkout API returns 502 after a configuration change",
        root_cause=(
            "A deploy (the monitor's configuration changed four minutes before) made the "
            "checkout API progressively slower until it returned 502s."
        ),
        expected_rules=("config_changed", "cause_http_5xx", "latency_rising"),
        forbidden_rules=(
            "maintenance_window",
            "partial_regions",
            "heartbeat_stopped",
            "recurrence",
        ),
        starts_before_reference=16 * _H,
    ),
    ScenarioSpec(
        key="unacknowledged_escalation",
        letter="f",
        title="Legacy CRM down; nobody acknowledged through every escalation step",
        root_cause=(
            "The legacy CRM refused connections and the alert was never acknowledged: "
            "the escalation policy ran through all three steps."
        ),
        expected_rules=("not_acknowledged", "escalated"),
        forbidden_rules=("maintenance_window", "shared_failure", "partial_regions"),
        starts_before_reference=4 * _D + 7 * _H,
    ),
    ScenarioSpec(
        key="heartbeat_incident",
        letter="g",
        title="Nightly invoice export missed its heartbeat",
        root_cause="The nightly invoice export job did not run, so its heartbeat was missed.",
        expected_rules=("cause_heartbeat_missed",),
        forbidden_rules=("shared_failure", "partial_regions", "cause_http_5xx", "latency_rising"),
        starts_before_reference=5 * _D + 2 * _H,
    ),
)

SCENARIOS: Mapping[str, ScenarioSpec] = MappingProxyType({s.key: s for s in _SPECS})
"""Static scenario descriptions by key, in letter order (a..g)."""

HEADLINE_SCENARIO = "database_backup"
"""Key of the headline scenario (a): the one the demo shows first."""
