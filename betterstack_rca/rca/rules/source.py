"""What the failing monitor or heartbeat itself shows: the cause Better Stack reports (a
symptom, unless a certificate or domain expiry or a missed check-in dates it), response
times rising before the start, and earlier incidents of the same source in the last week.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from betterstack_rca.rca.bundle import Finding, IncidentBundle
from betterstack_rca.rca.rules.classify import CAUSE_LABELS, cause_class, cause_confidence
from betterstack_rca.rca.rules.evidence import (
    Outcome,
    clock,
    collected,
    ids,
    matching,
    minutes,
    missing,
    ran,
    ruled_out,
    skipped,
    started,
)
from betterstack_rca.rca.signals import latency_trend, region_medians
from betterstack_rca.rca.text import plural

#: Earlier incidents of the same source needed to call it a recurrence...
RECURRENCE_MIN = 2
#: ...within this look-back (the history listing reaches further; see `history.py`).
RECURRENCE_SPAN = timedelta(days=7)
#: Response times at or above this are slow; slow in the baseline too is not a new signal.
SLOW_SECONDS = 1.0


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = int(seconds)
    if s % 3600 == 0 and s >= 3600:
        return f"{s // 3600} h"
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60} min"
    if s % 60 == 0 and s >= 60:
        return f"{s // 60} min"
    return f"{s} s"


def _heartbeat_missed(b: IncidentBundle, text: str) -> Finding:
    start = b.incident.started_at
    hb = b.heartbeat
    label = f"'{hb.name}'" if hb is not None and hb.name else f"{b.incident.heartbeat_id}"
    if start is None or hb is None or hb.period is None or hb.grace is None:
        return Finding(
            rule="cause_heartbeat_missed",
            role="trigger",
            at=start,
            confidence=0.7,
            summary=(
                f"Heartbeat {label} did not check in on time ({text or 'missed heartbeat'}); "
                "its period and grace are unknown, so when it was due cannot be said"
            ),
            evidence=ids(started(b, b.incident.id)),
            signals=[f"Better Stack reports '{text or 'missed heartbeat'}'"],
            data={"cause": text or None},
        )
    due = start - timedelta(seconds=hb.grace)
    last = due - timedelta(seconds=hb.period)
    due_text, last_text = clock(due, start), clock(last, start)
    return Finding(
        rule="cause_heartbeat_missed",
        role="trigger",
        at=due,
        confidence=0.75,
        summary=(
            f"Heartbeat {label} expects a check-in every {_duration(hb.period)} with "
            f"{_duration(hb.grace)} of grace; Better Stack alerts when none arrives for period + "
            f"grace ({_duration(hb.period + hb.grace)}). The check-in due at {due_text} did "
            f"not come (the last one was at or before {last_text}): the job did not run, did "
            "not finish, or could not reach Better Stack"
        ),
        evidence=ids(started(b, b.incident.id)),
        signals=[f"no check-in by {clock(due, start)} (period {_duration(hb.period)})"],
        data={
            "cause": text or None,
            "period_seconds": hb.period,
            "grace_seconds": hb.grace,
            "alert_after_seconds": hb.period + hb.grace,
            "due_at": due.isoformat(),
            "last_check_in_by": last.isoformat(),
        },
    )


#: A cause text that claims an expiry (of a certificate or a domain).
_EXPIRED = re.compile(r"expir", re.I)
#: The claimed expiry contradicted by the recorded date is worth this much (a symptom whose
#: reading is wrong: below a regional or dependency trigger).
NOT_EXPIRED_CONFIDENCE = 0.55


def _not_expired(
    b: IncidentBundle, rule: str, text: str, label: str, valid_until: datetime
) -> Finding:
    """The cause says 'expired' but the recorded expiry lies after the start."""
    start = b.incident.started_at
    assert start is not None
    tls = rule == "cause_tls"
    what = "TLS certificate" if tls else "domain registration"
    days = (valid_until - start).days
    elsewhere = (
        "a certificate other than the current one reached the failing checks (a stale edge, "
        "load balancer or CDN node, a proxy on their path)"
        if tls
        else "the failing checks got another answer (a resolver, the zone's name servers)"
    )
    return Finding(
        rule=rule,
        role="symptom",
        at=start,
        confidence=NOT_EXPIRED_CONFIDENCE,
        summary=(
            f"Better Stack reports '{text}' ({label}), but the {what} it recorded is valid "
            f"until {valid_until:%Y-%m-%d %H:%M} UTC ({days} days after the start), so it did "
            f"not expire; {elsewhere}"
        ),
        evidence=ids(started(b, b.incident.id)),
        signals=[f"the cause says '{text}'", f"the recorded {what} is valid after the start"],
        data={"cause": text, "valid_until": valid_until.isoformat(), "expired": False},
    )


def cause(b: IncidentBundle) -> Outcome:
    name = "cause"
    text = b.incident.cause or ""
    cls = cause_class(text)
    is_heartbeat = bool(b.incident.heartbeat_id and not b.incident.monitor_id)
    if is_heartbeat and cls in (None, "heartbeat_missed"):
        return _heartbeat_missed(b, text)
    if cls is None:
        if not text:
            return skipped(name, "Better Stack gave no cause")
        return ran(name, f"the cause '{text}' is of no known class")
    rule = f"cause_{cls}"
    label = CAUSE_LABELS[cls]
    start = b.incident.started_at
    evidence = ids(started(b, b.incident.id))
    expiry = (
        b.incident.ssl_certificate_expires_at
        if cls == "tls"
        else b.incident.domain_expires_at
        if cls == "dns"
        else None
    )
    if expiry is not None and start is not None and expiry <= start:
        what = "TLS certificate" if cls == "tls" else "domain registration"
        return Finding(
            rule=rule,
            role="trigger",
            at=expiry,
            confidence=0.85,
            summary=(
                f"The {what} expired at {expiry:%Y-%m-%d %H:%M} UTC, {minutes(start - expiry)} "
                f"before the start; Better Stack reports '{text}' ({label})"
            ),
            evidence=evidence,
            signals=[f"the {what} expired before the start", f"the cause says '{text}'"],
            data={"cause": text, "expired_at": expiry.isoformat()},
        )
    if expiry is not None and start is not None and _EXPIRED.search(text):
        return _not_expired(b, rule, text, label, expiry)
    return Finding(
        rule=rule,
        role="symptom",
        at=start,
        confidence=cause_confidence(cls),
        summary=f"Cause reported by Better Stack: {text} ({label})",
        evidence=evidence,
        signals=[f"the cause says '{text}'"],
        data={"cause": text},
    )


def latency_rising(b: IncidentBundle) -> Outcome:
    name = "latency_rising"
    if b.response_times is None:
        if b.incident.heartbeat_id and not b.incident.monitor_id:
            return skipped(name, "heartbeats have no response times")
        return skipped(name, missing(b, "response_times"))
    start = b.incident.started_at
    trend = latency_trend(b.response_times, start)
    if trend is None:
        return skipped(name, "too few response-time samples around the start")
    if not trend.rising:
        medians = region_medians(b.response_times, start)
        slow = {r: m for r, m in medians.items() if m[1] >= SLOW_SECONDS}
        if slow and all(base >= 0.8 * recent for base, recent in slow.values()):
            regions = ", ".join(f"{r.upper()} {m[0]:.2f}s -> {m[1]:.2f}s" for r, m in slow.items())
            return ruled_out(
                name,
                f"response times were slow before the start ({regions}) but as slow in the "
                "2 h baseline: not a new signal",
            )
        return ran(
            name,
            f"response times in the 20 min before the start matched the 2 h before "
            f"(median {trend.baseline:.3f}s -> {trend.recent:.3f}s)",
        )
    since = ""
    if trend.onset is not None and start is not None and trend.onset < start:
        since = f", climbing since {trend.onset:%H:%M} UTC ({minutes(start - trend.onset)} before)"
    # a degradation that precedes the failure is a state change before the start (a trigger):
    # a config change, a dependency or a heartbeat that came first still wins the diagnosis
    return Finding(
        rule=name,
        role="trigger",
        at=trend.onset or trend.rise_at,
        confidence=0.6,
        summary=(
            f"Response times rose before the start: median {trend.baseline:.3f}s -> "
            f"{trend.recent:.3f}s in {len(trend.rising_regions)} of {len(trend.all_regions)} "
            f"regions{since} (a degrading service, not a sudden cut)"
        ),
        evidence=ids(matching(b, lambda e: e.kind == "latency_rise")),
        signals=[f"response times rose in {', '.join(trend.rising_regions)}"],
        data=trend.as_details(),
    )


def recurrence(b: IncidentBundle) -> Outcome:
    name = "recurrence"
    if not collected(b, "history"):
        return skipped(name, missing(b, "history"))
    start = b.incident.started_at
    if start is None:
        return skipped(name, "the incident has no start time")
    earlier = [
        i for i in b.history if i.started_at is not None and start - i.started_at <= RECURRENCE_SPAN
    ]
    kind = "heartbeat" if b.incident.heartbeat_id and not b.incident.monitor_id else "monitor"
    if len(earlier) < RECURRENCE_MIN:
        return ran(
            name,
            f"{plural(len(earlier), 'earlier incident')} of the {kind} in the last "
            f"{RECURRENCE_SPAN.days} days",
        )
    same_cause = [i for i in earlier if i.cause and i.cause == b.incident.cause]
    regions = {tuple(sorted(str(r) for r in i.regions or [])) for i in earlier}
    detail = f"; {len(same_cause)} with the same cause" if same_cause else ""
    return Finding(
        rule=name,
        role="context",
        confidence=min(0.7, 0.4 + 0.05 * len(earlier)),
        summary=(
            f"This is incident number {len(earlier) + 1} of the same {kind} in the last "
            f"{RECURRENCE_SPAN.days} days{detail}"
        ),
        evidence=ids(
            matching(
                b,
                lambda e: e.kind == "earlier_incident" and start - e.at <= RECURRENCE_SPAN,
            )
        ),
        signals=[f"{len(earlier)} earlier incidents"]
        + ([f"{len(same_cause)} with the same cause"] if same_cause else []),
        data={
            "earlier_incident_ids": [i.id for i in earlier],
            "same_cause": len(same_cause),
            "region_sets": sorted(list(r) for r in regions),
        },
    )
