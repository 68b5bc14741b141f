"""Incident reports in code: one index row per incident, the aggregates over them.

``betterstack-rca report`` is this package and a progress line: `run_report` collects
every incident of a window (resumably, when it writes to a folder) into a `Report`, whose
figures a notebook can read directly (``report.tta.median``, ``report.weekly()``,
``report.to_dataframe()``) and which renders as ``index.md``, ``index.json`` and a
self-contained ``index.html``. A report keeps one `ReportRow` per incident, never the
bundles (each bundle is written, then dropped): memory stays flat with the window.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from betterstack_rca._scrub import scrub

if TYPE_CHECKING:
    from betterstack_rca.models import Incident
    from betterstack_rca.rca import IncidentBundle

__all__ = ["Figures", "Report", "ReportRow", "Week"]


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else (end - start).total_seconds()


def _at(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


@dataclass
class ReportRow:
    """One line of a report's index: what the aggregates and the pages need of a bundle."""

    incident_id: str
    source: str
    """The monitor's (or heartbeat's) name."""
    source_id: str | None = None
    cause: str | None = None
    started_at: datetime | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    tta: float | None = None
    """Seconds to acknowledge (the bundle's metric where there is a bundle)."""
    ttr: float | None = None
    status_page_delay: float | None = None
    """Seconds from the start to the first status-page update (None: none, or no page)."""
    status_page_late: float | None = None
    """Seconds a covering status page stayed silent while the incident ran (the delay, or
    the whole incident when no update came)."""
    top_finding: str | None = None
    """``rule: summary`` of the first finding."""
    rules: list[str] = field(default_factory=list)
    trigger: str | None = None
    """The diagnosis's trigger summary."""
    related_failures: list[str] = field(default_factory=list)
    """Start times (ISO) of the other incidents that started in the bundle's window."""
    requests: int = 0
    cache_hits: int = 0
    error: str | None = None
    """Why no bundle could be collected or written (the row is a failed row)."""
    resumed: bool = False
    """The bundle was already written by an earlier run with the same options."""

    @classmethod
    def of_incident(cls, incident: Incident, error: str | None = None) -> ReportRow:
        """A row from the listing only (a failed bundle keeps the listing's own times)."""
        # the listing's text is not redacted like a bundle's: scrubbed here
        return cls(
            incident_id=str(incident.id),
            source=scrub(incident.name or str(incident.monitor_id or incident.heartbeat_id or "?")),
            source_id=str(incident.monitor_id or incident.heartbeat_id or "") or None,
            cause=None if incident.cause is None else scrub(incident.cause),
            started_at=incident.started_at,
            acknowledged_at=incident.acknowledged_at,
            resolved_at=incident.resolved_at,
            tta=_seconds(incident.started_at, incident.acknowledged_at),
            ttr=_seconds(incident.started_at, incident.resolved_at),
            error=error,
        )

    @classmethod
    def of_bundle(cls, bundle: IncidentBundle) -> ReportRow:
        row = cls.of_incident(bundle.incident)
        if bundle.monitor is not None:
            row.source = bundle.monitor.pronounceable_name or str(bundle.monitor.id)
        elif bundle.heartbeat is not None:
            row.source = f"heartbeat {bundle.heartbeat.name or bundle.heartbeat.id}"
        m = bundle.metrics
        row.tta, row.ttr, row.status_page_delay = (
            m.time_to_acknowledge,
            m.time_to_resolve,
            m.status_page_delay,
        )
        if bundle.status_pages:
            end = bundle.incident.resolved_at or bundle.window.end
            silent = _seconds(bundle.incident.started_at, end)
            lag = m.status_page_delay if m.status_page_delay is not None else silent
            row.status_page_late = None if lag is None else max(0.0, min(lag, silent or lag))
        if bundle.findings:
            row.top_finding = f"{bundle.findings[0].rule}: {bundle.findings[0].summary}"
        row.rules = [f.rule for f in bundle.findings]
        if bundle.diagnosis.trigger is not None:
            row.trigger = bundle.diagnosis.trigger.summary
        row.related_failures = [
            i.started_at.isoformat() for i in bundle.related_incidents if i.started_at is not None
        ]
        row.requests, row.cache_hits = bundle.stats.requests, bundle.stats.cache_hits
        return row

    @property
    def failed(self) -> bool:
        return self.error is not None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("started_at", "acknowledged_at", "resolved_at"):
            value = getattr(self, name)
            data[name] = value.isoformat() if value is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportRow:
        known = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in known}
        for name in ("started_at", "acknowledged_at", "resolved_at"):
            values[name] = _at(values.get(name))
        return cls(**values)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q` quantile (0-1) by the nearest-rank method; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Figures:
    """Median, 90th percentile and mean of one metric, over the rows that have it."""

    count: int
    median: float | None
    p90: float | None
    mean: float | None

    @classmethod
    def of(cls, values: Iterable[float | None]) -> Figures:
        known = [v for v in values if v is not None]
        if not known:
            return cls(0, None, None, None)
        return cls(
            len(known), statistics.median(known), percentile(known, 0.9), statistics.fmean(known)
        )


@dataclass(frozen=True)
class Week:
    """The figures of one ISO week (Monday to Sunday, UTC)."""

    start: datetime
    incidents: int
    tta: Figures
    ttr: Figures
    top_causes: list[tuple[str, int]]
    recurring: list[tuple[str, int]]
    status_page_late: float
    """Seconds a status page lagged behind an incident, added up."""


def _top(values: Iterable[str | None], n: int, least: int = 1) -> list[tuple[str, int]]:
    counts = Counter(v for v in values if v)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(k, c) for k, c in ranked if c >= least][:n]


@dataclass
class Report:
    """A window's incidents as index rows, and their aggregates."""

    since: datetime
    until: datetime
    rows: list[ReportRow] = field(default_factory=list)
    total: int | None = None
    """Incidents the report set out to cover (more than `rows` when interrupted)."""
    interrupted: str | None = None
    """Why the run stopped early ("interrupted after 3 of 72: KeyboardInterrupt")."""
    requests: int = 0
    cache_hits: int = 0
    wall_time: float = 0.0

    # --- the aggregates ----------------------------------------------------------------

    @property
    def failed(self) -> list[ReportRow]:
        return [r for r in self.rows if r.failed]

    @property
    def tta(self) -> Figures:
        """Time to acknowledge, seconds."""
        return Figures.of(r.tta for r in self.rows)

    @property
    def ttr(self) -> Figures:
        """Time to resolve, seconds."""
        return Figures.of(r.ttr for r in self.rows)

    @property
    def not_acknowledged(self) -> int:
        return sum(1 for r in self.rows if r.acknowledged_at is None)

    def findings_by_rule(self) -> list[tuple[str, int]]:
        return _top((rule for r in self.rows for rule in r.rules), 1000)

    def top_causes(self, n: int = 5) -> list[tuple[str, int]]:
        return _top((r.cause for r in self.rows), n)

    def recurring_monitors(self, n: int = 5) -> list[tuple[str, int]]:
        """The sources with more than one incident, most first."""
        return _top((r.source for r in self.rows), n, least=2)

    @property
    def status_page_late(self) -> float:
        """Seconds a status page lagged behind an incident, added up over the rows."""
        return sum(r.status_page_late or 0.0 for r in self.rows)

    def weekly(self) -> list[Week]:
        """The figures per ISO week, oldest first."""
        weeks: dict[datetime, list[ReportRow]] = {}
        for r in self.rows:
            if r.started_at is None:
                continue
            day = r.started_at.astimezone(timezone.utc)
            monday = (day - timedelta(days=day.weekday())).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            weeks.setdefault(monday, []).append(r)
        out = []
        for start in sorted(weeks):
            part = Report(self.since, self.until, weeks[start])
            out.append(
                Week(
                    start=start,
                    incidents=len(part.rows),
                    tta=part.tta,
                    ttr=part.ttr,
                    top_causes=part.top_causes(3),
                    recurring=part.recurring_monitors(3),
                    status_page_late=part.status_page_late,
                )
            )
        return out

    # --- outputs -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """``index.json``: the window, the totals and every row."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "total": len(self.rows) if self.total is None else self.total,
            "interrupted": self.interrupted,
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "wall_time": round(self.wall_time, 3),
            "figures": {
                "incidents": len(self.rows),
                "failed": len(self.failed),
                "not_acknowledged": self.not_acknowledged,
                "tta": asdict(self.tta),
                "ttr": asdict(self.ttr),
                "top_causes": self.top_causes(),
                "recurring_monitors": self.recurring_monitors(),
                "status_page_late": self.status_page_late,
                "findings_by_rule": self.findings_by_rule(),
            },
            "rows": [r.to_dict() for r in self.rows],
        }

    def to_dataframe(self) -> Any:
        """The rows as a pandas ``DataFrame`` (pandas is optional:
        ``pip install 'betterstack-rca[notebook]'``)."""
        try:
            import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]
        except ImportError:
            raise ImportError(
                "Report.to_dataframe() needs pandas: pip install 'betterstack-rca[notebook]'"
            ) from None
        rows = [r.to_dict() for r in self.rows]
        frame = pandas.DataFrame(rows, columns=list(ReportRow.__dataclass_fields__))
        for name in ("started_at", "acknowledged_at", "resolved_at"):
            frame[name] = pandas.to_datetime(frame[name], utc=True)
        return frame

    def index_markdown(self, generated: str = "") -> str:
        from betterstack_rca.report.markdown import render_index

        return render_index(self, generated)

    def to_html(self, generated: str = "") -> str:
        """One self-contained HTML page: swimlanes, weekly figures, links to the bundles."""
        from betterstack_rca.report.html import render_report_html

        return render_report_html(self, generated)

    def plot(self, ax: Any = None) -> Any:
        """The swimlanes as a matplotlib figure (matplotlib is optional)."""
        from betterstack_rca.report.plot import plot_report

        return plot_report(self, ax=ax)
