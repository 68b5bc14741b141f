"""Other failures around the start: a heartbeat that stopped first, and a failure seen from
only some regions (monitors failing together: `shared.py`).
"""

from __future__ import annotations

import re
from datetime import timedelta

from betterstack_rca.rca.bundle import Finding, IncidentBundle
from betterstack_rca.rca.rules.classify import cause_class
from betterstack_rca.rca.rules.evidence import (
    Outcome,
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
from betterstack_rca.rca.text import plural

#: Other failures this close to the start count as "at the same time".
SHARED_SPAN = timedelta(minutes=10)

#: A heartbeat that went down this long before the start may have caused it.
HEARTBEAT_LEAD = timedelta(minutes=60)


#: Words too common in monitor and job names to link a heartbeat to a monitor.
_GENERIC_WORDS = frozenset(
    [
        "api",
        "app",
        "apps",
        "check",
        "checks",
        "cron",
        "daily",
        "health",
        "healthcheck",
        "heartbeat",
        "hourly",
        "http",
        "https",
        "job",
        "jobs",
        "monitor",
        "ping",
        "prod",
        "production",
        "service",
        "staging",
        "status",
        "task",
        "the",
        "and",
        "for",
        "www",
        "com",
        "net",
        "org",
        "dev",
        "test",
        "worker",
        "workers",
    ]
)


def _words(*texts: str | None) -> set[str]:
    """The distinctive words of names and URLs (3+ letters or digits, generic ones left out)."""
    found: set[str] = set()
    for text in texts:
        found.update(re.findall(r"[a-z0-9]{3,}", (text or "")[:500].lower()))
    return found - _GENERIC_WORDS


def heartbeat_stopped(b: IncidentBundle) -> Outcome:
    name = "heartbeat_stopped"
    start = b.incident.started_at
    if start is None:
        return skipped(name, "the incident has no start time")
    if not collected(b, "related_incidents"):
        return skipped(name, missing(b, "related_incidents"))
    before = [
        i
        for i in b.related_incidents
        if i.heartbeat_id
        and i.heartbeat_id != b.incident.heartbeat_id
        and i.started_at is not None
        and start - HEARTBEAT_LEAD <= i.started_at <= start
    ]
    candidates = [i for i in before if i.resolved_at is None or i.resolved_at >= start]
    if not candidates:
        if before:
            first = before[0]
            assert first.resolved_at is not None
            return ruled_out(
                name,
                f"heartbeat '{first.name or first.heartbeat_id}' was down before the start but "
                f"recovered {minutes(start - first.resolved_at)} before it",
                started(b, first.id),
            )
        return ran(name, f"no other heartbeat was down in the {minutes(HEARTBEAT_LEAD)} before")
    first = min(candidates, key=lambda i: i.started_at or start)
    first_at = first.started_at or start
    lead = start - first_at
    names = {h.id: h.name for h in b.related_heartbeats}
    hb_name = names.get(first.heartbeat_id or "") or first.name or f"heartbeat {first.heartbeat_id}"
    signals = [f"heartbeat '{hb_name}' stopped {minutes(lead)} before and was still down"]
    own = {b.incident.monitor_id, b.incident.heartbeat_id} - {None}
    after = [
        i
        for i in b.related_incidents
        if i.monitor_id
        and i.monitor_id not in own
        and i.started_at is not None
        and first_at <= i.started_at <= start + SHARED_SPAN
    ]
    if after:
        signals.append(
            f"{plural(len(after), 'other monitor')} failed after it, within "
            f"{minutes(SHARED_SPAN)} of the start (a dependency-shaped failure)"
        )
    mentions = matching(b, lambda e: e.kind == "comment" and hb_name.lower() in e.summary.lower())
    if mentions:
        signals.append("a comment names the heartbeat")
    monitor = b.monitor
    shared_words = _words(hb_name) & _words(
        b.incident.name,
        monitor.pronounceable_name if monitor else None,
        monitor.url if monitor else None,
        b.group.name if b.group else None,
    )
    if shared_words:
        signals.append(f"its name shares {', '.join(sorted(shared_words)[:3])!r} with this monitor")
    # any heartbeat of the account that happens to be down would count without a link
    linked = bool(after or mentions or shared_words)
    evidence = [e for i in candidates for e in started(b, i.id)]
    evidence += started(b, b.incident.id) + mentions[:1]
    close = lead <= timedelta(minutes=15)
    return Finding(
        rule=name,
        role="trigger" if linked else "context",
        at=first_at,
        confidence=(0.9 if close else 0.7) if linked else (0.45 if close else 0.4),
        summary=(
            f"Heartbeat '{hb_name}' stopped {minutes(lead)} before this incident started "
            "and was still down at the start"
            + (f" ({len(candidates)} heartbeats in all)" if len(candidates) > 1 else "")
            + (
                ""
                if linked
                else "; nothing links it to this monitor (no comment names it, no shared "
                "name, no other monitor failed after it): it may be unrelated"
            )
        ),
        evidence=ids(evidence),
        signals=signals,
        data={
            "heartbeat_ids": [i.heartbeat_id for i in candidates],
            "incident_ids": [i.id for i in candidates],
            "lead_seconds": lead.total_seconds(),
            "linked": linked,
        },
    )


#: What a failure seen from some regions only points at, by cause class.
_REGIONAL = {
    "": "a regional network path",
    "tls": "a regional edge serving another certificate (a CDN node, a load balancer, a "
    "TLS-intercepting proxy on that path)",
    "dns": "a regional resolver or geo-DNS answer",
}


def partial_regions(b: IncidentBundle) -> Outcome:
    name = "partial_regions"
    monitor = b.monitor
    failed = [str(r) for r in b.incident.regions or []]
    if monitor is None:
        if b.incident.monitor_id:
            return skipped(name, missing(b, "monitor"))
        return skipped(name, "heartbeats are not checked from regions")
    checked = [str(r) for r in (monitor.regions or [])]
    if not failed or not checked:
        return skipped(name, "the incident or the monitor names no regions")
    if not set(failed) < set(checked):
        return ran(name, f"every checked region saw the failure ({', '.join(checked)})")
    signals = [
        f"only {', '.join(r.upper() for r in failed)} of {', '.join(r.upper() for r in checked)} "
        "saw the failure"
    ]
    same = [
        i
        for i in b.history
        if i.started_at is not None and sorted(str(r) for r in i.regions or []) == sorted(failed)
    ]
    if same:
        signals.append(f"{plural(len(same), 'earlier incident')} failed from the same region(s)")
    return Finding(
        rule=name,
        role="trigger",
        at=b.incident.started_at,
        confidence=0.75,
        summary=(
            f"Only {', '.join(r.upper() for r in failed)} of "
            f"{', '.join(r.upper() for r in checked)} saw the failure: "
            f"{_REGIONAL.get(cause_class(b.incident.cause) or '', _REGIONAL[''])}, not the "
            "service itself, is likely"
        ),
        evidence=ids(started(b, b.incident.id)),
        signals=signals,
        data={"failed_regions": failed, "checked_regions": checked},
    )
