"""``who_is_on_call``: who was on call at a time, per calendar."""

from __future__ import annotations

from betterstack_rca.agents._text import UNTRUSTED_NOTE, cell, fit, iso, table, when
from betterstack_rca.agents.models import WhoIsOnCallArgs, parse_when
from betterstack_rca.agents.tools._spec import ToolContext, ToolResult, ToolSpec
from betterstack_rca.models import OnCallCalendar

#: Calendars asked about when no calendar_id is given (one request each).
MAX_CALENDARS = 25


def _people(calendar: OnCallCalendar) -> str:
    people = [
        cell(user.name, 60)
        + (f" <{cell(user.email, 80)}>" if user.email and user.name != user.email else "")
        for user in calendar.users
    ]
    return ", ".join(people) or "nobody"


def run(args: WhoIsOnCallArgs, ctx: ToolContext) -> ToolResult:
    bs = ctx.client
    at = ctx.now() if args.at is None else parse_when(args.at, "at", now=ctx.now())
    skipped: list[str] = []
    if args.calendar_id is not None:
        ids = [args.calendar_id]
    else:
        listed = [c.id for c in bs.on_call.list()]
        ids, skipped = listed[:MAX_CALENDARS], listed[MAX_CALENDARS:]
    calendars = [bs.on_call.get(calendar_id, at=iso(at)) for calendar_id in ids]
    head = [
        UNTRUSTED_NOTE,
        f"On call at {when(at)} UTC:",
        *table(("calendar", "id", "on call"), []),
    ]
    rows = [
        " | ".join(
            [
                cell(c.name, 60) if c.name else ("default calendar" if c.default_calendar else "-"),
                c.id + (" (default)" if c.default_calendar and c.name else ""),
                _people(c),
            ]
        )
        for c in calendars
    ]
    if not rows:
        return ToolResult("This Better Stack account has no on-call calendars.")

    def left_out(shown: int) -> str:
        rest = [c.id for c in calendars[shown:]] + skipped
        if not rest:
            return ""
        listed = ", ".join(rest[:20]) + (", ..." if len(rest) > 20 else "")
        return (
            f"left out: {len(rest)} calendar(s) (ids {listed}); call who_is_on_call with "
            "calendar_id=<id> for one of them"
        )

    tail = [left_out(len(rows))] if skipped else []
    text, _ = fit(head, rows, ctx.max_chars, left_out=left_out, tail=tail)
    return ToolResult(text)


SPEC = ToolSpec(
    name="who_is_on_call",
    title="Who is on call",
    description=(
        "Who was (or is) on call at a time in each Better Stack on-call calendar, or in one "
        "calendar. Read-only."
    ),
    arguments=WhoIsOnCallArgs,
    run=run,
    not_found="no such on-call calendar in this Better Stack account (omit calendar_id for all)",
)
