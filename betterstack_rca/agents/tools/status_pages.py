"""``status_page_reports``: what the status pages told the public, report by report."""

from __future__ import annotations

from datetime import datetime

from betterstack_rca.agents._text import UNTRUSTED_NOTE, fit, inline, when
from betterstack_rca.agents.models import StatusPageReportsArgs, parse_when
from betterstack_rca.agents.tools._spec import ToolContext, ToolResult, ToolSpec
from betterstack_rca.models import StatusPage, StatusReport

#: Pages asked about when no status_page_id is given, and reports per page read in detail.
MAX_PAGES = 10
MAX_REPORTS = 10
#: Reports listed per page (newest first) to find those of the window.
MAX_LISTED = 500


def _active_since(report: StatusReport, since: datetime, now: datetime) -> bool:
    starts, ends = report.starts_at, report.ends_at
    return (starts is None or starts <= now) and (ends is None or ends >= since)


def _page_name(page: StatusPage) -> str:
    return inline(page.company_name or page.subdomain or page.custom_domain or page.id, 80)


def _report_lines(report: StatusReport) -> list[str]:
    lines = [
        f"- [{inline(report.report_type, 20)}] {inline(report.title, 120)} (report {report.id}): "
        f"{when(report.starts_at)} to {when(report.ends_at) if report.ends_at else 'ongoing'} UTC, "
        f"state {inline(report.aggregate_state, 20)}, {len(report.status_updates)} update(s)"
    ]
    updates = sorted(report.status_updates, key=lambda u: u.published_at or datetime.min)
    for update in updates:
        states = ", ".join(
            f"{r.status_page_resource_id}: {inline(r.status, 20)}"
            for r in update.affected_resources or []
        )
        lines.append(
            f"  - {when(update.published_at)}"
            + (f" [{states}]" if states else "")
            + f" {inline(update.message, 400)}"
        )
    return lines


def run(args: StatusPageReportsArgs, ctx: ToolContext) -> ToolResult:
    bs = ctx.client
    now = ctx.now()
    since = parse_when(args.since, "since", now=now)
    if args.status_page_id is not None:
        pages = [bs.status_pages.get(args.status_page_id)]
        skipped: list[str] = []
    else:
        listed = list(bs.status_pages.list())
        pages, skipped = listed[:MAX_PAGES], [p.id for p in listed[MAX_PAGES:]]
    head = [UNTRUSTED_NOTE, f"Status page reports active from {when(since)} to {when(now)} UTC:"]
    rows: list[str] = []
    notes: list[str] = []
    for page in pages:
        reports = [
            r
            for r in bs.status_pages.reports(page.id, max_items=MAX_LISTED)
            if _active_since(r, since, now)
        ]
        reports.sort(key=lambda r: r.starts_at or now, reverse=True)
        rows.append(
            f"## Page {_page_name(page)} (status_page_id {page.id}, now "
            f"{inline(page.aggregate_state, 20)}): {len(reports)} report(s)"
        )
        for report in reports[:MAX_REPORTS]:
            detailed = bs.status_pages.report(page.id, report.id)
            rows.append("\n".join(_report_lines(detailed)))
        if len(reports) > MAX_REPORTS:
            notes.append(
                f"left out: {len(reports) - MAX_REPORTS} older report(s) of page {page.id}; "
                f"call status_page_reports with status_page_id={page.id} and a shorter since"
            )
    if skipped:
        notes.append(
            f"left out: {len(skipped)} status page(s) (ids {', '.join(skipped[:20])}); call "
            "status_page_reports with status_page_id=<id>"
        )
    if not pages:
        return ToolResult("This Better Stack account has no status pages.")

    def left_out(shown: int) -> str:
        return (
            f"left out: {len(rows) - shown} more page heading(s) and report(s) over the size "
            "cap; call status_page_reports with one status_page_id or a shorter since"
        )

    text, _ = fit(head, rows, ctx.max_chars, left_out=left_out, tail=notes)
    return ToolResult(text)


SPEC = ToolSpec(
    name="status_page_reports",
    title="Status page reports",
    description=(
        "Reports (incidents and maintenance) on Better Stack status pages active since a "
        "time, with every status update and the state it gave each resource. Read-only."
    ),
    arguments=StatusPageReportsArgs,
    run=run,
    not_found="no such status page in this Better Stack account (omit status_page_id for all)",
)
