"""(m) ``recurring_history``: the image resizer times out at the gateway (504) at about
the same time of night, for the sixth time in a month; each earlier one recovered by
itself within minutes, one was resolved by hand after a restart.

There is no state change before the start: the failure itself is the trigger, and the
history (frequent, same time of day) is the evidence a responder needs.
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_504, C_REFUSED
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import USERS, IncidentExtra
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage, incident_id

SPEC = ScenarioSpec(
    key="recurring_history",
    letter="m",
    title="Image resizer 504s at night again (sixth time in 30 days)",
    root_cause=(
        "The image resizer times out behind the gateway around the same time every few "
        "nights (a nightly job saturates it); five earlier incidents in 30 days had the "
        "same cause, and all but one recovered by themselves."
    ),
    expected_rules=("cause_http_5xx", "past_incidents", "recurrence"),
    forbidden_rules=("shared_failure", "config_changed", "maintenance_window", "heartbeat_stopped"),
    starts_before_reference=110 * HOUR,
)

GROUP = 1  # "Website": its second monitor becomes the image resizer
# Earlier 504s: (days before, minutes later in the night, duration s, resolved by a person)
EARLIER = (
    (2, 10, 420, False),
    (5, -15, 540, False),
    (9, 25, 360, True),
    (16, 5, 480, False),
    (23, -30, 600, False),
)
OTHER = (12, 7 * HOUR, C_REFUSED)  # one earlier incident of another cause, at another time


def cast(stage: Stage) -> Cast:
    mon = stage.group_monitors(GROUP)[1]
    stage.recast(mon, "Image resizer", "https://resize.example.com/health", 45601)
    return Cast(monitors=(mon.index,))


def plant(stage: Stage, cast: Cast) -> None:
    m = stage.start_of(SPEC)
    src = cast.monitors[0]
    for days, shift, dur, by_hand in EARLIER:
        at = m - days * DAY + shift * 60
        who = USERS[4].name if by_hand else None
        stage.log.add(
            at,
            src,
            dur,
            120 if by_hand else -1,
            C_504,
            extra=IncidentExtra(
                scenario=f"{SPEC.key}:earlier",
                acknowledged_by=who,
                resolved_by=who,
            ),
        )
    days, shift, cause = OTHER
    stage.log.add(
        m - days * DAY + shift,
        src,
        200,
        -1,
        cause,
        extra=IncidentExtra(scenario=f"{SPEC.key}:other"),
    )
    stage.log.add(
        m,
        src,
        8 * 60,
        180,
        C_504,
        extra=IncidentExtra(scenario=SPEC.key, acknowledged_by=stage.paged(m + 180).name),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    earlier = incidents.by_scenario[f"{SPEC.key}:earlier"]
    newest = max(earlier, key=lambda j: incidents.starts[j])
    return {
        "same_cause_30d": len(earlier),
        "earlier_30d": len(earlier) + 1,
        "earlier_7d": sum(1 for d, *_ in EARLIER if d <= 7),
        "most_similar_incident_id": incident_id(newest),
        "most_similar_score": 7,
        "verdict": "frequent",
    }


PLAY = Play(SPEC, cast, plant, facts)
