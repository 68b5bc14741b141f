"""Running a report: list the window once, collect a bundle per incident, resumably.

- **One listing for every bundle**: with the client's cache on, the report lists the whole
  span its bundles look at (the window, plus each bundle's history and look-back) once;
  every bundle's "related" and "history" listings are then answered from it by the cache.
- **Resumable**: with an output folder, each bundle's ``row.json`` (its index row and a
  fingerprint of the options and of the incident's state) is written after its files. A
  later run with the same options skips it; ``refresh=True`` rebuilds everything. A bundle
  of an incident that was open and is acknowledged or resolved now is rebuilt (its state
  changed); one still open in the same state is kept as it was written (a snapshot: its
  comments and status updates may have moved on; ``refresh=True`` updates it).
- **Crash-safe**: every file goes through `_files.write_private` (a temporary file, then a
  rename); ``index.md`` / ``index.json`` (and ``index.html``) are written also when the
  run stops on Ctrl-C or an error, saying "interrupted after N of M".
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from betterstack_rca._files import private_folder, write_private
from betterstack_rca._scrub import scrub
from betterstack_rca.errors import BetterStackError
from betterstack_rca.report import Report, ReportRow

if TYPE_CHECKING:
    from betterstack_rca.client import BetterStack
    from betterstack_rca.models import Incident

__all__ = ["Progress", "list_incidents", "run_report"]

ROW_FILE = "row.json"
log = logging.getLogger("betterstack_rca")


@dataclass(frozen=True)
class Progress:
    """Where a run is: handed to ``on_progress`` after every incident."""

    done: int
    total: int
    requests: int
    cache_hits: int
    elapsed: float
    left: float | None
    """Seconds still to go, estimated from the bundles collected so far."""
    incident_id: str


def list_incidents(
    bs: BetterStack,
    since: datetime,
    until: datetime,
    *,
    monitor: str | None = None,
    limit: int | None = None,
    options: dict[str, Any] | None = None,
) -> list[Incident]:
    """The incidents that started in [since, until), oldest first (`limit`: the newest N).

    With the client's cache on, and when it pays (the bundles outnumber the pages it
    takes), the client then lists once every incident the bundles look at (the window plus
    each bundle's look-back and history) and the account's metadata, so that the bundles'
    own listings are answered from those. That is an optimisation only: if it fails, each
    bundle lists for itself.
    """
    pager = bs.incidents.list(from_=since.date(), to=until.date(), monitor_id=monitor)
    found: list[Incident] = []
    for incident in pager:  # newest first: a limit stops the paging
        if incident.started_at is not None and since <= incident.started_at < until:
            found.append(incident)
            if limit is not None and len(found) >= limit:
                break
    page = pager.last_page
    pages = (page.total_pages or page.number or 1) if page is not None else 1
    if bs.cache is not None and found:
        _warm(
            bs,
            since=since,
            until=until,
            monitor=monitor,
            options=options or {},
            pages=pages,
            bundles=len(found),
        )
    return sorted(found, key=lambda i: i.started_at or since)


def _warm(
    bs: BetterStack,
    *,
    since: datetime,
    until: datetime,
    monitor: str | None,
    options: dict[str, Any],
    pages: int,
    bundles: int,
) -> None:
    import asyncio

    from betterstack_rca.rca import BundleOptions

    opts = BundleOptions.build(**options)
    lo = since - opts.history - opts.window_before
    days = (until.date() - since.date()).days + 1
    span = (until.date() - lo.date()).days + 1
    pages = math.ceil(pages * span / days) + 1
    if pages > 2 * bundles:  # each bundle lists twice (related, history): not worth it
        log.debug("no shared listing: about %d pages for %d bundles", pages, bundles)
        return

    async def fetch(api: Any) -> None:
        jobs = [api.incidents.list(from_=lo.date(), to=until.date(), monitor_id=monitor)]
        if "metadata" in opts.sources:
            jobs.append(api.metadata.list())
        done = await asyncio.gather(*(job.to_list() for job in jobs), return_exceptions=True)
        for result in done:
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result
            if isinstance(result, Exception):
                log.debug("the shared listing failed (%s): each bundle lists", result)

    bs._concurrently(fetch)


def fingerprint(options: dict[str, Any], outputs: dict[str, Any], incident: Incident) -> str:
    """What decides a bundle's files: the options, the outputs asked and the incident's
    state (acknowledged, resolved)."""
    state = {
        "options": {k: str(v) for k, v in sorted(options.items())},
        "outputs": outputs,
        "acknowledged_at": str(incident.acknowledged_at),
        "resolved_at": str(incident.resolved_at),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:32]


def _resume(folder: Path, mark: str, needs: tuple[str, ...]) -> ReportRow | None:
    try:
        saved = json.loads((folder / ROW_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("fingerprint") != mark:
        return None
    if not all((folder / name).is_file() for name in needs):
        return None
    try:
        row = ReportRow.from_dict(saved.get("row") or {})
    except (TypeError, ValueError):
        return None
    row.resumed = True
    return row


def _one_line(exc: BaseException) -> str:
    """``ValueError: why``; a bare ``KeyboardInterrupt`` reads ``Ctrl-C (KeyboardInterrupt)``."""
    name = type(exc).__name__
    message = " ".join(scrub(str(exc)).split())
    if isinstance(exc, KeyboardInterrupt) and not message:
        return f"Ctrl-C ({name})"
    return f"{name}: {message}" if message else name


def run_report(
    bs: BetterStack,
    since: datetime,
    until: datetime,
    *,
    out: Path | None = None,
    options: dict[str, Any] | None = None,
    max_chars: int | None = None,
    html: bool = False,
    refresh: bool = False,
    monitor: str | None = None,
    limit: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    generated: str = "",
) -> Report:
    """Collect a bundle per incident of [since, until) into a `Report` (see the module
    docstring). With `out`, write ``<id>/bundle.json``, ``bundle.md`` (and ``bundle.html``
    with `html`) and the index files there. A bundle that cannot be collected or written is
    a failed row, and the report goes on; anything else stops it, after the index is
    written. The index's "Generated" time is `generated`, else the bundles' ``now`` (a
    pinned sandbox's reference time), else the wall clock."""
    from betterstack_rca.resources._params import is_plain_id

    options = dict(options or {})
    if not generated:  # the bundles' "now" (a pinned sandbox's), else the wall clock
        at = options.get("now") or bs._sandbox_clock({}).get("now")
        if isinstance(at, datetime):
            generated = at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    incidents = list_incidents(bs, since, until, monitor=monitor, limit=limit, options=options)
    report = Report(since, until, total=len(incidents))
    run = _Run(bs, options, out, max_chars, html)
    outputs = {"max_chars": max_chars, "html": html}
    try:
        for incident in incidents:
            mark = fingerprint(options, outputs, incident)
            row: ReportRow | None = None
            if out is not None and not refresh and is_plain_id(incident.id):
                row = _resume(out / str(incident.id), mark, run.needs)
            if row is None:
                row = run.collect(incident, mark)
            report.rows.append(row)
            if on_progress is not None:
                on_progress(run.progress(report))
    except BaseException as exc:
        report.interrupted = (
            f"interrupted after {len(report.rows)} of {report.total}: {_one_line(exc)}"
        )
        raise
    finally:
        run.close(report)
        if out is not None:
            write_index(report, out, html=html, generated=generated)
    return report


class _Run:
    """One run's settings and counters."""

    def __init__(
        self,
        bs: BetterStack,
        options: dict[str, Any],
        out: Path | None,
        max_chars: int | None,
        html: bool,
    ) -> None:
        self.bs, self.options, self.out = bs, options, out
        self.max_chars, self.html = max_chars, html
        self.needs = ("bundle.json", "bundle.md", *(("bundle.html",) if html else ()))
        self.started = time.perf_counter()
        self.requests0 = bs.stats.requests
        self.hits0 = self.hits()
        self.collected = 0

    def hits(self) -> int:
        return self.bs.stats.cache_hits + self.bs.stats.coalesced

    def progress(self, report: Report) -> Progress:
        elapsed = time.perf_counter() - self.started
        done, total = len(report.rows), report.total or 0
        left = elapsed / self.collected * (total - done) if self.collected else None
        return Progress(
            done=done,
            total=total,
            requests=self.bs.stats.requests - self.requests0,
            cache_hits=self.hits() - self.hits0,
            elapsed=elapsed,
            left=left,
            incident_id=report.rows[-1].incident_id if report.rows else "",
        )

    def close(self, report: Report) -> None:
        report.requests = self.bs.stats.requests - self.requests0
        report.cache_hits = self.hits() - self.hits0
        report.wall_time = time.perf_counter() - self.started

    def collect(self, incident: Incident, mark: str) -> ReportRow:
        """Collect and write one bundle. One bad incident must not sink the week's report:
        a bundle that cannot be collected or written is a failed row of the index (and is
        tried again by the next run)."""
        from betterstack_rca.resources._params import is_plain_id

        self.collected += 1
        out = self.out
        try:
            if not is_plain_id(incident.id):
                raise ValueError("the listing gave an id that is not a plain id")
            bundle = self.bs.bundle(incident.id, **self.options)
            row = ReportRow.of_bundle(bundle)
            if out is not None:
                folder = private_folder(out, str(incident.id))
                write_private(folder / "bundle.json", bundle.to_json() + "\n")
                write_private(folder / "bundle.md", bundle.to_markdown(self.max_chars) + "\n")
                if self.html:
                    from betterstack_rca.report.html import bundle_page

                    write_private(folder / "bundle.html", bundle_page(bundle))
                saved = {"fingerprint": mark, "row": row.to_dict()}
                write_private(folder / ROW_FILE, json.dumps(saved, indent=1) + "\n")
        except (BetterStackError, ValueError, OSError) as exc:
            return ReportRow.of_incident(incident, error=_one_line(exc))
        return row


def write_index(report: Report, out: Path, *, html: bool = False, generated: str = "") -> None:
    """``index.md`` and ``index.json`` (and ``index.html``), each written atomically."""
    out.mkdir(parents=True, exist_ok=True)
    generated = generated or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    write_private(out / "index.md", report.index_markdown(generated))
    write_private(out / "index.json", json.dumps(report.to_dict(), indent=1) + "\n")
    if html:
        write_private(out / "index.html", report.to_html(generated))
