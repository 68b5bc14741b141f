"""Deterministic rules that turn the collected facts into evidence-backed findings.

Every rule stays silent without its data: no monitor, no policy, no status page -> no claim.
Confidence mixes how strong the evidence is with how well the finding explains the start;
findings are ordered by it. docs/findings.md documents each rule and its false positives.
The rules live in `rca/rules/`, one module per family; this module runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from betterstack_rca.rca.bundle import Finding, IncidentBundle, Metrics
from betterstack_rca.rca.rules.changes import config_changed, maintenance_window
from betterstack_rca.rca.rules.neighbours import heartbeat_stopped, partial_regions, shared_failure
from betterstack_rca.rca.rules.response import escalated, not_acknowledged
from betterstack_rca.rca.rules.source import cause, latency_rising, recurrence
from betterstack_rca.rca.rules.status_page import status_page

RULE_ORDER = (
    "heartbeat_stopped",
    "config_changed",
    "maintenance_window",
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
    "recurrence",
    "escalated",
    "status_page_late",
    "status_page_silent",
)

RULES: tuple[Callable[[IncidentBundle], Finding | None], ...] = (
    heartbeat_stopped,
    config_changed,
    maintenance_window,
    shared_failure,
    partial_regions,
    cause,
    latency_rising,
    recurrence,
    not_acknowledged,
    escalated,
    status_page,
)


def derive_findings(bundle: IncidentBundle) -> list[Finding]:
    """Every rule that has something to say, strongest explanation first."""
    found = [f for rule in RULES if (f := rule(bundle)) is not None]
    for f in found:
        f.confidence = round(f.confidence, 2)
    order = {name: n for n, name in enumerate(RULE_ORDER)}
    return sorted(found, key=lambda f: (-f.confidence, order.get(f.rule, 99)))


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
