"""``betterstack-rca report``: a bundle per incident in a window, and an index with totals.

The aggregates of the index (`Report`) live here for now; they belong in the library.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from betterstack_rca._files import private_folder
from betterstack_rca._version import __version__
from betterstack_rca.cli import _common
from betterstack_rca.cli._common import (
    EXIT_OK,
    PROG,
    Context,
    Parser,
    Subparsers,
    add_bundle_flags,
    bundle_options,
    clip,
    duration,
    iso,
    log,
    md_cell,
    non_negative_int,
    note,
    one_line,
    seconds_between,
    set_handler,
    write_text,
)
from betterstack_rca.cli._window import WINDOW_HELP, incidents_in_window, window
from betterstack_rca.errors import BetterStackError

if TYPE_CHECKING:
    from betterstack_rca.models import Incident
    from betterstack_rca.rca import IncidentBundle


def add_parser(subparsers: Subparsers, common: Parser) -> None:
    rep = subparsers.add_parser(
        "report",
        parents=[common],
        help="a bundle per incident in a window, and an index",
        description="Write DIR/<incident_id>/bundle.{json,md} for every incident that started "
        "in the window, and DIR/index.md with one row per incident and totals.",
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
    add_bundle_flags(rep)
    set_handler(rep, run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from betterstack_rca.resources._params import is_plain_id

    since, until = window(args)
    options = bundle_options(args)
    out_dir = Path(args.out)
    with ctx.client() as bs:
        incidents = list(
            incidents_in_window(
                bs, since, until, monitor=args.monitor, heartbeat=None, limit=args.limit
            )
        )
        incidents.sort(key=lambda i: i.started_at or since)
        out_dir.mkdir(parents=True, exist_ok=True)
        report = Report(since, until)
        progress = Progress(len(incidents), sys.stderr)
        for n, incident in enumerate(incidents, start=1):
            progress.update(n - 1, f"incident {row_id(incident)}")
            row = ReportRow(incident)
            # One bad incident must not sink the week's report: a row that cannot be
            # collected or written is a failed row of the index, and the report goes on.
            try:
                if not is_plain_id(incident.id):
                    raise ValueError("the listing gave an id that is not a plain id")
                bundle = bs.bundle(incident.id, **options)
                folder = private_folder(out_dir, str(incident.id))
                write_text(folder / "bundle.json", bundle.to_json() + "\n")
                write_text(folder / "bundle.md", bundle.to_markdown(args.max_chars) + "\n")
            except (BetterStackError, ValueError, OSError) as exc:
                row.error = f"{type(exc).__name__}: {one_line(exc)}"
                log.debug("bundle of incident %s failed", row_id(incident), exc_info=True)
            else:
                row.bundle = bundle
            report.rows.append(row)
            progress.update(n, f"incident {row_id(incident)}")
        progress.close()
    write_text(out_dir / "index.md", report.index_markdown())
    failed = sum(1 for r in report.rows if r.error is not None)
    note(
        f"wrote {len(report.rows)} bundle(s) and {out_dir / 'index.md'}"
        + (f"; {failed} bundle(s) failed (listed in the index)" if failed else "")
    )
    return EXIT_OK


@dataclass
class ReportRow:
    """One line of a report's index."""

    incident: Incident
    bundle: IncidentBundle | None = None
    error: str | None = None

    @property
    def source(self) -> str:
        b, inc = self.bundle, self.incident
        if b is not None and b.monitor is not None:
            return b.monitor.pronounceable_name or str(b.monitor.id)
        if b is not None and b.heartbeat is not None:
            return f"heartbeat {b.heartbeat.name or b.heartbeat.id}"
        return inc.name or str(inc.monitor_id or inc.heartbeat_id or "?")

    @property
    def tta(self) -> float | None:
        if self.bundle is not None:
            return self.bundle.metrics.time_to_acknowledge
        return seconds_between(self.incident.started_at, self.incident.acknowledged_at)

    @property
    def ttr(self) -> float | None:
        if self.bundle is not None:
            return self.bundle.metrics.time_to_resolve
        return seconds_between(self.incident.started_at, self.incident.resolved_at)

    @property
    def top_finding(self) -> str:
        if self.error is not None:
            return f"FAILED: {self.error}"
        if self.bundle is None or not self.bundle.findings:
            return "-"
        top = self.bundle.findings[0]
        return f"{top.rule}: {top.summary}"


@dataclass
class Report:
    since: datetime
    until: datetime
    rows: list[ReportRow] = field(default_factory=list)

    def index_markdown(self) -> str:
        rows = self.rows
        failed = [r for r in rows if r.error is not None]
        out = [
            f"# Incident report {iso(self.since)} to {iso(self.until)}",
            "",
            f"Generated {iso(_common.now())} by {PROG} {__version__}.",
            "",
            "## Totals",
            "",
            f"- Incidents: {len(rows)}"
            + (f" ({len(failed)} bundle(s) failed, see below)" if failed else ""),
        ]
        for label, values in (
            ("Time to acknowledge", [r.tta for r in rows]),
            ("Time to resolve", [r.ttr for r in rows]),
        ):
            known = [v for v in values if v is not None]
            if known:
                out.append(
                    f"- {label}: median {duration(statistics.median(known))}, "
                    f"mean {duration(statistics.fmean(known))} (over {len(known)})"
                )
            else:
                out.append(f"- {label}: n/a")
        unacked = sum(1 for r in rows if r.incident.acknowledged_at is None)
        out.append(f"- Not acknowledged: {unacked}")
        rules = Counter(f.rule for r in rows if r.bundle for f in r.bundle.findings)
        if rules:
            out.append(
                "- Findings by rule: "
                + ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items(), key=_by_count))
            )
        out += [
            "",
            "## Incidents",
            "",
        ]
        if rows:
            out += [
                "| Incident | Monitor | Cause | Started (UTC) | Acknowledged after "
                "| Resolved after | Top finding |",
                "|---|---|---|---|---|---|---|",
            ]
            for r in rows:
                inc = r.incident
                link = (
                    f"[{md_cell(str(inc.id))}]({inc.id}/bundle.md)"
                    if r.bundle is not None
                    else md_cell(str(inc.id))
                )
                started = inc.started_at.strftime("%Y-%m-%d %H:%M") if inc.started_at else "?"
                out.append(
                    "| "
                    + " | ".join(
                        [
                            link,
                            md_cell(r.source),
                            md_cell(inc.cause or "-"),
                            started,
                            duration(r.tta),
                            "open"
                            if r.ttr is None and inc.resolved_at is None
                            else duration(r.ttr),
                            md_cell(clip(r.top_finding, 160)),
                        ]
                    )
                    + " |"
                )
        else:
            out.append("No incidents started in this window.")
        if failed:
            out += ["", "## Failed bundles", ""]
            out += [f"- {md_cell(str(r.incident.id))}: {md_cell(r.error or '')}" for r in failed]
        return "\n".join(out) + "\n"


def row_id(incident: Incident) -> str:
    """An incident's id for a message: scrubbed, one line, short (it may be malformed)."""
    return clip(str(incident.id), 70)


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.enabled = total > 0 and stream.isatty()

    def update(self, done: int, label: str) -> None:
        if not self.enabled:
            return
        width = 30
        filled = width * done // self.total
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} {clip(label, 40):<40}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
