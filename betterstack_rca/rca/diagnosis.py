"""The diagnosis: the findings read as trigger, first failure and impact.

- **trigger**: the earliest state change that explains the start, among the best-graded
  trigger findings that precede it (a config change, a heartbeat or check-in stopping, an
  expired certificate or domain, a maintenance starting or overrunning, a dependency
  failing, response times climbing); then triggers at the start (a regional path); the
  failure itself (a symptom) only when no state change precedes or coincides with the start.
- **first failure**: the probable origin, by onset order (a heartbeat that stopped first,
  the cluster of co-failing monitors with dependency-type monitors first at equal times,
  else this monitor and the region that failed first).
- **impact**: what failed after it, the status-page resources marked, the regions.
"""

from __future__ import annotations

from datetime import datetime

from betterstack_rca.rca.bundle import (
    Diagnosis,
    DiagnosisPart,
    Finding,
    Impact,
    IncidentBundle,
    Ref,
)
from betterstack_rca.rca.rules.evidence import minutes, started
from betterstack_rca.rca.text import plural

_LEVEL = {"high": 0, "medium": 1, "low": 2}


def _part(f: Finding, summary: str | None = None) -> DiagnosisPart:
    return DiagnosisPart(
        summary=summary or f.summary,
        rule=f.rule,
        at=f.at,
        confidence=f.confidence,
        level=f.level,
        evidence=list(f.evidence),
        data={"role": f.role, "signals": list(f.signals)},
    )


def pick_trigger(findings: list[Finding], start: datetime | None) -> Finding | None:
    triggers = [f for f in findings if f.role == "trigger"]
    before = [f for f in triggers if f.at is not None and start is not None and f.at < start]
    if before:
        best = min(_LEVEL[f.level] for f in before)
        return min(
            (f for f in before if _LEVEL[f.level] == best),
            key=lambda f: (f.at or start, -f.confidence),
        )
    if triggers:
        return min(triggers, key=lambda f: (_LEVEL[f.level], -f.confidence))
    return None


def _trigger(b: IncidentBundle, findings: list[Finding]) -> DiagnosisPart:
    start = b.incident.started_at
    chosen = pick_trigger(findings, start)
    if chosen is not None:
        return _part(chosen)
    symptom = next((f for f in findings if f.role == "symptom"), None)
    if symptom is not None:
        part = _part(
            symptom,
            "No state change was found before the start; the earliest signal is the failure "
            f"itself: {symptom.summary}",
        )
        part.level = "low"
        part.confidence = min(part.confidence, 0.45)
        return part
    return DiagnosisPart(
        summary="No trigger found: no state change before the start and no classified cause",
        evidence=[e.id for e in started(b, b.incident.id)],
    )


def _first_failure(
    b: IncidentBundle, findings: list[Finding], trigger: DiagnosisPart
) -> tuple[DiagnosisPart, list[Ref]]:
    start = b.incident.started_at
    own = Ref(type="incident", id=b.incident.id, name=b.incident.name)
    by_rule = {f.rule: f for f in findings}
    shared = by_rule.get("shared_failure")
    onset: list[dict[str, object]] = list(shared.data.get("onset", [])) if shared else []
    heartbeat = by_rule.get("heartbeat_stopped")
    after: list[Ref] = [
        Ref(type="incident", id=str(o["incident_id"]), name=str(o["name"])) for o in onset
    ]
    if heartbeat is not None and trigger.rule == "heartbeat_stopped":
        name = heartbeat.summary.split("'")[1] if "'" in heartbeat.summary else "a heartbeat"
        lead = (
            f", {minutes(start - heartbeat.at)} before this incident"
            if start and heartbeat.at
            else ""
        )
        part = _part(heartbeat, f"Heartbeat '{name}' stopped first{lead}")
        part.data["onset"] = onset
        return part, after or [own]
    if onset:
        first = onset[0]
        kind = " (a dependency-type check)" if first.get("dependency_type") else ""
        at = datetime.fromisoformat(str(first["at"]))
        lead = f", {minutes(start - at)} before this one" if start and at < start else ""
        part = DiagnosisPart(
            summary=f"{first['name']} failed first{kind}, at {at:%H:%M:%S} UTC{lead}",
            rule="shared_failure",
            at=at,
            confidence=shared.confidence if shared else 0.0,
            level=shared.level if shared else "low",
            evidence=[
                e.id for e in b.timeline if e.kind == "started" and e.ref.id == first["incident_id"]
            ],
            data={"onset": onset},
        )
        return part, after[1:]
    region = b.audit.detection.first_failing_region
    seen = b.audit.detection.first_failure_at
    where = f", first seen from {region.upper()} at {seen:%H:%M:%S} UTC" if region and seen else ""
    source = "heartbeat" if b.incident.heartbeat_id and not b.incident.monitor_id else "monitor"
    return (
        DiagnosisPart(
            summary=f"This {source} itself ({b.incident.name or b.incident.id}){where}",
            rule=trigger.rule,
            at=seen or start,
            confidence=trigger.confidence,
            level=trigger.level,
            evidence=[e.id for e in started(b, b.incident.id)],
        ),
        [],
    )


def _impact(b: IncidentBundle, failed: list[Ref]) -> Impact:
    marked = list(b.audit.communication.resources_marked)
    regions = [str(r) for r in b.incident.regions or []]
    parts = []
    others = [r for r in failed if r.id != b.incident.id]
    if others:
        names = ", ".join(r.name or str(r.id) for r in others[:4])
        more = f" and {len(others) - 4} more" if len(others) > 4 else ""
        parts.append(f"{plural(len(others), 'other monitor')} failed after it ({names}{more})")
    if any(r.id == b.incident.id for r in failed):
        parts.append("this monitor failed in turn")
    if marked:
        parts.append("status page: " + ", ".join(marked))
    elif b.status_pages:
        parts.append("no status-page resource was marked")
    if regions:
        parts.append("regions " + ", ".join(r.upper() for r in regions))
    evidence = [
        e.id for e in b.timeline if e.kind == "started" and e.ref.id in {r.id for r in others}
    ]
    return Impact(
        summary="; ".join(parts) or "only this incident",
        failed=failed,
        status_page_resources=marked,
        regions=regions,
        evidence=evidence,
    )


def derive_diagnosis(b: IncidentBundle, findings: list[Finding]) -> Diagnosis:
    trigger = _trigger(b, findings)
    first, failed = _first_failure(b, findings, trigger)
    return Diagnosis(trigger=trigger, first_failure=first, impact=_impact(b, failed))
