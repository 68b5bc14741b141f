"""HTML for notebooks (`IncidentBundle._repr_html_`): the summary, the diagnosis (trigger,
first failure, impact), a table of the findings and a table of the timeline. Every value goes
through `_t`: one printable line (no NULs, terminal escapes or bidi overrides), cut, escaped;
the bundle is redacted already."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from betterstack_rca.rca.bundle import IncidentBundle
from betterstack_rca.rca.render import metric
from betterstack_rca.rca.text import one_line, plural

#: A notebook cell stays readable: longer timelines say how many events they left out.
MAX_EVENTS = 200

#: A cell of account text is cut to this (a 100 KB name stays a name).
TEXT_LIMIT = 500

_STYLE = "border-collapse:collapse;text-align:left;vertical-align:top"
_CELL = "padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"


def _t(value: object, limit: int = TEXT_LIMIT) -> str:
    """Text (the account's included) as HTML: one printable line, cut, escaped."""
    return escape(one_line(value, limit))


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f'<th style="{_CELL}">{_t(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">{_t(cell)}</td>' for cell in row) + "</tr>"
        for row in rows
    )
    return f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _diagnosis(bundle: IncidentBundle) -> list[str]:
    """The diagnosis as a short list (nothing when the bundle has none)."""
    d = bundle.diagnosis
    items: list[tuple[str, str, Sequence[str]]] = []
    for label, part in (("Trigger", d.trigger), ("First failure", d.first_failure)):
        if part is not None:
            when = f"{part.at:%H:%M:%S} UTC: " if part.at else ""
            items.append((label, f"{when}{part.summary} ({part.level})", part.evidence))
    if d.impact is not None:
        items.append(("Impact", d.impact.summary, d.impact.evidence))
    if not items:
        return []
    lines = "".join(
        f"<li><b>{_t(label)}:</b> {_t(text)}"
        + (f" [{_t(', '.join(evidence))}]" if evidence else "")
        + "</li>"
        for label, text, evidence in items
    )
    return [f"<h4>Diagnosis</h4><ul>{lines}</ul>"]


def render_html(bundle: IncidentBundle, max_events: int = MAX_EVENTS) -> str:
    """The bundle as one HTML fragment (no scripts, inline styles only)."""
    inc = bundle.incident
    m = bundle.metrics
    started = inc.started_at.strftime("%Y-%m-%d %H:%M:%S UTC") if inc.started_at else "?"
    parts = [
        f"<h3>Incident {_t(inc.id)}: {_t(inc.name or '(unnamed)')}</h3>",
        "<p>"
        f"<b>Status:</b> {_t(str(inc.status or '?'))} · "
        f"<b>Cause:</b> {_t(inc.cause or 'n/a')} · <b>Started:</b> {_t(started)}<br>"
        f"<b>Acknowledged:</b> {_t(metric(m.time_to_acknowledge))} · "
        f"<b>Resolved:</b> {_t(metric(m.time_to_resolve))} · "
        f"<b>Status page delay:</b> {_t(metric(m.status_page_delay))}"
        "</p>",
        *_diagnosis(bundle),
        "<h4>Findings</h4>",
    ]
    if bundle.findings:
        parts.append(
            _table(
                ("#", "rule", "confidence", "summary", "evidence"),
                (
                    (str(n), f.rule, f"{f.confidence:.2f}", f.summary, ", ".join(f.evidence))
                    for n, f in enumerate(bundle.findings, 1)
                ),
            )
        )
    else:
        parts.append("<p>No rule found evidence for a cause; see the timeline.</p>")
    parts.append(f"<h4>Timeline ({plural(len(bundle.timeline), 'event')})</h4>")
    shown = bundle.timeline[:max_events]
    parts.append(
        _table(
            ("id", "at (UTC)", "source", "kind", "summary"),
            (
                (e.id, e.at.strftime("%Y-%m-%d %H:%M:%S"), e.source, e.kind, e.summary)
                for e in shown
            ),
        )
    )
    if len(bundle.timeline) > len(shown):
        left = len(bundle.timeline) - len(shown)
        parts.append(f"<p>… {plural(left, 'more event')}: see <code>bundle.timeline</code>.</p>")
    if bundle.gaps:
        items = "".join(
            f"<li>{_t(g.source)}: {_t(g.error)}: {_t(g.message)}</li>" for g in bundle.gaps
        )
        parts.append(f"<h4>Gaps</h4><ul>{items}</ul>")
    return "<div>" + "".join(parts) + "</div>"
