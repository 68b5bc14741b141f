"""What was changed or planned: a configuration edit shortly before the start, a maintenance
window the start fell into.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from betterstack_rca.rca.bundle import Event, Finding, IncidentBundle
from betterstack_rca.rca.rules.evidence import ids, matching, minutes, started

#: A configuration change this long before the start is suspicious.
CONFIG_SPAN = timedelta(minutes=30)


def config_changed(b: IncidentBundle) -> Finding | None:
    start, monitor = b.incident.started_at, b.monitor
    if start is None or monitor is None or monitor.updated_at is None:
        return None
    before = start - monitor.updated_at
    if not timedelta(0) <= before <= CONFIG_SPAN:
        return None
    evidence = matching(b, lambda e: e.kind == "config_changed")
    return Finding(
        rule="config_changed",
        confidence=0.85 if before <= timedelta(minutes=10) else 0.6,
        summary=(
            f"The monitor's configuration changed {minutes(before)} before the start "
            "(a deploy or an edit to what is checked)"
        ),
        evidence=ids(evidence + started(b, b.incident.id)),
        data={
            "updated_at": monitor.updated_at.isoformat(),
            "seconds_before": before.total_seconds(),
        },
    )


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    candidates = [name, name.replace(" ", "_")]
    candidates += [
        f"{area}/{name.replace(' ', '_')}"
        for area in (
            "Europe",
            "America",
            "Asia",
            "Australia",
            "Africa",
            "Pacific",
            "Atlantic",
            "Etc",
        )
    ]
    for candidate in candidates:
        try:
            return ZoneInfo(candidate)
        except (KeyError, ValueError, OSError):
            continue
    return None


def _in_daily_window(at: datetime, start: str, end: str, tz: ZoneInfo, days: list[str]) -> bool:
    local = at.astimezone(tz)
    if days and local.strftime("%a").lower()[:3] not in {d.lower()[:3] for d in days}:
        return False
    now = local.strftime("%H:%M:%S")
    if start <= end:
        return start <= now < end
    return now >= start or now < end  # a window across midnight


def maintenance_window(b: IncidentBundle) -> Finding | None:
    start = b.incident.started_at
    if start is None:
        return None
    reasons: list[str] = []
    evidence: list[Event] = []
    for ctx in b.status_pages:
        for report in ctx.reports:
            if str(report.report_type) != "maintenance" or report.starts_at is None:
                continue
            if report.starts_at <= start and (report.ends_at is None or start <= report.ends_at):
                reasons.append(f"status page maintenance '{report.title}'")
                evidence += [
                    e for e in b.timeline if e.ref.type == "status_report" and e.ref.id == report.id
                ]
    source = b.monitor or b.heartbeat
    if source is not None and source.maintenance_from and source.maintenance_to:
        tz = _zone(source.maintenance_timezone) or _zone("UTC")
        if tz is not None and _in_daily_window(
            start,
            source.maintenance_from,
            source.maintenance_to,
            tz,
            list(source.maintenance_days or []),
        ):
            reasons.append(
                f"the monitor's daily maintenance {source.maintenance_from}-"
                f"{source.maintenance_to} ({source.maintenance_timezone or 'UTC'})"
            )
    if not reasons:
        return None
    return Finding(
        rule="maintenance_window",
        confidence=0.85,
        summary="The incident started inside a scheduled maintenance window: " + "; ".join(reasons),
        evidence=ids(evidence + started(b, b.incident.id)),
        data={"windows": reasons},
    )
