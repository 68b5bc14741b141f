"""``incident_bundle``: everything around one incident, as Markdown within a budget, with its
findings as structured output."""

from __future__ import annotations

import json

from betterstack_rca.agents._text import UNTRUSTED_NOTE, cap
from betterstack_rca.agents.models import BundleFindings, FindingOut, GapOut, IncidentBundleArgs
from betterstack_rca.agents.tools._spec import ToolContext, ToolResult, ToolSpec
from betterstack_rca.rca.bundle import IncidentBundle


def findings(bundle: IncidentBundle, budget: int) -> BundleFindings:
    """The structured output, within `budget` characters of JSON: the figures behind each
    finding (`data`) go first, then the least confident findings."""
    out = BundleFindings(
        incident_id=bundle.incident.id,
        status=None if bundle.incident.status is None else str(bundle.incident.status),
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
    return out


def size(out: BundleFindings) -> int:
    return len(json.dumps(out.model_dump(mode="json"), ensure_ascii=False))


def run(args: IncidentBundleArgs, ctx: ToolContext) -> ToolResult:
    bundle = ctx.bundle(args.incident_id)
    # The text (the note and the Markdown) stays within max_chars, and the whole answer
    # (text and structured findings) under the hard cap; the findings take at most a quarter.
    structured = findings(bundle, ctx.max_chars // 4)
    note = len(UNTRUSTED_NOTE) + 1
    room = ctx.max_chars - size(structured) - note
    full = bundle.to_markdown(sections=args.sections)
    capped = ""
    if len(full) > room and args.max_chars - note > room:
        capped = f"\n(max_chars lowered to keep the whole answer under {ctx.max_chars} characters)"
        room -= len(capped)
    budget = max(0, min(args.max_chars - note, room))
    markdown = full if len(full) <= budget else bundle.to_markdown(budget, args.sections)
    text = f"{UNTRUSTED_NOTE}\n{markdown}".rstrip("\n") + capped
    text = cap(text, min(args.max_chars, ctx.max_chars - size(structured)))
    return ToolResult(text, structured=structured.model_dump(mode="json"))


SPEC = ToolSpec(
    name="incident_bundle",
    title="Incident bundle",
    description=(
        "Everything Better Stack Uptime knows around one incident, in one call, as Markdown "
        "within max_chars: summary, evidence-backed findings citing timeline events (e3), "
        "timeline, responders and escalation, blast radius, status pages, routing, gaps. "
        "Start an RCA here. Read-only."
    ),
    arguments=IncidentBundleArgs,
    run=run,
    output_schema=BundleFindings.model_json_schema(),
    not_found="no such incident in this Better Stack account (list_incidents shows the ids)",
)
