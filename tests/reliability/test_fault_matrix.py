"""The fault matrix: every kind of API trouble x every way of using the client.

Each row is a way the API (or the network) misbehaves; each column an operation. The cell
pins the outcome: ``SUCCESS``, ``GAPS`` (a bundle, or a report, that names what it could
not collect) or the typed `BetterStackError` the caller gets. Every cell also checks that
the call returned within a generous bound (no hang), that retries stayed within
``max_retries`` per request, and that nothing but a `BetterStackError` escaped.

Rate-based faults that retries can absorb (429, 5xx, timeouts, resets) come from
`FaultPlan` with a cap on faults in a row per URL, so the outcome does not depend on which
concurrent request drew a fault; their "always" rows show what happens when retries cannot
help. Truncated JSON, latency and 403s come from the sandbox's own fault injection.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from betterstack_rca import (
    APIConnectionError,
    APITimeoutError,
    BetterStack,
    BetterStackError,
    PermissionDeniedError,
    ResponseParseError,
    ServerError,
    cli,
)
from betterstack_rca.cli import _common
from betterstack_rca.sandbox import Faults

from .support import MAX_RETRIES, REF, FaultPlan, headline_id, run_bounded, sandbox_client

SUCCESS = "success"
GAPS = "gaps"
OPS = ("list", "get", "bundle", "report")

#: The bundle deadline of every cell (seconds), unless the row sets its own.
DEADLINE = 10.0
#: Incidents a `report` cell bundles (`--limit`): enough to see partial failure, still fast.
REPORT_LIMIT = 2
#: Slack over a deadline before a call counts as hanging (threads, scheduling, CI noise).
SLACK = 0.6
#: Upper bound of any cell: a hang check, not a performance test.
HANG = 20.0


@dataclass(frozen=True)
class Row:
    name: str
    description: str
    expect: dict[str, Any]
    faults: Faults | None = None
    plan: dict[str, Any] | None = None
    deadline: float = DEADLINE
    deadline_bound: bool = False
    """Bundles must return within deadline + SLACK (the latency rows)."""
    xfail: dict[str, str] = field(default_factory=dict)

    def client(self) -> BetterStack:
        plan = self.plan
        wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None
        if plan is not None:

            def wrap(inner: httpx.BaseTransport) -> httpx.BaseTransport:
                return FaultPlan(inner, **plan)

        return sandbox_client(faults=self.faults, wrap=wrap)


def _all(outcome: Any, report: Any = None) -> dict[str, Any]:
    return {"list": outcome, "get": outcome, "bundle": outcome, "report": report or outcome}


ROWS = [
    Row(
        "429_storm",
        "30% of requests answered 429 (Retry-After: 0), at most 3 in a row per URL",
        _all(SUCCESS),
        plan={"kind": "429", "rate": 0.3, "seed": 7, "max_streak": MAX_RETRIES},
    ),
    Row(
        "5xx_html",
        "10% of requests answered 500/502/503 with HTML bodies, at most 3 in a row per URL",
        _all(SUCCESS),
        plan={"kind": "5xx", "rate": 0.1, "seed": 7, "max_streak": MAX_RETRIES},
    ),
    Row(
        "5xx_html_always",
        "every request answered 500/502/503 with an HTML body (sandbox error_rate=1)",
        _all(ServerError),
        faults=Faults(error_rate=1.0),
    ),
    Row(
        "truncated_json",
        "30% of 200 bodies cut in half (sandbox, seed 2: the first answer is whole)",
        {"list": SUCCESS, "get": SUCCESS, "bundle": GAPS, "report": GAPS},
        faults=Faults(truncated_json_rate=0.3, seed=2),
    ),
    Row(
        "truncated_json_always",
        "every 200 body cut in half (sandbox truncated_json_rate=1)",
        _all(ResponseParseError),
        faults=Faults(truncated_json_rate=1.0),
    ),
    Row(
        "read_timeouts",
        "30% of requests time out (httpx.ReadTimeout), at most 3 in a row per URL",
        _all(SUCCESS),
        plan={"kind": "timeout", "rate": 0.3, "seed": 7, "max_streak": MAX_RETRIES},
    ),
    Row(
        "read_timeouts_always",
        "every request times out (sandbox timeout_rate=1)",
        _all(APITimeoutError),
        faults=Faults(timeout_rate=1.0),
    ),
    Row(
        "connection_resets",
        "30% of connections reset (httpx.ConnectError), at most 3 in a row per URL",
        _all(SUCCESS),
        plan={"kind": "reset", "rate": 0.3, "seed": 7, "max_streak": MAX_RETRIES},
    ),
    Row(
        "connection_resets_always",
        "every connection reset (sandbox reset_rate=1)",
        _all(APIConnectionError),
        faults=Faults(reset_rate=1.0),
    ),
    Row(
        "latency_past_deadline",
        "0.3 s per request, bundle deadline 0.5 s: sources still running at the deadline",
        {"list": SUCCESS, "get": SUCCESS, "bundle": GAPS, "report": GAPS},
        faults=Faults(latency=0.3),
        deadline=0.5,
        deadline_bound=True,
    ),
    Row(
        "latency_incident_past_deadline",
        "1.0 s per request, bundle deadline 0.2 s: even the incident arrives too late",
        {"list": SUCCESS, "get": SUCCESS, "bundle": APITimeoutError, "report": GAPS},
        faults=Faults(latency=1.0),
        deadline=0.2,
        deadline_bound=True,
    ),
    Row(
        "forbidden_monitors",
        "403 on the monitors family (a plan or token without monitors)",
        {"list": PermissionDeniedError, "get": SUCCESS, "bundle": GAPS, "report": GAPS},
        faults=Faults(forbidden=frozenset({"monitors"})),
    ),
    Row(
        "forbidden_on_call_status_pages",
        "403 on on-call calendars and status pages (a plan without them)",
        {"list": SUCCESS, "get": SUCCESS, "bundle": GAPS, "report": GAPS},
        faults=Faults(forbidden=frozenset({"on-calls", "status-pages"})),
    ),
    Row(
        "forbidden_incidents",
        "403 on the incidents family",
        {
            "list": SUCCESS,
            "get": PermissionDeniedError,
            "bundle": PermissionDeniedError,
            "report": PermissionDeniedError,
        },
        faults=Faults(forbidden=frozenset({"incidents"})),
    ),
]

#: The exit code `betterstack-rca report` must end with for a typed error.
EXIT_CODES: dict[type[BetterStackError], int] = {PermissionDeniedError: 3}


def _exit_code_for(error: type[BetterStackError]) -> int:
    return next((code for cls, code in EXIT_CODES.items() if issubclass(error, cls)), 5)


# --- operations ------------------------------------------------------------------------------


def op_list(client: BetterStack, row: Row, tmp: Path) -> str:
    monitors = client.monitors.list().to_list()
    assert monitors
    return SUCCESS


def op_get(client: BetterStack, row: Row, tmp: Path) -> str:
    incident = client.incidents.get(headline_id(client))
    assert incident.id == headline_id(client)
    return SUCCESS


def op_bundle(client: BetterStack, row: Row, tmp: Path) -> str:
    bundle = client.bundle(headline_id(client), deadline=row.deadline, now=REF)
    assert bundle.incident.id == headline_id(client)
    for gap in bundle.gaps:
        assert gap.source
        assert gap.error
        assert gap.message
    return GAPS if bundle.gaps else SUCCESS


def op_report(client: BetterStack, row: Row, tmp: Path) -> str | int:
    out = tmp / "report"
    argv = ["--sandbox", "report", "--since", "7d", "--out", str(out)]
    argv += ["--limit", str(REPORT_LIMIT), "--deadline", f"{row.deadline:g}"]
    code = cli.main(argv)
    if code != 0:
        return code
    index = (out / "index.md").read_text()
    folders = [p for p in out.iterdir() if p.is_dir()]
    failed = "## Failed bundles" in index
    gaps = any(json.loads((p / "bundle.json").read_text())["gaps"] for p in folders)
    assert len(folders) + index.count("FAILED:") == REPORT_LIMIT
    return GAPS if failed or gaps else SUCCESS


OPERATIONS: dict[str, Callable[[BetterStack, Row, Path], str | int]] = {
    "list": op_list,
    "get": op_get,
    "bundle": op_bundle,
    "report": op_report,
}


def _cells() -> list[Any]:
    cells = []
    for row in ROWS:
        for op in OPS:
            marks = []
            if op in row.xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=row.xfail[op]))
            cells.append(pytest.param(row, op, id=f"{row.name}-{op}", marks=marks))
    return cells


def _name(outcome: Any) -> str:
    return outcome if isinstance(outcome, str) else outcome.__name__


@pytest.mark.parametrize(("row", "op"), _cells())
def test_fault_matrix(
    row: Row, op: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    client = row.client()
    monkeypatch.setattr(_common, "sandbox_client", lambda seed, max_rps: client)
    monkeypatch.setattr(_common, "now", lambda: REF)
    expected = row.expect[op]

    started = time.monotonic()
    result, error = run_bounded(lambda: OPERATIONS[op](client, row, tmp_path), HANG)
    elapsed = time.monotonic() - started

    # nothing but a BetterStackError escapes
    if error is not None and not isinstance(error, BetterStackError):
        raise AssertionError(f"{type(error).__name__} escaped: {error}") from error
    # the pinned outcome
    if op == "report":
        assert error is None, f"report raised {error!r}: main() must return an exit code"
        if isinstance(expected, str):
            assert result == expected, capsys.readouterr().err
        else:
            assert result == _exit_code_for(expected), capsys.readouterr().err
    else:
        got = _name(type(error)) if error is not None else result
        assert got == _name(expected), f"{row.description}: {error!r}"
    # retries within their bound: at most max_retries per request
    stats = client.stats
    assert stats.retries <= MAX_RETRIES * (stats.requests - stats.retries), stats
    # no hang past the deadline
    if op == "bundle" and row.deadline_bound:
        assert elapsed <= row.deadline + SLACK, f"bundle took {elapsed:.2f} s"
    # the token never appears in what the user is shown
    captured = capsys.readouterr()
    assert client._config.token not in captured.out + captured.err
    if error is not None:
        assert client._config.token not in str(error) + repr(error)


def test_the_matrix_covers_every_fault_and_operation() -> None:
    assert {tuple(sorted(row.expect)) for row in ROWS} == {tuple(sorted(OPS))}
    names = [row.name for row in ROWS]
    assert len(names) == len(set(names))
    for required in (
        "429_storm",
        "5xx_html",
        "truncated_json",
        "read_timeouts",
        "connection_resets",
        "latency_past_deadline",
        "forbidden_monitors",
    ):
        assert required in names


def test_persistent_faults_use_every_retry_and_no_more() -> None:
    for faults, error in (
        (Faults(timeout_rate=1.0), APITimeoutError),
        (Faults(reset_rate=1.0), APIConnectionError),
        (Faults(error_rate=1.0), ServerError),
    ):
        client = sandbox_client(faults=faults)
        with pytest.raises(error):
            client.incidents.get(headline_id(client))
        assert client.stats.requests == MAX_RETRIES + 1
        assert client.stats.retries == MAX_RETRIES
        assert client.stats.failures == 1


def test_a_429_storm_slows_the_client_down() -> None:
    client = sandbox_client(
        wrap=lambda inner: FaultPlan(inner, "429", 0.3, seed=7, max_streak=MAX_RETRIES),
        max_rps=8.0,
    )
    client.monitors.list().to_list()
    client.incidents.get(headline_id(client))
    assert client.stats.rate_limited >= 1
    assert client._sender.bucket.rate < 8.0  # halved after a 429
