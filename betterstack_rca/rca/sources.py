"""The sources of a bundle that need the incident's answer (`plan.py` spawns them once it
has arrived): its monitor or heartbeat and their figures, the neighbourhood (other
incidents, earlier ones, the group, their heartbeats and monitors), the responders and the
source's metadata.

A request's priority (the first argument of `board.request`) is the level at which the
chain of requests waiting for it ends: 1 for a leaf asked once the incident is known, 2 for
what the responders or the related heartbeats wait for, one more when it waits for a
monitor that did not come with the incident.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
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
)
from betterstack_rca.rca.bundle import Window
from betterstack_rca.rca.tasks import Api, Skip, TaskBoard

#: The API keeps response times for the last 24 hours only.
RESPONSE_TIMES_SPAN = timedelta(hours=24)
#: Other monitors failing this close to the start are fetched (the shared-dependency rule
#: looks this far).
NEAR_SPAN = timedelta(minutes=10)


class IncidentSources:
    """The sources that need the incident, by family; each method spawns its family's tasks."""

    def __init__(self, board: TaskBoard, api: Api, incident: Incident, window: Window) -> None:
        self.board = board
        self.api = api
        self.incident = incident
        self.window = window
        self.start = incident.started_at or board.now
        # the level of the monitor's (heartbeat's) answer: 0 when it came with the incident
        # or when there is none to ask for
        self.monitor_level = 1 if incident.monitor_id and incident.monitor is None else 0
        self.heartbeat_level = 1 if incident.heartbeat_id and incident.heartbeat is None else 0

    def spawn(self) -> None:
        self.own_sources()
        self.neighbourhood()
        self.responders()
        if self.board.wants("metadata"):
            self.source_metadata()

    def own_sources(self) -> None:
        """The incident's monitor or heartbeat and their figures."""
        board, api, incident, window = self.board, self.api, self.incident, self.window
        start = self.start

        async def monitor() -> Monitor:
            if not incident.monitor_id:
                raise Skip("the incident was not raised by a monitor")
            if incident.monitor is not None:
                return incident.monitor
            # the group and the policy wait for it: their chains end two levels later
            return await board.request(3, api.monitors.get(incident.monitor_id))

        async def heartbeat() -> Heartbeat:
            if not incident.heartbeat_id:
                raise Skip("the incident was not raised by a heartbeat")
            if incident.heartbeat is not None:
                return incident.heartbeat
            return await board.request(3, api.heartbeats.get(incident.heartbeat_id))

        # the monitor is always needed by later sources; "monitor" only decides if it is kept
        board.spawn("monitor", monitor)
        board.spawn("heartbeat", heartbeat)

        if board.wants("availability"):

            async def availability() -> Any:
                last_day = min(window.end, board.now)
                if incident.monitor_id:
                    return await board.request(
                        1, api.monitors.sla(incident.monitor_id, from_=window.start, to=last_day)
                    )
                if incident.heartbeat_id:
                    return await board.request(
                        1,
                        api.heartbeats.availability(
                            incident.heartbeat_id, from_=window.start, to=last_day
                        ),
                    )
                raise Skip("the incident names no monitor or heartbeat")

            board.spawn("availability", availability)

        if board.wants("response_times"):

            async def response_times() -> Any:
                if not incident.monitor_id:
                    raise Skip("only monitors have response times")
                if board.now - start > RESPONSE_TIMES_SPAN:
                    raise Skip(
                        "the start is beyond the API's 24 h response-time horizon "
                        f"({(board.now - start).total_seconds() / 3600:.0f} h ago)"
                    )
                return await board.request(1, api.monitors.response_times(incident.monitor_id))

            board.spawn("response_times", response_times)

    def neighbourhood(self) -> None:
        """Other incidents in the window, earlier ones of the same source, the monitor's group
        and the heartbeats and monitors of the other incidents."""
        board, api, incident, window = self.board, self.api, self.incident, self.window
        start, monitor_level = self.start, self.monitor_level
        opts = board.options
        group_level = monitor_level + 1
        # the monitors of other incidents wait for the related incidents and the group
        related_level = max(2, group_level + 1) if board.wants("group") else 2
        if board.wants("related_incidents"):

            async def related() -> list[Incident]:
                cap = opts.max_related_incidents
                pager = api.incidents.list(from_=window.start, to=window.end, max_items=cap)
                found = await board.request(related_level, pager.to_list())
                board.note_cap("related incidents", len(found), cap)
                return [
                    i
                    for i in found
                    if i.id != incident.id
                    and i.started_at is not None
                    and window.start <= i.started_at <= window.end
                ]

            board.spawn("related_incidents", related)

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
                found = await board.request(1, pager.to_list())
                board.note_cap("earlier incidents", len(found), cap)
                return [
                    i
                    for i in found
                    if i.id != incident.id
                    and i.started_at is not None
                    and window.history_start <= i.started_at < start
                ]

            board.spawn("history", history)

        if board.wants("group"):

            async def group() -> tuple[MonitorGroup | None, list[Monitor]]:
                mon: Monitor | None = await board.result("monitor")
                if mon is None or not mon.monitor_group_id:
                    raise Skip("the monitor is in no group" if mon else "no monitor")
                gid = mon.monitor_group_id
                # related_monitors waits for the members: their chain ends a level later
                info, members = await asyncio.gather(
                    board.request(group_level + 1, api.monitor_groups.get(gid)),
                    board.request(
                        group_level + 1,
                        api.monitor_groups.monitors(gid, max_items=opts.max_siblings).to_list(),
                    ),
                )
                board.note_cap("group members", len(members), opts.max_siblings)
                return info, [m for m in members if m.id != mon.id]

            board.spawn("group", group)

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
                return list(
                    await asyncio.gather(*(board.request(2, api.heartbeats.get(h)) for h in chosen))
                )

            board.spawn("related_heartbeats", related_heartbeats)

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
                return list(
                    await asyncio.gather(
                        *(board.request(related_level, api.monitors.get(m)) for m in ids[:cap])
                    )
                )

            board.spawn("related_monitors", related_monitors)

    def responders(self) -> None:
        """Who was paged: the escalation policy, its severities and every calendar its steps
        page (at the start: overrides win); the default calendar as the fallback."""
        board, api, incident = self.board, self.api, self.incident
        start = self.start
        opts = board.options
        wants_policy = board.wants("policy")
        if incident.escalation_policy_id:
            policy_level = 1
        elif incident.monitor_id:
            policy_level = self.monitor_level + 1
        else:
            policy_level = self.heartbeat_level + 1
        # what waits for the policy ends a level after it
        after_policy = policy_level + 1
        if board.wants("on_call"):
            # the fallback (no policy, or a step that pages "the current on-call person"
            # without naming a calendar); fetched at once so it never waits for the policy;
            # policy_calendars waits for it (the default calendar is not asked twice)
            board.spawn(
                "on_call",
                lambda: board.request(after_policy, api.on_call.get("default", at=start)),
            )

            async def events() -> Any:
                pol: Policy | None = await board.result("policy") if wants_policy else None
                ids = paged_calendar_ids(pol)
                return await board.request(
                    after_policy, api.on_call.events(ids[0] if ids else "default")
                )

            board.spawn("on_call_events", events)

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
            return await board.request(after_policy, api.policies.get(pid))

        board.spawn("policy", policy)

        async def severities() -> list[Severity]:
            pol: Policy | None = await board.result("policy")
            ids = _unique(
                s.urgency_id
                for s in (pol.steps if pol else [])
                if isinstance(s, EscalationStep) and s.urgency_id
            )
            if not ids:
                raise Skip("the policy's steps name no severity")
            return list(
                await asyncio.gather(
                    *(board.request(after_policy, api.severities.get(u)) for u in ids[:5])
                )
            )

        board.spawn("severities", severities)

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
            return list(
                await asyncio.gather(
                    *(board.request(after_policy, api.on_call.get(c, at=start)) for c in ids[:cap])
                )
            )

        board.spawn("policy_calendars", policy_calendars)

    def source_metadata(self) -> None:
        """The metadata of the incident's monitor or heartbeat (the incident's own goes out
        with the incident, `Plan.spawn_early`)."""
        board, api, incident = self.board, self.api, self.incident
        if incident.monitor_id or incident.heartbeat_id:
            owner = "Monitor" if incident.monitor_id else "Heartbeat"
            owner_id = incident.monitor_id or incident.heartbeat_id
            board.spawn(
                "source_metadata",
                lambda: board.request(
                    1, api.metadata.list(owner_type=owner, owner_id=owner_id).to_list()
                ),
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
