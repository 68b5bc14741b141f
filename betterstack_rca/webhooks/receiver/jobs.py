"""The receiver's work in hand, under one lock: the incidents queued or being collected (one
job per incident, so repeated deliveries coalesce), the delivery keys seen lately (repeats
are duplicates) and the counters (`ReceiverStats`)."""

from __future__ import annotations

import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Final, Literal

__all__ = ["Admission", "Job", "JobBoard", "ReceiverStats"]

_MAX_DEDUPE_KEYS: Final = 10_000

#: What `JobBoard.admit` did with a delivery.
Admission = Literal[
    "shutting_down", "duplicate", "busy", "queued", "coalesced", "refresh_after_current"
]


@dataclass(frozen=True)
class ReceiverStats:
    """Counters of one `Receiver` (a snapshot: `receiver.stats`)."""

    deliveries: int = 0
    """POST requests answered (any status)."""
    accepted: int = 0
    """Incident deliveries accepted for collection (202), including coalesced ones."""
    coalesced: int = 0
    """Accepted deliveries merged into a collection already queued or running."""
    duplicates: int = 0
    """Repeated deliveries answered 200 "duplicate"."""
    ignored: int = 0
    """Events that warrant no bundle (monitor, on-call, ..., or no incident id)."""
    rejected: int = 0
    """Deliveries answered 4xx/5xx (secret, size, body, busy)."""
    collections: int = 0
    """Collections started (calls of `client.bundle`)."""
    succeeded: int = 0
    failed: int = 0
    """Collections that raised (recorded in error.txt)."""
    unfinished: int = 0
    """Collections not finished when `stop()`'s grace period ended (recorded in error.txt)."""
    discarded: int = 0
    """Results that arrived after the grace period and were thrown away."""


@dataclass
class Job:
    incident_id: str
    action: str
    state: str = "queued"  # queued -> running -> writing -> (queued again | gone)
    rerun: bool = False
    """A newer delivery arrived while running: collect again afterwards."""


class JobBoard:
    """Shared by the HTTP threads and the workers. Hold `lock` (or `changed`, its condition,
    notified whenever a job changes state) to read or change anything here."""

    def __init__(self, *, dedupe_ttl: float, max_pending: int) -> None:
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.jobs: dict[str, Job] = {}
        self.seen: OrderedDict[str, float] = OrderedDict()
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.stats = ReceiverStats()
        self.accepting = False
        self.abandoned = False
        self._dedupe_ttl = dedupe_ttl
        self._max_pending = max_pending

    def count(self, **increments: int) -> None:
        """Add to the counters of `stats` (the caller holds `lock`)."""
        stats = self.stats
        self.stats = replace(
            stats, **{name: getattr(stats, name) + n for name, n in increments.items()}
        )

    def admit(self, incident_id: str, action: str, key: str) -> Admission:
        """Queue a collection of `incident_id` for a delivery whose `delivery_key()` is `key`,
        or merge it into the one already queued or running; refuse it when stopping, when
        the same key was seen within the dedupe TTL, or when too many are pending."""
        with self.lock:
            if not self.accepting:
                return "shutting_down"
            now = time.monotonic()
            while self.seen and next(iter(self.seen.values())) <= now:
                self.seen.popitem(last=False)
            if key in self.seen:
                self.count(duplicates=1)
                return "duplicate"
            job = self.jobs.get(incident_id)
            if job is None and len(self.jobs) >= self._max_pending:
                return "busy"
            self.seen[key] = now + self._dedupe_ttl
            while len(self.seen) > _MAX_DEDUPE_KEYS:
                self.seen.popitem(last=False)
            admission: Admission
            if job is None:
                self.jobs[incident_id] = Job(incident_id, action)
                self.queue.put(incident_id)
                admission = "queued"
            else:
                job.action = action
                if job.state == "queued":
                    admission = "coalesced"  # the queued collection will see it
                else:
                    job.rerun = True
                    admission = "refresh_after_current"
            self.count(accepted=1, coalesced=0 if job is None else 1)
            return admission
