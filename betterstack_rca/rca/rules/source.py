"""What the failing monitor or heartbeat itself shows: the cause Better Stack reports,
response times rising before the start, and earlier incidents of the same source.
"""

from __future__ import annotations

import re

from betterstack_rca.rca.bundle import Finding, IncidentBundle
from betterstack_rca.rca.rules.evidence import ids, matching, started
from betterstack_rca.rca.signals import latency_trend

#: Earlier incidents of the same source needed to call it a recurrence.
RECURRENCE_MIN = 2

# (rule, pattern, base confidence): first match wins
CAUSES: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("cause_tls", re.compile(r"ssl|tls|certificate|x509|handshake", re.I), 0.8),
    (
        "cause_dns",
        re.compile(r"\bdns\b|name resolution|nxdomain|could not resolve|servfail", re.I),
        0.75,
    ),
    ("cause_heartbeat_missed", re.compile(r"heartbeat|missed|no ping|not received", re.I), 0.7),
    (
        "cause_keyword",
        re.compile(r"keyword", re.I),
        0.5,
    ),
    (
        "cause_connection",
        re.compile(
            r"connection (refused|reset|closed|failed)|econn(refused|reset)|refused|"
            r"reset by peer|unreachable|no route",
            re.I,
        ),
        0.6,
    ),
    ("cause_timeout", re.compile(r"time(d)?[ -]?out", re.I), 0.55),
    (
        "cause_http_5xx",
        re.compile(
            r"\b(status|error|http|code)\s*5\d\d\b|\b5xx\b|internal server error|bad gateway|"
            r"service unavailable|gateway time-?out",
            re.I,
        ),
        0.6,
    ),
    ("cause_http_4xx", re.compile(r"\b(status|error|http|code)\s*4\d\d\b", re.I), 0.5),
)


def cause(b: IncidentBundle) -> Finding | None:
    text = b.incident.cause or ""
    match = next(((r, c) for r, p, c in CAUSES if text and p.search(text)), None)
    if match is None and b.incident.heartbeat_id and not b.incident.monitor_id:
        match = ("cause_heartbeat_missed", 0.7)
    if match is None:
        return None
    rule, confidence = match
    label = rule.removeprefix("cause_").replace("_", " ").replace("http ", "HTTP ")
    return Finding(
        rule=rule,
        confidence=confidence,
        summary=f"Cause reported by Better Stack: {text or 'heartbeat not received'} ({label})",
        evidence=ids(started(b, b.incident.id)),
        data={"cause": text or None},
    )


def latency_rising(b: IncidentBundle) -> Finding | None:
    trend = latency_trend(b.response_times, b.incident.started_at)
    if trend is None or not trend.rising:
        return None
    return Finding(
        rule="latency_rising",
        confidence=0.6,
        summary=(
            f"Response times rose before the start: median {trend.baseline:.3f}s -> "
            f"{trend.recent:.3f}s in {len(trend.rising_regions)} of {len(trend.all_regions)} "
            "regions (a degrading service, not a sudden cut)"
        ),
        evidence=ids(matching(b, lambda e: e.kind == "latency_rise")),
        data=trend.as_details(),
    )


def recurrence(b: IncidentBundle) -> Finding | None:
    earlier = [i for i in b.history if i.started_at is not None]
    if len(earlier) < RECURRENCE_MIN:
        return None
    same_cause = [i for i in earlier if i.cause and i.cause == b.incident.cause]
    regions = {tuple(sorted(str(r) for r in i.regions or [])) for i in earlier}
    span = b.incident.started_at - b.window.history_start if b.incident.started_at else None
    period = f"the last {span.days} days" if span and span.days else "the look-back period"
    detail = f"; {len(same_cause)} with the same cause" if same_cause else ""
    return Finding(
        rule="recurrence",
        confidence=min(0.7, 0.4 + 0.05 * len(earlier)),
        summary=(
            f"This is incident number {len(earlier) + 1} of the same "
            f"{'heartbeat' if b.incident.heartbeat_id else 'monitor'} in {period}{detail}"
        ),
        evidence=ids(matching(b, lambda e: e.kind == "earlier_incident")),
        data={
            "earlier_incident_ids": [i.id for i in earlier],
            "same_cause": len(same_cause),
            "region_sets": sorted(list(r) for r in regions),
        },
    )
