"""/api/v2/heartbeats (with availability) and /api/v2/heartbeat-groups."""

from __future__ import annotations

from betterstack_rca.sandbox.app.errors import ERR_400_HEARTBEAT
from betterstack_rca.sandbox.app.request import Request, lookup
from betterstack_rca.sandbox.model.constants import HEARTBEAT_GROUP_ID_BASE, HEARTBEAT_ID_BASE
from betterstack_rca.sandbox.model.records import GroupRec, HeartbeatRec
from betterstack_rca.sandbox.render.availability import availability
from betterstack_rca.sandbox.render.base import Obj
from betterstack_rca.sandbox.render.groups import group
from betterstack_rca.sandbox.render.heartbeats import heartbeat


def _heartbeat(req: Request) -> HeartbeatRec:
    return lookup(req.account.heartbeats, req.args[0], HEARTBEAT_ID_BASE)


def _group(req: Request) -> GroupRec:
    return lookup(req.account.heartbeat_groups, req.args[0], HEARTBEAT_GROUP_ID_BASE)


def list_heartbeats(req: Request) -> Obj:
    hs = req.account.heartbeats if req.team_ok() else []
    return req.page(hs, lambda h: heartbeat(req.view, h))


def get_heartbeat(req: Request) -> Obj:
    return {"data": heartbeat(req.view, _heartbeat(req))}


def get_availability(req: Request) -> Obj:
    h = _heartbeat(req)
    lo, hi = req.date_range(h.created, ERR_400_HEARTBEAT)
    src = -1 - h.index
    return {"data": availability(req.view, src, lo, hi, kind="heartbeat_availability", oid=h.id)}


def list_groups(req: Request) -> Obj:
    gs = req.account.heartbeat_groups if req.team_ok() else ()
    return req.page(gs, lambda g: group(req.view, g, "heartbeat_group"))


def get_group(req: Request) -> Obj:
    return {"data": group(req.view, _group(req), "heartbeat_group")}


def list_group_heartbeats(req: Request) -> Obj:
    g = _group(req)
    hs = [h for h in req.account.heartbeats if h.group == g.index]
    return req.page(hs, lambda h: heartbeat(req.view, h))
