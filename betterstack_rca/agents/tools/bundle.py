"""``incident_bundle``: everything around one incident, as Markdown within a budget, with its
findings as structured output."""

from __future__ import annotations

import json
import re

from betterstack_rca.agents._text import UNTRUSTED_NOTE, cap
from betterstack_rca.agents.models import (
    BundleFindings,
    DiagnosisOut,
    DiagnosisPartOut,
    FindingOut,
    GapOut,
    ImpactOut,
    IncidentBundleArgs,
)
from betterstack_rca.agents.tools._spec import ToolContext, ToolResult, ToolSpec
from betterstack_rca.rca.bundle import DiagnosisPart, IncidentBundle


def _part(part: DiagnosisPart | None) -> DiagnosisPartOut | None:
    if part is None:
        return None
    return DiagnosisPartOut(
        summary=part.summary,
        rule=part.rule,
        at=part.at,
        confidence=part.confidence,
        level=part.level,
        evidence=part.evidence,
    )


def diagnosis(bundle: IncidentBundle) -> DiagnosisOut:
    """The bundle's diagnosis, without the figures behind each part (the Markdown has them)."""
    d = bundle.diagnosis
    impact = None
    if d.impact is not None:
        impact = ImpactOut(
            summary=d.impact.summary,
            failed=[" ".join(str(v) for v in (r.type, r.id, r.name) if v) for r in d.impact.failed],
            status_page_resources=d.impact.status_page_resources,
            regions=d.impact.regions,
            evidence=d.impact.evidence,
        )
    return DiagnosisOut(
        trigger=_part(d.trigger), first_failure=_part(d.first_failure), impact=impact
    )


def findings(bundle: IncidentBundle, budget: int) -> BundleFindings:
    """The structured output, within `budget` characters of JSON: the diagnosis and the
    findings; over the budget the figures behind each finding (`data`) go first, then the
    least confident findings, and the diagnosis last."""
    out = BundleFindings(
        incident_id=bundle.incident.id,
        status=None if bundle.incident.status is None else str(bundle.incident.status),
        diagnosis=diagnosis(bundle),
        findings=[
            FindingOut(
                rule=f.rule,
                confidence=f.confidence,
                summary=f.summary,
                evidence=f.evidence,
                data=f.data,
            )
            for f in bundle.findings
        ],
        gaps=[GapOut(source=g.source, error=g.error, message=g.message) for g in bundle.gaps],
        time_to_acknowledge=bundle.metrics.time_to_acknowledge,
        time_to_resolve=bundle.metrics.time_to_resolve,
    )
    if size(out) > budget:
        out.findings = [f.model_copy(update={"data": {}}) for f in out.findings]
    while out.findings and size(out) > budget:
        out.findings.pop()
        out.findings_left_out += 1
    if size(out) > budget:
        out.diagnosis = None
    return out


def size(out: BundleFindings) -> int:
    return len(json.dumps(out.model_dump(mode="json"), ensure_ascii=False))


#: Room kept for the line that says which calls get what the Markdown left out.
_REST_ROOM = 260
_SHOWN_EVENT = re.compile(r"^- `(e\d+)` ", re.MULTILINE)


def rest_hint(bundle: IncidentBundle, markdown: str) -> str:
    """Which calls get what a cut Markdown left out."""
    ref = bundle.incident.id
    timeline = markdown.split("\n## Timeline\n", 1)
    shown = _SHOWN_EVENT.findall(timeline[1].split("\n## ", 1)[0]) if len(timeline) > 1 else []
    ids = [e.id for e in bundle.timeline]
    if shown and shown[-1] in ids and ids.index(shown[-1]) + 1 < len(ids):
        cursor = ids[ids.index(shown[-1]) + 1]
        events = f'incident_timeline(incident_id="{ref}", cursor="{cursor}") has the next events; '
    else:
        events = f'incident_timeline(incident_id="{ref}") has every event; '
    return (
        f"left out: what the markers above say; {events}incident_bundle with "
        'sections=["<name>"] shows one section whole.'
    )


def run(args: IncidentBundleArgs, ctx: ToolContext) -> ToolResult:
    bundle = ctx.bundle(args.incident_id)
    # The text (the note and the Markdown) stays within max_chars, and the whole answer
    # (text and structured findings) under the hard cap; the findings take at most a quarter.
    structured = findings(bundle, ctx.max_chars // 4)
    note = len(UNTRUSTED_NOTE) + 1
    room = ctx.max_chars - size(structured) - note
    full = bundle.to_markdown(sections=args.sections)
    budget = min(args.max_chars - note, room)
    if len(full) <= budget:
        text = f"{UNTRUSTED_NOTE}\n{full}".rstrip("\n")
    else:
        capped = ""
        if args.max_chars - note > room:
            capped = f" (max_chars lowered to keep the answer under {ctx.max_chars} characters)"
        markdown = bundle.to_markdown(max(0, budget - _REST_ROOM - len(capped)), args.sections)
        hint = rest_hint(bundle, markdown) + capped
        text = f"{UNTRUSTED_NOTE}\n{markdown.rstrip()}\n{hint}"
    text = cap(text, min(args.max_chars, ctx.max_chars - size(structured)))
    return ToolResult(text, structured=structured.model_dump(mode="json"))


SPEC = ToolSpec(
    name="incident_bundle",
    title="Incident bundle",
    description=(
        "Everything Better Stack Uptime knows around one incident, in one call, as Markdown "
        "within max_chars: summary, diagnosis (trigger, first failure, impact), "
        "evidence-backed findings citing timeline events (e3), timeline, who was paged, "
        "audit, blast radius, similar incidents, status pages, checks, routing, gaps. "
        "Start an RCA here. Read-only."
    ),
    arguments=IncidentBundleArgs,
    run=run,
    output=BundleFindings,
    not_found="no such incident in this Better Stack account (list_incidents shows the ids)",
)
