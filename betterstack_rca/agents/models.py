"""The tools' inputs and outputs as pydantic models.

Arguments arrive from a model, so they are validated leniently where the meaning is
unambiguous: numbers sent as strings (``"20"``), ids sent as numbers, booleans as
``"true"``, lists as ``"findings,timeline"``, and ``null`` for an optional argument means
its default (OpenAI's strict mode sends every argument, ``null`` where it has none).
Anything else is refused with a message that says what to send.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from betterstack_rca.rca.options import parse_duration
from betterstack_rca.rca.render import SECTIONS
from betterstack_rca.resources._params import ident, parse_id, to_datetime

__all__ = [
    "BundleFindings",
    "IncidentBundleArgs",
    "IncidentTimelineArgs",
    "ListIncidentsArgs",
    "MonitorStatusArgs",
    "SimilarIncidentsArgs",
    "StatusPageReportsArgs",
    "ToolArguments",
    "WhoIsOnCallArgs",
    "parse_when",
]

WHEN_HELP = "a duration back from now (90m, 24h, 7d) or an ISO date or date-time in UTC"


def parse_when(value: str, name: str, *, now: datetime) -> datetime:
    """A duration back from `now` (``24h``), an ISO date (midnight UTC) or date-time."""
    try:
        return now - parse_duration(value, name)
    except ValueError:
        pass
    try:
        parsed = to_datetime(value, name)
    except ValueError:
        raise ValueError(f"{name} must be {WHEN_HELP}, e.g. '24h' or '2026-11-20T08:00Z'") from None
    if isinstance(parsed, datetime):
        return parsed
    return datetime(parsed.year, parsed.month, parsed.day, tzinfo=timezone.utc)


def _when(value: str) -> str:
    parse_when(value, "the time", now=datetime.now(timezone.utc))
    return value


def _split(value: Any) -> Any:
    """``"a, b"`` -> ``["a", "b"]``: a list sent as one string."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _sections(value: list[str]) -> list[str]:
    unknown = [name for name in value if name not in SECTIONS]
    if unknown:
        raise ValueError(f"unknown section(s) {unknown}; pick from {', '.join(SECTIONS)}")
    return value


def _incident(value: str) -> str:
    return parse_id(value, "incident")


def _monitor(value: str) -> str:
    return parse_id(value, "monitor")


def _calendar(value: str) -> str:
    return ident(value, "calendar_id")


def _status_page(value: str) -> str:
    return parse_id(value, "status_page")


IncidentRef = Annotated[
    str,
    AfterValidator(_incident),
    Field(description="Incident id, or its Better Stack URL (.../incidents/<id>)."),
]
When = Annotated[str, AfterValidator(_when)]


class ToolArguments(BaseModel):
    """Arguments of one tool call: unknown names are refused, ``null`` means the default."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        if isinstance(data, dict):
            fields = cls.model_fields
            return {
                key: value
                for key, value in data.items()
                if not (value is None and key in fields and fields[key].default is not None)
            }
        return data


class ListIncidentsArgs(ToolArguments):
    since: When = Field("24h", description=f"Window start (default 24h): {WHEN_HELP}.")
    until: When | None = Field(None, description="Window end, same forms; default now.")
    monitor_id: Annotated[str, AfterValidator(_monitor)] | None = Field(
        None, description="Only this monitor's incidents."
    )
    resolved: bool | None = Field(
        None, description="true: only resolved, false: only open; default both."
    )
    limit: int = Field(20, ge=1, le=100, description="Rows per page, 1-100 (default 20).")
    cursor: str | None = Field(None, description="next_cursor of the previous page.")


class IncidentBundleArgs(ToolArguments):
    incident_id: IncidentRef
    max_chars: int = Field(
        8000, ge=500, le=100_000, description="Budget of the Markdown, 500-100000 (default 8000)."
    )
    sections: Annotated[
        list[str] | None,
        BeforeValidator(_split),
        AfterValidator(lambda v: None if v is None else _sections(v)),
    ] = Field(
        None,
        description="Sections after the summary to include; default all.",
        json_schema_extra={"items": {"type": "string", "enum": list(SECTIONS)}},
    )


class IncidentTimelineArgs(ToolArguments):
    incident_id: IncidentRef
    kinds: Annotated[list[str] | None, BeforeValidator(_split)] = Field(
        None,
        description="Only these event kinds (started, acknowledged, resolved, comment, "
        "notification, escalation, status_update, config_changed, latency_rise...).",
    )
    limit: int = Field(100, ge=1, le=500, description="Events per page, 1-500 (default 100).")
    cursor: str | None = Field(None, description="next_cursor of the previous page.")


class MonitorStatusArgs(ToolArguments):
    monitor_id: Annotated[str, AfterValidator(_monitor)] = Field(
        description="Monitor id, or its Better Stack URL (.../monitors/<id>)."
    )


class WhoIsOnCallArgs(ToolArguments):
    at: When | None = Field(None, description=f"When: {WHEN_HELP}; default now.")
    calendar_id: Annotated[str, AfterValidator(_calendar)] | None = Field(
        None, description="One on-call calendar; default every calendar."
    )


#: The most incidents one `similar_incidents` call lists.
SIMILAR_MAX = 20


class SimilarIncidentsArgs(ToolArguments):
    incident_id: IncidentRef
    limit: int = Field(
        5, ge=1, le=SIMILAR_MAX, description=f"Incidents to list, 1-{SIMILAR_MAX} (default 5)."
    )


class StatusPageReportsArgs(ToolArguments):
    since: When = Field("7d", description=f"Reports active since (default 7d): {WHEN_HELP}.")
    status_page_id: Annotated[str, AfterValidator(_status_page)] | None = Field(
        None, description="One status page; default every page."
    )


# --- outputs -------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingOut(_Out):
    rule: str
    confidence: float
    summary: str
    evidence: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)


class DiagnosisPartOut(_Out):
    summary: str
    rule: str | None = None
    at: datetime | None = None
    confidence: float
    level: str
    evidence: list[str] = Field(default_factory=list)


class ImpactOut(_Out):
    summary: str
    failed: list[str] = Field(default_factory=list)
    """Other monitors and heartbeats that failed after the first failure (type id name)."""
    status_page_resources: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)


class DiagnosisOut(_Out):
    """Trigger, first failure and impact: the bundle's diagnosis."""

    trigger: DiagnosisPartOut | None = None
    first_failure: DiagnosisPartOut | None = None
    impact: ImpactOut | None = None


class GapOut(_Out):
    source: str
    error: str
    message: str


class BundleFindings(_Out):
    """`incident_bundle`'s structured output: the diagnosis and the findings an agent can
    act on."""

    incident_id: str
    status: str | None = None
    diagnosis: DiagnosisOut | None = None
    """None only when even it does not fit the cap (`findings_left_out` counts the rest)."""
    findings: list[FindingOut] = Field(default_factory=list)
    findings_left_out: int = 0
    """Findings not listed to keep the answer under its cap (the Markdown names them)."""
    gaps: list[GapOut] = Field(default_factory=list)
    time_to_acknowledge: float | None = None
    time_to_resolve: float | None = None
