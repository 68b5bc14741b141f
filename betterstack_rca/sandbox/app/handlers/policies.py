"""/api/v2|v3/policies, /api/v3/policy-groups/{id}/policies and /api/v2/urgencies."""

from __future__ import annotations

from betterstack_rca.sandbox.app.errors import not_found
from betterstack_rca.sandbox.app.request import Request, int_or_404
from betterstack_rca.sandbox.render.base import Obj
from betterstack_rca.sandbox.render.policies import policy, urgency


def list_policies(req: Request, version: int) -> Obj:
    return req.page(req.account.policies, lambda p: policy(req.view, p, version))


def get_policy(req: Request, version: int) -> Obj:
    p = req.account.policy_by_id.get(int_or_404(req.args[0]))
    if p is None:
        raise not_found()
    return {"data": policy(req.view, p, version)}


def list_group_policies(req: Request) -> Obj:
    gid = int_or_404(req.args[0])
    if gid not in req.account.policy_groups:
        raise not_found()
    ps = [p for p in req.account.policies if p.policy_group_id == gid]
    return req.page(ps, lambda p: policy(req.view, p))


def list_urgencies(req: Request) -> Obj:
    return req.page(req.account.urgencies, lambda u: urgency(req.view, u))


def get_urgency(req: Request) -> Obj:
    uid = int_or_404(req.args[0])
    for u in req.account.urgencies:
        if u.id == uid:
            return {"data": urgency(req.view, u)}
    raise not_found()
