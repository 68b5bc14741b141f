"""A weekly incident report in Markdown, written with the library (not the CLI).

    python examples/incident_report.py [OUT_DIR]

Writes OUT_DIR/weekly-report.md (a summary of every incident that started in the last
7 days) and OUT_DIR/<incident_id>.md, the full bundle of the few incidents that deserve a
closer look: never acknowledged, or the longest to resolve. OUT_DIR defaults to a new
temporary directory. Uses the built-in sandbox unless BETTERSTACK_API_TOKEN is set, in which
case it reads your real account (read-only).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from betterstack_rca import BetterStack, BetterStackError
from betterstack_rca.models import Incident

DAYS = 7
#: How many incidents get a full bundle (each bundle is a few dozen API requests).
DETAILED = 5


def seconds(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else (end - start).total_seconds()


def minutes(value: float | None) -> str:
    return "-" if value is None else f"{value / 60:.0f} min"


def cell(text: object) -> str:
    return " ".join(str(text or "-").split()).replace("|", "\\|")


def week_of_incidents(bs: BetterStack, now: datetime) -> list[Incident]:
    # Datetime bounds are exact: the client asks for the whole days and keeps the window.
    week = bs.incidents.list(from_=now - timedelta(days=DAYS), to=now)
    return sorted(week, key=lambda i: i.started_at or now)


def worth_a_look(incidents: list[Incident]) -> list[Incident]:
    """Never acknowledged first, then the longest to resolve."""

    def key(i: Incident) -> tuple[bool, float]:
        ttr = seconds(i.started_at, i.resolved_at) or 0.0
        return (i.acknowledged_at is not None, -ttr)

    return sorted(incidents, key=key)[:DETAILED]


def write_report(bs: BetterStack, out_dir: Path, now: datetime | None = None) -> Path:
    now = now or datetime.now(timezone.utc)
    out_dir.mkdir(parents=True, exist_ok=True)
    incidents = week_of_incidents(bs, now)
    tta = [s for i in incidents if (s := seconds(i.started_at, i.acknowledged_at)) is not None]
    ttr = [s for i in incidents if (s := seconds(i.started_at, i.resolved_at)) is not None]
    causes = Counter(i.cause or "unknown" for i in incidents)
    sources = Counter(i.name or "unnamed" for i in incidents)

    lines = [
        f"# Incidents, week ending {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"- {len(incidents)} incidents, {sum(1 for i in incidents if i.resolved_at is None)} "
        f"still open, {sum(1 for i in incidents if i.acknowledged_at is None)} never "
        "acknowledged",
        f"- Time to acknowledge: median {minutes(statistics.median(tta) if tta else None)}",
        f"- Time to resolve: median {minutes(statistics.median(ttr) if ttr else None)}",
        "- Most frequent causes: " + ", ".join(f"{c} ({n})" for c, n in causes.most_common(5)),
        "- Noisiest monitors: " + ", ".join(f"{s} ({n})" for s, n in sources.most_common(5)),
        "",
        "## Worth a closer look",
        "",
    ]
    for incident in worth_a_look(incidents):
        try:
            bundle = bs.bundle(incident.id)
        except BetterStackError as exc:
            lines.append(f"- {incident.id} {cell(incident.name)}: bundle failed ({exc})")
            continue
        (out_dir / f"{incident.id}.md").write_text(bundle.to_markdown(max_chars=20_000) + "\n")
        top = bundle.findings[0].summary if bundle.findings else "no finding"
        lines.append(f"- [{incident.id}]({incident.id}.md) {cell(incident.name)}: {top}")
    lines += [
        "",
        "## All incidents",
        "",
        "| Started (UTC) | Incident | Monitor | Cause | Acknowledged after | Resolved after |",
        "|---|---|---|---|---|---|",
    ]
    for i in incidents:
        started = f"{i.started_at:%a %H:%M}" if i.started_at else "?"
        lines.append(
            f"| {started} | {i.id} | {cell(i.name)} | {cell(i.cause)} | "
            f"{minutes(seconds(i.started_at, i.acknowledged_at))} | "
            f"{minutes(seconds(i.started_at, i.resolved_at))} |"
        )
    report = out_dir / "weekly-report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out_dir = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="incident-report-"))
    if os.environ.get("BETTERSTACK_API_TOKEN"):
        bs = BetterStack()  # the real account, paced at 8 requests/s
    else:
        bs = BetterStack.sandbox(max_rps=1000)  # in-process: no need to pace
    with bs:
        report = write_report(bs, out_dir)
    print(f"wrote {report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
