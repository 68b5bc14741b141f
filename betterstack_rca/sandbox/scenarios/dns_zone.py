"""(i) ``dns_zone``: the DNS of acme-static.net failed; four monitors in four groups, all
under that domain, fail with 'DNS lookup failed' within 2 min 40 s, the DNS check first.

The incident's own group is healthy. The trap: an unrelated 'Status 500' of a monitor
under example.com four minutes later (another cause, another domain) that must stay out.
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_500, C_DNS
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import HOUR
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage, incident_id, monitor_id

SPEC = ScenarioSpec(
    key="dns_zone",
    letter="i",
    title="Email images down: the DNS of acme-static.net failed for four monitors in four groups",
    root_cause=(
        "The authoritative DNS of acme-static.net failed: its DNS check failed first, then "
        "every monitor under that domain, in four different groups, with 'DNS lookup failed'."
    ),
    expected_rules=("shared_failure", "cause_dns"),
    forbidden_rules=(
        "heartbeat_stopped",
        "config_changed",
        "maintenance_window",
        "partial_regions",
    ),
    starts_before_reference=22 * HOUR,
    trap="an unrelated Status 500 under example.com 4 min later; the own group is healthy",
)

DOMAIN = "acme-static.net"
# (group, position in the group, name, url, type, seconds after the start)
MONITORS = (
    (8, 0, "Email images", f"https://img.{DOMAIN}/health", "status", 0),
    (7, 0, "Static DNS", DOMAIN, "dns", -60),
    (2, 1, "Checkout assets", f"https://assets.{DOMAIN}/checkout.js", "status", 40),
    (11, 0, "Partner logos", f"https://logos.{DOMAIN}/", "status", 100),
)
BLIP = (10, 0, 240)  # group, position, seconds after the start: Status 500, example.com
DURATION = 24 * 60


def cast(stage: Stage) -> Cast:
    out = []
    for group, k, name, url, kind, _ in MONITORS:
        mon = stage.group_monitors(group)[k]
        stage.recast(mon, name, url, 45601, kind)
        out.append(mon.index)
    return Cast(monitors=tuple(out))


def plant(stage: Stage, cast: Cast) -> None:
    t = stage.start_of(SPEC)
    for (_, _, _, _, _, off), index in zip(MONITORS, cast.monitors, strict=True):
        role = SPEC.key if off == 0 else f"{SPEC.key}:zone"
        stage.log.add(
            t + off,
            index,
            DURATION - off,
            300 - off if off < 300 else -1,
            C_DNS,
            extra=IncidentExtra(scenario=role, acknowledged_by=stage.paged(t + 300).name),
        )
    group, k, off = BLIP
    blip = stage.group_monitors(group)[k]
    stage.log.add(
        t + off, blip.index, 180, -1, C_500, extra=IncidentExtra(scenario=f"{SPEC.key}:blip")
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    zone = incidents.by_scenario[f"{SPEC.key}:zone"]
    first = min(zone, key=lambda j: incidents.starts[j])
    return {
        "domain": DOMAIN,
        "other_monitor_ids": tuple(monitor_id(incidents.srcs[j]) for j in zone),
        "first_monitor_id": monitor_id(incidents.srcs[first]),
        "first_lead_seconds": incidents.starts[i] - incidents.starts[first],
        "groups": len({g for g, *_ in MONITORS}),
        "spread_seconds": max(off for *_, off in MONITORS) - min(off for *_, off in MONITORS),
        "blip_incident_id": incident_id(incidents.by_scenario[f"{SPEC.key}:blip"][0]),
    }


PLAY = Play(SPEC, cast, plant, facts)
