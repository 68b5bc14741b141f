"""The task board of one collection: every source is a task, and a source that fails becomes
a gap instead of failing the bundle. Its requests take turns by priority (`Slots`)."""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import inspect
import itertools
import math
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from betterstack_rca._core.endpoints import AsyncExecutor
from betterstack_rca._core.transport import track_requests
from betterstack_rca.errors import APIStatusError, BetterStackError
from betterstack_rca.rca.bundle import Gap
from betterstack_rca.rca.options import BundleOptions
from betterstack_rca.resources import ResourceSet

T = TypeVar("T")
Api = ResourceSet[AsyncExecutor]


#: The collection's tasks in the order of their source checks (`assemble.source_checks`),
#: whatever order the plan spawns them in.
TASK_ORDER: tuple[str, ...] = (
    "timeline",
    "comments",
    "monitor",
    "heartbeat",
    "availability",
    "response_times",
    "related_incidents",
    "history",
    "group",
    "related_heartbeats",
    "related_monitors",
    "on_call",
    "on_call_events",
    "policy",
    "severities",
    "policy_calendars",
    "status_pages",
    "outgoing_webhooks",
    "email_integrations",
    "incoming_webhooks",
    "incident_metadata",
    "source_metadata",
)


class Skip(Exception):
    """A source that does not apply to this incident (no monitor, no policy...)."""


class Slots:
    """At most `size` requests of one collection at a time, handed out by priority.

    A request's priority is the level at which the chain of requests that waits for it ends
    (`plan.py`): the status-page chain goes before the responders, which go before a leaf
    such as the availability, so that the leaves fill the rounds of the longest chain
    instead of delaying it. A request of the longest chain (priority `urgent` or more)
    takes a free slot at once; any other waits `TURNS` event-loop turns and is then served
    by priority among all that wait: within those turns the task whose answer just arrived,
    and the tasks that waited for that answer, ask for their next requests, so a leaf that
    asked first does not take the slot a longer chain's request is about to ask for.
    `size` is the client's own `max_concurrency`, so its own limit never reorders them.
    """

    TURNS = 8
    """A finished request's successors ask within a few loop turns (its own task; a task
    awaiting it through `board.result`; a `gather` of those). Three are enough for every
    sandbox scenario and fewer are not (`tests/rca/test_plan.py` fails); eight leave a
    margin. Each turn can hold the parsing of answers that came meanwhile, so it costs."""

    def __init__(self, size: int, urgent: int) -> None:
        self.size = max(1, size)
        self.urgent = urgent
        self.busy = 0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def take(self, priority: int) -> None:
        """Wait for a slot (give it back with `give`)."""
        if priority >= self.urgent and self.busy < self.size:
            self.busy += 1
            return
        slot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (-priority, next(self._order), slot))
        self._hand_out_later()
        try:
            await slot
        except asyncio.CancelledError:
            if slot.done() and not slot.cancelled():  # handed over, then cancelled
                self.give()
            raise

    def give(self) -> None:
        self.busy -= 1
        while self._waiting and self._waiting[0][2].done():
            heapq.heappop(self._waiting)
        if self._waiting and -self._waiting[0][0] >= self.urgent:
            self._hand_out_later(0)  # the longest chain's next request: no need to wait
        elif self._waiting:
            self._hand_out_later()

    def _hand_out_later(self, turns: int = TURNS) -> None:
        if turns > 0:
            asyncio.get_running_loop().call_soon(self._hand_out_later, turns - 1)
            return
        while self._waiting and self.busy < self.size:
            _, _, slot = heapq.heappop(self._waiting)
            if not slot.done():  # a cancelled waiter leaves its entry behind
                self.busy += 1
                slot.set_result(None)
        while self._waiting and self._waiting[0][2].done():
            heapq.heappop(self._waiting)


#: The level of the latest answer the running code has waited for (-1: none, not even the
#: incident's); its next request goes out one level later.
_known: contextvars.ContextVar[int] = contextvars.ContextVar("known_level", default=-1)
#: The task (source) the running code belongs to.
_source: contextvars.ContextVar[str | None] = contextvars.ContextVar("source", default=None)


class TaskBoard:
    """The sources of one collection: their tasks, dependency levels, gaps and notes."""

    def __init__(
        self, options: BundleOptions, now: datetime, concurrency: int = 8, urgent: int = 3
    ) -> None:
        self.options = options
        self.now = now
        self.slots = Slots(concurrency, urgent)
        """The requests' turns; `urgent`: the priority of the longest chain's requests."""
        self.tasks: dict[str, asyncio.Task[Any]] = {}
        self.levels: dict[str, int] = {}
        """The level of each task's answer: the incident's own request is level 0, a
        request that waited for level-n answers is level n + 1 (a listing of several pages
        spans its fan-out's rounds), and a task's level is its last answer's (`depth`)."""
        self.gaps: list[Gap] = []
        self.notes: list[str] = []
        self.finished: set[str] = set()
        self.skipped: dict[str, str] = {}
        """Sources that did not apply, and why (they become skipped source checks)."""

    def wants(self, source: str) -> bool:
        return source in self.options.sources

    def spawn(
        self, name: str, work: Callable[[], Awaitable[T]], *, known: int = 0
    ) -> asyncio.Task[T | None]:
        """Run a source as a task; `known` is the level of what it knows when it starts
        (0: the incident; -1: nothing yet, its first request goes out with the incident)."""

        async def run() -> T | None:
            _source.set(name)
            _known.set(known)
            try:
                result = await work()
            except Skip as exc:
                self.skipped[name] = str(exc) or "does not apply to this incident"
                return None
            except BetterStackError as exc:
                self.gap(name, exc)
                return None
            except ValueError as exc:  # a malformed value found while planning a request
                self.gaps.append(Gap(source=name, error=type(exc).__name__, message=str(exc)))
                return None
            finally:
                self.levels[name] = max(self.levels.get(name, known), _known.get())
            self.finished.add(name)
            return result

        task: asyncio.Task[T | None] = asyncio.ensure_future(run())
        self.tasks[name] = task
        return task

    async def request(self, priority: int, call: Awaitable[T]) -> T:
        """Send one request (an api call, or a listing's `to_list()`) in its turn."""
        try:
            await self.slots.take(priority)
        except BaseException:
            if inspect.iscoroutine(call):
                call.close()  # never started: no "never awaited" warning
            raise
        level = _known.get() + 1
        try:
            with track_requests() as sent:
                return await call
        finally:
            self.slots.give()
            # pages 2..n of a listing go out together once the first announces the last
            pages = sent.requests - sent.retries
            if pages > 1:
                level += math.ceil((pages - 1) / self.slots.size)
            self.learned(level)

    def learned(self, level: int) -> None:
        """The running code now knows an answer of this level."""
        if level > _known.get():
            _known.set(level)
        name = _source.get()
        if name is not None and level > self.levels.get(name, -1):
            self.levels[name] = level

    def cancel(self) -> None:
        """Stop every task (the incident itself failed: there is no bundle)."""
        for task in self.tasks.values():
            task.cancel()

    def gap(self, source: str, exc: BetterStackError) -> None:
        status = exc.status_code if isinstance(exc, APIStatusError) else None
        self.gaps.append(
            Gap(source=source, error=type(exc).__name__, message=str(exc), status_code=status)
        )

    def note_cap(self, what: str, got: int, cap: int) -> None:
        if cap and got >= cap:
            self.notes.append(f"{what}: stopped at the cap of {cap}; there may be more.")

    async def result(self, name: str) -> Any:
        """A task's result (None when it did not run, failed or did not apply); what waits
        for it now knows an answer of its level."""
        task = self.tasks.get(name)
        if task is None:
            return None
        value = await task
        self.learned(self.levels.get(name, 0))
        return value

    def done(self, name: str) -> Any:
        task = self.tasks.get(name)
        if task is None or not task.done() or task.cancelled():
            return None
        return task.result()

    async def settle(self, remaining: float) -> None:
        """Wait up to `remaining` seconds; what is still running then is cancelled (a gap)."""
        pending: set[asyncio.Task[Any]] = set()
        if self.tasks:
            _, pending = await asyncio.wait(set(self.tasks.values()), timeout=max(0.0, remaining))
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        for name, task in self.tasks.items():
            if task in pending:
                self.gaps.append(
                    Gap(
                        source=name,
                        error="DeadlineExceeded",
                        message=f"not finished within the {self.options.deadline:g} s deadline",
                    )
                )

    def depth(self) -> int:
        """Rounds of requests: the incident's own (level 0), then one per level up to the
        deepest source that finished."""
        return 1 + max(0, *(self.levels[n] for n in self.finished))
