"""What a scenario script works with while an account is generated.

Every scenario module exposes a ``Play``: its ``ScenarioSpec`` and the steps the account
generator calls, for every scenario in letter order:

1. ``cast(stage)`` picks and configures the scenario's monitors and heartbeats, before the
   background incidents are drawn (those then avoid them, and their groups near the
   scenario's start);
2. ``plant(stage, cast)`` logs the scenario's incidents, after the background ones;
3. ``reports(stage)`` gives its status-page reports, if it has any;
4. ``facts(stage, incidents, i)`` gives the numbers a test can check, once the incidents
   are sorted (``i`` is the scenario incident's position).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from betterstack_rca.sandbox.model.constants import (
    INCIDENT_ID_BASE,
    MONITOR_ID_BASE,
    REGIONS,
)
from betterstack_rca.sandbox.model.incidents import IncidentLog, Incidents
from betterstack_rca.sandbox.model.records import (
    CalendarRec,
    HeartbeatRec,
    MonitorRec,
    ReportRec,
    User,
)
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec


@dataclass(frozen=True)
class Cast:
    """The monitors and heartbeats (indexes) a scenario plays with."""

    monitors: tuple[int, ...] = ()
    heartbeats: tuple[int, ...] = ()


@dataclass
class Stage:
    """An account while it is generated, as the scenario scripts see it."""

    ref: int
    monitors: list[MonitorRec]
    heartbeats: list[HeartbeatRec]
    calendar: CalendarRec  # the default on-call calendar: who is alerted
    secrets: list[str]  # every planted secret goes here (for account.planted_secrets())
    log: IncidentLog

    def start_of(self, spec: ScenarioSpec) -> int:
        return self.ref - spec.starts_before_reference

    def paged(self, t: int) -> User:
        """The on-call person alerted at ``t``."""
        return self.calendar.paged_at(t)

    def group_monitors(self, group: int) -> list[MonitorRec]:
        return [m for m in self.monitors if m.group == group]

    def recast(
        self,
        mon: MonitorRec,
        name: str,
        url: str,
        policy_id: int | None,
        monitor_type: str = "status",
    ) -> MonitorRec:
        """Turn a generated monitor into a scenario's: a GET check from every region."""
        mon.name, mon.url, mon.monitor_type = name, url, monitor_type
        mon.regions, mon.http_method, mon.port = REGIONS, "get", None
        mon.required_keyword = "ok" if monitor_type == "keyword" else None
        mon.maintenance, mon.paused_at = None, None
        mon.policy_id = policy_id
        return mon


def incident_id(i: int) -> str:
    return str(INCIDENT_ID_BASE + i)


def monitor_id(i: int) -> str:
    return str(MONITOR_ID_BASE + i)


def _no_reports(stage: Stage) -> tuple[ReportRec, ...]:
    return ()


@dataclass(frozen=True)
class Play:
    """A scenario's script (see the module docstring for when each step runs)."""

    spec: ScenarioSpec
    cast: Callable[[Stage], Cast]
    plant: Callable[[Stage, Cast], None]
    facts: Callable[[Stage, Incidents, int], Mapping[str, object]]
    reports: Callable[[Stage], tuple[ReportRec, ...]] = _no_reports
