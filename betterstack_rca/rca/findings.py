"""Deterministic rules that turn the collected facts into evidence-backed findings, the
checks that say what each rule looked at, and the grade of every finding.

Every rule stays silent without its data: no monitor, no policy, no status page -> no claim,
and its check says why (skipped), what it found instead (ran), or which signal it saw and
set aside (ruled_out). The rubric (docs/findings.md) grades each finding high, medium or low
from its role, whether it precedes the start and how many independent signals it rests on;
its confidence is kept inside that grade's band. The rules live in `rca/rules/`, one module
per family; this module runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from betterstack_rca.rca.bundle import Check, Finding, IncidentBundle, Metrics
from betterstack_rca.rca.rules.changes import (
    config_changed,
    maintenance_overran,
    maintenance_window,
)
from betterstack_rca.rca.rules.evidence import Outcome
from betterstack_rca.rca.rules.history import group_history, past_incidents
from betterstack_rca.rca.rules.neighbours import heartbeat_stopped, partial_regions
from betterstack_rca.rca.rules.response import escalated, not_acknowledged, responder_unreachable
from betterstack_rca.rca.rules.shared import shared_failure
from betterstack_rca.rca.rules.source import cause, latency_rising, recurrence
from betterstack_rca.rca.rules.status_page import status_page

RULE_ORDER = (
    "heartbeat_stopped",
    "config_changed",
    "maintenance_window",
    "maintenance_overran",
    "shared_failure",
    "partial_regions",
    "cause_tls",
    "cause_dns",
    "cause_heartbeat_missed",
    "cause_connection",
    "cause_http_5xx",
    "cause_timeout",
    "cause_http_4xx",
    "cause_keyword",
    "latency_rising",
    "not_acknowledged",
    "responder_unreachable",
    "recurrence",
    "past_incidents",
    "escalated",
    "status_page_late",
    "status_page_silent",
)

#: Every check, by name, in the order it runs.
RULES: tuple[tuple[str, Callable[[IncidentBundle], Outcome]], ...] = (
    ("heartbeat_stopped", heartbeat_stopped),
    ("config_changed", config_changed),
    ("maintenance_window", maintenance_window),
    ("maintenance_overran", maintenance_overran),
    ("shared_failure", shared_failure),
    ("partial_regions", partial_regions),
    ("cause", cause),
    ("latency_rising", latency_rising),
    ("recurrence", recurrence),
    ("past_incidents", past_incidents),
    ("past_incidents_group", group_history),
    ("not_acknowledged", not_acknowledged),
    ("responder_unreachable", responder_unreachable),
    ("escalated", escalated),
    ("status_page", status_page),
)

#: The rubric's confidence band per grade.
BANDS = {"high": (0.8, 0.95), "medium": (0.5, 0.79), "low": (0.2, 0.49)}
#: A trigger "coincides" with the start when it is at most this many seconds after it.
COINCIDES_SECONDS = 60.0
_ROLE_ORDER = {"trigger": 0, "symptom": 1, "context": 2, "response": 3}


def grade(finding: Finding, start: datetime | None) -> Finding:
    """The rubric: set `level` and keep `confidence` inside its band (docs/findings.md)."""
    signals = len(finding.signals) or 1
    lead = (start - finding.at).total_seconds() if start and finding.at else None
    if finding.role == "trigger":
        if lead is not None and lead > 0 and signals >= 2:
            level = "high"
        elif lead is None or lead >= -COINCIDES_SECONDS:
            level = "medium"
        else:
            level = "low"
    elif finding.role == "symptom":
        level = "medium"  # says what failed, never why: at most medium
    else:
        level = "medium" if signals >= 2 else "low"
    lo, hi = BANDS[level]
    finding.level = level  # type: ignore[assignment]
    finding.confidence = round(min(hi, max(lo, finding.confidence)), 2)
    return finding


@dataclass
class Evaluation:
    findings: list[Finding] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)


def evaluate(bundle: IncidentBundle) -> Evaluation:
    """Run every rule: the findings (strongest first) and a check per rule."""
    out = Evaluation()
    start = bundle.incident.started_at
    for name, rule in RULES:
        result = rule(bundle)
        if isinstance(result, Finding):
            out.findings.append(grade(result, start))
            out.checks.append(
                Check(
                    name=name,
                    status="fired",
                    reason=result.summary,
                    finding=result.rule,
                    evidence=list(result.evidence),
                )
            )
        elif isinstance(result, Check):
            out.checks.append(result)
        else:
            out.checks.append(Check(name=name, status="ran", reason="nothing found"))
    order = {n: i for i, n in enumerate(RULE_ORDER)}
    out.findings.sort(
        key=lambda f: (-f.confidence, _ROLE_ORDER.get(f.role, 9), order.get(f.rule, 99))
    )
    return out


def derive_findings(bundle: IncidentBundle) -> list[Finding]:
    """Every rule that has something to say, strongest explanation first."""
    return evaluate(bundle).findings


def derive_metrics(bundle: IncidentBundle) -> Metrics:
    inc = bundle.incident
    start = inc.started_at
    if start is None:
        return Metrics()

    def since(at: datetime | None) -> float | None:
        return None if at is None else round((at - start).total_seconds(), 3)

    first_update: datetime | None = None
    for ctx in bundle.status_pages:
        for report in ctx.reports:
            if str(report.report_type) == "maintenance":
                continue
            for update in report.status_updates:
                at = update.published_at
                if at is not None and at >= start and (first_update is None or at < first_update):
                    first_update = at
    return Metrics(
        time_to_acknowledge=since(inc.acknowledged_at),
        time_to_resolve=since(inc.resolved_at),
        status_page_delay=since(first_update),
    )
