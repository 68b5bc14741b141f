"""What the public was told: a status page that showed the monitor but was updated late, or
not at all.
"""

from __future__ import annotations

from datetime import timedelta

from betterstack_rca.rca.bundle import Finding, IncidentBundle
from betterstack_rca.rca.rules.evidence import (
    Outcome,
    collected,
    ids,
    matching,
    minutes,
    missing,
    ran,
    skipped,
    started,
)
from betterstack_rca.rca.text import plural

#: A first status-page update later than this after the start is late.
STATUS_PAGE_GRACE = timedelta(minutes=5)


def _covering_pages(b: IncidentBundle) -> list[str]:
    return [ctx.page.id for ctx in b.status_pages if ctx.resources]


def status_page(b: IncidentBundle) -> Outcome:
    name = "status_page"
    start = b.incident.started_at
    pages = _covering_pages(b)
    kind = "heartbeat" if b.incident.heartbeat_id and not b.incident.monitor_id else "monitor"
    if start is None:
        return skipped(name, "the incident has no start time")
    if not collected(b, "status_pages"):
        return skipped(name, missing(b, "status_pages"))
    if not pages:
        return ran(name, f"no status page shows this {kind} (or its group)")
    delay = b.metrics.status_page_delay
    maintenance = {
        r.id for ctx in b.status_pages for r in ctx.reports if str(r.report_type) == "maintenance"
    }
    updates = matching(
        b,
        lambda e: (
            e.kind == "status_update"
            and e.at >= start
            and e.details.get("status_report_id") not in maintenance
        ),
    )
    if delay is not None:
        if delay <= STATUS_PAGE_GRACE.total_seconds():
            return ran(name, f"the status page was updated {minutes(timedelta(seconds=delay))} in")
        return Finding(
            rule="status_page_late",
            role="response",
            signals=[f"first public update {minutes(timedelta(seconds=delay))} after the start"],
            confidence=0.35,
            summary=(
                f"The status page was first updated {minutes(timedelta(seconds=delay))} "
                "after the start"
            ),
            evidence=ids(updates[:1] + started(b, b.incident.id)),
            data={"delay_seconds": delay, "status_page_ids": pages},
        )
    end = b.incident.resolved_at or b.generated_at
    if end - start <= STATUS_PAGE_GRACE * 2:
        return ran(name, f"no update, but the incident lasted only {minutes(end - start)}")
    if any(str(r.report_type) == "maintenance" for ctx in b.status_pages for r in ctx.reports):
        return ran(name, "a maintenance report was up instead of an incident update")
    return Finding(
        rule="status_page_silent",
        role="response",
        signals=[f"no public update in {minutes(end - start)}"],
        confidence=0.3,
        summary=(
            f"{plural(len(pages), 'status page')} show{'s' if len(pages) == 1 else ''} this {kind} "
            "but got no update during the "
            f"{minutes(end - start)} incident"
        ),
        evidence=ids(started(b, b.incident.id)),
        data={"status_page_ids": pages},
    )
