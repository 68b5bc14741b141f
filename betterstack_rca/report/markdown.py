"""A report's ``index.md``: the totals, the weekly figures, one row per incident, failures.

Account text (names, causes, findings) is scrubbed and goes through `rca.text.cell`."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from betterstack_rca._scrub import scrub
from betterstack_rca._units import duration
from betterstack_rca._version import __version__
from betterstack_rca.rca.text import cell, one_line, plural
from betterstack_rca.resources._params import is_plain_id

if TYPE_CHECKING:
    from betterstack_rca.report import Figures, Report, ReportRow


def iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def md(text: str | None, limit: int | None = None) -> str:
    """Account text as a table cell: scrubbed, one line, no structure."""
    return cell(scrub(text or ""), limit)


def figures_line(label: str, f: Figures) -> str:
    if not f.count:
        return f"- {label}: n/a"
    return (
        f"- {label}: median {duration(f.median)}, p90 {duration(f.p90)}, "
        f"mean {duration(f.mean)} (over {f.count})"
    )


def top_finding(row: ReportRow) -> str:
    if row.error is not None:
        return f"FAILED: {row.error}"
    return row.top_finding or "-"


def render_index(report: Report, generated: str = "") -> str:
    rows, failed = report.rows, report.failed
    total = report.total if report.total is not None else len(rows)
    out = [f"# Incident report {iso(report.since)} to {iso(report.until)}", ""]
    out.append(
        f"Generated {generated or iso(datetime.now(timezone.utc))} by betterstack-rca "
        f"{__version__}."
    )
    if report.interrupted:
        out += [
            "",
            f"**{one_line(scrub(report.interrupted))}**: the rows below are partial; "
            "run the same command again to resume.",
        ]
    out += [
        "",
        "## Totals",
        "",
        f"- Incidents: {len(rows)}"
        + (f" of {total}" if total != len(rows) else "")
        + (f" ({plural(len(failed), 'bundle')} failed, see below)" if failed else ""),
        figures_line("Time to acknowledge", report.tta),
        figures_line("Time to resolve", report.ttr),
        f"- Not acknowledged: {report.not_acknowledged}",
    ]
    if report.status_page_late:
        out.append(f"- Time with a status page lagging: {duration(report.status_page_late)}")
    for label, pairs in (
        ("Top causes", report.top_causes()),
        ("Most recurring monitors", report.recurring_monitors()),
        ("Findings by rule", report.findings_by_rule()),
    ):
        if pairs:
            out.append(f"- {label}: " + ", ".join(f"{md(k)} {n}" for k, n in pairs))
    weeks = report.weekly()
    if len(weeks) > 1:
        out += [
            "",
            "## Weekly",
            "",
            "| Week of | Incidents | MTTA median / p90 | MTTR median / p90 | Top cause |",
            "|---|---|---|---|---|",
        ]
        for w in weeks:
            cause = f"{md(w.top_causes[0][0])} ({w.top_causes[0][1]})" if w.top_causes else "-"
            out.append(
                f"| {w.start:%Y-%m-%d} | {w.incidents} | {duration(w.tta.median)} / "
                f"{duration(w.tta.p90)} | {duration(w.ttr.median)} / {duration(w.ttr.p90)} "
                f"| {cause} |"
            )
    out += ["", "## Incidents", ""]
    if rows:
        out += [
            "| Incident | Monitor | Cause | Started (UTC) | Acknowledged after "
            "| Resolved after | Top finding |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            ident = md(r.incident_id)
            plain = is_plain_id(r.incident_id)  # a link target is never account text
            link = f"[{ident}]({r.incident_id}/bundle.md)" if plain and not r.failed else ident
            started = r.started_at.strftime("%Y-%m-%d %H:%M") if r.started_at else "?"
            resolved = "open" if r.ttr is None and r.resolved_at is None else duration(r.ttr)
            cells = [
                link,
                md(r.source),
                md(r.cause or "-"),
                started,
                duration(r.tta),
                resolved,
                md(top_finding(r), 160),
            ]
            out.append("| " + " | ".join(cells) + " |")
    else:
        out.append("No incidents started in this window.")
    if failed:
        out += ["", "## Failed bundles", ""]
        out += [f"- {md(r.incident_id)}: {md(r.error)}" for r in failed]
    return "\n".join(out) + "\n"
