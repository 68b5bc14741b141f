"""(o) ``slow_degradation``: the partner analytics API got slower for 40 minutes (a warehouse
filling up with long-running queries) until its checks timed out.

The monitor's own configuration has not changed for weeks. The trap: another monitor of
the same group (the docs site, on another host, healthy throughout) was edited 10 min
before the start; the degradation, not that edit, is what led to the timeout.

Added after the snapshots were pinned (``shapes_background=False``): the background is
drawn as without it, so its monitor keeps its everyday history; the start is placed where
the monitor and its group are quiet at the default seed.
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_TIMEOUT
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR, iso
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage, monitor_id

SPEC = ScenarioSpec(
    key="slow_degradation",
    letter="o",
    title="Partner analytics API times out after 40 minutes of rising latency",
    root_cause=(
        "The partner analytics API degraded for 40 minutes (response times climbing in every "
        "region) until its checks hit the 10 s request timeout; no configuration changed."
    ),
    expected_rules=("latency_rising", "cause_timeout"),
    forbidden_rules=(
        "config_changed",
        "shared_failure",
        "partial_regions",
        "maintenance_window",
        "heartbeat_stopped",
    ),
    starts_before_reference=5 * HOUR + 30 * 60,
    trap="another monitor of the group (healthy, another host) edited 10 min before the start",
    shapes_background=False,
)

GROUP = 11  # "Partners": its monitor 6 is the analytics API, its monitor 7 the docs site
LATENCY_RISE_WINDOW = 40 * 60
LATENCY_RISE_FACTOR = 20.0
REQUEST_TIMEOUT = 10
SIBLING_EDITED_BEFORE = 10 * 60
OWN_EDITED_BEFORE = 19 * DAY
DURATION = 26 * 60


def cast(stage: Stage) -> Cast:
    t = stage.start_of(SPEC)
    members = stage.group_monitors(GROUP)
    own = stage.recast(
        members[6], "Partner analytics API", "https://analytics.partners.example.net/status", 45601
    )
    own.request_timeout = REQUEST_TIMEOUT
    own.updated = t - OWN_EDITED_BEFORE
    docs = stage.recast(members[7], "Partner API docs", "https://docs.partners.example.net/", 45601)
    docs.updated = t - SIBLING_EDITED_BEFORE
    return Cast(monitors=(own.index, docs.index))


def plant(stage: Stage, cast: Cast) -> None:
    t = stage.start_of(SPEC)
    who = stage.paged(t + 300).name
    stage.log.add(
        t,
        cast.monitors[0],
        DURATION,
        300,
        C_TIMEOUT,
        extra=IncidentExtra(
            scenario=SPEC.key,
            acknowledged_by=who,
            resolved_by=who,
            latency_rise=(LATENCY_RISE_WINDOW, LATENCY_RISE_FACTOR),
        ),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    t = incidents.starts[i]
    docs = stage.monitors[[m.index for m in stage.group_monitors(GROUP)][7]]
    return {
        "latency_rise_window_seconds": LATENCY_RISE_WINDOW,
        "request_timeout_seconds": REQUEST_TIMEOUT,
        "monitor_updated_at": iso(t - OWN_EDITED_BEFORE),
        "sibling_monitor_id": monitor_id(docs.index),
        "sibling_updated_at": iso(t - SIBLING_EDITED_BEFORE),
    }


PLAY = Play(SPEC, cast, plant, facts)
