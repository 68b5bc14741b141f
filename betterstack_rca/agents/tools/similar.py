"""``similar_incidents``: the earlier incidents most like one incident, and how they ended.

It reads the incident's bundle (the toolbox's cached one when ``incident_bundle`` or
``incident_timeline`` collected it lately: no request), whose history is the incidents of
the same monitor or heartbeat over the look-back (30 days by default), and ranks them with
the bundle's own score (`rca.rules.history`: same monitor, cause class, cause text, failing
regions, time of day). The bundle lists the five best; ``limit`` ranks up to 20 from the
same history. Comments of an earlier incident are shown when the toolbox holds its bundle
too; reading them otherwise costs a request per incident, so the answer says which call
gets them.
"""

from __future__ import annotations

from betterstack_rca._units import duration
from betterstack_rca.agents._text import (
    UNTRUSTED_NOTE,
    cap,
    cell,
    fit,
    inline,
    table,
    when,
)
from betterstack_rca.agents.models import SIMILAR_MAX, SimilarIncidentsArgs
from betterstack_rca.agents.tools._spec import ToolContext, ToolError, ToolResult, ToolSpec
from betterstack_rca.rca.bundle import IncidentBundle, SimilarIncident
from betterstack_rca.rca.rules.history import TIME_OF_DAY_HOURS, WEIGHTS, similar_incidents

HEADERS = (
    "id",
    "started (UTC)",
    "cause",
    "score",
    "why",
    "took",
    "acknowledged by",
    "resolved by",
    "event",
)
#: Comments shown per earlier incident whose bundle the toolbox holds.
MAX_COMMENTS = 5


def _source(bundle: IncidentBundle) -> tuple[str, str]:
    """What the incident's history is of: (``monitor``/``heartbeat``, a description)."""
    inc = bundle.incident
    if inc.monitor_id:
        name = bundle.monitor.pronounceable_name if bundle.monitor else None
        return "monitor", f"monitor {inc.monitor_id}" + (f" {inline(name, 80)}" if name else "")
    if inc.heartbeat_id:
        name = bundle.heartbeat.name if bundle.heartbeat else None
        return "heartbeat", f"heartbeat {inc.heartbeat_id}" + (
            f" {inline(name, 80)}" if name else ""
        )
    return "source", "no monitor or heartbeat"


def _row(s: SimilarIncident, event: str | None) -> str:
    if s.duration is None:
        resolved = "- (still open)"
    else:
        resolved = cell(s.resolved_by, 60) if s.resolved_by else "(recovered by itself)"
    return " | ".join(
        [
            s.incident_id,
            when(s.started_at),
            cell(s.cause, 60),
            str(s.score),
            ", ".join(f"{name} +{points}" for name, points in s.matches.items()),
            duration(s.duration),
            cell(s.acknowledged_by, 60),
            resolved,
            event or "-",
        ]
    )


def _comments(ranked: list[SimilarIncident], ctx: ToolContext) -> list[str]:
    """The comments of the earlier incidents whose bundle the toolbox holds, and how to get
    the others'."""
    lines: list[str] = []
    unread: list[str] = []
    for s in ranked:
        past = ctx.cached_bundle(s.incident_id)
        if past is None:
            unread.append(s.incident_id)
            continue
        if not past.comments:
            lines.append(f"- {s.incident_id}: no comments.")
            continue
        lines.append(f"- {s.incident_id}: {len(past.comments)} comment(s):")
        for c in sorted(past.comments, key=lambda c: str(c.created_at))[:MAX_COMMENTS]:
            lines.append(
                f"  - {when(c.created_at)} {inline(c.user_email or 'API', 80)}: "
                f"{inline(c.content, 300)}"
            )
    if lines:
        lines.insert(0, "Comments (from bundles collected lately):")
    if unread:
        lines.append(
            f"Comments of {', '.join(unread)} are not read (a request each): "
            f'incident_timeline(incident_id="{unread[0]}", kinds=["comment"]) shows that '
            "incident's (it collects its bundle; call similar_incidents again to see them here)."
        )
    return lines


def _history(bundle: IncidentBundle, kind: str) -> list[str]:
    """What the history rules concluded, and what they could not compare."""
    checks = {c.name: c for c in bundle.checks}
    verdict = next((f for f in bundle.findings if f.rule == "past_incidents"), None)
    lines = []
    if verdict is not None:
        lines.append(f"History: {inline(verdict.summary, 300)} (finding past_incidents).")
    elif "past_incidents" in checks:
        lines.append(f"History: {inline(checks['past_incidents'].reason, 300)}.")
    group = checks.get("past_incidents_group")
    if kind == "monitor" and group is not None and group.status == "skipped":
        lines.append(f"Not compared: the group's incidents ({inline(group.reason, 300)}).")
    return lines


def run(args: SimilarIncidentsArgs, ctx: ToolContext) -> ToolResult:
    bundle = ctx.bundle(args.incident_id)
    inc = bundle.incident
    kind, source = _source(bundle)
    if kind == "source":
        return ToolResult(
            f"Incident {inc.id} names no monitor or heartbeat: it has no earlier incidents "
            "to compare with."
        )
    gap = next((g for g in bundle.gaps if g.source == "history"), None)
    if gap is not None:
        raise ToolError(
            f"the earlier incidents of {source} could not be read ({gap.error}: "
            f"{' '.join(gap.message.split())}); try again in a minute"
        )
    head = [
        UNTRUSTED_NOTE,
        f"Incident {inc.id} ({source}, cause {inline(inc.cause, 80)}, started "
        f"{when(inc.started_at)} UTC) against the {len(bundle.history)} earlier incident(s) "
        f"of its {kind} since {when(bundle.window.history_start)} UTC.",
        *_history(bundle, kind),
    ]
    everything = similar_incidents(bundle, limit=len(bundle.history))
    ranked = everything[: args.limit]
    if not ranked:
        head.append(
            f"None of them shares more than the {kind} (a score above same_monitor "
            f"+{WEIGHTS['same_monitor']}): no similar incident."
            if bundle.history
            else "No similar incident: there is none to compare with."
        )
        return ToolResult(cap("\n".join(head), ctx.max_chars))
    legend = ", ".join(f"{name} +{points}" for name, points in WEIGHTS.items())
    head += [
        f"{len(ranked)} of {len(everything)} similar incident(s), best first (newest first at "
        f"equal scores). score = the sum of {legend}; same_time_of_day: started within "
        f"{TIME_OF_DAY_HOURS} h of this time of day.",
        *table(HEADERS, []),
    ]
    events = {e.ref.id: e.id for e in bundle.timeline if e.kind == "earlier_incident"}
    rows = [_row(s, events.get(s.incident_id)) for s in ranked]
    tail = []
    if len(everything) > len(ranked):
        rest = ", ".join(s.incident_id for s in everything[len(ranked) : len(ranked) + 20])
        tail.append(
            f"left out: {len(everything) - len(ranked)} more similar incident(s) ({rest}"
            + (", ..." if len(everything) > len(ranked) + 20 else "")
            + ")"
            + (
                f'; call similar_incidents with incident_id="{inc.id}" and '
                f"limit={min(SIMILAR_MAX, len(everything))}"
                if args.limit < SIMILAR_MAX
                else ""
            )
        )
    tail += _comments(ranked, ctx)

    def left_out(shown: int) -> str:
        ids = ", ".join(s.incident_id for s in ranked[shown:])
        return (
            f"left out: {len(rows) - shown} row(s) over the size cap (incidents {ids}); "
            f'incident_bundle(incident_id="{inc.id}", sections=["similar"]) lists the best five'
        )

    text, _ = fit(head, rows, ctx.max_chars, left_out=left_out, tail=tail)
    return ToolResult(text)


SPEC = ToolSpec(
    name="similar_incidents",
    title="Similar incidents",
    description=(
        "Earlier incidents of the same monitor or heartbeat most like one incident (30 days "
        "back), ranked by a visible score (same cause class, cause, regions, time of day), "
        "with how each ended: how long, who acknowledged, who resolved or whether it "
        "recovered by itself. Read-only."
    ),
    arguments=SimilarIncidentsArgs,
    run=run,
    not_found="no such incident in this Better Stack account (list_incidents shows the ids)",
)
