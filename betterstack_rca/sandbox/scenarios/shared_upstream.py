"""(n) ``shared_upstream``: the identity provider every product logs in through answered 503
to its callers; five monitors of three groups, on five unrelated domains, failed with the
same ``Status 502`` within two minutes.

Nothing ties the hosts together (no group, domain, zone or status-page section common to all):
only the timing and the identical cause say "one dependency". The trap: this incident's
monitor is simply the first of the five to be checked, so it reads as its own outage.

Added after the snapshots were pinned (``shapes_background=False``): the background is
drawn as without it, so its monitors keep their everyday history (earlier incidents of
other causes and of the same); the start is placed where no heartbeat is down and no
other 5xx falls within 10 min at the default seed.
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_502
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import HOUR
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage, incident_id, monitor_id

SPEC = ScenarioSpec(
    key="shared_upstream",
    letter="n",
    title="Customer login returns 502: five services on five domains fail together",
    root_cause=(
        "The identity provider the services log in through failed; five monitors in three "
        "groups, on unrelated domains, returned 502 within two minutes of each other."
    ),
    expected_rules=("shared_failure", "cause_http_5xx"),
    forbidden_rules=(
        "config_changed",
        "partial_regions",
        "heartbeat_stopped",
        "maintenance_window",
    ),
    starts_before_reference=37 * HOUR,
    trap="this monitor is only the first of five to be checked: read as its own outage",
    shapes_background=False,
)

# (group, position in the group, type, name, url, seconds after the first, duration s);
# members of groups that no earlier scenario's bundle shows (Auth, Partners, Edge)
SERVICES = (
    (7, 2, "status", "Customer login", "https://login.acmecloud.com/health", 0, 23 * 60),
    (11, 1, "status", "Partner portal", "https://portal.acmepartners.com/api/status", 25, 22 * 60),
    (6, 5, "keyword", "Storefront", "https://shop.acme.store/", 50, 22 * 60),
    (11, 4, "status", "Support desk", "https://support.acmehelp.io/status", 80, 21 * 60),
    (6, 6, "keyword", "Catalogue search", "https://search.acme-search.net/", 110, 20 * 60),
)


def cast(stage: Stage) -> Cast:
    picked = []
    for group, pos, kind, name, url, _after, _dur in SERVICES:
        mon = stage.group_monitors(group)[pos]
        stage.recast(mon, name, url, 45601, monitor_type=kind)
        picked.append(mon.index)
    return Cast(monitors=tuple(picked))


def plant(stage: Stage, cast: Cast) -> None:
    t = stage.start_of(SPEC)
    who = stage.paged(t + 200).name
    for k, (src, (*_, after, dur)) in enumerate(zip(cast.monitors, SERVICES, strict=True)):
        own = k == 0
        stage.log.add(
            t + after,
            src,
            dur,
            200 - after if own else -1,
            C_502,
            extra=IncidentExtra(
                scenario=SPEC.key if own else f"{SPEC.key}:other",
                acknowledged_by=who if own else None,
                resolved_by=None,
                response_content="<html><body><h1>502 Bad Gateway</h1></body></html>",
            ),
        )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    others = incidents.by_scenario[f"{SPEC.key}:other"]
    return {
        "other_incident_ids": [incident_id(j) for j in others],
        "failed_monitor_ids": [monitor_id(incidents.srcs[j]) for j in [i, *others]],
        "spread_seconds": SERVICES[-1][5],
    }


PLAY = Play(SPEC, cast, plant, facts)
