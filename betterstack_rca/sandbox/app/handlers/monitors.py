"""/api/v2/monitors (with response times and SLA) and /api/v2/monitor-groups."""

from __future__ import annotations

from collections.abc import Sequence

from betterstack_rca.sandbox.app.errors import ERR_400_SLA
from betterstack_rca.sandbox.app.request import Request, lookup
from betterstack_rca.sandbox.model.constants import MONITOR_GROUP_ID_BASE, MONITOR_ID_BASE
from betterstack_rca.sandbox.model.records import GroupRec, MonitorRec
from betterstack_rca.sandbox.render.availability import availability
from betterstack_rca.sandbox.render.base import Obj
from betterstack_rca.sandbox.render.groups import group
from betterstack_rca.sandbox.render.monitors import monitor, response_times


def _monitor(req: Request) -> MonitorRec:
    return lookup(req.account.monitors, req.args[0], MONITOR_ID_BASE)


def _group(req: Request) -> GroupRec:
    return lookup(req.account.groups, req.args[0], MONITOR_GROUP_ID_BASE)


def list_monitors(req: Request) -> Obj:
    """``url`` and ``pronounceable_name`` filter by exact match."""
    ms: Sequence[MonitorRec] = req.account.monitors
    url = req.q("url")
    name = req.q("pronounceable_name")
    if url is not None:
        ms = [m for m in ms if m.url == url]
    if name is not None:
        ms = [m for m in ms if m.name == name]
    if not req.team_ok():
        ms = []
    return req.page(ms, lambda m: monitor(req.view, m))


def get_monitor(req: Request) -> Obj:
    return {"data": monitor(req.view, _monitor(req))}


def get_response_times(req: Request) -> Obj:
    return {"data": response_times(req.view, _monitor(req))}


def get_sla(req: Request) -> Obj:
    m = _monitor(req)
    lo, hi = req.date_range(m.created, ERR_400_SLA)
    return {"data": availability(req.view, m.index, lo, hi, kind="monitor_sla", oid=m.id)}


def list_groups(req: Request) -> Obj:
    gs = req.account.groups if req.team_ok() else ()
    return req.page(gs, lambda g: group(req.view, g, "monitor_group"))


def get_group(req: Request) -> Obj:
    return {"data": group(req.view, _group(req), "monitor_group")}


def list_group_monitors(req: Request) -> Obj:
    g = _group(req)
    ms = req.account.monitors[g.index :: len(req.account.groups)]  # dealt round-robin
    return req.page(ms, lambda m: monitor(req.view, m))
