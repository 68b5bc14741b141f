"""(j) ``maintenance_overran``: the warehouse API's nightly maintenance window (in
"Eastern Time (US & Canada)") ended while its database migration was still running; the
first checks after the window failed with 503s.

The trap: the window read as UTC lies hours away from the start, so a reader who skips
the zone sees only a 503 (a symptom) and no trigger.
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_503
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import HOUR, iso
from betterstack_rca.sandbox.model.zones import hms, local, weekday
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage

SPEC = ScenarioSpec(
    key="maintenance_overran",
    letter="j",
    title="Warehouse API down right after its maintenance window (Eastern Time) ended",
    root_cause=(
        "The database migration run in the warehouse API's daily maintenance window "
        "(Eastern Time) overran it: when the window ended and checks resumed, the service "
        "was still answering 503."
    ),
    expected_rules=("maintenance_overran", "cause_http_5xx"),
    forbidden_rules=("maintenance_window", "config_changed", "shared_failure", "heartbeat_stopped"),
    starts_before_reference=40 * HOUR,
    trap="the window read as UTC (hours away); the 503 itself as the cause",
)

GROUP = 10  # "Mobile backend": its second monitor becomes the warehouse API
ZONE = "Eastern Time (US & Canada)"
WINDOW = 3600  # an hour of maintenance...
AFTER_END = 240  # ...that ended 4 min before the start
DURATION = 22 * 60


def window(start: int) -> tuple[str, str, str, tuple[str, ...]]:
    end = local(start - AFTER_END, ZONE)
    begin = local(start - AFTER_END - WINDOW, ZONE)
    days = tuple(sorted({weekday(begin), weekday(end)}))
    return hms(begin), hms(end), ZONE, days


def cast(stage: Stage) -> Cast:
    mon = stage.group_monitors(GROUP)[1]
    stage.recast(mon, "Warehouse API", "https://warehouse.example.com/api/health", 45601)
    mon.maintenance = window(stage.start_of(SPEC))
    return Cast(monitors=(mon.index,))


def plant(stage: Stage, cast: Cast) -> None:
    j = stage.start_of(SPEC)
    stage.log.add(
        j,
        cast.monitors[0],
        DURATION,
        300,
        C_503,
        extra=IncidentExtra(
            scenario=SPEC.key,
            acknowledged_by=stage.paged(j + 300).name,
            response_content="Service Unavailable: database migration in progress",
        ),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    start = incidents.starts[i]
    return {
        "maintenance": window(start),
        "window_end_at": iso(start - AFTER_END),
        "seconds_after_end": AFTER_END,
        "iana_zone": "America/New_York",
    }


PLAY = Play(SPEC, cast, plant, facts)
