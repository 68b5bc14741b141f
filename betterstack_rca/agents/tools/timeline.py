"""``incident_timeline``: the bundle's merged timeline, a page at a time."""

from __future__ import annotations

from datetime import datetime

from betterstack_rca._units import duration
from betterstack_rca.agents._text import UNTRUSTED_NOTE, cell, fit, table, when
from betterstack_rca.agents.models import IncidentTimelineArgs
from betterstack_rca.agents.tools._spec import ToolContext, ToolError, ToolResult, ToolSpec
from betterstack_rca.rca.bundle import Event

HEADERS = ("id", "at (UTC)", "from start", "source", "kind", "summary")


def _row(event: Event, start_at: datetime | None) -> str:
    rel = "-"
    if start_at is not None:
        delta = (event.at - start_at).total_seconds()
        rel = f"T{'+' if delta >= 0 else '-'}{duration(abs(delta))}"
    return " | ".join(
        [
            event.id,
            when(event.at),
            rel,
            event.source + (" (related)" if event.related else ""),
            event.kind,
            cell(event.summary, 300),
        ]
    )


def run(args: IncidentTimelineArgs, ctx: ToolContext) -> ToolResult:
    bundle = ctx.bundle(args.incident_id)
    events = bundle.timeline
    if args.kinds:
        wanted = set(args.kinds)
        events = [e for e in events if e.kind in wanted]
        if not events:
            present = sorted({e.kind for e in bundle.timeline})
            raise ToolError(
                f"incident {args.incident_id} has no events of kind(s) {sorted(wanted)}; "
                f"its timeline has: {', '.join(present) or 'no events'}"
            )
    first = 0
    if args.cursor:
        ids = [e.id for e in events]
        if args.cursor not in ids:
            raise ToolError(
                f"cursor {args.cursor[:40]!r} is not an event of this page set: pass the "
                "next_cursor of the previous page (with the same kinds), or no cursor"
            )
        first = ids.index(args.cursor)
    page = events[first : first + args.limit]
    rest = events[first + len(page) :]
    kinds = f", kinds {', '.join(sorted(set(args.kinds)))}" if args.kinds else ""
    head = [
        UNTRUSTED_NOTE,
        f"Timeline of incident {bundle.incident.id} (started {when(bundle.incident.started_at)} "
        f"UTC): events {first + 1}-{first + len(page)} of {len(events)}{kinds}. Findings of "
        "incident_bundle cite these ids.",
        *table(HEADERS, []),
    ]
    rows = [_row(event, bundle.incident.started_at) for event in page]
    if bundle.timeline_truncated:
        head.insert(2, "Better Stack skipped events in its own timeline (it truncates long ones).")

    def next_line(shown: int) -> str:
        remaining = page[shown:] + rest
        if not remaining:
            return "End of the timeline."
        cursor = remaining[0].id
        return (
            f"left out: {len(remaining)} more event(s); next_cursor: {cursor} (call "
            f'incident_timeline with incident_id="{bundle.incident.id}"'
            + (", the same kinds" if args.kinds else "")
            + f' and cursor="{cursor}")'
        )

    text, _ = fit(head, rows, ctx.max_chars, left_out=next_line, tail=[next_line(len(rows))])
    return ToolResult(text)


SPEC = ToolSpec(
    name="incident_timeline",
    title="Incident timeline",
    description=(
        "The merged timeline of one incident (Better Stack's timeline, comments, nearby "
        "incidents, status-page updates, on-call shifts, config changes), oldest first, "
        "paged; filter by event kind. Read-only."
    ),
    arguments=IncidentTimelineArgs,
    run=run,
    not_found="no such incident in this Better Stack account (list_incidents shows the ids)",
)
