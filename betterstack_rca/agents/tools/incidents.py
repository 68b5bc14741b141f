"""``list_incidents``: the incidents of a window, a page at a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from dateutil import parser as dateparser

from betterstack_rca._units import duration
from betterstack_rca.agents._text import UNTRUSTED_NOTE, cell, fit, iso, table, when
from betterstack_rca.agents.models import ListIncidentsArgs, parse_when
from betterstack_rca.agents.tools._spec import ToolContext, ToolError, ToolResult, ToolSpec
from betterstack_rca.models import Incident

HEADERS = ("id", "started (UTC)", "status", "source", "cause", "duration")


def _cursor(incident: Incident) -> str:
    """Where the next page starts: after this incident (newest-first order)."""
    assert incident.started_at is not None
    return f"{iso(incident.started_at)}~{incident.id}"


def _parse_cursor(cursor: str) -> tuple[datetime, str]:
    at, sep, incident_id = cursor.partition("~")
    try:
        if not sep or not incident_id:
            raise ValueError(cursor)
        return dateparser.isoparse(at), incident_id
    except (ValueError, OverflowError):
        raise ToolError(
            f"cursor {cursor[:80]!r} is not one list_incidents gave: pass the next_cursor "
            "of the previous page unchanged, or no cursor for the first page"
        ) from None


def _source(inc: Incident) -> str:
    if inc.monitor_id:
        kind, ref = "monitor", inc.monitor_id
    elif inc.heartbeat_id:
        kind, ref = "heartbeat", inc.heartbeat_id
    else:
        kind, ref = "source", "?"
    return f"{cell(inc.name, 40)} ({kind} {ref})"


def _row(inc: Incident, now: datetime) -> str:
    if inc.started_at is not None and inc.resolved_at is not None:
        took = duration((inc.resolved_at - inc.started_at).total_seconds())
    elif inc.started_at is not None:
        took = f"{duration((now - inc.started_at).total_seconds())} (open)"
    else:
        took = "-"
    return " | ".join(
        [
            inc.id,
            when(inc.started_at),
            cell(inc.status, 20),
            _source(inc),
            cell(inc.cause, 60),
            took,
        ]
    )


def _window_incidents(
    args: ListIncidentsArgs, ctx: ToolContext, since: datetime, until: datetime
) -> Iterator[Incident]:
    """Incidents that started in [since, until), newest first, after the cursor."""
    after: tuple[datetime, str] | None = None
    upper = until
    if args.cursor:
        after = _parse_cursor(args.cursor)
        upper = min(until, after[0])
    listing = ctx.client.incidents.list(
        from_=since.date(), to=upper.date(), monitor_id=args.monitor_id, resolved=args.resolved
    )
    passed = after is None
    for incident in listing:
        started = incident.started_at
        if started is None or not since <= started < until:
            continue
        if after is not None and not passed:
            if started > after[0]:
                continue
            if started == after[0]:
                # same second as the cursor: skip up to and including the cursor's incident
                if incident.id == after[1]:
                    passed = True
                continue
            passed = True  # older than the cursor (its incident is gone): carry on from here
        yield incident


def run(args: ListIncidentsArgs, ctx: ToolContext) -> ToolResult:
    now = ctx.now()
    since = parse_when(args.since, "since", now=now)
    until = now if args.until is None else parse_when(args.until, "until", now=now)
    if since >= until:
        raise ToolError(f"since ({iso(since)}) must be before until ({iso(until)})")
    page: list[Incident] = []
    for incident in _window_incidents(args, ctx, since, until):
        page.append(incident)
        if len(page) > args.limit:  # one more than a page: there is a next page
            break
    more = len(page) > args.limit
    page = page[: args.limit]
    filters = "".join(
        [
            f", monitor {args.monitor_id}" if args.monitor_id else "",
            {True: ", resolved only", False: ", open only", None: ""}[args.resolved],
        ]
    )
    window = f"started from {when(since)} to {when(until)} UTC{filters}"
    if not page:
        return ToolResult(
            f"No more incidents {window}." if args.cursor else f"No incidents {window}."
        )
    head = [UNTRUSTED_NOTE, f"Incidents that {window}, newest first:", *table(HEADERS, [])]
    rows = [_row(incident, now) for incident in page]

    def next_line(shown: int) -> str:
        if shown == len(page) and not more:
            return "End of the list."
        if shown == 0:
            return (
                "left out: every row (over the size cap); call list_incidents with a smaller limit"
            )
        cursor = _cursor(page[shown - 1])
        cut = (
            f"left out: {len(page) - shown} more row(s) over the size cap; "
            if shown < len(page)
            else ""
        )
        return (
            f"{cut}next_cursor: {cursor} (call list_incidents with the same arguments and "
            f'cursor="{cursor}" for older incidents)'
        )

    text, _ = fit(head, rows, ctx.max_chars, left_out=next_line, tail=[next_line(len(rows))])
    return ToolResult(text)


SPEC = ToolSpec(
    name="list_incidents",
    title="List incidents",
    description=(
        "Better Stack Uptime incidents that started in a window, newest first, as a compact "
        "table (id, started, status, source, cause, duration). Pass next_cursor back for the "
        "next page. Read-only."
    ),
    arguments=ListIncidentsArgs,
    run=run,
    not_found="no such monitor in this Better Stack account",
)
