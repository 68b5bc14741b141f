"""``betterstack-rca report``: a bundle per incident in a window, and an index with totals.

A thin shell over `betterstack_rca.report` (`run_report`): the flags, a progress line on
stderr, and the closing note. Resumable: a rerun skips the bundles already written for the
same options (``--refresh`` rebuilds them); the index is written also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from betterstack_rca._units import duration
from betterstack_rca.cli import _common
from betterstack_rca.cli._common import (
    EXIT_OK,
    Context,
    Parser,
    Subparsers,
    add_bundle_flags,
    add_format_flag,
    bundle_options,
    clip,
    iso,
    non_negative_int,
    note,
    set_handler,
)
from betterstack_rca.cli._window import WINDOW_HELP, window

if TYPE_CHECKING:
    from betterstack_rca.report.run import Progress as RunProgress


def add_parser(subparsers: Subparsers, common: Parser) -> None:
    rep = subparsers.add_parser(
        "report",
        parents=[common],
        help="a bundle per incident in a window, and an index",
        description="Write DIR/<incident_id>/bundle.{json,md} for every incident that started "
        "in the window, and DIR/index.md and DIR/index.json with one row per incident and "
        "the totals (--format html: also DIR/index.html and a bundle.html per incident). "
        "A rerun skips the bundles already written for the same options.",
    )
    rep.add_argument("--since", default="7d", metavar="WHEN", help=f"{WINDOW_HELP}; default 7d")
    rep.add_argument("--until", default=None, metavar="WHEN", help=f"{WINDOW_HELP}; default now")
    rep.add_argument("--out", required=True, metavar="DIR", help="output directory")
    rep.add_argument(
        "--max-chars", type=non_negative_int, metavar="N", help="budget of each bundle.md"
    )
    rep.add_argument(
        "--monitor", metavar="ID", help="only this monitor's incidents (its id or URL)"
    )
    rep.add_argument(
        "--limit", type=non_negative_int, metavar="N", help="at most the N newest incidents"
    )
    rep.add_argument(
        "--refresh",
        action="store_true",
        help="rebuild every bundle, also those an earlier run wrote with the same options",
    )
    add_format_flag(rep, ("md", "html"), "md")
    add_bundle_flags(rep)
    set_handler(rep, run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from betterstack_rca.rca.text import plural  # lazily: --help loads no correlator
    from betterstack_rca.report.run import run_report

    since, until = window(args)
    options = bundle_options(args)
    out_dir = Path(args.out)
    progress = ProgressLine(sys.stderr)
    with ctx.client() as bs:
        try:
            report = run_report(
                bs,
                since,
                until,
                out=out_dir,
                options=options,
                max_chars=args.max_chars,
                html=args.format == "html",
                refresh=args.refresh,
                monitor=args.monitor,
                limit=args.limit,
                on_progress=progress.update,
                generated=iso(_common.reference_time(args) or _common.now()),
            )
        except BaseException:
            progress.close()
            if (out_dir / "index.md").exists():
                note(f"the run stopped; {out_dir / 'index.md'} lists what was done")
            raise
        progress.close()
    failed = len(report.failed)
    resumed = sum(1 for r in report.rows if r.resumed)
    note(
        f"wrote {plural(len(report.rows) - resumed, 'bundle')} and {out_dir / 'index.md'}"
        + (f"; kept {resumed} from an earlier run" if resumed else "")
        + (f"; {plural(failed, 'bundle')} failed (listed in the index)" if failed else "")
        + f"; {plural(report.requests, 'request')}, {plural(report.cache_hits, 'cache hit')}"
    )
    return EXIT_OK


class ProgressLine:
    """``[####....] 12/72 · 140 requests · 300 cache hits · 1m 10s left`` on stderr, drawn
    only when stderr is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.drawn = False

    def update(self, p: RunProgress) -> None:
        if not self.enabled or not p.total:
            return
        width = 30
        filled = width * p.done // p.total
        bar = "#" * filled + "." * (width - filled)
        left = "" if p.left is None else f" · {duration(p.left)} left"
        line = (
            f"[{bar}] {p.done}/{p.total} · {p.requests} requests · {p.cache_hits} cache hits"
            f"{left} · incident {clip(p.incident_id, 20)}"
        )
        self.stream.write(f"\r{line:<110}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
