"""Bundle wall time against its floor, for every sandbox scenario, sync and async clients.

A loopback sandbox server answers every request after ``--latency`` seconds and enforces a
server-side token bucket (``--rate`` requests/s, ``--burst``). For each scenario the bundle
is collected by each client (concurrently, ``max_concurrency=--concurrency``) and again one
request at a time (the same client with ``max_concurrency=1``: the sequential baseline).

    floor = max(depth x latency, (requests - burst) / rate)

where ``depth`` is the collector's own count of dependency levels (``bundle.stats.depth``)
and ``requests`` is what the bundle cost. Each figure is the median over ``--runs`` runs;
every run gets a fresh server (so a fresh server-side bucket, full at the start) and a
fresh client (a fresh client-side bucket).

Usage: python bench/bundle.py [--runs 3] [--latency 0.05] [--rate 8] [--burst 10]
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from betterstack_rca import AsyncBetterStack, BetterStack
from betterstack_rca.sandbox import SANDBOX_TOKEN, Faults, Sandbox, SandboxApp, SandboxServer


@dataclass
class Run:
    requests: int
    depth: int
    wall: float
    retries: int
    client_429: int
    server_requests: int
    server_429: int
    early: int
    max_in_flight: int
    gaps: int


def _client_kwargs(args: argparse.Namespace, concurrency: int) -> dict[str, Any]:
    return {
        "max_rps": args.client_rate,
        "burst": args.client_burst,
        "max_concurrency": concurrency,
    }


def _faults(args: argparse.Namespace) -> Faults:
    return Faults(
        latency=args.latency,
        rate_limit_rps=args.rate if args.rate > 0 else None,
        rate_limit_burst=args.burst if args.rate > 0 else None,
    )


def _collect_sync(url: str, incident_id: str, kwargs: dict[str, Any], now: datetime) -> Any:
    with BetterStack(token=SANDBOX_TOKEN, base_url=url, **kwargs) as bs:
        return bs.bundle(incident_id, now=now)


def _collect_async(url: str, incident_id: str, kwargs: dict[str, Any], now: datetime) -> Any:
    async def go() -> Any:
        async with AsyncBetterStack(token=SANDBOX_TOKEN, base_url=url, **kwargs) as abs_:
            return await abs_.bundle(incident_id, now=now)

    return asyncio.run(go())


def measure(
    sandbox: Sandbox,
    args: argparse.Namespace,
    kind: str,
    incident_id: str,
    *,
    concurrency: int,
    now: datetime,
) -> Run:
    app = SandboxApp(sandbox.account, faults=_faults(args))
    collect = _collect_sync if kind == "sync" else _collect_async
    with SandboxServer(app, host="127.0.0.1") as server:
        started = time.perf_counter()
        bundle = collect(server.url, incident_id, _client_kwargs(args, concurrency), now)
        wall = time.perf_counter() - started
    s = bundle.stats
    return Run(
        requests=s.requests,
        depth=s.depth,
        wall=wall,
        retries=s.retries,
        client_429=s.rate_limited,
        server_requests=app.stats.requests,
        server_429=app.stats.rate_limited,
        early=app.stats.early_requests,
        max_in_flight=s.max_in_flight,
        gaps=len(bundle.gaps),
    )


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def floor_of(requests: float, depth: float, args: argparse.Namespace) -> float:
    """The server's limit or the client's own pacing, whichever is tighter, bounds the rate."""
    by_depth = depth * args.latency
    limits = [(args.client_rate, args.client_burst)]
    if args.rate > 0:
        limits.append((args.rate, args.burst))
    by_rate = max(max(0.0, requests - burst) / rate for rate, burst in limits)
    return max(by_depth, by_rate)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="runs per figure; medians (default 3)")
    p.add_argument("--latency", type=float, default=0.05, help="server latency, s (0.05)")
    p.add_argument("--rate", type=float, default=8.0, help="server limit, req/s; 0 = none (8)")
    p.add_argument("--burst", type=int, default=10, help="server bucket size (10)")
    p.add_argument("--client-rate", type=float, default=None, help="client max_rps (= --rate)")
    p.add_argument("--client-burst", type=int, default=None, help="client burst (= --burst)")
    p.add_argument("--concurrency", type=int, default=8, help="client max_concurrency (8)")
    p.add_argument("--clients", default="sync,async", help="sync,async")
    p.add_argument("--scenario", action="append", help="scenario key (repeatable; default all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--backlog",
        type=int,
        default=128,
        help="sandbox server listen backlog (128; the stdlib default 5 drops SYNs when 6+ "
        "connections open at once, and each drop costs a 1 s SYN retransmit)",
    )
    p.add_argument("--no-sequential", action="store_true", help="skip the sequential baseline")
    args = p.parse_args(argv)
    if args.client_rate is None:
        args.client_rate = args.rate if args.rate > 0 else 8.0
    if args.client_burst is None:
        args.client_burst = args.burst
    kinds = [k.strip() for k in args.clients.split(",") if k.strip()]
    # a harness setting, not the client's: see --help
    http.server.ThreadingHTTPServer.request_queue_size = args.backlog

    reference = datetime.now(timezone.utc).replace(microsecond=0)
    t0 = time.perf_counter()
    sandbox = Sandbox(seed=args.seed, scale=1, reference_time=reference)
    gen = time.perf_counter() - t0
    scenarios = sandbox.account.scenarios
    keys = args.scenario or list(scenarios)

    limit = f"{args.rate:g} req/s, burst {args.burst}" if args.rate > 0 else "none (no rate limit)"
    print("== bench/bundle.py: bundle wall time against its floor ==")
    print(f"python {platform.python_version()} on {platform.machine()}, runs={args.runs}")
    print(f"sandbox: seed {args.seed}, scale 1, generated in {gen:.3f} s; loopback HTTP server")
    print(
        f"server:  latency {args.latency * 1000:g} ms/request, rate limit {limit}, "
        f"listen backlog {args.backlog}"
    )
    print(
        f"client:  max_rps {args.client_rate:g}, burst {args.client_burst}, "
        f"max_concurrency {args.concurrency}"
    )
    print("sequential baseline: the same client with max_concurrency=1 (one request at a time)")
    print(
        "floor = max(depth x latency, (requests - burst) / rate), rate and burst the tighter of\n"
        "the server's limit and the client's pacing; depth = bundle.stats.depth;\n"
        "requests = distinct requests (bundle.stats.requests - retries; a 429 takes no token)"
    )
    print()

    header = (
        f"{'client':6} {'scenario':26} {'req':>4} {'depth':>5} {'wall s':>7} {'floor s':>7} "
        f"{'w/floor':>7} {'seq s':>6} {'seq/conc':>8} {'429s':>4} {'early':>5} "
        f"{'inflt':>5} {'gaps':>4}"
    )
    print(header)
    print("-" * len(header))
    worst: dict[str, float] = {}
    totals = {"early": 0, "429": 0}
    for kind in kinds:
        for key in keys:
            sc = scenarios[key]
            conc = [
                measure(
                    sandbox, args, kind, sc.incident_id, concurrency=args.concurrency, now=reference
                )
                for _ in range(args.runs)
            ]
            seq = (
                []
                if args.no_sequential
                else [
                    measure(sandbox, args, kind, sc.incident_id, concurrency=1, now=reference)
                    for _ in range(args.runs)
                ]
            )
            req = median([r.requests - r.retries for r in conc])
            depth = median([r.depth for r in conc])
            wall = median([r.wall for r in conc])
            fl = floor_of(req, depth, args)
            ratio = wall / fl if fl > 0 else float("nan")
            worst[kind] = max(worst.get(kind, 0.0), ratio)
            seq_wall = median([r.wall for r in seq]) if seq else float("nan")
            seq_col = f"{seq_wall:6.2f} {seq_wall / wall:7.2f}x" if seq else f"{'-':>6} {'-':>8}"
            s429 = sum(r.server_429 for r in conc)
            early = sum(r.early for r in conc)
            totals["429"] += s429
            totals["early"] += early
            print(
                f"{kind:6} {key:26} {req:4g} {depth:5g} {wall:7.3f} {fl:7.3f} {ratio:6.2f}x "
                f"{seq_col} {s429:4d} {early:5d} "
                f"{max(r.max_in_flight for r in conc):5d} {max(r.gaps for r in conc):4d}"
            )
            if seq:
                seq_req = median([r.requests for r in seq])
                seq_429 = sum(r.server_429 for r in seq)
                if seq_req != req or seq_429:
                    print(
                        f"{'':6} {'  (sequential)':26} {seq_req:4g} requests, "
                        f"{seq_429} x 429, {sum(r.early for r in seq)} early"
                    )
            sys.stdout.flush()
    print()
    print(
        "429s / early = summed over the concurrent runs: 429 answers the server sent, and "
        "requests that reached it before an announced Retry-After had passed."
    )
    for kind, ratio in worst.items():
        verdict = "met" if ratio <= 1.3 else "MISSED"
        print(f"target wall <= 1.3 x floor, {kind}: worst {ratio:.2f}x -> {verdict}")
    print(
        f"target zero requests before Retry-After: {totals['early']} early "
        f"({totals['429']} x 429) -> {'met' if totals['early'] == 0 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
