"""The plan of one collection: which sources to ask, what each one waits for, and in what
order its requests go.

Levels count rounds of requests after the incident's own round (level 0). What needs no
answer of the incident goes out with it at level 0 (unless `BundleOptions.eager` is off):
the status pages (the head of the longest chain: pages, their resources, the covering
pages' reports, each relevant report), the routing lists, and the incident's timeline,
comments and metadata, which need only its id. Once the incident is known, the sources that
need it (`sources.py`) start at level 1; a source that needs another one's answer awaits it
(the group needs the monitor, the severities the policy...). Each source is a task on the
`TaskBoard`, which counts the levels as the answers come; `Skip` says a source does not
apply.

Each request has a priority: the level at which the chain of requests waiting for it ends
(`P_*` below). With the client's `max_concurrency` slots, `TaskBoard.request` serves the
longest chain first and lets the leaves (availability, history, metadata...) fill the
rounds it leaves free, so a bundle takes as many round trips as its longest chain (or as
its requests need with that many slots).

No read is sent whose answer is already known: the monitor and the heartbeat that Better
Stack includes with the incident are used as they are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from betterstack_rca.models import (
    Heartbeat,
    Incident,
    Monitor,
    StatusPage,
    StatusReport,
)
from betterstack_rca.rca.bundle import StatusPageContext, Window
from betterstack_rca.rca.sources import IncidentSources
from betterstack_rca.rca.tasks import Api, Skip, TaskBoard

#: The incident itself goes first.
P_INCIDENT = 100
#: The status-page chain ends at level 3 (the report details).
P_STATUS_PAGES = 3


class Plan:
    """One incident's sources, by family: `spawn_early` before the incident has arrived,
    `spawn` once it has (each method spawns its family's tasks)."""

    def __init__(self, board: TaskBoard, api: Api, incident_id: str) -> None:
        self.board = board
        self.api = api
        self.incident_id = incident_id
        self._known: asyncio.Future[tuple[Incident, Window]] = (
            asyncio.get_running_loop().create_future()
        )
        self._early = -1

    async def known(self) -> tuple[Incident, Window]:
        """The incident and its window, once it has arrived (its answer is level 0)."""
        known = await asyncio.shield(self._known)
        self.board.learned(0)
        return known

    # ------------------------------------------------------------------ level 0

    def spawn_early(self, known: int = -1) -> None:
        """What needs no answer of the incident: the status-page chain first (the longest),
        then the routing lists, the incident's timeline, comments and metadata. With the
        incident (`known` -1), or after it (0: `BundleOptions.eager` off)."""
        self._early = known
        board = self.board
        if board.wants("status_pages"):
            self.status_pages()
        if board.wants("routing"):
            self.routing()
        self.own_records()
        if board.wants("metadata"):
            incident_id = self.incident_id
            board.spawn(
                "incident_metadata",
                lambda: board.request(
                    0,
                    self.api.metadata.list(owner_type="Incident", owner_id=incident_id).to_list(),
                ),
                known=self._early,
            )

    def own_records(self) -> None:
        """The incident's timeline and comments (they need only its id)."""
        board, api, incident_id = self.board, self.api, self.incident_id
        if board.wants("timeline"):
            board.spawn(
                "timeline",
                lambda: board.request(0, api.incidents.timeline(incident_id)),
                known=self._early,
            )
        if board.wants("comments"):
            # not skipped when the timeline shows no comment: nothing documents that every
            # comment (one posted through the API, say) is a timeline item
            board.spawn(
                "comments",
                lambda: board.request(0, api.incidents.comments(incident_id)),
                known=self._early,
            )

    def status_pages(self) -> None:
        """The status pages that show the monitor (or its group, or the heartbeat) and their
        reports that overlap the window: pages (level 0), each page's resources (1), each
        covering page's reports (2) and each relevant report with its updates (3), page by
        page (one page's reports do not wait for another page's resources)."""
        board, api = self.board, self.api
        opts = board.options

        async def pages() -> list[StatusPageContext]:
            listed = await board.request(
                P_STATUS_PAGES, api.status_pages.list(max_items=opts.max_status_pages).to_list()
            )
            board.note_cap("status pages", len(listed), opts.max_status_pages)
            incident, _ = await self.known()
            if not (incident.monitor_id or incident.heartbeat_id):
                raise Skip("the incident names no monitor or heartbeat")
            found = await asyncio.gather(*(self.page(p) for p in listed))
            return [ctx for ctx in found if ctx is not None]

        board.spawn("status_pages", pages, known=self._early)

    async def page(self, page: StatusPage) -> StatusPageContext | None:
        """One page: its resources, and when it shows the incident's source, its reports."""
        board, api = self.board, self.api
        items = await board.request(P_STATUS_PAGES, api.status_pages.resources(page.id).to_list())
        wanted = await self._shown_resources()
        hits = [r for r in items if (str(r.resource_type), str(r.resource_id)) in wanted]
        if not hits:
            return None
        sections = {r.status_page_section_id for r in hits}
        neighbours = [r for r in items if r not in hits and r.status_page_section_id in sections]
        ctx = StatusPageContext(page=page, resources=hits, section_resources=neighbours)
        await self.page_reports(ctx)
        return ctx

    async def _shown_resources(self) -> set[tuple[str, str]]:
        """The (resource_type, resource_id) pairs a page may show for this incident."""
        incident, _ = await self.known()
        mon: Monitor | None = await self.board.result("monitor")
        hb: Heartbeat | None = await self.board.result("heartbeat")
        wanted: set[tuple[str, str]] = set()
        if incident.monitor_id:
            wanted.add(("Monitor", str(incident.monitor_id)))
        if mon is not None and mon.monitor_group_id:
            wanted.add(("MonitorGroup", str(mon.monitor_group_id)))
        if incident.heartbeat_id:
            wanted.add(("Heartbeat", str(incident.heartbeat_id)))
        if hb is not None and hb.heartbeat_group_id:
            wanted.add(("HeartbeatGroup", str(hb.heartbeat_group_id)))
        return wanted

    async def page_reports(self, ctx: StatusPageContext) -> None:
        board, api = self.board, self.api
        _, window = await self.known()
        cap = board.options.max_listed_reports
        reports = await board.request(
            P_STATUS_PAGES, api.status_pages.reports(ctx.page.id, max_items=cap).to_list()
        )
        board.note_cap(f"status page {ctx.page.id} reports", len(reports), cap)
        resource_ids = {r.id for r in ctx.resources}
        relevant = [r for r in reports if _overlaps(r, window) and _affects(r, resource_ids)]
        relevant.sort(key=lambda r: r.starts_at or window.start)
        if len(relevant) > board.options.max_reports:
            board.notes.append(
                f"status page {ctx.page.id}: {len(relevant)} reports overlap the window; "
                f"kept the first {board.options.max_reports}."
            )
            relevant = relevant[: board.options.max_reports]
        ctx.reports = list(
            await asyncio.gather(
                *(
                    board.request(P_STATUS_PAGES, api.status_pages.report(ctx.page.id, r.id))
                    for r in relevant
                )
            )
        )

    def routing(self) -> None:
        """Where Better Stack sends the incident: outgoing webhooks, email and incoming
        integrations."""
        board, api = self.board, self.api
        cap = board.options.max_integrations

        def listing(name: str, pager: Any) -> Callable[[], Awaitable[Any]]:
            async def run() -> Any:
                items = await board.request(0, pager.to_list())
                board.note_cap(name.replace("_", " "), len(items), cap)
                return items

            return run

        board.spawn(
            "outgoing_webhooks",
            listing("outgoing_webhooks", api.outgoing_webhooks.list(max_items=cap)),
            known=self._early,
        )
        board.spawn(
            "email_integrations",
            listing("email_integrations", api.email_integrations.list(max_items=cap)),
            known=self._early,
        )
        board.spawn(
            "incoming_webhooks",
            listing("incoming_webhooks", api.incoming_webhooks.list(max_items=cap)),
            known=self._early,
        )

    # ------------------------------------------------------------------ level 1 and on

    def spawn(self, incident: Incident, window: Window) -> None:
        """The sources that need the incident's answer (it has arrived)."""
        IncidentSources(self.board, self.api, incident, window).spawn()
        self._known.set_result((incident, window))

    def abandon(self) -> None:
        """The incident did not arrive: nothing waits for it any more."""
        if not self._known.done():
            self._known.cancel()


def _overlaps(report: StatusReport, window: Window) -> bool:
    if report.starts_at is None:
        return False
    if report.starts_at > window.end:
        return False
    if report.ends_at is not None:
        return report.ends_at >= window.start
    return report.starts_at >= window.start


def _affects(report: StatusReport, resource_ids: set[str]) -> bool:
    affected = {str(a.status_page_resource_id) for a in report.affected_resources or []}
    return not affected or bool(affected & resource_ids)
