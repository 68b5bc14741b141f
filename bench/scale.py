"""Flat cost as the account grows: one bundle at 1x, 10x and 100x the demo account.

For each size a fresh subprocess generates the sandbox account (``scale`` = size; 100x holds
10,000 monitors and about 200,000 incidents), serves it on a loopback HTTP server with
``--latency`` per request (and no rate limit unless ``--rate``), and collects the headline
scenario's bundle (every scenario with ``--all``) with the sync and the async client. It
reports requests and wall time per size, whether the requests are identical across sizes,
the generation time, and the subprocess's peak RSS (``resource.getrusage(RUSAGE_SELF)
.ru_maxrss``, KiB on Linux): the client, the in-process server and the generated account.

Usage: python bench/scale.py [--sizes 1,10,100] [--all] [--latency 0.05] [--rate 0]
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone
from typing import Any

KIB_PER_MB = 1024


def _rss_kib() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss  # macOS reports bytes


def child(args: argparse.Namespace) -> int:
    """One size, in its own process: print one JSON object."""
    from betterstack_rca import AsyncBetterStack, BetterStack
    from betterstack_rca.sandbox import (
        HEADLINE_SCENARIO,
        SANDBOX_TOKEN,
        Faults,
        Sandbox,
        SandboxApp,
        SandboxServer,
    )

    http.server.ThreadingHTTPServer.request_queue_size = args.backlog  # see --help
    rss_start = _rss_kib()
    reference = datetime.fromisoformat(args.reference)
    t0 = time.perf_counter()
    sandbox = Sandbox(seed=args.seed, scale=args.size, reference_time=reference)
    generation = time.perf_counter() - t0
    account = sandbox.account
    rss_generated = _rss_kib()
    keys = list(account.scenarios) if args.all else [HEADLINE_SCENARIO]
    faults = Faults(
        latency=args.latency,
        rate_limit_rps=args.rate if args.rate > 0 else None,
        rate_limit_burst=args.burst if args.rate > 0 else None,
    )
    kwargs: dict[str, Any] = {"max_rps": args.client_rate, "burst": args.burst}
    out: dict[str, Any] = {
        "size": args.size,
        "monitors": len(account.monitors),
        "incidents": account.incident_count,
        "generation": generation,
        "bundles": [],
    }
    for key in keys:
        incident_id = account.scenarios[key].incident_id
        for kind in ("sync", "async"):
            app = SandboxApp(account, faults=faults)
            with SandboxServer(app, host="127.0.0.1") as server:
                started = time.perf_counter()
                if kind == "sync":
                    with BetterStack(token=SANDBOX_TOKEN, base_url=server.url, **kwargs) as bs:
                        bundle = bs.bundle(incident_id, now=reference)
                else:

                    async def go(url: str = server.url, iid: str = incident_id) -> Any:
                        async with AsyncBetterStack(
                            token=SANDBOX_TOKEN, base_url=url, **kwargs
                        ) as abs_:
                            return await abs_.bundle(iid, now=reference)

                    bundle = asyncio.run(go())
                wall = time.perf_counter() - started
            out["bundles"].append(
                {
                    "scenario": key,
                    "client": kind,
                    "requests": bundle.stats.requests,
                    "retries": bundle.stats.retries,
                    "depth": bundle.stats.depth,
                    "wall": wall,
                    "gaps": len(bundle.gaps),
                    "by_family": dict(sorted(app.stats.by_family.items())),
                    "timeline": len(bundle.timeline),
                    "findings": sorted(str(f.rule) for f in bundle.findings),
                }
            )
    out["rss_start_kib"] = rss_start
    out["rss_generated_kib"] = rss_generated
    out["rss_peak_kib"] = _rss_kib()
    print(json.dumps(out))
    return 0


def parent(args: argparse.Namespace) -> int:
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    reference = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    limit = f"{args.rate:g} req/s, burst {args.burst}" if args.rate > 0 else "none"
    print("== bench/scale.py: one bundle as the account grows ==")
    print(f"python {platform.python_version()}; each size in a fresh subprocess")
    print(
        f"server: loopback HTTP, latency {args.latency * 1000:g} ms/request, rate limit {limit}, "
        f"listen backlog {args.backlog}"
    )
    print(f"client: max_rps {args.client_rate:g}, burst {args.burst}, max_concurrency 8")
    print(f"reference time {reference} (same for every size; bundle now= it)")
    print()
    results = []
    for size in sizes:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            "--size",
            str(size),
            "--reference",
            reference,
            "--seed",
            str(args.seed),
            "--latency",
            str(args.latency),
            "--rate",
            str(args.rate),
            "--burst",
            str(args.burst),
            "--client-rate",
            str(args.client_rate),
            "--backlog",
            str(args.backlog),
        ]
        if args.all:
            cmd.append("--all")
        proc = subprocess.run(
            cmd, check=False, capture_output=True, text=True, timeout=args.timeout
        )
        if proc.returncode != 0:
            print(f"size {size}: subprocess failed ({proc.returncode})\n{proc.stderr[-2000:]}")
            return 1
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))

    print(
        f"{'size':>5} {'monitors':>8} {'incidents':>9} {'gen s':>6} {'RSS gen MB':>10} "
        f"{'peak RSS MB':>11}"
    )
    for r in results:
        print(
            f"{r['size']:>4}x {r['monitors']:>8,} {r['incidents']:>9,} {r['generation']:6.2f} "
            f"{r['rss_generated_kib'] / KIB_PER_MB:10.1f} {r['rss_peak_kib'] / KIB_PER_MB:11.1f}"
        )
    print()
    header = (
        f"{'client':6} {'scenario':26} "
        + " ".join(f"{f'req@{s}x':>8}" for s in sizes)
        + " "
        + " ".join(f"{f'wall@{s}x':>8}" for s in sizes)
        + f" {'same req':>8} {'same plan':>9}"
    )
    print(header)
    print("-" * len(header))
    all_same = True
    rows = [(b["client"], b["scenario"]) for b in results[0]["bundles"]]
    for kind, key in rows:
        per = [
            next(b for b in r["bundles"] if b["client"] == kind and b["scenario"] == key)
            for r in results
        ]
        same = len({b["requests"] - b["retries"] for b in per}) == 1
        plan = len({json.dumps(b["by_family"]) for b in per}) == 1
        all_same = all_same and same and plan
        print(
            f"{kind:6} {key:26} "
            + " ".join(f"{b['requests']:>8}" for b in per)
            + " "
            + " ".join(f"{b['wall']:8.3f}" for b in per)
            + f" {'yes' if same else 'NO':>8} {'yes' if plan else 'NO':>9}"
        )
        if any(b["retries"] or b["gaps"] for b in per):
            print(
                f"{'':6} {'':26} retries {[b['retries'] for b in per]}, "
                f"gaps {[b['gaps'] for b in per]}"
            )
        if not plan:
            for size, b in zip(sizes, per, strict=True):
                print(f"{'':6} {'':26} {size}x: {b['by_family']}")
    print()
    print("same req = distinct requests (requests - retries) equal at every size;")
    print("same plan = identical requests per resource family at every size.")
    largest = results[-1]
    peak_mb = largest["rss_peak_kib"] / KIB_PER_MB
    print(
        f"target requests identical at {', '.join(f'{s}x' for s in sizes)}: "
        f"{'met' if all_same else 'MISSED'}"
    )
    print(
        f"target peak RSS < 200 MB at {largest['size']}x: {peak_mb:.1f} MB "
        f"(client + in-process server + account) -> {'met' if peak_mb < 200 else 'MISSED'}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1,10,100", help="account sizes (default 1,10,100)")
    p.add_argument("--all", action="store_true", help="every scenario, not only the headline")
    p.add_argument("--latency", type=float, default=0.05, help="server latency, s (0.05)")
    p.add_argument("--rate", type=float, default=0.0, help="server limit, req/s; 0 = none")
    p.add_argument("--burst", type=int, default=10, help="server and client burst (10)")
    p.add_argument("--client-rate", type=float, default=8.0, help="client max_rps (8)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--backlog",
        type=int,
        default=128,
        help="sandbox server listen backlog (128; the stdlib default 5 drops SYNs when 6+ "
        "connections open at once, and each drop costs a 1 s SYN retransmit)",
    )
    p.add_argument("--timeout", type=float, default=600.0, help="per-size subprocess timeout")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--size", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--reference", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
