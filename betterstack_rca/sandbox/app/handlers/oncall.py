"""/api/v2/on-calls: calendars (who is on call at ``date``), their events and rotations."""

from __future__ import annotations

from datetime import date, datetime, timezone

from betterstack_rca.sandbox.app.errors import Reply, not_found
from betterstack_rca.sandbox.app.request import Request, day_start
from betterstack_rca.sandbox.model.records import CalendarRec
from betterstack_rca.sandbox.render.base import Obj
from betterstack_rca.sandbox.render.oncall import calendar, events, rotation, user


def _calendar(req: Request) -> CalendarRec:
    raw = req.args[0]
    for c in req.account.calendars:
        if (raw == "default" and c.default) or raw == str(c.id):
            return c
    raise not_found()


def _at(req: Request) -> int:
    """The ``date`` parameter (a day or an ISO datetime, UTC if naive); default: now."""
    raw = req.q("date")
    if not raw:
        return req.account.ref
    try:
        if len(raw) == 10:
            return day_start(date.fromisoformat(raw))
        dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Reply(400, {"errors": "Invalid date parameter, use ISO 8601."}) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp())


def list_on_calls(req: Request) -> Obj:
    at = _at(req)
    users: set[int] = set()
    rows = []
    for c in req.account.calendars:
        data, who = calendar(req.view, c, at)
        users.update(who)
        rows.append(data)
    included = [user(req.account.users[u]) for u in sorted(users)]
    return req.page(rows, lambda x: x, extra={"included": included})


def get_on_call(req: Request) -> Obj:
    data, who = calendar(req.view, _calendar(req), _at(req))
    return {"data": data, "included": [user(req.account.users[u]) for u in who]}


def get_events(req: Request) -> Obj:
    return {"events": events(req.view, _calendar(req))}


def get_rotation(req: Request) -> Obj:
    c = _calendar(req)
    if not c.rotation_users:
        raise Reply(404, None)  # documented: 404 when no rotation is defined
    return rotation(c)
