"""Status pages: the pages, their sections and resources, and the background reports.

The scenarios add their own reports (``Play.reports``); the account lists those first.
"""

from __future__ import annotations

from collections.abc import Mapping

from betterstack_rca.sandbox.model.records import (
    MonitorRec,
    ReportRec,
    ResourceRec,
    SectionRec,
    StatusPageRec,
    UpdateRec,
)
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR
from betterstack_rca.sandbox.scenarios.stage import Cast


def created_at(ref: int, scale: int) -> int:
    """When the status pages and the integrations were created."""
    return ref - 28 * DAY * scale - 90 * DAY


def generate_status_pages(ref: int, scale: int) -> tuple[StatusPageRec, ...]:
    created = created_at(ref, scale)
    return (
        StatusPageRec(150001, "Acme", "acme-status", "UTC", False, created),
        StatusPageRec(150002, "Acme Platform (internal)", "acme-platform", "UTC", True, created),
        StatusPageRec(150003, "Acme Partners", "acme-partners", "Berlin", False, created),
    )


SECTIONS = (
    SectionRec(456701, 150001, "API", 0),
    SectionRec(456702, 150001, "Website", 1),
    SectionRec(456703, 150001, "Services", 2),
    SectionRec(456711, 150002, "Core", 0),
    SectionRec(456712, 150002, "Search & Payments", 1),
    SectionRec(456721, 150003, "Partner API", 0),
)


def generate_resources(
    monitors: list[MonitorRec], n_groups: int, casts: Mapping[str, Cast]
) -> tuple[ResourceRec, ...]:
    """What each section shows; several are scenario monitors (``casts`` by scenario key)."""
    m = monitors
    reports_service = casts["maintenance"].monitors[0]
    invoice_export = casts["heartbeat_incident"].heartbeats[0]
    crm = casts["unacknowledged_escalation"].monitors[0]
    search = casts["region_blip"].monitors[0]
    checkout = casts["bad_deploy"].monitors[0]
    website = [mm.index for mm in m if mm.group == 1][:3]
    partners = 11 if n_groups > 11 else 0
    res: list[ResourceRec] = [
        ResourceRec(770001, 150001, 456701, "MonitorGroup", 0, "Public API", 0),
    ]
    for k, wi in enumerate(website):
        res.append(ResourceRec(770002 + k, 150001, 456702, "Monitor", wi, m[wi].name, k))
    res.append(ResourceRec(770010, 150001, 456703, "Monitor", reports_service, "Reports", 0))
    res.append(
        ResourceRec(770011, 150001, 456703, "Heartbeat", invoice_export, "Invoice export", 1)
    )
    res.append(ResourceRec(770020, 150002, 456711, "Monitor", crm, "CRM", 0))
    res.append(ResourceRec(770021, 150002, 456712, "Monitor", search, "Search", 0))
    res.append(ResourceRec(770022, 150002, 456712, "Monitor", checkout, "Checkout", 1))
    res.append(ResourceRec(770023, 150002, 456712, "MonitorGroup", 2, "Payments", 2))
    res.append(ResourceRec(770030, 150003, 456721, "MonitorGroup", partners, "Partner API", 0))
    return tuple(res)


def background_reports(ref: int) -> tuple[ReportRec, ...]:
    """Two older reports that belong to no scenario."""
    return (
        ReportRec(
            880004,
            150001,
            "Website slow for some visitors",
            "manual",
            ref - 12 * DAY,
            ref - 12 * DAY + 2 * HOUR,
            (770002,),
            (
                UpdateRec(
                    990031,
                    880004,
                    "Some visitors see slow page loads.",
                    ref - 12 * DAY,
                    "degraded",
                ),
                UpdateRec(990032, 880004, "Resolved.", ref - 12 * DAY + 2 * HOUR, "resolved"),
            ),
        ),
        ReportRec(
            880005,
            150003,
            "Partner API maintenance",
            "maintenance",
            ref - 20 * DAY,
            ref - 20 * DAY + HOUR,
            (770030,),
            (
                UpdateRec(
                    990041,
                    880005,
                    "Planned partner API maintenance.",
                    ref - 21 * DAY,
                    "maintenance",
                ),
            ),
        ),
    )
