"""History as evidence: is this cause new, rare or frequent on the monitor, and which past
incidents look most like this one (and how they ended).

All of it comes from one listing: the incidents of the same monitor or heartbeat since
`window.history_start` (30 days by default). The API filters incidents by monitor or
heartbeat, not by group, so the group's history is not read (one listing per member would
cost a request each); the check says so.
"""

from __future__ import annotations

from betterstack_rca.models import Incident
from betterstack_rca.rca.bundle import Check, Finding, IncidentBundle, SimilarIncident
from betterstack_rca.rca.rules.classify import CAUSE_LABELS, cause_class
from betterstack_rca.rca.rules.evidence import (
    Outcome,
    collected,
    ids,
    matching,
    missing,
    ran,
    skipped,
)
from betterstack_rca.rca.text import plural

#: Earlier incidents with the same cause class: none is "first seen", up to this many
#: "rare", more "frequent".
RARE_MAX = 2
#: Two starts this close in time of day (UTC, either side of midnight) count as alike.
TIME_OF_DAY_HOURS = 2
#: Points per shared trait in the similarity score.
WEIGHTS = {
    "same_monitor": 2,
    "same_cause_class": 2,
    "same_cause": 1,
    "same_regions": 1,
    "same_time_of_day": 1,
}
SIMILAR_LIMIT = 5


def _days(b: IncidentBundle) -> int:
    start = b.incident.started_at
    return (start - b.window.history_start).days if start else 0


def past_incidents(b: IncidentBundle) -> Outcome:
    name = "past_incidents"
    if not collected(b, "history"):
        return skipped(name, missing(b, "history"))
    text = b.incident.cause
    cls = cause_class(text) or (
        "heartbeat_missed" if b.incident.heartbeat_id and not b.incident.monitor_id else None
    )
    if b.incident.started_at is None or cls is None:
        return skipped(name, "no start time or no cause class to compare")
    earlier = [i for i in b.history if i.started_at is not None]
    same = [i for i in earlier if (cause_class(i.cause) or cls) == cls]
    days = _days(b)
    kind = "heartbeat" if b.incident.heartbeat_id and not b.incident.monitor_id else "monitor"
    label = CAUSE_LABELS.get(cls, cls)
    if not earlier:
        return ran(
            name,
            f"first seen: no earlier incident of this {kind} in {days} days",
            verdict="first_seen",
            days=days,
        )
    hours = [h for i in same if (h := _hour_distance(b.incident, i)) is not None]
    same_time = sum(1 for h in hours if h <= TIME_OF_DAY_HOURS)
    if not same:
        verdict = "first_seen"
        summary = (
            f"First {label} failure of this {kind} in {days} days "
            f"({plural(len(earlier), 'earlier incident')} of other causes): a new failure mode, so "
            "look for what changed"
        )
        confidence = 0.45
    elif len(same) <= RARE_MAX:
        verdict = "rare"
        summary = (
            f"Rare for this {kind}: {plural(len(same), f'earlier {label} failure')} in {days} days"
        )
        confidence = 0.4
    else:
        verdict = "frequent"
        resolved_alone = sum(1 for i in same if i.resolved_at and not i.resolved_by)
        summary = (
            f"Frequent for this {kind}: {len(same)} earlier {label} failures in {days} days"
            + (
                f", {resolved_alone} of them recovered without anyone resolving them"
                if resolved_alone
                else ""
            )
        )
        confidence = 0.5
    return Finding(
        rule=name,
        role="context",
        confidence=confidence,
        summary=summary,
        evidence=ids(
            matching(b, lambda e: e.kind == "earlier_incident" and e.ref.id in {i.id for i in same})
        )
        or ids(matching(b, lambda e: e.kind == "started" and e.ref.id == b.incident.id)),
        signals=[f"{len(same)} of {plural(len(earlier), 'earlier incident')} share the cause class"]
        + (
            [f"{same_time} of them started within {TIME_OF_DAY_HOURS} h of this time of day"]
            if same and same_time * 2 >= len(same)
            else []
        ),
        data={
            "verdict": verdict,
            "cause_class": cls,
            "same_cause_class": len(same),
            "earlier": len(earlier),
            "days": days,
            "same_time_of_day": same_time,
        },
    )


def group_history(b: IncidentBundle) -> Check:
    return skipped(
        "past_incidents_group",
        "the API filters incidents by monitor or heartbeat, not by group; the group's "
        "history would cost one listing per member, so it is not read",
    )


def _hour_distance(a: Incident, b: Incident) -> float | None:
    if a.started_at is None or b.started_at is None:
        return None
    ha = a.started_at.hour + a.started_at.minute / 60
    hb = b.started_at.hour + b.started_at.minute / 60
    d = abs(ha - hb)
    return min(d, 24 - d)


def score(b: IncidentBundle, other: Incident) -> SimilarIncident:
    inc = b.incident
    matches: dict[str, int] = {}
    own_source = inc.monitor_id or inc.heartbeat_id
    if own_source and own_source in (other.monitor_id, other.heartbeat_id):
        matches["same_monitor"] = WEIGHTS["same_monitor"]
    mine, theirs = cause_class(inc.cause), cause_class(other.cause)
    if mine is not None and mine == theirs:
        matches["same_cause_class"] = WEIGHTS["same_cause_class"]
    if inc.cause and other.cause == inc.cause:
        matches["same_cause"] = WEIGHTS["same_cause"]
    regions = sorted(str(r) for r in inc.regions or [])
    if regions and regions == sorted(str(r) for r in other.regions or []):
        matches["same_regions"] = WEIGHTS["same_regions"]
    hours = _hour_distance(inc, other)
    if hours is not None and hours <= TIME_OF_DAY_HOURS:
        matches["same_time_of_day"] = WEIGHTS["same_time_of_day"]
    duration = (
        (other.resolved_at - other.started_at).total_seconds()
        if other.resolved_at and other.started_at
        else None
    )
    return SimilarIncident(
        incident_id=other.id,
        started_at=other.started_at,
        cause=other.cause,
        score=sum(matches.values()),
        matches=matches,
        duration=duration,
        acknowledged_by=other.acknowledged_by,
        resolved_by=other.resolved_by,
    )


def similar_incidents(b: IncidentBundle, limit: int = SIMILAR_LIMIT) -> list[SimilarIncident]:
    """The earlier incidents most like this one: highest score first, then the newest."""
    scored = [score(b, i) for i in b.history if i.id != b.incident.id]
    scored.sort(key=lambda s: (-s.score, -(s.started_at.timestamp() if s.started_at else 0)))
    return [s for s in scored if s.score > WEIGHTS["same_monitor"]][:limit]
