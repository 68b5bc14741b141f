"""Collect one incident's neighbourhood: concurrently, frugally, with a deadline.

The incident comes first; then every source that depends only on it starts at once; then
what depends on those. Each source is a task; a source that fails becomes a gap, and only
the incident itself failing fails the call. Requests grow with the incident's neighbourhood
(its group, its policy, the pages that show it), never with the size of the account.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from betterstack_rca._core.endpoints import AsyncExecutor
from betterstack_rca._core.transport import track_requests
from betterstack_rca.errors import APIStatusError, APITimeoutError, BetterStackError
from betterstack_rca.models import (
    EscalationStep,
    Heartbeat,
    Incident,
    IncidentComment,
    Monitor,
    MonitorGroup,
    MonitorResponseTimes,
    OnCallCalendar,
    OnCallEvent,
    Policy,
    Severity,
    StatusReport,
    Timeline,
)
from betterstack_rca.rca.bundle import (
    Gap,
    IncidentBundle,
    Responders,
    Routing,
    Stats,
    StatusPageContext,
    Window,
)
from betterstack_rca.rca.findings import derive_findings, derive_metrics
from betterstack_rca.rca.options import BundleOptions
from betterstack_rca.rca.redact import redact_bundle
from betterstack_rca.rca.signals import BASELINE, RECENT
from betterstack_rca.rca.timeline import build_timeline
from betterstack_rca.resources import ResourceSet

T = TypeVar("T")
Api = ResourceSet[AsyncExecutor]

#: The API keeps response times for the last 24 hours only.
RESPONSE_TIMES_SPAN = timedelta(hours=24)
#: Response-time samples kept before the start: what the latency rule compares.
LATENCY_LOOKBACK = BASELINE + RECENT + timedelta(minutes=10)


class _Skip(Exception):
    """A source that does not apply to this incident (no monitor, no policy...)."""


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


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
        self.tasks: dict[str, asyncio.Task[Any]] = {}
        self.levels: dict[str, int] = {}
        self.gaps: list[Gap] = []
        self.notes: list[str] = []
        self.finished: set[str] = set()

    # -- task plumbing -------------------------------------------------------------------

    def wants(self, source: str) -> bool:
        return source in self.options.sources

    def spawn(
        self, name: str, level: int, work: Callable[[], Awaitable[T]]
    ) -> asyncio.Task[T | None]:
        async def run() -> T | None:
            try:
                result = await work()
            except _Skip:
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

    # -- the plan ------------------------------------------------------------------------

    async def collect(self, incident_id: str | int) -> IncidentBundle:
        started = time.perf_counter()
        with track_requests() as requests:
            try:
                incident = await asyncio.wait_for(
                    self.api.incidents.get(incident_id), timeout=self.options.deadline
                )
            except asyncio.TimeoutError:
                raise APITimeoutError(
                    f"the incident itself did not arrive within the {self.options.deadline:g} s "
                    "deadline",
                    path=f"/api/v3/incidents/{incident_id}",
                ) from None
            window = _window(incident, self.options, self.now)
            self.plan(incident, window)
            remaining = self.options.deadline - (time.perf_counter() - started)
            pending: set[asyncio.Task[Any]] = set()
            if self.tasks:
                _, pending = await asyncio.wait(
                    set(self.tasks.values()), timeout=max(0.0, remaining)
                )
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
            bundle = self.assemble(incident, window)
            depth = 1 + max((self.levels[n] for n in self.finished), default=0)
            bundle.stats = Stats(
                requests=requests.requests,
                retries=requests.retries,
                rate_limited=requests.rate_limited,
                wall_time=round(time.perf_counter() - started, 4),
                depth=depth,
                max_in_flight=requests.max_in_flight,
            )
        return redact_bundle(bundle)

    def done(self, name: str) -> Any:
        task = self.tasks.get(name)
        if task is None or not task.done() or task.cancelled():
            return None
        return task.result()

    def plan(self, incident: Incident, window: Window) -> None:
        api, opts = self.api, self.options
        start = incident.started_at or self.now
        monitor_level = 0 if incident.monitor is not None else 1

        if self.wants("timeline"):
            self.spawn("timeline", 1, lambda: api.incidents.timeline(incident.id))
        if self.wants("comments"):
            self.spawn("comments", 1, lambda: api.incidents.comments(incident.id))

        async def monitor() -> Monitor:
            if not incident.monitor_id:
                raise _Skip
            if incident.monitor is not None:
                return incident.monitor
            return await api.monitors.get(incident.monitor_id)

        async def heartbeat() -> Heartbeat:
            if not incident.heartbeat_id:
                raise _Skip
            return await api.heartbeats.get(incident.heartbeat_id)

        # the monitor is always needed by later sources; "monitor" only decides if it is kept
        self.spawn("monitor", monitor_level, monitor)
        self.spawn("heartbeat", 1, heartbeat)

        if self.wants("availability"):

            async def availability() -> Any:
                last_day = min(window.end, self.now)
                if incident.monitor_id:
                    return await api.monitors.sla(
                        incident.monitor_id, from_=window.start, to=last_day
                    )
                if incident.heartbeat_id:
                    return await api.heartbeats.availability(
                        incident.heartbeat_id, from_=window.start, to=last_day
                    )
                raise _Skip

            self.spawn("availability", 1, availability)

        if self.wants("response_times"):

            async def response_times() -> Any:
                if not incident.monitor_id or self.now - start > RESPONSE_TIMES_SPAN:
                    raise _Skip
                return await api.monitors.response_times(incident.monitor_id)

            self.spawn("response_times", 1, response_times)

        if self.wants("related_incidents"):

            async def related() -> list[Incident]:
                cap = opts.max_related_incidents
                pager = api.incidents.list(from_=window.start, to=window.end, max_items=cap)
                found = await pager.to_list()
                self.note_cap("related incidents", len(found), cap)
                return [
                    i
                    for i in found
                    if i.id != incident.id
                    and i.started_at is not None
                    and window.start <= i.started_at <= window.end
                ]

            self.spawn("related_incidents", 1, related)

        if self.wants("history"):

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
                    raise _Skip
                found = await pager.to_list()
                self.note_cap("earlier incidents", len(found), cap)
                return [
                    i
                    for i in found
                    if i.id != incident.id
                    and i.started_at is not None
                    and window.history_start <= i.started_at < start
                ]

            self.spawn("history", 1, history)

        if self.wants("group"):

            async def group() -> tuple[MonitorGroup | None, list[Monitor]]:
                mon: Monitor | None = await self.result("monitor")
                if mon is None or not mon.monitor_group_id:
                    raise _Skip
                gid = mon.monitor_group_id
                info, members = await asyncio.gather(
                    api.monitor_groups.get(gid),
                    api.monitor_groups.monitors(gid, max_items=opts.max_siblings).to_list(),
                )
                self.note_cap("group members", len(members), opts.max_siblings)
                return info, [m for m in members if m.id != mon.id]

            self.spawn("group", monitor_level + 1, group)

        if self.wants("related_heartbeats"):

            async def related_heartbeats() -> list[Heartbeat]:
                others: list[Incident] | None = await self.result("related_incidents")
                ids = _unique(
                    i.heartbeat_id
                    for i in others or []
                    if i.heartbeat_id and i.heartbeat_id != incident.heartbeat_id
                )
                if not ids:
                    raise _Skip
                chosen = ids[: opts.max_related_heartbeats]
                self.note_cap("related heartbeats", len(ids), opts.max_related_heartbeats + 1)
                return list(await asyncio.gather(*(api.heartbeats.get(h) for h in chosen)))

            self.spawn("related_heartbeats", 2, related_heartbeats)

        if self.wants("on_call"):
            self.spawn("on_call", 1, lambda: api.on_call.get("default", at=start))
            self.spawn("on_call_events", 1, lambda: api.on_call.events("default"))

        if self.wants("policy"):

            async def policy() -> Policy:
                pid: str | None = incident.escalation_policy_id
                if not pid:
                    src: Monitor | Heartbeat | None = await self.result("monitor")
                    if src is None:
                        src = await self.result("heartbeat")
                    pid = getattr(src, "policy_id", None) if src is not None else None
                if not pid:
                    raise _Skip
                return await api.policies.get(pid)

            policy_level = 1 if incident.escalation_policy_id else monitor_level + 1
            self.spawn("policy", policy_level, policy)

            async def severities() -> list[Severity]:
                pol: Policy | None = await self.result("policy")
                ids = _unique(
                    s.urgency_id
                    for s in (pol.steps if pol else [])
                    if isinstance(s, EscalationStep) and s.urgency_id
                )
                if not ids:
                    raise _Skip
                return list(await asyncio.gather(*(api.severities.get(u) for u in ids[:5])))

            self.spawn("severities", policy_level + 1, severities)

            async def policy_calendars() -> list[OnCallCalendar]:
                pol: Policy | None = await self.result("policy")
                ids = _unique(
                    m.id
                    for s in (pol.steps if pol else [])
                    if isinstance(s, EscalationStep)
                    for m in s.step_members
                    if m.id and _is_calendar_member(str(m.type))
                )
                if not ids:
                    raise _Skip
                return list(await asyncio.gather(*(api.on_call.get(c, at=start) for c in ids[:5])))

            self.spawn("policy_calendars", policy_level + 1, policy_calendars)

        if self.wants("status_pages"):
            self.plan_status_pages(incident, window, monitor_level)

        if self.wants("routing"):
            cap = opts.max_integrations

            def listing(name: str, pager: Any) -> Callable[[], Awaitable[Any]]:
                async def run() -> Any:
                    items = await pager.to_list()
                    self.note_cap(name.replace("_", " "), len(items), cap)
                    return items

                return run

            self.spawn(
                "outgoing_webhooks",
                1,
                listing("outgoing_webhooks", api.outgoing_webhooks.list(max_items=cap)),
            )
            self.spawn(
                "email_integrations",
                1,
                listing("email_integrations", api.email_integrations.list(max_items=cap)),
            )
            self.spawn(
                "incoming_webhooks",
                1,
                listing("incoming_webhooks", api.incoming_webhooks.list(max_items=cap)),
            )

        if self.wants("metadata"):
            self.spawn(
                "incident_metadata",
                1,
                lambda: api.metadata.list(owner_type="Incident", owner_id=incident.id).to_list(),
            )
            if incident.monitor_id or incident.heartbeat_id:
                owner = "Monitor" if incident.monitor_id else "Heartbeat"
                owner_id = incident.monitor_id or incident.heartbeat_id
                self.spawn(
                    "source_metadata",
                    1,
                    lambda: api.metadata.list(owner_type=owner, owner_id=owner_id).to_list(),
                )

    def plan_status_pages(self, incident: Incident, window: Window, monitor_level: int) -> None:
        api, opts = self.api, self.options

        async def pages() -> list[StatusPageContext]:
            listed = await api.status_pages.list(max_items=opts.max_status_pages).to_list()
            self.note_cap("status pages", len(listed), opts.max_status_pages)
            mon: Monitor | None = await self.result("monitor")
            hb: Heartbeat | None = await self.result("heartbeat")
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
                raise _Skip
            resources = await asyncio.gather(
                *(api.status_pages.resources(p.id).to_list() for p in listed)
            )
            covering = []
            for page, items in zip(listed, resources, strict=True):
                hits = [r for r in items if (str(r.resource_type), str(r.resource_id)) in wanted]
                if hits:
                    covering.append(StatusPageContext(page=page, resources=hits))
            await asyncio.gather(*(self.page_reports(ctx, window) for ctx in covering))
            # rounds after its start: pages, their resources, reports, and report details
            rounds = 2 + (1 if covering else 0) + (1 if any(c.reports for c in covering) else 0)
            self.levels["status_pages"] = start_level + rounds - 1
            return covering

        start_level = max(monitor_level, 1)
        self.spawn("status_pages", start_level, pages)

    async def page_reports(self, ctx: StatusPageContext, window: Window) -> None:
        api = self.api
        cap = self.options.max_listed_reports
        reports = await api.status_pages.reports(ctx.page.id, max_items=cap).to_list()
        self.note_cap(f"status page {ctx.page.id} reports", len(reports), cap)
        resource_ids = {r.id for r in ctx.resources}
        relevant = [r for r in reports if _overlaps(r, window) and _affects(r, resource_ids)]
        relevant.sort(key=lambda r: r.starts_at or window.start)
        if len(relevant) > self.options.max_reports:
            self.notes.append(
                f"status page {ctx.page.id}: {len(relevant)} reports overlap the window; "
                f"kept the first {self.options.max_reports}."
            )
            relevant = relevant[: self.options.max_reports]
        ctx.reports = list(
            await asyncio.gather(*(api.status_pages.report(ctx.page.id, r.id) for r in relevant))
        )

    # -- assembly ------------------------------------------------------------------------

    def assemble(self, incident: Incident, window: Window) -> IncidentBundle:
        d = self.done
        timeline: Timeline | None = d("timeline")
        comments: list[IncidentComment] = d("comments") or []
        monitor: Monitor | None = d("monitor") if self.wants("monitor") else None
        group_result = d("group")
        group, siblings = group_result if group_result else (None, [])
        on_call: list[OnCallCalendar] = [c for c in [d("on_call")] if c is not None]
        on_call += d("policy_calendars") or []
        shifts: list[OnCallEvent] = d("on_call_events") or []
        if timeline is not None and timeline.truncated:
            self.notes.append(
                "Better Stack truncated its own timeline for this incident"
                + (f": {timeline.truncation_note}" if timeline.truncation_note else ".")
            )
        bundle = IncidentBundle(
            generated_at=self.now,
            # the monitor Better Stack includes with the incident is `bundle.monitor`; keeping
            # it twice would double the biggest object of the bundle
            incident=incident.model_copy(update={"monitor": None}),
            window=window,
            monitor=monitor,
            heartbeat=d("heartbeat") if self.wants("heartbeat") else None,
            group=group,
            availability=d("availability"),
            response_times=_trim_response_times(d("response_times"), incident, window),
            comments=comments,
            timeline_truncated=bool(timeline and timeline.truncated),
            related_incidents=d("related_incidents") or [],
            history=d("history") or [],
            siblings=siblings,
            related_heartbeats=d("related_heartbeats") or [],
            responders=Responders(
                on_call=on_call, policy=d("policy"), severities=d("severities") or []
            ),
            status_pages=d("status_pages") or [],
            routing=Routing(
                outgoing_webhooks=[
                    w
                    for w in d("outgoing_webhooks") or []
                    if str(w.trigger_type) in ("incident_change", "None") or w.trigger_type is None
                ],
                email_integrations=d("email_integrations") or [],
                incoming_webhooks=d("incoming_webhooks") or [],
            ),
            metadata=(d("incident_metadata") or []) + (d("source_metadata") or []),
            gaps=sorted(self.gaps, key=lambda g: g.source),
            notes=self.notes,
        )
        bundle.timeline = build_timeline(bundle, timeline, shifts)
        bundle.metrics = derive_metrics(bundle)
        bundle.findings = derive_findings(bundle)
        return bundle


def _trim_response_times(
    times: MonitorResponseTimes | None, incident: Incident, window: Window
) -> MonitorResponseTimes | None:
    """Keep the samples around the incident (the API returns a whole day): from the latency
    baseline before the start to the end of the window."""
    if times is None or incident.started_at is None:
        return times
    lo = incident.started_at - LATENCY_LOOKBACK
    regions = []
    for region in times.regions or []:
        kept = [
            sample
            for sample in region.response_times or []
            if sample.at is not None and lo <= sample.at <= window.end
        ]
        regions.append(region.model_copy(update={"response_times": kept}))
    return times.model_copy(update={"regions": regions})


def _unique(values: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(str(v), None)
    return list(seen)


def _is_calendar_member(member_type: str) -> bool:
    t = member_type.lower()
    return "calendar" in t or "schedule" in t


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


async def collect(api: Api, incident_id: str | int, options: BundleOptions) -> IncidentBundle:
    """Collect the bundle of one incident (see module docstring)."""
    return await Collector(api, options).collect(incident_id)
