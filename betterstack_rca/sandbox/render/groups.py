"""Monitor groups and heartbeat groups (one shape, two ``type`` values)."""

from __future__ import annotations

from betterstack_rca.sandbox.model.records import GroupRec
from betterstack_rca.sandbox.render.base import Obj, View


def group(v: View, g: GroupRec, kind: str) -> Obj:
    return {
        "id": str(g.id),
        "type": kind,
        "attributes": {
            "name": g.name,
            "sort_index": g.index if g.index % 3 else None,
            "created_at": v.t(g.created, g.id),
            "updated_at": v.t(g.updated, g.id + 1),
            "team_name": v.account.team_name,
            "paused": False,
        },
    }
