"""(c) ``region_blip``: the search API times out from Asia only, for the fifth time this week."""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_TIMEOUT, REGION_BIT, REGIONS
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage, incident_id

SPEC = ScenarioSpec(
    key="region_blip",
    letter="c",
    title="Search API unreachable from Asia only (fifth time this week)",
    root_cause=(
        "A flaky network path between the Asian checking region and the search cluster "
        "times out from that region only; it has recurred all week."
    ),
    expected_rules=("partial_regions", "recurrence"),
    forbidden_rules=(
        "shared_failure",
        "maintenance_window",
        "config_changed",
        "cause_http_5xx",
        "heartbeat_stopped",
    ),
    starts_before_reference=8 * HOUR,
)

GROUP = 3  # "Search": its first monitor becomes the search API
FAILED_REGIONS = ("as",)
# The earlier blips, how long before this one: three never acknowledged, then one that was.
EARLIER = (DAY + 2 * HOUR, 2 * DAY + 12 * HOUR, 3 * DAY + 17 * HOUR)
EARLIER_ACKNOWLEDGED = 5 * DAY + 10 * HOUR


def cast(stage: Stage) -> Cast:
    mon = stage.group_monitors(GROUP)[0]
    stage.recast(mon, "Search API", "https://search.example.com/api/health", 45601)
    return Cast(monitors=(mon.index,))


def plant(stage: Stage, cast: Cast) -> None:
    c = stage.start_of(SPEC)
    search = cast.monitors[0]
    asia = REGION_BIT[FAILED_REGIONS[0]]
    for k, back in enumerate(EARLIER):
        stage.log.add(
            c - back,
            search,
            120 + 45 * k,
            -1,
            C_TIMEOUT,
            asia,
            extra=IncidentExtra(scenario="region_blip:earlier"),
        )
    at = c - EARLIER_ACKNOWLEDGED
    stage.log.add(
        at,
        search,
        300,
        150,
        C_TIMEOUT,
        asia,
        extra=IncidentExtra(scenario="region_blip:earlier", acknowledged_by=stage.paged(at).name),
    )
    stage.log.add(
        c,
        search,
        270,
        150,
        C_TIMEOUT,
        asia,
        extra=IncidentExtra(scenario=SPEC.key, acknowledged_by=stage.paged(c + 150).name),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    earlier = incidents.by_scenario["region_blip:earlier"]
    return {
        "failed_regions": FAILED_REGIONS,
        "monitor_regions": REGIONS,
        "earlier_incidents_7d": len(earlier),
        "related_incident_ids": tuple(incident_id(j) for j in earlier),
    }


PLAY = Play(SPEC, cast, plant, facts)
