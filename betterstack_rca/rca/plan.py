"""The plan of one collection: which sources to ask, and what each one waits for.

Every source that depends only on the incident starts at once (level 1); a source that needs
another one's answer awaits it (the group needs the monitor, the severities the policy...).
Each source is spawned on the `TaskBoard`; `Skip` says a source does not apply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any

from betterstack_rca.models import (
    EscalationStep,
    Heartbeat,
    Incident,
    Monitor,
    MonitorGroup,
    OnCallCalendar,
    Policy,
    Severity,
    StatusReport,
)
from betterstack_rca.rca.bundle import StatusPageContext, Window
from betterstack_rca.rca.tasks import Api, Skip, TaskBoard

#: The API keeps response times for the last 24 hours only.
RESPONSE_TIMES_SPAN = timedelta(hours=24)
#: Other monitors failing this close to the start are fetched (the shared-dependency rule
#: looks this far).
NEAR_SPAN = timedelta(minutes=10)


def plan(board: TaskBoard, api: Api, incident: Incident, window: Window) -> None:
    """Spawn every wanted source of this incident's bundle."""
    _Plan(board, api, incident, window).spawn()


class _Plan:
    """One incident's sources, by family; each method spawns its family's tasks."""

    def __init__(self, board: TaskBoard, api: Api, incident: Incident, window: Window) -> None:
        self.board = board
        self.api = api
        self.incident = incident
        self.window = window
        self.start = incident.started_at or board.now
        self.monitor_level = 0 if incident.monitor is not None else 1

    def spawn(self) -> None:
        self.own_sources()
        self.neighbourhood()
        self.responders()
        if self.board.wants("status_pages"):
            self.status_pages()
        if self.board.wants("routing"):
            self.routing()
        if self.board.wants("metadata"):
            self.metadata()

    def own_sources(self) -> None:
        """The incident's own timeline and comments, its monitor or heartbeat and their figures."""
        board, api, incident, window = self.board, self.api, self.incident, self.window
        start, monitor_level = self.start, self.monitor_level
        if board.wants("timeline"):
            board.spawn("timeline", 1, lambda: api.incidents.timeline(incident.id))
        if board.wants("comments"):
            board.spawn("comments", 1, lambda: api.incidents.comments(incident.id))

        async def monitor() -> Monitor:
            if not incident.monitor_id:
                raise Skip("the incident was not raised by a monitor")
            if incident.monitor is not None:
                return incident.monitor
            return await api.monitors.get(incident.monitor_id)

        async def heartbeat() -> Heartbeat:
            if not incident.heartbeat_id:
                raise Skip("the incident was not raised by a heartbeat")
            return await api.heartbeats.get(incident.heartbeat_id)

        # the monitor is always needed by later sources; "monitor" only decides if it is kept
        board.spawn("monitor", monitor_level, monitor)
        board.spawn("heartbeat", 1, heartbeat)

        if board.wants("availability"):

            async def availability() -> Any:
                last_day = min(window.end, board.now)
                if incident.monitor_id:
                    return await api.monitors.sla(
                        incident.monitor_id, from_=window.start, to=last_day
                    )
                if incident.heartbeat_id:
                    return await api.heartbeats.availability(
                        incident.heartbeat_id, from_=window.start, to=last_day
                    )
                raise Skip("the incident names no monitor or heartbeat")

            board.spawn("availability", 1, availability)

        if board.wants("response_times"):

            async def response_times() -> Any:
                if not incident.monitor_id:
                    raise Skip("only monitors have response times")
                if board.now - start > RESPONSE_TIMES_SPAN:
                    raise Skip(
                        "the start is beyond the API's 24 h response-time horizon "
                        f"({(board.now - start).total_seconds() / 3600:.0f} h ago)"
                    )
                return await api.monitors.response_times(incident.monitor_id)

            board.spawn("response_times", 1, response_times)

    def neighbourhood(self) -> None:
        """Other incidents in the window, earlier ones of the same source, the monitor's group
        and the heartbeats of the other incidents."""
        board, api, incident, window = self.board, self.api, self.incident, self.window
        start, monitor_level = self.start, self.monitor_level
        opts = board.options
        if board.wants("related_incidents"):

            async def related() -> list[Incident]:
                cap = opts.max_related_incidents
                pager = api.incidents.list(from_=window.start, to=window.end, max_items=cap)
                found = await pager.to_list()
                board.note_cap("related incidents", len(found), cap)
                return [
                    i
                    for i in found
                    if i.id != incident.id
                    and i.started_at is not None
                    and window.start <= i.started_at <= window.end
                ]

            board.spawn("related_incidents", 1, related)

        if board.wants("history"):

            async def history() -> list[Incident]:
                cap = opts.max_history_incidents
                if incident.monitor_id:
                    pager = api.incidents.list(
                        monitor_id=incident.monitor_id,
                        from_=window.history_start,
                        to=start,
                        max_items=cap,
                    )
                elif incident.heartbeat_id:
                    pager = api.incidents.list(
                        heartbeat_id=incident.heartbeat_id,
                        from_=window.history_start,
                        to=start,
                        max_items=cap,
                    )
                else:
                    raise Skip("the incident names no monitor or heartbeat")
                found = await pager.to_list()
                board.note_cap("earlier incidents", len(found), cap)
                return [
                    i
                    for i in found
                    if i.id != incident.id
                    and i.started_at is not None
                    and window.history_start <= i.started_at < start
                ]

            board.spawn("history", 1, history)

        if board.wants("group"):

            async def group() -> tuple[MonitorGroup | None, list[Monitor]]:
                mon: Monitor | None = await board.result("monitor")
                if mon is None or not mon.monitor_group_id:
                    raise Skip("the monitor is in no group" if mon else "no monitor")
                gid = mon.monitor_group_id
                info, members = await asyncio.gather(
                    api.monitor_groups.get(gid),
                    api.monitor_groups.monitors(gid, max_items=opts.max_siblings).to_list(),
                )
                board.note_cap("group members", len(members), opts.max_siblings)
                return info, [m for m in members if m.id != mon.id]

            board.spawn("group", monitor_level + 1, group)

        if board.wants("related_heartbeats"):

            async def related_heartbeats() -> list[Heartbeat]:
                others: list[Incident] | None = await board.result("related_incidents")
                ids = _unique(
                    i.heartbeat_id
                    for i in others or []
                    if i.heartbeat_id and i.heartbeat_id != incident.heartbeat_id
                )
                if not ids:
                    raise Skip("no other heartbeat raised an incident in the window")
                chosen = ids[: opts.max_related_heartbeats]
                board.note_cap("related heartbeats", len(ids), opts.max_related_heartbeats + 1)
                return list(await asyncio.gather(*(api.heartbeats.get(h) for h in chosen)))

            board.spawn("related_heartbeats", 2, related_heartbeats)

        if board.wants("related_incidents"):

            async def related_monitors() -> list[Monitor]:
                others: list[Incident] | None = await board.result("related_incidents")
                group = await board.result("group") if board.wants("group") else None
                known = {m.id for m in group[1]} if group else set()
                near = [
                    i
                    for i in others or []
                    if i.monitor_id
                    and i.monitor_id != incident.monitor_id
                    and i.monitor_id not in known
                    and i.started_at is not None
                    and abs(i.started_at - start) <= NEAR_SPAN
                ]
                ids = _unique(i.monitor_id for i in near)
                if not ids:
                    raise Skip("no monitor outside the group failed near the start")
                cap = opts.max_related_monitors
                board.note_cap("related monitors", len(ids), cap + 1)
                return list(await asyncio.gather(*(api.monitors.get(m) for m in ids[:cap])))

            board.spawn("related_monitors", monitor_level + 2, related_monitors)

    def responders(self) -> None:
        """Who was paged: the escalation policy, its severities and every calendar its steps
        page (at the start: overrides win); the default calendar as the fallback."""
        board, api, incident = self.board, self.api, self.incident
        start, monitor_level = self.start, self.monitor_level
        opts = board.options
        wants_policy = board.wants("policy")
        policy_level = 1 if incident.escalation_policy_id else monitor_level + 1
        if board.wants("on_call"):
            # the fallback (no policy, or a step that pages "the current on-call person"
            # without naming a calendar); fetched at once so it never waits for the policy
            board.spawn("on_call", 1, lambda: api.on_call.get("default", at=start))

            async def events() -> Any:
                pol: Policy | None = await board.result("policy") if wants_policy else None
                ids = paged_calendar_ids(pol)
                return await api.on_call.events(ids[0] if ids else "default")

            board.spawn("on_call_events", policy_level + 1 if wants_policy else 1, events)

        if not wants_policy:
            return

        async def policy() -> Policy:
            pid: str | None = incident.escalation_policy_id
            if not pid:
                src: Monitor | Heartbeat | None = await board.result("monitor")
                if src is None:
                    src = await board.result("heartbeat")
                pid = getattr(src, "policy_id", None) if src is not None else None
            if not pid:
                raise Skip("no escalation policy: the monitor's own alert settings apply")
            return await api.policies.get(pid)

        board.spawn("policy", policy_level, policy)

        async def severities() -> list[Severity]:
            pol: Policy | None = await board.result("policy")
            ids = _unique(
                s.urgency_id
                for s in (pol.steps if pol else [])
                if isinstance(s, EscalationStep) and s.urgency_id
            )
            if not ids:
                raise Skip("the policy's steps name no severity")
            return list(await asyncio.gather(*(api.severities.get(u) for u in ids[:5])))

        board.spawn("severities", policy_level + 1, severities)

        async def policy_calendars() -> list[OnCallCalendar]:
            pol: Policy | None = await board.result("policy")
            ids = [c for c in paged_calendar_ids(pol) if c != "default"]
            if not ids:
                raise Skip("the policy pages no calendar by id")
            default: OnCallCalendar | None = (
                await board.result("on_call") if board.wants("on_call") else None
            )
            ids = [c for c in ids if default is None or c != default.id]
            cap = opts.max_calendars
            if len(ids) > cap:
                board.notes.append(
                    f"the policy pages {len(ids)} calendars; asked the first {cap} only."
                )
            if not ids[:cap]:
                raise Skip("the policy pages only the default calendar")
            return list(await asyncio.gather(*(api.on_call.get(c, at=start) for c in ids[:cap])))

        board.spawn("policy_calendars", policy_level + 1, policy_calendars)

    def status_pages(self) -> None:
        """The status pages that show the monitor (or its group, or the heartbeat) and their
        reports that overlap the window."""
        board, api, incident = self.board, self.api, self.incident
        monitor_level = self.monitor_level
        opts = board.options

        async def pages() -> list[StatusPageContext]:
            listed = await api.status_pages.list(max_items=opts.max_status_pages).to_list()
            board.note_cap("status pages", len(listed), opts.max_status_pages)
            mon: Monitor | None = await board.result("monitor")
            hb: Heartbeat | None = await board.result("heartbeat")
            wanted: set[tuple[str, str]] = set()
            if incident.monitor_id:
                wanted.add(("Monitor", incident.monitor_id))
            if mon is not None and mon.monitor_group_id:
                wanted.add(("MonitorGroup", mon.monitor_group_id))
            if incident.heartbeat_id:
                wanted.add(("Heartbeat", incident.heartbeat_id))
            if hb is not None and hb.heartbeat_group_id:
                wanted.add(("HeartbeatGroup", hb.heartbeat_group_id))
            if not wanted:
                raise Skip("the incident names no monitor or heartbeat")
            resources = await asyncio.gather(
                *(api.status_pages.resources(p.id).to_list() for p in listed)
            )
            covering = []
            for page, items in zip(listed, resources, strict=True):
                hits = [r for r in items if (str(r.resource_type), str(r.resource_id)) in wanted]
                if hits:
                    sections = {r.status_page_section_id for r in hits}
                    neighbours = [
                        r for r in items if r not in hits and r.status_page_section_id in sections
                    ]
                    covering.append(
                        StatusPageContext(page=page, resources=hits, section_resources=neighbours)
                    )
            await asyncio.gather(*(self.page_reports(ctx) for ctx in covering))
            # rounds after its start: pages, their resources, reports, and report details
            rounds = 2 + (1 if covering else 0) + (1 if any(c.reports for c in covering) else 0)
            board.levels["status_pages"] = start_level + rounds - 1
            return covering

        start_level = max(monitor_level, 1)
        board.spawn("status_pages", start_level, pages)

    async def page_reports(self, ctx: StatusPageContext) -> None:
        board, api, window = self.board, self.api, self.window
        cap = board.options.max_listed_reports
        reports = await api.status_pages.reports(ctx.page.id, max_items=cap).to_list()
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
            await asyncio.gather(*(api.status_pages.report(ctx.page.id, r.id) for r in relevant))
        )

    def routing(self) -> None:
        """Where Better Stack sends the incident: outgoing webhooks, email and incoming
        integrations."""
        board, api = self.board, self.api
        cap = board.options.max_integrations

        def listing(name: str, pager: Any) -> Callable[[], Awaitable[Any]]:
            async def run() -> Any:
                items = await pager.to_list()
                board.note_cap(name.replace("_", " "), len(items), cap)
                return items

            return run

        board.spawn(
            "outgoing_webhooks",
            1,
            listing("outgoing_webhooks", api.outgoing_webhooks.list(max_items=cap)),
        )
        board.spawn(
            "email_integrations",
            1,
            listing("email_integrations", api.email_integrations.list(max_items=cap)),
        )
        board.spawn(
            "incoming_webhooks",
            1,
            listing("incoming_webhooks", api.incoming_webhooks.list(max_items=cap)),
        )

    def metadata(self) -> None:
        """The metadata of the incident and of its monitor or heartbeat."""
        board, api, incident = self.board, self.api, self.incident
        board.spawn(
            "incident_metadata",
            1,
            lambda: api.metadata.list(owner_type="Incident", owner_id=incident.id).to_list(),
        )
        if incident.monitor_id or incident.heartbeat_id:
            owner = "Monitor" if incident.monitor_id else "Heartbeat"
            owner_id = incident.monitor_id or incident.heartbeat_id
            board.spawn(
                "source_metadata",
                1,
                lambda: api.metadata.list(owner_type=owner, owner_id=owner_id).to_list(),
            )


def _unique(values: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(str(v), None)
    return list(seen)


def paged_calendar_ids(policy: Policy | None) -> list[str]:
    """The calendars a policy's escalation steps page, in step order: a ``current_on_call``
    member's ``id`` is the calendar (Terraform provider docs); one without an id pages the
    default calendar (``"default"``)."""
    out: dict[str, None] = {}
    for step in policy.steps if policy else []:
        if not isinstance(step, EscalationStep):
            continue
        for member in step.step_members:
            if str(member.type) == "current_on_call":
                out.setdefault(str(member.id) if member.id else "default", None)
    return list(out)


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
