"""A week's report with and without the client's cache: requests, wall time, memory.

Runs `run_report` over the last ``--days`` of the sandbox account (pinned at
``--reference-time``) twice at ``--rps`` (default 8, the real API's pace): once with
``cache_ttl=0`` (every bundle collected independently, as before the cache) and once with
the default cache. It checks that every bundle's findings, diagnosis and checks are the
same both ways, and prints requests, cache hits and wall time of each run.

Memory: a third pass (fast, under tracemalloc) measures what a report keeps per bundle
once its bundles are written: the Python memory still held after N bundles, the cache
emptied, divided by N, at two values of N.

Usage: python bench/report.py [--days 7] [--rps 8] [--seed 0] [--reference-time ISO]
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from betterstack_rca import BetterStack
from betterstack_rca.report import Report
from betterstack_rca.report.run import run_report
from betterstack_rca.sandbox import Sandbox


def collect(
    sandbox: Sandbox, since: datetime, until: datetime, out: Path | None, **client: Any
) -> tuple[Report, float]:
    bs = BetterStack.sandbox(sandbox=sandbox, **client)
    started = time.perf_counter()
    report = run_report(bs, since, until, out=out)
    return report, time.perf_counter() - started


def judged(folder: Path) -> dict[str, Any]:
    """Each bundle's findings, diagnosis and checks, by incident id."""
    out = {}
    for path in sorted(folder.glob("*/bundle.json")):
        data = json.loads(path.read_text())
        out[path.parent.name] = {k: data[k] for k in ("findings", "diagnosis", "checks")}
    return out


def retained_per_bundle(sandbox: Sandbox, since: datetime, until: datetime, n: int) -> float:
    bs = BetterStack.sandbox(sandbox=sandbox, max_rps=1e6)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    with tempfile.TemporaryDirectory() as tmp:
        report = run_report(bs, since, until, out=Path(tmp), limit=n)
    assert bs.cache is not None
    bs.cache.clear()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return held / max(1, len(report.rows))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--days", type=float, default=7.0)
    p.add_argument("--rps", type=float, default=8.0, help="client max_rps (8)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reference-time", default="2025-06-02T00:00:00+00:00")
    p.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = p.parse_args(argv)
    ref = datetime.fromisoformat(args.reference_time).astimezone(timezone.utc)
    sandbox = Sandbox(seed=args.seed, reference_time=ref)
    since, until = ref - timedelta(days=args.days), ref
    print(
        f"{args.days:g}-day sandbox report (seed {args.seed}, now {ref:%Y-%m-%d %H:%M} UTC), "
        f"max_rps={args.rps:g}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        plain, plain_wall = collect(
            sandbox, since, until, Path(tmp) / "plain", cache_ttl=0, max_rps=args.rps
        )
        cached, cached_wall = collect(sandbox, since, until, Path(tmp) / "cached", max_rps=args.rps)
        a, b = judged(Path(tmp) / "plain"), judged(Path(tmp) / "cached")
    same = a == b
    differ = sorted(k for k in a if a.get(k) != b.get(k))
    bundles = len(plain.rows)
    print(
        f"bundles: {bundles} ({len(plain.failed)} failed without cache, {len(cached.failed)} with)"
    )
    print(f"{'':14}{'requests':>10}{'cache hits':>12}{'wall s':>10}{'req/bundle':>12}")
    runs = (("independent", plain, plain_wall), ("with cache", cached, cached_wall))
    for label, rep, wall in runs:
        print(
            f"{label:14}{rep.requests:>10}{rep.cache_hits:>12}{wall:>10.1f}"
            f"{rep.requests / max(1, bundles):>12.1f}"
        )
    share = cached.requests / max(1, plain.requests)
    print(
        f"requests with the cache: {share:.0%} of independent (target <= 30%); "
        f"wall time {cached_wall / max(plain_wall, 1e-9):.0%}"
    )
    print(
        f"identical findings, diagnosis and checks in every bundle: {same}"
        + (f" (differ: {', '.join(differ[:10])})" if differ else "")
    )
    if not args.no_memory:
        small = retained_per_bundle(sandbox, since, until, max(1, bundles // 4))
        full = retained_per_bundle(sandbox, since, until, bundles)
        print(
            f"memory held after the run, per bundle (cache emptied): "
            f"{small / 1024:.1f} KiB at {max(1, bundles // 4)} bundles, "
            f"{full / 1024:.1f} KiB at {bundles}"
        )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
