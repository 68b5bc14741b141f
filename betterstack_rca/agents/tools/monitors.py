"""``monitor_status``: one monitor's RCA-relevant config, status, recent incidents and
response times by region."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from betterstack_rca._units import duration
from betterstack_rca.agents._text import UNTRUSTED_NOTE, cap, cell, inline, table, when
from betterstack_rca.agents.models import MonitorStatusArgs
from betterstack_rca.agents.tools._spec import ToolContext, ToolResult, ToolSpec
from betterstack_rca.errors import BetterStackError
from betterstack_rca.models import Monitor, MonitorResponseTimes
from betterstack_rca.rca.redact import redact_model

#: How far back "recent incidents" look, and how many are listed.
RECENT = timedelta(days=7)
MAX_RECENT = 10


def _seconds(value: float | None) -> str:
    return "-" if value is None else duration(value)


def _config(m: Monitor) -> list[str]:
    regions = inline(", ".join(m.regions or []) or "?")
    lines = [
        f"- Checks: {inline(m.monitor_type)} of {inline(m.url, 200)}"
        + (f" ({inline(m.http_method, 10)})" if m.http_method else "")
        + f", every {_seconds(m.check_frequency)} from {regions}; "
        f"timeout {_seconds(m.request_timeout)}",
        f"- Alerting: confirmation period {_seconds(m.confirmation_period)}, recovery period "
        f"{_seconds(m.recovery_period)}, team wait {_seconds(m.team_wait)}; policy "
        f"{m.policy_id or 'none'}, group {m.monitor_group_id or 'none'}",
    ]
    expect = []
    if m.expected_status_codes:
        expect.append(f"status {', '.join(map(str, m.expected_status_codes))}")
    if m.required_keyword:
        expect.append(f"keyword {inline(m.required_keyword, 80)}")
    if m.verify_ssl is not None:
        expect.append(f"TLS verified: {'yes' if m.verify_ssl else 'no'}")
    if m.follow_redirects is not None:
        expect.append(f"follows redirects: {'yes' if m.follow_redirects else 'no'}")
    if expect:
        lines.append(f"- Expects: {'; '.join(expect)}")
    if m.maintenance_from and m.maintenance_to:
        days = ", ".join(m.maintenance_days or []) or "every day"
        lines.append(
            f"- Daily maintenance window: {inline(f'{m.maintenance_from}-{m.maintenance_to}')} "
            f"{inline(m.maintenance_timezone or 'UTC', 60)} ({inline(days)})"
        )
    lines.append(
        f"- Config last changed: {when(m.updated_at)} UTC; created {when(m.created_at)} UTC"
    )
    return lines


def _response_times(times: MonitorResponseTimes, hour_ago: datetime) -> list[str]:
    rows = []
    for region in times.regions:
        samples = [s for s in region.response_times if s.response_time is not None]
        if not samples:
            continue
        values = sorted(s.response_time for s in samples if s.response_time is not None)
        recent = [
            s.response_time
            for s in samples
            if s.response_time is not None and s.at is not None and s.at >= hour_ago
        ]
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        rows.append(
            [
                cell(region.region, 20),
                str(len(values)),
                f"{statistics.median(values):.3f}",
                f"{p95:.3f}",
                f"{values[-1]:.3f}",
                f"{statistics.median(recent):.3f}" if recent else "-",
            ]
        )
    if not rows:
        return ["- No response-time samples in the last 24 h."]
    headers = ("region", "samples", "median s", "p95 s", "max s", "last hour median s")
    return table(headers, rows)


def run(args: MonitorStatusArgs, ctx: ToolContext) -> ToolResult:
    bs = ctx.client
    now = ctx.now()
    monitor = redact_model(bs.monitors.get(args.monitor_id))
    out = [
        UNTRUSTED_NOTE,
        f"# Monitor {monitor.id}: {inline(monitor.pronounceable_name, 120)}",
        f"- Status: {inline(monitor.status)}"
        + (" (paused)" if monitor.paused else "")
        + f", last checked {when(monitor.last_checked_at)} UTC",
        *_config(monitor),
        "",
        f"## Incidents of the last {RECENT.days} days (newest first, at most {MAX_RECENT})",
    ]
    try:
        recent = list(
            bs.incidents.list(from_=now - RECENT, monitor_id=monitor.id, max_items=MAX_RECENT)
        )
    except BetterStackError as exc:
        out.append(f"- Could not be read: {type(exc).__name__}: {inline(exc, 200)}")
    else:
        rows = []
        for inc in recent:
            took = (
                duration((inc.resolved_at - inc.started_at).total_seconds())
                if inc.resolved_at and inc.started_at
                else "open"
            )
            rows.append(
                [inc.id, when(inc.started_at), cell(inc.status, 20), cell(inc.cause, 60), took]
            )
        out += (
            table(("id", "started (UTC)", "status", "cause", "duration"), rows)
            if rows
            else ["- None."]
        )
    out += ["", "## Response times of the last 24 h by region (Better Stack keeps 24 h)"]
    try:
        times = bs.monitors.response_times(monitor.id)
    except BetterStackError as exc:
        out.append(f"- Could not be read: {type(exc).__name__}: {inline(exc, 200)}")
    else:
        out += _response_times(times, now - timedelta(hours=1))
    return ToolResult(cap("\n".join(out), ctx.max_chars))


SPEC = ToolSpec(
    name="monitor_status",
    title="Monitor status",
    description=(
        "One Better Stack monitor: current status, the config that matters for RCA (what it "
        "checks, how often, from where, timeouts, alerting periods, last config change), its "
        "incidents of the last 7 days and response times by region over the last 24 h. "
        "Read-only."
    ),
    arguments=MonitorStatusArgs,
    run=run,
    not_found="no such monitor in this Better Stack account",
)
