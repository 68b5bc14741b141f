"""The generated demo account: deterministic for (seed, scale, reference_time).

Small resources are plain records; incidents are stored column-wise in ``array`` columns so
that a scale-100 account (200,000+ incidents) stays small. Everything an endpoint returns
that is not stored here (timelines, comments, response times, per-incident details) is
derived on request from ``(seed, id)``, so the same account always serves the same bytes.
"""

from __future__ import annotations

import random
import threading
from array import array
from bisect import bisect_left, bisect_right
from datetime import datetime, timezone

from betterstack_rca.sandbox.account.background import longest_recent, plant_background
from betterstack_rca.sandbox.account.escalation import (
    POLICY_GROUPS,
    URGENCIES,
    generate_policies,
)
from betterstack_rca.sandbox.account.integrations import generate_integrations
from betterstack_rca.sandbox.account.inventory import generate_heartbeats, generate_monitors
from betterstack_rca.sandbox.account.oncall import generate_calendars
from betterstack_rca.sandbox.account.status_pages import (
    SECTIONS,
    background_reports,
    created_at,
    generate_resources,
    generate_status_pages,
)
from betterstack_rca.sandbox.model.constants import INCIDENT_ID_BASE, TEAM
from betterstack_rca.sandbox.model.incidents import IncidentLog
from betterstack_rca.sandbox.model.records import USERS, CalendarRec, User
from betterstack_rca.sandbox.scenarios import SCENARIOS
from betterstack_rca.sandbox.scenarios.playbook import all_reports, cast_all, plant_all, planted
from betterstack_rca.sandbox.scenarios.stage import Stage


class Account:
    """A generated Better Stack account. Build one with ``generate_account``."""

    def __init__(self, seed: int, scale: int, reference_time: datetime) -> None:
        if scale < 1:
            raise ValueError("scale must be >= 1")
        if reference_time.tzinfo is None:
            raise ValueError("reference_time must be timezone-aware")
        self.seed = seed
        self.scale = scale
        self.reference_time = reference_time.astimezone(timezone.utc).replace(microsecond=0)
        self.ref = ref = int(self.reference_time.timestamp())
        self.team_name = TEAM
        self.users = USERS
        self._lock = threading.Lock()
        self._by_source: dict[int, array[int]] | None = None
        self._secrets: list[str] = []
        secrets = self._secrets
        # One random stream, drawn in this order: policies, monitors, heartbeats, then the
        # background incidents older than four weeks (at scale > 1).
        rng = random.Random(seed * 7919 + scale)
        self.urgencies = URGENCIES
        self.policy_groups = dict(POLICY_GROUPS)
        self.policies = generate_policies(rng, secrets)
        self.policy_by_id = {p.id: p for p in self.policies}
        self.groups, self.monitors = generate_monitors(rng, ref, scale, secrets)
        self.heartbeat_groups, self.heartbeats = generate_heartbeats(rng, ref, scale, secrets)
        self.calendars = generate_calendars(ref)

        # The scenarios recast their monitors before the background incidents are drawn (which
        # then avoid them) and plant their own incidents after those (scenarios/stage.py).
        log = IncidentLog(ref)
        stage = Stage(ref, self.monitors, self.heartbeats, self.calendars[0], secrets, log)
        self.casts = cast_all(stage)
        plant_background(
            log,
            rng,
            seed=seed,
            scale=scale,
            monitors=self.monitors,
            heartbeats=self.heartbeats,
            casts=[c for k, c in self.casts.items() if SCENARIOS[k].shapes_background],
        )
        plant_all(stage, self.casts)

        self.status_pages = generate_status_pages(ref, scale)
        self.sections = SECTIONS
        self.resources = generate_resources(self.monitors, len(self.groups), self.casts)
        self.reports = (*all_reports(stage), *background_reports(ref))
        self.report_by_id = {r.id: r for r in self.reports}
        self.webhooks, self.email_integrations, self.incoming_webhooks = generate_integrations(
            seed, created_at(ref, scale), secrets
        )

        incidents = log.sorted()
        self.starts = incidents.starts
        self.srcs = incidents.srcs
        self.durs = incidents.durs
        self.acks = incidents.acks
        self.causes = incidents.causes
        self.regs = incidents.regs
        self.extras = incidents.extras
        self.truncated_timeline_index = longest_recent(incidents, ref)
        self.scenarios = planted(stage, incidents)

    # ------------------------------------------------------------------ queries
    def planted_secrets(self) -> list[str]:
        """Every secret value planted in the account (sorted, de-duplicated)."""
        return sorted(set(self._secrets))

    @property
    def incident_count(self) -> int:
        return len(self.starts)

    def incident_index(self, incident_id: str) -> int | None:
        try:
            i = int(incident_id) - INCIDENT_ID_BASE
        except ValueError:
            return None
        return i if 0 <= i < len(self.starts) else None

    def incidents_of_source(self, src: int) -> array[int]:
        """Incident indexes (ascending) raised by one monitor (>= 0) or heartbeat (< 0)."""
        with self._lock:
            if self._by_source is None:
                by: dict[int, array[int]] = {}
                for i, s in enumerate(self.srcs):
                    a = by.get(s)
                    if a is None:
                        a = by[s] = array("l")
                    a.append(i)
                self._by_source = by
            return self._by_source.get(src, array("l"))

    def index_range(self, lo: int | None, hi: int | None) -> tuple[int, int]:
        """[start, stop) incident indexes whose start lies in [lo, hi] (epoch seconds)."""
        a = 0 if lo is None else bisect_left(self.starts, lo)
        b = len(self.starts) if hi is None else bisect_right(self.starts, hi)
        return a, b

    def on_call_at(self, calendar: CalendarRec, t: int) -> tuple[int, ...]:
        """User indexes on call in ``calendar`` at epoch second ``t``."""
        return calendar.on_call_at(t)

    def on_call_user(self, t: int) -> User:
        """The person the default calendar alerts at ``t``."""
        return self.calendars[0].paged_at(t)


_CACHE: dict[tuple[int, int, int], Account] = {}
_CACHE_LOCK = threading.Lock()


def generate_account(
    seed: int = 0, scale: int = 1, reference_time: datetime | None = None
) -> Account:
    """Generate (or reuse) the account for ``(seed, scale, reference_time)``.

    ``reference_time`` is the account's "now" (aware datetime; default: now in UTC). The
    same arguments always give an account that serves byte-identical responses.
    """
    ref = reference_time or datetime.now(timezone.utc)
    if ref.tzinfo is None:
        raise ValueError("reference_time must be timezone-aware")
    key = (seed, scale, int(ref.timestamp()))
    with _CACHE_LOCK:
        acc = _CACHE.get(key)
    if acc is None:
        acc = Account(seed, scale, ref)
        with _CACHE_LOCK:
            if scale <= 10:
                if len(_CACHE) > 8:
                    _CACHE.clear()
                _CACHE[key] = acc
    return acc
