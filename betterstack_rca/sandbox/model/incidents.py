"""Incidents stored column-wise: the log they are planted in, and the sorted columns.

A scale-100 account holds 200,000+ incidents, so they live in ``array`` columns rather
than objects. A source (``src``) is a monitor index (>= 0) or ``-1 - heartbeat index``;
a duration or acknowledgement delay of -1 means "not yet" at the reference time.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from betterstack_rca.sandbox.model.records import IncidentExtra


@dataclass(frozen=True)
class Incidents:
    """All incidents of an account sorted by start; an incident's id is its position here."""

    starts: array[int]
    srcs: array[int]
    durs: array[int]
    acks: array[int]
    causes: array[int]
    regs: array[int]  # REGION_BIT mask of the failing regions; 0 = all the monitor's regions
    extras: dict[int, IncidentExtra]  # scenario incidents only
    by_scenario: dict[str, list[int]]  # IncidentExtra.scenario -> positions, as planted


class IncidentLog:
    """Incidents in the order they are planted (background first, then the scenarios)."""

    def __init__(self, ref: int) -> None:
        self.ref = ref
        self.starts: array[int] = array("q")
        self.srcs: array[int] = array("l")
        self.durs: array[int] = array("l")
        self.acks: array[int] = array("l")
        self.causes: array[int] = array("b")
        self.regs: array[int] = array("b")
        self.extras: dict[int, IncidentExtra] = {}
        self.by_scenario: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def add(  # noqa: PLR0917
        self,
        start: int,
        src: int,
        dur: int,
        ack: int,
        cause: int,
        regmask: int = 0,
        extra: IncidentExtra | None = None,
    ) -> int:
        """Log one incident; a resolution or acknowledgement after ``ref`` becomes -1."""
        pos = len(self.starts)
        if dur >= 0 and start + dur > self.ref:
            dur = -1
        if ack >= 0 and start + ack > self.ref:
            ack = -1
        self.starts.append(start)
        self.srcs.append(src)
        self.durs.append(dur)
        self.acks.append(ack)
        self.causes.append(cause)
        self.regs.append(regmask)
        if extra is not None:
            self.extras[pos] = extra
            self.by_scenario.setdefault(extra.scenario, []).append(pos)
        return pos

    def sorted(self) -> Incidents:
        """The log sorted by start (stable), as Better Stack ids grow with time."""
        order = sorted(range(len(self.starts)), key=self.starts.__getitem__)
        new_pos = {old: new for new, old in enumerate(order) if old in self.extras}
        return Incidents(
            starts=array("q", (self.starts[i] for i in order)),
            srcs=array("l", (self.srcs[i] for i in order)),
            durs=array("l", (self.durs[i] for i in order)),
            acks=array("l", (self.acks[i] for i in order)),
            causes=array("b", (self.causes[i] for i in order)),
            regs=array("b", (self.regs[i] for i in order)),
            extras={new_pos[p]: e for p, e in self.extras.items()},
            by_scenario={k: [new_pos[p] for p in v] for k, v in self.by_scenario.items()},
        )
