"""The task board of one collection: every source is a task, and a source that fails becomes
a gap instead of failing the bundle."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from betterstack_rca._core.endpoints import AsyncExecutor
from betterstack_rca.errors import APIStatusError, BetterStackError
from betterstack_rca.rca.bundle import Gap
from betterstack_rca.rca.options import BundleOptions
from betterstack_rca.resources import ResourceSet

T = TypeVar("T")
Api = ResourceSet[AsyncExecutor]


class Skip(Exception):
    """A source that does not apply to this incident (no monitor, no policy...)."""


class TaskBoard:
    """The sources of one collection: their tasks, dependency levels, gaps and notes."""

    def __init__(self, options: BundleOptions, now: datetime) -> None:
        self.options = options
        self.now = now
        self.tasks: dict[str, asyncio.Task[Any]] = {}
        self.levels: dict[str, int] = {}
        self.gaps: list[Gap] = []
        self.notes: list[str] = []
        self.finished: set[str] = set()
        self.skipped: dict[str, str] = {}
        """Sources that did not apply, and why (they become skipped source checks)."""

    def wants(self, source: str) -> bool:
        return source in self.options.sources

    def spawn(
        self, name: str, level: int, work: Callable[[], Awaitable[T]]
    ) -> asyncio.Task[T | None]:
        async def run() -> T | None:
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
            self.finished.add(name)
            return result

        task: asyncio.Task[T | None] = asyncio.ensure_future(run())
        self.tasks[name] = task
        self.levels[name] = level
        return task

    def gap(self, source: str, exc: BetterStackError) -> None:
        status = exc.status_code if isinstance(exc, APIStatusError) else None
        self.gaps.append(
            Gap(source=source, error=type(exc).__name__, message=str(exc), status_code=status)
        )

    def note_cap(self, what: str, got: int, cap: int) -> None:
        if cap and got >= cap:
            self.notes.append(f"{what}: stopped at the cap of {cap}; there may be more.")

    async def result(self, name: str) -> Any:
        task = self.tasks.get(name)
        return None if task is None else await task

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
        """Rounds of requests: the incident itself, then the deepest source that finished."""
        return 1 + max((self.levels[n] for n in self.finished), default=0)
