"""Other failures around the start: a heartbeat that stopped first, monitors that failed
together, and a failure seen from only some regions.
"""

from __future__ import annotations

from datetime import timedelta

from betterstack_rca.models import Incident
from betterstack_rca.rca.bundle import Finding, IncidentBundle
from betterstack_rca.rca.rules.evidence import hostname, ids, minutes, started

#: Other failures this close to the start count as "at the same time".
SHARED_SPAN = timedelta(minutes=10)

#: A heartbeat that went down this long before the start may have caused it.
HEARTBEAT_LEAD = timedelta(minutes=60)


def heartbeat_stopped(b: IncidentBundle) -> Finding | None:
    start = b.incident.started_at
    if start is None:
        return None
    candidates = [
        i
        for i in b.related_incidents
        if i.heartbeat_id
        and i.heartbeat_id != b.incident.heartbeat_id
        and i.started_at is not None
        and start - HEARTBEAT_LEAD <= i.started_at <= start
        and (i.resolved_at is None or i.resolved_at >= start)
    ]
    if not candidates:
        return None
    first = min(candidates, key=lambda i: i.started_at or start)
    lead = start - (first.started_at or start)
    names = {h.id: h.name for h in b.related_heartbeats}
    name = names.get(first.heartbeat_id or "") or first.name or f"heartbeat {first.heartbeat_id}"
    confidence = 0.9 if lead <= timedelta(minutes=15) else 0.7
    evidence = [e for i in candidates for e in started(b, i.id)]
    evidence += started(b, b.incident.id)
    return Finding(
        rule="heartbeat_stopped",
        confidence=confidence,
        summary=(
            f"Heartbeat '{name}' stopped {minutes(lead)} before this incident started "
            "and was still down at the start"
            + (f" ({len(candidates)} heartbeats in all)" if len(candidates) > 1 else "")
        ),
        evidence=ids(evidence),
        data={
            "heartbeat_ids": [i.heartbeat_id for i in candidates],
            "incident_ids": [i.id for i in candidates],
            "lead_seconds": lead.total_seconds(),
        },
    )


def shared_failure(b: IncidentBundle) -> Finding | None:
    start = b.incident.started_at
    if start is None:
        return None
    own = {b.incident.monitor_id, b.incident.heartbeat_id} - {None}
    near = [
        i
        for i in b.related_incidents
        if i.started_at is not None
        and abs(i.started_at - start) <= SHARED_SPAN
        and not ({i.monitor_id, i.heartbeat_id} & own)  # a flapping monitor is not "shared"
    ]
    if not near:
        return None
    sibling_ids = {m.id for m in b.siblings}
    host = hostname(b.incident.url) or hostname(b.monitor.url if b.monitor else None)
    linked: list[Incident] = []
    for i in near:
        if i.heartbeat_id and not i.monitor_id:
            continue  # heartbeats have their own rule
        same_group = i.monitor_id is not None and i.monitor_id in sibling_ids
        same_host = host is not None and hostname(i.url) == host
        if same_group or same_host:
            linked.append(i)
    group_name = b.group.name if b.group else None
    if linked:
        spread = max(abs((i.started_at or start) - start) for i in linked)
        count = len(linked) + 1
        confidence = min(0.9, 0.65 + 0.05 * count)
        where = f"group '{group_name}'" if group_name else "the same group or host"
        summary = (
            f"{count} monitors of {where} failed within {minutes(spread)} of each other: "
            "a shared dependency is likely"
        )
        chosen = linked
    else:
        monitors = [i for i in near if i.monitor_id]
        if len(monitors) < 2:
            return None
        confidence = 0.45
        chosen = monitors
        summary = (
            f"{len(monitors) + 1} unrelated monitors failed within "
            f"{minutes(SHARED_SPAN)} of the start (no shared group or host)"
        )
    evidence = [e for i in chosen for e in started(b, i.id)]
    return Finding(
        rule="shared_failure",
        confidence=confidence,
        summary=summary,
        evidence=ids(started(b, b.incident.id) + evidence),
        data={
            "incident_ids": [i.id for i in chosen],
            "monitor_ids": [i.monitor_id for i in chosen],
            "group_id": b.group.id if b.group else None,
        },
    )


def partial_regions(b: IncidentBundle) -> Finding | None:
    monitor = b.monitor
    failed = [str(r) for r in b.incident.regions or []]
    checked = [str(r) for r in (monitor.regions or [])] if monitor else []
    if not failed or not checked:
        return None
    if not set(failed) < set(checked):
        return None
    return Finding(
        rule="partial_regions",
        confidence=0.75,
        summary=(
            f"Only {', '.join(r.upper() for r in failed)} of "
            f"{', '.join(r.upper() for r in checked)} saw the failure: "
            "a regional network path, not the service itself, is likely"
        ),
        evidence=ids(started(b, b.incident.id)),
        data={"failed_regions": failed, "checked_regions": checked},
    )
