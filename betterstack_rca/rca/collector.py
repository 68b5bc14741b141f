"""Collect one incident's neighbourhood: concurrently, frugally, with a deadline.

The incident goes first, and with it every read that needs no answer of it (the status
pages, the routing lists, the incident's timeline, comments and metadata; after it with
`eager=False`); once it has arrived, every source that depends only on it starts; then what
depends on those (`plan.py`, `sources.py`). Each source
is a task (`tasks.py`) whose requests take turns by priority, the longest chain first; a
source that fails becomes a gap, and only the incident itself failing fails the call. The
answers become the bundle in `assemble.py`. Requests grow with the incident's
neighbourhood (its group, its policy, the pages that show it), never with the size of the
account.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from betterstack_rca._core.run import within
from betterstack_rca._core.transport import track_requests
from betterstack_rca.errors import APITimeoutError
from betterstack_rca.models import Incident
from betterstack_rca.rca.assemble import assemble
from betterstack_rca.rca.bundle import IncidentBundle, Stats, Window
from betterstack_rca.rca.options import BundleOptions
from betterstack_rca.rca.plan import P_INCIDENT, P_STATUS_PAGES, Plan
from betterstack_rca.rca.redact import redact_bundle
from betterstack_rca.rca.tasks import Api, TaskBoard
from betterstack_rca.resources import parse_id


def _window(incident: Incident, options: BundleOptions, now: datetime) -> Window:
    start = incident.started_at or now
    if options.window_after is not None:
        end = start + options.window_after
    elif incident.resolved_at is not None:
        end = max(incident.resolved_at, start + options.min_after)
    else:
        end = max(start + options.min_after, min(now, start + options.max_open_after))
    return Window(
        start=start - options.window_before, end=end, history_start=start - options.history
    )


class Collector:
    """One bundle collection. Use `collect()`."""

    def __init__(self, api: Api, options: BundleOptions) -> None:
        self.api = api
        self.options = options
        self.now = options.now or datetime.now(timezone.utc)
        # the client's own max_concurrency: the board hands out as many slots, by priority
        executor = getattr(api, "_executor", None)
        self.board = TaskBoard(
            options, self.now, getattr(executor, "concurrency", 8), urgent=P_STATUS_PAGES
        )

    async def collect(self, incident_id: str | int) -> IncidentBundle:
        incident_id = parse_id(incident_id, "incident")  # an id, or its Better Stack URL
        started = time.perf_counter()
        board = self.board
        with track_requests() as requests:
            fetch = asyncio.ensure_future(
                board.request(P_INCIDENT, self.api.incidents.get(incident_id))
            )
            plan = Plan(board, self.api, incident_id)
            if self.options.eager:
                plan.spawn_early()
            try:
                incident = await within(fetch, self.options.deadline)
            except BaseException as exc:
                plan.abandon()
                board.cancel()
                await asyncio.gather(*board.tasks.values(), return_exceptions=True)
                if isinstance(exc, asyncio.TimeoutError):
                    raise APITimeoutError(
                        f"the incident itself did not arrive within the "
                        f"{self.options.deadline:g} s deadline",
                        path=f"/api/v3/incidents/{incident_id}",
                    ) from None
                raise
            window = _window(incident, self.options, self.now)
            if not self.options.eager:
                plan.spawn_early(known=0)
            plan.spawn(incident, window)
            await board.settle(self.options.deadline - (time.perf_counter() - started))
            # redaction is part of the cost of a bundle: it runs inside the measured time
            bundle = redact_bundle(assemble(self.board, incident, window))
            bundle.stats = Stats(
                requests=requests.requests,
                retries=requests.retries,
                rate_limited=requests.rate_limited,
                wall_time=round(time.perf_counter() - started, 4),
                depth=self.board.depth(),
                max_in_flight=requests.max_in_flight,
                cache_hits=requests.cache_hits + requests.coalesced,
            )
        return bundle


async def collect(api: Api, incident_id: str | int, options: BundleOptions) -> IncidentBundle:
    """Collect the bundle of one incident (see module docstring)."""
    return await Collector(api, options).collect(incident_id)
