"""(d) ``maintenance``: the reports service was taken down on purpose, as announced.

The incident falls inside a maintenance status report and inside the monitor's own
maintenance window (both from 20 min before the start to 40 min after it).
"""

from __future__ import annotations

from datetime import datetime, timezone

from betterstack_rca.sandbox.model.constants import C_503
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra, ReportRec, UpdateRec
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR, iso
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage

SPEC = ScenarioSpec(
    key="maintenance",
    letter="d",
    title="Reports service down during its scheduled maintenance",
    root_cause=(
        "The reports service was taken down on purpose inside a scheduled maintenance "
        "window announced on the status page."
    ),
    expected_rules=("maintenance_window",),
    forbidden_rules=("config_changed", "shared_failure", "partial_regions", "recurrence"),
    starts_before_reference=3 * DAY + 5 * HOUR,
)

GROUP = 4  # "Internal tools": its first monitor becomes the reports service
WINDOW_BEFORE = 20 * 60  # the maintenance starts this long before the incident
WINDOW_AFTER = 40 * 60  # and ends this long after its start
STATUS_PAGE_ID = 150001
STATUS_REPORT_ID = 880002
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hms(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def cast(stage: Stage) -> Cast:
    """A keyword monitor with no escalation policy and a weekly window around the start."""
    mon = stage.group_monitors(GROUP)[0]
    stage.recast(mon, "Reports service", "https://reports.example.com/status", None, "keyword")
    d = stage.start_of(SPEC)
    day = _WEEKDAYS[datetime.fromtimestamp(d, timezone.utc).weekday()]
    window = (_hms((d - WINDOW_BEFORE) % DAY), _hms((d + WINDOW_AFTER) % DAY))
    mon.maintenance = (*window, "UTC", (day,))
    return Cast(monitors=(mon.index,))


def plant(stage: Stage, cast: Cast) -> None:
    d = stage.start_of(SPEC)
    stage.log.add(
        d,
        cast.monitors[0],
        25 * 60,
        180,
        C_503,
        extra=IncidentExtra(
            scenario=SPEC.key,
            acknowledged_by=stage.paged(d).name,
            response_content="Down for scheduled maintenance",
        ),
    )


def reports(stage: Stage) -> tuple[ReportRec, ...]:
    d = stage.start_of(SPEC)
    rid = STATUS_REPORT_ID
    return (
        ReportRec(
            rid,
            STATUS_PAGE_ID,
            "Scheduled maintenance: reports service upgrade",
            "maintenance",
            d - WINDOW_BEFORE,
            d + WINDOW_AFTER,
            (770010,),  # the "Reports" resource
            (
                UpdateRec(
                    990011,
                    rid,
                    "We will upgrade the reports service; it will be unavailable "
                    "for up to one hour.",
                    d - 2 * DAY,
                    "maintenance",
                ),
                UpdateRec(
                    990012, rid, "The maintenance is complete.", d + WINDOW_AFTER, "resolved"
                ),
            ),
        ),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    report = reports(stage)[0]
    return {
        "status_page_id": str(STATUS_PAGE_ID),
        "status_report_id": str(STATUS_REPORT_ID),
        "maintenance_starts_at": iso(report.starts_at),
        "maintenance_ends_at": iso(report.ends_at or 0),
        "monitor_maintenance": stage.monitors[incidents.srcs[i]].maintenance,
    }


PLAY = Play(SPEC, cast, plant, facts, reports)
