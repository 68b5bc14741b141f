"""What a scenario is: the rule vocabulary, the static description and the planted result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
    "maintenance_overran",
    "config_changed",
    "not_acknowledged",
    "escalated",
    "responder_unreachable",
    "past_incidents",
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
    # The rule a good diagnosis names as the trigger (default: the root-cause rule).
    trigger_rule: str = ""
    # The plausible wrong answer the scenario sets (described, never asserted).
    trap: str = ""
    # Whether the background incidents avoid this scenario (its monitors, its groups and the
    # +-3 h around its start). Scenarios added after the pinned snapshots say False, so the
    # background (and every earlier scenario's neighbourhood) stays as it was; they then
    # live with whatever background falls near them.
    shapes_background: bool = True


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
    trigger_rule: str = ""
    """The rule the diagnosis should name as the trigger."""
    trap: str = ""
