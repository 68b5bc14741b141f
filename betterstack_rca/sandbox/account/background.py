"""Background incidents: the everyday noise around the scenarios.

The last four weeks are the same at every scale: the same number of background incidents,
drawn from the same stream over the "core" of the account (the first 100 monitors of the
first 12 groups, the first 20 heartbeats of the first 4 groups), whose group layout is
identical at every scale. A bigger account is an *older* one: its other monitors and
heartbeats only have incidents further back. So an incident's neighbourhood, and with it
the correlator's request count, does not change with the scale, which is exactly what the
frugality tests and benchmarks compare.

Near a scenario (±3 h around its start) at most one drawn incident is kept, and none in a
group of the scenario's monitors or heartbeats; the one incident still open at the
reference time comes on top. Scenarios whose spec says ``shapes_background=False`` (added
after the pinned snapshots) are not avoided: the background stays as it was without them.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from betterstack_rca.sandbox.model.constants import (
    C_401,
    C_404,
    C_429,
    C_500,
    C_502,
    C_503,
    C_504,
    C_DNS,
    C_HEARTBEAT,
    C_KEYWORD,
    C_REFUSED,
    C_RESET,
    C_TIMEOUT,
    C_UNREACHABLE,
    REGION_BIT,
)
from betterstack_rca.sandbox.model.incidents import IncidentLog, Incidents
from betterstack_rca.sandbox.model.records import HeartbeatRec, MonitorRec
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR
from betterstack_rca.sandbox.scenarios import SCENARIOS
from betterstack_rca.sandbox.scenarios.stage import Cast

_HTTP_CAUSES = (C_500, C_502, C_503, C_503, C_504, C_404, C_429, C_TIMEOUT, C_TIMEOUT, C_REFUSED)
_CAUSES_BY_TYPE: dict[str, tuple[int, ...]] = {
    "status": (*_HTTP_CAUSES, C_DNS),
    "expected_status_code": (*_HTTP_CAUSES, C_401),
    "keyword": (*_HTTP_CAUSES, C_KEYWORD, C_KEYWORD),
    "keyword_absence": (*_HTTP_CAUSES, C_KEYWORD),
    "playwright": (*_HTTP_CAUSES, C_KEYWORD),
    "ping": (C_TIMEOUT, C_UNREACHABLE, C_UNREACHABLE),
    "tcp": (C_REFUSED, C_TIMEOUT, C_RESET),
    "smtp": (C_REFUSED, C_TIMEOUT, C_RESET),
    "dns": (C_DNS, C_DNS, C_TIMEOUT),
}


@dataclass(frozen=True)
class _Plan:
    """``count`` incidents from ``stream``, ``oldest_offset``..``newest_offset_span``
    seconds (plus 10 min) before the reference time, raised by ``pool`` / ``hb_pool``."""

    stream: random.Random
    count: int
    oldest_offset: int
    newest_offset_span: int
    pool: list[int]  # monitor indexes
    hb_pool: list[int]  # heartbeat indexes


class _Quiet:
    """Keeps the ±3 h around each scenario's start nearly free of unrelated incidents."""

    def __init__(
        self,
        ref: int,
        monitors: list[MonitorRec],
        heartbeats: list[HeartbeatRec],
        casts: Iterable[Cast],
    ) -> None:
        casts = tuple(casts)
        self.monitors = {i for c in casts for i in c.monitors}
        self.heartbeats = {i for c in casts for i in c.heartbeats}
        self.groups = {monitors[i].group for i in self.monitors}
        self.hb_groups = {heartbeats[i].group for i in self.heartbeats}
        self.recent = ref - 6 * DAY
        self.windows = [
            (ref - s.starts_before_reference - 3 * HOUR, ref - s.starts_before_reference + 3 * HOUR)
            for s in SCENARIOS.values()
            if s.shapes_background
        ]
        self.used = [0] * len(self.windows)

    def admits(self, start: int, in_scenario_group: bool) -> bool:
        if start > self.recent:
            for w, (lo, hi) in enumerate(self.windows):
                if lo <= start <= hi:
                    if in_scenario_group or self.used[w] >= 1:
                        return False
                    self.used[w] += 1
                    break
        return True


def plant_background(
    log: IncidentLog,
    rng: random.Random,
    *,
    seed: int,
    scale: int,
    monitors: list[MonitorRec],
    heartbeats: list[HeartbeatRec],
    casts: Iterable[Cast],
) -> None:
    """Log the background incidents (2,200 in the last four weeks, 2,000 per extra scale)."""
    ref = log.ref
    quiet = _Quiet(ref, monitors, heartbeats, casts)
    m = monitors
    full_pool = [mm.index for mm in m if mm.index not in quiet.monitors and mm.paused_at is None]
    full_hb_pool = [h.index for h in heartbeats if h.index not in quiet.heartbeats]
    core = [mm.index for mm in m if mm.group < 12][:100]
    core_pool = [i for i in core if i not in quiet.monitors] or [0]
    core_hb = [h.index for h in heartbeats if h.group < 4][:20]
    core_hb_pool = [i for i in core_hb if i not in quiet.heartbeats] or [0]
    recent_span = 28 * DAY
    plans = [
        _Plan(random.Random(f"{seed}-recent"), 2000 + 200, 0, recent_span, core_pool, core_hb_pool)
    ]
    if scale > 1:
        plans.append(
            _Plan(
                rng,
                2000 * (scale - 1),
                recent_span,
                28 * DAY * scale,
                full_pool or [0],
                full_hb_pool or [0],
            )
        )
    for plan in plans:
        _draw(log, plan, monitors, heartbeats, quiet)
    # One incident still open at the reference time, outside the scenario groups.
    edge = next((mm.index for mm in m if mm.group == 6 and mm.paused_at is None), core_pool[0])
    log.add(ref - 20 * 60, edge, -1, -1, C_504)


def _draw(
    log: IncidentLog,
    plan: _Plan,
    monitors: list[MonitorRec],
    heartbeats: list[HeartbeatRec],
    quiet: _Quiet,
) -> None:
    ref = log.ref
    rnd = plan.stream.random
    pool, hb_pool = plan.pool, plan.hb_pool
    for _ in range(plan.count):
        offset = plan.oldest_offset + int(rnd() * (plan.newest_offset_span - plan.oldest_offset))
        start = ref - 600 - offset
        if rnd() < 0.15:
            hb = hb_pool[int(rnd() * len(hb_pool))]
            src = -1 - hb
            cause = C_HEARTBEAT
            in_scenario_group = heartbeats[hb].group in quiet.hb_groups
            regmask = 0
        else:
            mi = pool[int(len(pool) * rnd() ** 2)]
            src = mi
            mon = monitors[mi]
            in_scenario_group = mon.group in quiet.groups
            options = _CAUSES_BY_TYPE[mon.monitor_type]
            cause = options[int(rnd() * len(options))]
            regmask = 0
            if rnd() < 0.12:
                regmask = REGION_BIT[mon.regions[int(rnd() * len(mon.regions))]]
        dur = int(90 * math.exp(rnd() * 4.5))
        ack = int(20 + rnd() * 900) if rnd() < 0.65 else -1
        if ack >= dur:
            ack = -1
        if quiet.admits(start, in_scenario_group):
            log.add(start, src, dur, ack, cause, regmask)


def longest_recent(incidents: Incidents, ref: int) -> int:
    """The longest background incident of the last four weeks (it gets a truncated timeline)."""
    best, best_dur = -1, -1
    lo = bisect_left(incidents.starts, ref - 28 * DAY)
    for i in range(lo, len(incidents.starts)):
        if i not in incidents.extras and incidents.durs[i] > best_dur:
            best, best_dur = i, incidents.durs[i]
    return best
