"""On-call: users, calendars (who is on call at a time), their events and rotations."""

from __future__ import annotations

from betterstack_rca.sandbox.model.records import USERS, CalendarRec, User
from betterstack_rca.sandbox.model.timestamps import DAY, iso
from betterstack_rca.sandbox.render.base import Obj, View


def user(u: User) -> Obj:
    return {
        "id": str(u.id),
        "type": "user",
        "attributes": {
            "first_name": u.first_name,
            "last_name": u.last_name,
            "email": u.email,
            "phone_numbers": [u.phone] if u.phone else [],
        },
    }


def calendar(v: View, c: CalendarRec, at: int) -> tuple[Obj, list[int]]:
    users = c.on_call_at(at)
    attrs: Obj = {"name": c.name, "default_calendar": c.default, "team_name": v.account.team_name}
    data = {
        "id": str(c.id),
        "type": "on_call_calendar",
        "attributes": attrs,
        "relationships": {
            "on_call_users": {
                "data": [
                    {"id": str(USERS[u].id), "type": "user", "meta": {"email": USERS[u].email}}
                    for u in users
                ]
            }
        },
    }
    return data, list(users)


def events(v: View, c: CalendarRec) -> list[Obj]:
    a = v.account
    out: list[tuple[int, Obj]] = []
    covered: list[tuple[int, int]] = []
    for eid, s, e, users in c.overrides:
        covered.append((s, e))
        out.append((s, _event(eid, s, e, users, True)))
    if c.rotation_users:
        step = c.rotation_seconds
        first = (a.ref - 35 * DAY - c.rotation_start) // step
        last = (a.ref + 14 * DAY - c.rotation_start) // step
        for n in range(first, last + 1):
            s = c.rotation_start + n * step
            e = s + step
            if any(cs <= s and e <= ce for cs, ce in covered):
                continue
            users = (c.rotation_users[n % len(c.rotation_users)],)
            out.append((s, _event(c.id * 10_000 + n % 10_000, s, e, users, False)))
    out.sort(key=lambda x: x[0])
    return [o for _, o in out]


def _event(eid: int, s: int, e: int, users: tuple[int, ...], override: bool) -> Obj:
    return {
        "id": eid,
        "users": [USERS[u].email for u in users],
        "starts_at": iso(s)[:19] + "Z",
        "ends_at": iso(e)[:19] + "Z",
        "override": override,
    }


def rotation(c: CalendarRec) -> Obj:
    return {
        "rotation_length": c.rotation_length,
        "rotation_interval": c.rotation_interval,
        "start_rotations_at": iso(c.rotation_start),
        "end_rotations_at": iso(c.rotation_end),
        "users": [USERS[u].email for u in c.rotation_users],
    }
