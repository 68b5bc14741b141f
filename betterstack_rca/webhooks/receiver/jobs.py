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
    "shutting_down",
    "duplicate",
    "recent",
    "busy",
    "busy_sender",
    "queued",
    "coalesced",
    "refresh_after_current",
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
    """Repeated deliveries answered 200 "duplicate" (the same delivery again, or the same
    incident and action as a collection that finished within the refresh interval)."""
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
    unknown: int = 0
    """Collections of an incident the API does not know (404): nothing written."""


@dataclass
class Job:
    incident_id: str
    action: str
    state: str = "queued"  # queued -> running -> writing -> (queued again | gone)
    rerun: bool = False
    """A newer delivery arrived while running: collect again afterwards."""
    sender: str = "-"
    """Who asked for it (the client address): each sender has a bound of pending jobs."""


class JobBoard:
    """Shared by the HTTP threads and the workers. Hold `lock` (or `changed`, its condition,
    notified whenever a job changes state) to read or change anything here."""

    def __init__(
        self,
        *,
        dedupe_ttl: float,
        max_pending: int,
        max_pending_per_sender: int | None = None,
        refresh_interval: float = 0.0,
    ) -> None:
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
        self._max_per_sender = max_pending_per_sender or max_pending
        self._refresh_interval = refresh_interval
        self.per_sender: dict[str, int] = {}
        #: (incident id, action) -> until when a finished collection answers repeats
        self.recent: OrderedDict[tuple[str, str], float] = OrderedDict()

    def count(self, **increments: int) -> None:
        """Add to the counters of `stats` (the caller holds `lock`)."""
        stats = self.stats
        self.stats = replace(
            stats, **{name: getattr(stats, name) + n for name, n in increments.items()}
        )

    def drop(self, incident_id: str, *, finished: bool = False) -> None:
        """Take a job off the board (the caller holds `lock`); a `finished` collection
        answers repeats of its incident and action for the refresh interval."""
        job = self.jobs.pop(incident_id, None)
        if job is None:
            return
        left = self.per_sender.get(job.sender, 0) - 1
        if left > 0:
            self.per_sender[job.sender] = left
        else:
            self.per_sender.pop(job.sender, None)
        if finished and self._refresh_interval > 0:
            key = (incident_id, job.action)
            self.recent.pop(key, None)
            self.recent[key] = time.monotonic() + self._refresh_interval
            while len(self.recent) > _MAX_DEDUPE_KEYS:
                self.recent.popitem(last=False)

    def admit(self, incident_id: str, action: str, key: str, sender: str = "-") -> Admission:
        """Queue a collection of `incident_id` for a delivery whose `delivery_key()` is `key`,
        or merge it into the one already queued or running; refuse it when stopping, when
        the same key was seen within the dedupe TTL or the same incident and action were
        collected within the refresh interval, when too many are pending, or when this
        sender has too many pending."""
        with self.lock:
            if not self.accepting:
                return "shutting_down"
            now = time.monotonic()
            while self.seen and next(iter(self.seen.values())) <= now:
                self.seen.popitem(last=False)
            while self.recent and next(iter(self.recent.values())) <= now:
                self.recent.popitem(last=False)
            if key in self.seen:
                self.count(duplicates=1)
                return "duplicate"
            job = self.jobs.get(incident_id)
            if job is None and (incident_id, action) in self.recent:
                self.count(duplicates=1)
                return "recent"
            if job is None and len(self.jobs) >= self._max_pending:
                return "busy"
            if job is None and self.per_sender.get(sender, 0) >= self._max_per_sender:
                return "busy_sender"
            self.seen[key] = now + self._dedupe_ttl
            while len(self.seen) > _MAX_DEDUPE_KEYS:
                self.seen.popitem(last=False)
            admission: Admission
            if job is None:
                self.jobs[incident_id] = Job(incident_id, action, sender=sender)
                self.per_sender[sender] = self.per_sender.get(sender, 0) + 1
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
