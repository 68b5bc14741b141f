"""What every rule needs: timeline events as evidence, and short readable figures."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from betterstack_rca.rca.bundle import Event, IncidentBundle


def matching(bundle: IncidentBundle, pred: Callable[[Event], bool]) -> list[Event]:
    return [e for e in bundle.timeline if pred(e)]


def ids(events: Iterable[Event]) -> list[str]:
    return [e.id for e in events]


def started(bundle: IncidentBundle, incident_id: str) -> list[Event]:
    return matching(
        bundle,
        lambda e: e.kind == "started" and e.ref.type == "incident" and e.ref.id == incident_id,
    )


def minutes(delta: timedelta) -> str:
    seconds = abs(delta.total_seconds())
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


def hostname(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None
