"""A report as one self-contained ``index.html``, and a bundle as its own page.

No script, no font, no image, no link off the page: inline CSS (with print rules) and an
inline SVG swimlane chart, one lane per monitor or heartbeat with incidents, each incident
a bar from its start to its resolution with a mark where it was acknowledged, linked to
its bundle's page. Account text goes through `text()`: one line without control or
invisible format characters (NULs, terminal escapes, bidi overrides), cut, then escaped with
`html.escape` (in element text and in attributes alike). A link is made only from a plain
id (`is_plain_id`), never from account text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import TYPE_CHECKING

from betterstack_rca._units import duration
from betterstack_rca.rca.text import one_line
from betterstack_rca.resources._params import is_plain_id

if TYPE_CHECKING:
    from betterstack_rca.rca import IncidentBundle
    from betterstack_rca.report import Report, ReportRow

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}
th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.lane text{font-size:11px}.bar{fill:#d9534f}.bar.open{fill:#f0ad4e}
.ack{stroke:#1f4e79;stroke-width:2}.res{stroke:#222;stroke-width:1}
.grid{stroke:#eee}.axis{font-size:10px;fill:#666}
.note{color:#8a6d3b;background:#fcf8e3;padding:6px 10px}
@media print{body{margin:0;font-size:11px}a{color:inherit;text-decoration:none}
svg{max-width:100%;height:auto}tr,.lane{break-inside:avoid}}
"""

LANE = 22
LABEL = 200
WIDTH = 1000
#: Account text is cut to this in a cell or a tooltip (a 100 KB name stays a name).
TEXT_LIMIT = 200
LABEL_LIMIT = 32


def text(value: object, limit: int = TEXT_LIMIT) -> str:
    """Account text as HTML: one printable line, cut to `limit` characters, escaped."""
    return escape(one_line(value, limit))


def bundle_href(incident_id: str) -> str | None:
    """The relative link to an incident's page, or None when the id is not a plain id."""
    return f"{incident_id}/bundle.html" if is_plain_id(incident_id) else None


def _x(at: datetime, since: datetime, until: datetime) -> float:
    span = max((until - since).total_seconds(), 1.0)
    share = (at - since).total_seconds() / span
    return LABEL + max(0.0, min(1.0, share)) * (WIDTH - LABEL - 10)


def _mark(kind: str, x: float, y: int) -> str:
    return f'<line class="{kind}" x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 18}"/>'


def lanes(report: Report) -> list[tuple[str, list[ReportRow]]]:
    """The monitors (or heartbeats) with incidents, most incidents first."""
    by_source: dict[str, list[ReportRow]] = {}
    for r in report.rows:
        if r.started_at is not None:
            by_source.setdefault(r.source_id or r.source, []).append(r)
    return sorted(by_source.items(), key=lambda item: (-len(item[1]), item[1][0].source))


def swimlanes(report: Report, link: bool = True) -> str:
    """The inline SVG chart: one ``<g class="lane">`` per monitor with incidents."""
    since, until = report.since, report.until
    rows = lanes(report)
    height = 24 + LANE * max(1, len(rows))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="incidents per monitor">'
    ]
    days = int((until - since).total_seconds() // 86400) + 1
    step = max(1, days // 14)
    midnight = since.replace(hour=0, minute=0, second=0, microsecond=0)
    for n in range(0, days + 1, step):
        at = midnight + timedelta(days=n)
        if not since <= at <= until:
            continue
        x = _x(at, since, until)
        out.append(f'<line class="grid" x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{height}"/>')
        out.append(f'<text class="axis" x="{x:.1f}" y="10">{at:%m-%d}</text>')
    for n, (_key, incidents) in enumerate(rows):
        y = 16 + n * LANE
        name = text(incidents[0].source, LABEL_LIMIT)
        out.append(f'<g class="lane"><text x="4" y="{y + 14}">{name}</text>')
        for r in incidents:
            assert r.started_at is not None
            x0 = _x(r.started_at, since, until)
            end = r.resolved_at or until
            x1 = max(x0 + 2, _x(end, since, until))
            tip = (
                f"{text(r.incident_id, 64)} {text(r.source, 80)}: {text(r.cause or '?', 80)}; "
                f"started {r.started_at:%Y-%m-%d %H:%M} UTC; acknowledged after "
                f"{duration(r.tta)}; resolved after "
                f"{duration(r.ttr) if r.resolved_at else 'open'}"
            )
            cls = "bar" if r.resolved_at else "bar open"
            bar = (
                f'<rect class="{cls}" x="{x0:.1f}" y="{y + 3}" width="{x1 - x0:.1f}" '
                f'height="{LANE - 8}"><title>{tip}</title></rect>'
            )
            href = bundle_href(r.incident_id) if link and not r.failed else None
            if href is not None:
                bar = f'<a href="{href}">{bar}</a>'
            out.append(bar)
            if r.acknowledged_at is not None:
                out.append(_mark("ack", _x(r.acknowledged_at, since, until), y))
            if r.resolved_at is not None:
                out.append(_mark("res", x1, y))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """A table of values that are escaped already."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pairs(pairs: list[tuple[str, int]]) -> str:
    return ", ".join(f"{text(k, 80)} ({n})" for k, n in pairs) or "-"


def render_report_html(report: Report, generated: str = "") -> str:
    since, until = report.since, report.until
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Incident report {since:%Y-%m-%d} to {until:%Y-%m-%d}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Incident report {since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC</h1>",
        f"<p>Generated {text(generated)} by betterstack-rca. Names and causes are quoted "
        "from the monitored account.</p>",
    ]
    if report.interrupted:
        parts.append(f'<p class="note">{text(report.interrupted)}: the figures are partial.</p>')
    tta, ttr = report.tta, report.ttr
    parts += [
        "<h2>Totals</h2>",
        _table(
            [
                "Incidents",
                "MTTA median / p90",
                "MTTR median / p90",
                "Not acknowledged",
                "Status page lagging",
            ],
            [
                [
                    str(len(report.rows)),
                    f"{duration(tta.median)} / {duration(tta.p90)}",
                    f"{duration(ttr.median)} / {duration(ttr.p90)}",
                    str(report.not_acknowledged),
                    duration(report.status_page_late),
                ]
            ],
        ),
        f"<p><b>Top causes:</b> {_pairs(report.top_causes())}<br>"
        f"<b>Most recurring monitors:</b> {_pairs(report.recurring_monitors())}</p>",
        "<h2>Incidents per monitor</h2>",
        "<p>Bars run from the start to the resolution (orange: still open); the blue mark is "
        "the acknowledgement. Each bar links to its bundle.</p>",
        swimlanes(report),
        "<h2>Weekly</h2>",
        _table(
            [
                "Week of",
                "Incidents",
                "MTTA median",
                "MTTA p90",
                "MTTR median",
                "MTTR p90",
                "Top causes",
                "Most recurring",
                "Status page lagging",
            ],
            [
                [
                    f"{w.start:%Y-%m-%d}",
                    str(w.incidents),
                    duration(w.tta.median),
                    duration(w.tta.p90),
                    duration(w.ttr.median),
                    duration(w.ttr.p90),
                    _pairs(w.top_causes),
                    _pairs(w.recurring),
                    duration(w.status_page_late),
                ]
                for w in report.weekly()
            ],
        ),
        "<h2>Incidents</h2>",
    ]
    rows = []
    for r in report.rows:
        ident = text(r.incident_id, 64)
        href = None if r.failed else bundle_href(r.incident_id)
        link = ident if href is None else f'<a href="{href}">{ident}</a>'
        top = f"FAILED: {r.error}" if r.failed else (r.top_finding or "-")
        rows.append(
            [
                link,
                text(r.source),
                text(r.cause or "-"),
                f"{r.started_at:%Y-%m-%d %H:%M}" if r.started_at else "?",
                duration(r.tta),
                duration(r.ttr) if r.resolved_at else "open",
                text(top),
            ]
        )
    parts.append(
        _table(
            [
                "Incident",
                "Monitor",
                "Cause",
                "Started (UTC)",
                "Acknowledged after",
                "Resolved after",
                "Top finding",
            ],
            rows,
        )
        if rows
        else "<p>No incidents started in this window.</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def bundle_page(bundle: IncidentBundle) -> str:
    """A bundle's own page for the report (its notebook HTML, in a page of its own)."""
    from betterstack_rca.rca.renderers.html import render_html

    title = text(f"Incident {bundle.incident.id}: {bundle.incident.name or ''}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        '<p><a href="../index.html">Back to the report</a></p>'
        f"{render_html(bundle)}</body></html>\n"
    )
