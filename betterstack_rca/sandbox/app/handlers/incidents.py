"""/api/v2|v3/incidents: the list (filters, newest first), one incident, timeline, comments."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from betterstack_rca.sandbox.app.errors import Reply, not_found
from betterstack_rca.sandbox.app.request import (
    Request,
    day_start,
    id_to_index,
    int_or_404,
    parse_bool,
    parse_day,
)
from betterstack_rca.sandbox.model.constants import HEARTBEAT_ID_BASE, MONITOR_ID_BASE
from betterstack_rca.sandbox.model.timestamps import DAY
from betterstack_rca.sandbox.render.base import Obj
from betterstack_rca.sandbox.render.incidents import (
    comment,
    comments,
    incident,
    incident_included,
    timeline,
)


def list_incidents(req: Request, version: int) -> Obj:
    a = req.account
    try:
        d_from = parse_day(req.q("from"))
        d_to = parse_day(req.q("to"))
    except ValueError as exc:
        raise Reply(400, {"errors": f"Invalid date: {exc}. Use the format YYYY-MM-DD."}) from None
    lo = day_start(d_from) if d_from else None
    hi = day_start(d_to) + DAY - 1 if d_to else None
    a_lo, a_hi = a.index_range(lo, hi)
    items: Sequence[int]
    src: int | None = None
    if req.q("monitor_id") is not None:
        mi = id_to_index(req.q("monitor_id"), MONITOR_ID_BASE, len(a.monitors))
        src = mi if mi is not None else -(10**9)
    elif req.q("heartbeat_id") is not None:
        hi_ = id_to_index(req.q("heartbeat_id"), HEARTBEAT_ID_BASE, len(a.heartbeats))
        src = -1 - hi_ if hi_ is not None else -(10**9)
    if src is not None:
        idx = a.incidents_of_source(src)
        items = list(reversed(idx[bisect_left(idx, a_lo) : bisect_left(idx, a_hi)]))
    else:
        items = range(a_hi - 1, a_lo - 1, -1)
    if not req.team_ok():
        items = []
    if version == 3:
        resolved = parse_bool(req.q("resolved"))
        acked = parse_bool(req.q("acknowledged"))
        if resolved is not None or acked is not None:
            items = [
                i
                for i in items
                if (resolved is None or (a.durs[i] >= 0) == resolved)
                and (acked is None or (a.acks[i] >= 0) == acked)
            ]
    return req.page(items, lambda i: incident(req.view, i, version), 10, 50)


def _incident_index(req: Request, raw: str) -> int:
    i = req.account.incident_index(raw)
    if i is None:
        raise not_found()
    return i


def get_incident(req: Request, version: int) -> Obj:
    i = _incident_index(req, req.args[0])
    return {"data": incident(req.view, i, version), "included": incident_included(req.view, i)}


def get_timeline(req: Request) -> Obj:
    return {"data": timeline(req.view, _incident_index(req, req.args[0]))}


def list_comments(req: Request) -> Obj:
    i = req.account.incident_index(req.args[0])
    if i is None:
        raise Reply(404, None)  # documented: empty body
    return {"data": [comment(req.view, *c) for c in comments(req.view, i)]}


def get_comment(req: Request) -> Obj:
    i = _incident_index(req, req.args[0])
    cid = int_or_404(req.args[1])
    for c in comments(req.view, i):
        if c[0] == cid:
            return {"data": comment(req.view, *c)}
    raise not_found()
