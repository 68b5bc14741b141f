"""Monitors failing together: a shared dependency, found by what they have in common.

Groups are one link among several. Other monitors that failed within minutes of the start
share a dependency with this one when they also share a host or IP, a monitor group, a
DNS zone or network, a status-page section, a registrable domain or the same failing
regions, and (for the weaker links) the same cause class, or an upstream cause that came
first (a DNS, TLS or connection failure before this monitor's 5xx or timeout). A dependency
need not show in the monitors' configuration (an identity, payment or search API that
services on unrelated hosts all call): several monitors failing with this one's cause class
within a few minutes link by that *burst*, when no configured link explains as many. A
co-failing monitor or two with nothing in common are a coincidence: the check says so, no
finding does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from betterstack_rca.models import Incident, Monitor
from betterstack_rca.rca.bundle import Finding, IncidentBundle
from betterstack_rca.rca.rules.classify import (
    CAUSE_LABELS,
    DEPENDENCY_TYPES,
    DOWNSTREAM_CLASSES,
    UPSTREAM_CLASSES,
    HostKeys,
    cause_class,
    host_keys,
)
from betterstack_rca.rca.rules.evidence import (
    Outcome,
    collected,
    ids,
    minutes,
    missing,
    ran,
    ruled_out,
    skipped,
    started,
)
from betterstack_rca.rca.rules.neighbours import SHARED_SPAN
from betterstack_rca.rca.text import plural

#: (dimension, strength): strong links hold whatever the causes; the others need the same
#: cause class, or (medium) an upstream cause that came first.
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("host", "strong"),
    ("ip", "strong"),
    ("group", "strong"),
    ("zone", "medium"),
    ("subnet", "medium"),
    ("section", "medium"),
    ("domain", "weak"),
    ("region", "weak"),
)


#: A weak link (the same registrable domain, the same failing regions) needs this many
#: other monitors: several failing alike, not one.
WEAK_MIN = 2

#: A burst: at least this many other monitors failing with this one's cause class within
#: BURST_SPAN of its start link by that alone, when no configured link explains as many
#: (a dependency they all call that no monitor checks, not an everyday coincidence).
BURST_MIN = 3
BURST_SPAN = timedelta(minutes=5)


def burst(own: Member, others: list[Member]) -> list[Member]:
    """The others that failed with this one's cause class within BURST_SPAN of it."""
    if own.cause is None:
        return []
    found = [o for o in others if o.cause == own.cause and abs(o.at - own.at) <= BURST_SPAN]
    return found if len(found) >= BURST_MIN else []


@dataclass(frozen=True)
class Member:
    """A failing monitor as the rule sees it."""

    incident: Incident
    monitor: Monitor | None
    keys: HostKeys
    cause: str | None
    failed: frozenset[str]
    checked: frozenset[str]
    group_id: str | None
    sections: frozenset[str]

    @property
    def at(self) -> datetime:
        assert self.incident.started_at is not None
        return self.incident.started_at

    @property
    def is_dependency(self) -> bool:
        kind = str(self.monitor.monitor_type) if self.monitor else ""
        return kind in DEPENDENCY_TYPES

    def key(self, dimension: str) -> str | None:
        if dimension == "group":
            return self.group_id
        if dimension == "region":
            partial = self.failed and (not self.checked or self.failed < self.checked)
            return ",".join(sorted(self.failed)) if partial else None
        if dimension == "section":
            return None  # compared as sets (see _shares)
        value: str | None = getattr(self.keys, dimension)
        return value

    @property
    def name(self) -> str:
        if self.monitor is not None and self.monitor.pronounceable_name:
            return self.monitor.pronounceable_name
        return self.incident.name or f"monitor {self.incident.monitor_id}"


def _sections(b: IncidentBundle) -> dict[tuple[str, str], set[str]]:
    """(resource type, id) -> the status-page sections that show it."""
    out: dict[tuple[str, str], set[str]] = {}
    for ctx in b.status_pages:
        for r in [*ctx.resources, *ctx.section_resources]:
            if r.resource_id and r.status_page_section_id:
                key = (str(r.resource_type), str(r.resource_id))
                out.setdefault(key, set()).add(f"{ctx.page.id}:{r.status_page_section_id}")
    return out


def members(b: IncidentBundle) -> tuple[Member | None, list[Member]]:
    """This incident and the other monitor incidents that started near it."""
    start = b.incident.started_at
    if start is None or not b.incident.monitor_id:
        return None, []
    monitors: dict[str, Monitor] = {m.id: m for m in [*b.siblings, *b.related_monitors]}
    if b.monitor is not None:
        monitors[b.monitor.id] = b.monitor
    own_group = b.monitor.monitor_group_id if b.monitor else None
    sibling_ids = {m.id for m in b.siblings}
    sections = _sections(b)

    def member(i: Incident) -> Member:
        mon = monitors.get(i.monitor_id or "")
        group = mon.monitor_group_id if mon is not None else None
        if group is None and i.monitor_id in sibling_ids:
            group = own_group
        if group is None and b.group is not None and i.monitor_id in sibling_ids:
            group = b.group.id
        secs = sections.get(("Monitor", i.monitor_id or ""), set())
        if group:
            secs = secs | sections.get(("MonitorGroup", group), set())
        return Member(
            incident=i,
            monitor=mon,
            keys=host_keys(i.url or (mon.url if mon else None)),
            cause=cause_class(i.cause),
            failed=frozenset(str(r) for r in i.regions or []),
            checked=frozenset(str(r) for r in ((mon.regions or []) if mon else [])),
            group_id=str(group) if group else None,
            sections=frozenset(secs),
        )

    own = member(b.incident)
    others = [
        member(i)
        for i in b.related_incidents
        if i.monitor_id
        and i.monitor_id != b.incident.monitor_id  # a flapping monitor is not "shared"
        and i.started_at is not None
        and abs(i.started_at - start) <= SHARED_SPAN
    ]
    return own, others


def _shares(own: Member, other: Member, dimension: str) -> bool:
    if dimension == "section":
        return bool(own.sections & other.sections)
    mine = own.key(dimension)
    return mine is not None and mine == other.key(dimension)


def linked(own: Member, other: Member, dimension: str, strength: str) -> bool:
    """Whether `other` shares a dependency with `own` through `dimension`."""
    if not _shares(own, other, dimension):
        return False
    if own.cause is not None and own.cause == other.cause:
        return True
    if strength == "strong":
        return True
    return (
        strength == "medium"
        and other.at < own.at
        and other.cause in UPSTREAM_CLASSES
        and own.cause in DOWNSTREAM_CLASSES
    )


_PHRASES = {
    "host": "on host {}",
    "ip": "at IP {}",
    "group": "in the same monitor group",
    "zone": "in DNS zone {}",
    "subnet": "in network {}",
    "section": "on the same status-page section",
    "domain": "under {}",
    "region": "failing only from {}",
}


def _phrase(dimension: str, own: Member) -> str:
    value = own.key(dimension) or ""
    if dimension == "region":
        value = ", ".join(r.upper() for r in value.split(","))
    return _PHRASES[dimension].format(value)


def shared_failure(b: IncidentBundle) -> Outcome:
    name = "shared_failure"
    if b.incident.started_at is None:
        return skipped(name, "the incident has no start time")
    if not b.incident.monitor_id:
        return skipped(name, "a heartbeat incident: heartbeats have their own rule")
    if not collected(b, "related_incidents"):
        return skipped(name, missing(b, "related_incidents"))
    own, others = members(b)
    if own is None:
        return skipped(name, "the incident has no start time")
    if not others:
        return ran(name, f"no other monitor failed within {minutes(SHARED_SPAN)} of the start")
    best: tuple[int, int, str, list[Member]] | None = None
    for rank, (dimension, strength) in enumerate(DIMENSIONS):
        found = [o for o in others if linked(own, o, dimension, strength)]
        if strength == "weak" and len(found) < WEAK_MIN:
            continue  # one other 5xx under the company's domain is a coincidence
        if found and (best is None or (len(found), -rank) > (best[0], best[1])):
            best = (len(found), -rank, dimension, found)
    # a burst larger than what any configured link explains is the better cluster
    if (found := burst(own, others)) and (best is None or len(found) > best[0]):
        best = (len(found), -len(DIMENSIONS), "burst", found)
    if best is None:
        causes = sorted({o.incident.cause or "?" for o in others})
        return ruled_out(
            name,
            f"{plural(len(others), 'other monitor')} failed within {minutes(SHARED_SPAN)} of the "
            f"start ({'; '.join(causes)}), but share no host, group, DNS zone, network, "
            "status-page section, domain or failing region with this one in a way their "
            "causes support: a coincidence, not a shared dependency",
            [e for o in others for e in started(b, o.incident.id)],
            incident_ids=[o.incident.id for o in others],
        )
    _, _, dimension, chosen = best
    cluster = [own, *chosen]
    if dimension == "burst":
        return _burst_finding(b, own, chosen)
    shared = [d for d, _ in DIMENSIONS if all(_shares(own, o, d) for o in chosen)]
    same_cause = own.cause is not None and all(o.cause == own.cause for o in chosen)
    groups = {m.group_id for m in cluster if m.group_id}
    unknown_group = any(m.group_id is None for m in cluster)
    first_at = min(m.at for m in cluster)
    spread = max(m.at for m in cluster) - first_at
    if "group" in shared and b.group is not None and b.group.name:
        group_text = f"of group '{b.group.name}'"
    elif groups:
        group_text = f"in {'at least ' if unknown_group else ''}{len(groups)} groups"
    else:
        group_text = ""
    # a shared group already puts them on the group's status-page section
    phrases = [
        _phrase(d, own)
        for d in shared
        if d != "group" and not (d == "section" and "group" in shared)
    ]
    if same_cause and own.cause:
        phrases.append(f"all {CAUSE_LABELS.get(own.cause, own.cause)} ('{own.incident.cause}')")
    onset = sorted(cluster, key=lambda m: (m.at, not m.is_dependency))
    origin = onset[0]
    expired = origin.incident.ssl_certificate_expires_at
    cert = (
        f", whose TLS certificate expired at {expired:%H:%M} UTC"
        if origin is not own and origin.cause == "tls" and expired and expired <= origin.at
        else ""
    )
    summary = (
        f"{len(cluster)} monitors {group_text} failed within {minutes(spread)}: this one and "
        f"{plural(len(chosen), 'other')}, {', '.join(phrases)}; a shared dependency is likely"
        + (f" (first to fail: {origin.name}{cert})" if origin is not own else "")
    ).replace("  ", " ")
    strength = dict(DIMENSIONS)[dimension]
    signals = [f"{plural(len(chosen), 'other monitor')} failed within {minutes(spread)}"]
    signals.append("all " + ", ".join(_phrase(d, own) for d in shared))
    if same_cause:
        signals.append("all with the same cause class")
    if cert:
        signals.append(f"{origin.name}'s certificate expired before it failed")
    confidence = min(0.9, 0.65 + 0.05 * len(cluster)) if strength != "weak" else 0.6
    link = {"linked_by": dimension, "shared": shared, "same_cause": same_cause}
    return _cluster_finding(
        b, own, chosen, onset, confidence=confidence, summary=summary, signals=signals, link=link
    )


def _cluster_finding(
    b: IncidentBundle,
    own: Member,
    chosen: list[Member],
    onset: list[Member],
    *,
    confidence: float,
    summary: str,
    signals: list[str],
    link: dict[str, Any],
) -> Finding:
    """The shared_failure finding of this monitor and `chosen` (in `onset` order), however
    they are linked (`link`: linked_by, shared, same_cause)."""
    cluster = [own, *chosen]
    first_at = min(m.at for m in cluster)
    return Finding(
        rule="shared_failure",
        role="trigger",
        at=first_at,
        confidence=confidence,
        summary=summary,
        evidence=ids(
            started(b, b.incident.id) + [e for o in chosen for e in started(b, o.incident.id)]
        ),
        signals=signals,
        data={
            "incident_ids": [o.incident.id for o in chosen],
            "monitor_ids": [o.incident.monitor_id for o in chosen],
            "others": len(chosen),
            "group_id": own.group_id,
            "groups": len({m.group_id for m in cluster if m.group_id}),
            **link,
            "spread_seconds": (max(m.at for m in cluster) - first_at).total_seconds(),
            "onset": [
                {
                    "incident_id": m.incident.id,
                    "monitor_id": m.incident.monitor_id,
                    "name": m.name,
                    "at": m.at.isoformat(),
                    "dependency_type": m.is_dependency,
                }
                for m in onset
            ],
        },
    )


def _burst_finding(b: IncidentBundle, own: Member, chosen: list[Member]) -> Finding:
    """Several monitors failing alike at once with no configured link: an unseen dependency."""
    cluster = [own, *chosen]
    groups = {m.group_id for m in cluster if m.group_id}
    hosts = {m.keys.host for m in cluster if m.keys.host}
    first_at = min(m.at for m in cluster)
    spread = max(m.at for m in cluster) - first_at
    onset = sorted(cluster, key=lambda m: (m.at, not m.is_dependency))
    origin = onset[0]
    label = CAUSE_LABELS.get(own.cause or "", own.cause or "")
    where = f"in {len(groups)} groups " if len(groups) > 1 else ""
    summary = (
        f"{len(cluster)} monitors {where}failed within {minutes(spread)}, all {label} "
        f"('{own.incident.cause}'): this one and {plural(len(chosen), 'other')}, on {len(hosts)} "
        "hosts with no host, group, DNS zone or domain common to all; a dependency they all "
        "call (an upstream API, identity or payment provider, network) is likely, not this "
        "monitor alone" + (f" (first to fail: {origin.name})" if origin is not own else "")
    )
    signals = [
        f"{plural(len(chosen), 'other monitor')} failed within {minutes(spread)}",
        f"all with the same cause class ({label})",
    ]
    # no configured link: below a linked cluster of the same size, above the symptom
    confidence = min(0.75, 0.5 + 0.05 * len(cluster))
    link = {"linked_by": "burst", "shared": [], "same_cause": True}
    return _cluster_finding(
        b, own, chosen, onset, confidence=confidence, summary=summary, signals=signals, link=link
    )


def window_failures(b: IncidentBundle, span: timedelta = SHARED_SPAN) -> list[Incident]:
    """Other incidents (monitors or heartbeats) that started within `span` after the start."""
    start = b.incident.started_at
    if start is None:
        return []
    return [
        i
        for i in b.related_incidents
        if i.started_at is not None and start <= i.started_at <= start + span
    ]
