"""``betterstack-rca incidents``: the incidents that started in a window, as a table,
Markdown or JSON."""

from __future__ import annotations

import argparse
import json

from betterstack_rca._units import duration
from betterstack_rca.cli import _common
from betterstack_rca.cli._common import (
    EXIT_OK,
    Context,
    Parser,
    Subparsers,
    add_format_flag,
    clip,
    iso,
    md_cell,
    non_negative_int,
    note,
    seconds_between,
    set_handler,
    table,
)
from betterstack_rca.cli._window import WINDOW_HELP, incidents_in_window, window


def add_parser(subparsers: Subparsers, common: Parser) -> None:
    inc = subparsers.add_parser(
        "incidents",
        parents=[common],
        help="list the incidents that started in a window",
        description="List the incidents that started in [--since, --until), newest first.",
    )
    inc.add_argument("--since", default="24h", metavar="WHEN", help=f"{WINDOW_HELP}; default 24h")
    inc.add_argument("--until", default=None, metavar="WHEN", help=f"{WINDOW_HELP}; default now")
    inc.add_argument("--unresolved", action="store_true", help="only incidents still open")
    inc.add_argument(
        "--monitor", metavar="ID", help="only this monitor's incidents (its id or URL)"
    )
    inc.add_argument(
        "--heartbeat", metavar="ID", help="only this heartbeat's incidents (its id or URL)"
    )
    inc.add_argument("--limit", type=non_negative_int, metavar="N", help="at most N incidents")
    add_format_flag(inc, ("table", "md", "json"), "table")
    set_handler(inc, run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from betterstack_rca.rca.text import plural  # lazily: --help loads no correlator

    since, until = window(args)
    with ctx.client() as bs:
        incidents = list(
            incidents_in_window(
                bs,
                since,
                until,
                unresolved=args.unresolved,
                monitor=args.monitor,
                heartbeat=args.heartbeat,
                limit=args.limit,
            )
        )
    if args.format == "json":
        from betterstack_rca.rca.redact import redact_model

        data = [redact_model(incident).model_dump(mode="json") for incident in incidents]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    now = _common.reference_time(args) or _common.now()  # the sandbox's pinned clock
    rows = []
    for inc in incidents:
        if inc.resolved_at is not None:
            took = duration(seconds_between(inc.started_at, inc.resolved_at))
        else:
            took = f"{duration(seconds_between(inc.started_at, now))} (open)"
        rows.append(
            [
                inc.id,
                inc.started_at.strftime("%Y-%m-%d %H:%M") if inc.started_at else "?",
                str(inc.status or "?"),
                clip(inc.name, 40),
                clip(inc.cause, 32),
                took,
            ]
        )
    headers = ["ID", "STARTED (UTC)", "STATUS", "NAME", "CAUSE", "DURATION"]
    if rows and args.format == "md":
        names = ("ID", "Started (UTC)", "Status", "Name", "Cause", "Duration")
        print("| " + " | ".join(names) + " |")
        print("|" + "---|" * len(headers))
        for row in rows:
            print("| " + " | ".join(md_cell(cell) for cell in row) + " |")
    elif rows:
        print(table(headers, rows))
    note(f"{plural(len(rows), 'incident')} started from {iso(since)} to {iso(until)}")
    return EXIT_OK
