"""What every rule needs: timeline events as evidence, checks that say why a rule did not
fire, and short readable figures."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from betterstack_rca.rca.bundle import Check, Event, Finding, IncidentBundle
from betterstack_rca.rca.rules.classify import hostname

__all__ = [
    "Outcome",
    "clock",
    "collected",
    "hostname",
    "ids",
    "matching",
    "minutes",
    "missing",
    "ran",
    "ruled_out",
    "skipped",
    "started",
]

#: What a rule returns: a finding (the check fired), a check that says why not, or None
#: (it ran and found nothing worth a reason).
Outcome = Finding | Check | None


def matching(bundle: IncidentBundle, pred: Callable[[Event], bool]) -> list[Event]:
    return [e for e in bundle.timeline if pred(e)]


def ids(events: Iterable[Event]) -> list[str]:
    seen: dict[str, None] = {}
    for e in events:
        seen.setdefault(e.id, None)
    return list(seen)


def started(bundle: IncidentBundle, incident_id: str) -> list[Event]:
    return matching(
        bundle,
        lambda e: e.kind == "started" and e.ref.type == "incident" and e.ref.id == incident_id,
    )


def minutes(delta: timedelta | float) -> str:
    seconds = abs(delta.total_seconds() if isinstance(delta, timedelta) else delta)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 48 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 86400:.0f} days"


def clock(at: datetime, day: datetime | None = None) -> str:
    """``HH:MM UTC``, with the date when it is not the day of `day`."""
    if day is not None and at.date() != day.date():
        return at.strftime("%Y-%m-%d %H:%M UTC")
    return at.strftime("%H:%M UTC")


def skipped(name: str, reason: str, **data: Any) -> Check:
    return Check(name=name, status="skipped", reason=reason, data=data)


def ran(name: str, reason: str, **data: Any) -> Check:
    return Check(name=name, status="ran", reason=reason, data=data)


def ruled_out(name: str, reason: str, evidence: Iterable[Event] = (), **data: Any) -> Check:
    return Check(name=name, status="ruled_out", reason=reason, evidence=ids(evidence), data=data)


def missing(bundle: IncidentBundle, source: str) -> str:
    """Why a source's data is not in the bundle: its gap, its skip reason, or not collected."""
    for gap in bundle.gaps:
        if gap.source == source:
            status = f" {gap.status_code}" if gap.status_code else ""
            why = "no access for this plan or token" if gap.status_code == 403 else gap.error
            return f"{source} could not be collected ({why}{status})"
    for check in bundle.checks:
        if check.name == f"source:{source}" and check.status == "skipped":
            return f"{source}: {check.reason}"
    return f"{source} was not collected"


def collected(bundle: IncidentBundle, source: str) -> bool:
    """False when the source failed (a gap) or was skipped; hand-built bundles count as
    collected."""
    if any(g.source == source for g in bundle.gaps):
        return False
    return not any(c.name == f"source:{source}" and c.status == "skipped" for c in bundle.checks)
