"""Listing 10,000 monitors: our async fan-out vs our sync client vs the PyPI `betterstack-uptime`.

The parent process generates the scale-100 sandbox account (10,000 monitors) once. For each
mode (no server-side limit; a server-side limit) and each client it starts a fresh loopback
sandbox server (fresh counters, a full bucket) and runs the client in a subprocess bounded by
``--timeout``; a client that crashes, loops on 429 or times out "did not complete".

Clients:
- ``async``: ``AsyncBetterStack.monitors.list().to_list()``: first page, then the remaining
  pages concurrently (``max_concurrency``) from the first page's ``last`` link; 250 per page.
- ``sync``: ``BetterStack.monitors.list().to_list()``: follows ``next``, one page at a time.
- ``peer``: ``betterstack-uptime`` (PyPI, import ``betterstack.uptime``), installed only in
  the bench venv: ``Monitor.get_all_instances(PaginatedAPI(base_url, BearerAuth(token)))``.
  Its ``UptimeAPI`` is ``PaginatedAPI`` with the base URL fixed in a class constant, so the
  parent class is given the sandbox URL directly (same code path, nothing monkeypatched).
  It sends no ``per_page`` (the API's default page is 50) and fetches pages 2..N with a
  5-thread pool; it does not pace, and a 429 raises ``RateLimitError``.

Floor per client: max(depth x latency, pages x latency / concurrency, (pages - burst) / rate),
with depth 2 for a fan-out (first page, then the rest) and ``pages`` for a sequential walk.

Usage: python bench/listing.py [--latency 0.05] [--rate 8] [--burst 10] [--timeout 120]
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import json
import math
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

PEER_PAGE = 50  # the API's default page size: the peer sends no per_page
OUR_PAGE = 250  # the largest page: what our paginators ask for
PEER_WORKERS = 5  # betterstack-uptime's default max_workers


# --- children: one client, one listing, one JSON line ------------------------------------


def child(args: argparse.Namespace) -> int:
    """Wall and CPU time cover the listing only, not the interpreter start or the imports."""
    from betterstack_rca.sandbox import SANDBOX_TOKEN

    if args.client == "peer":
        import betterstack.uptime  # noqa: F401
    else:
        import betterstack_rca  # noqa: F401

    out: dict[str, Any] = {"client": args.client}
    started, cpu = time.perf_counter(), time.process_time()
    try:
        if args.client == "peer":
            out.update(_peer(args.url, SANDBOX_TOKEN))
        else:
            out.update(_ours(args, SANDBOX_TOKEN))
        out["ok"] = True
    except Exception as exc:  # a peer that crashes is a result, not a bench failure
        out["ok"] = False
        out["error"] = f"{type(exc).__name__}: {str(exc)[:160]}"
    out["wall"] = time.perf_counter() - started
    out["cpu"] = time.process_time() - cpu
    print(json.dumps(out))
    return 0


def _ours(args: argparse.Namespace, token: str) -> dict[str, Any]:
    from betterstack_rca import AsyncBetterStack, BetterStack

    kwargs: dict[str, Any] = {
        "base_url": args.url,
        "max_rps": args.client_rate,
        "burst": args.client_burst,
        "max_concurrency": args.concurrency,
    }
    if args.client == "sync":
        with BetterStack(token=token, **kwargs) as bs:
            monitors = bs.monitors.list().to_list()
            stats = bs.stats.as_dict()
    else:

        async def go() -> tuple[list[Any], dict[str, int]]:
            async with AsyncBetterStack(token=token, **kwargs) as abs_:
                items = await abs_.monitors.list().to_list()
                return items, abs_.stats.as_dict()

        monitors, stats = asyncio.run(go())
    return {"items": len(monitors), "unique": len({m.id for m in monitors}), "stats": stats}


def _peer(url: str, token: str) -> dict[str, Any]:
    from betterstack.uptime import BearerAuth, Monitor, PaginatedAPI, UptimeAPI

    api = PaginatedAPI(base_url=url.rstrip("/") + "/api/v2/", auth=BearerAuth(token))
    monitors = list(Monitor.get_all_instances(api))
    return {
        "items": len(monitors),
        "unique": len({m.id for m in monitors}),
        "stats": {},
        "note": f"UptimeAPI.BETTERSTACK_API_URL={UptimeAPI.BETTERSTACK_API_URL} untouched",
    }


# --- parent: servers, subprocesses, table ------------------------------------------------


@dataclass
class Mode:
    name: str
    rate: float | None  # server-side limit; None = none
    burst: int | None
    client_rate: float
    client_burst: int


def floor_for(client: str, monitors: int, latency: float, mode: Mode, concurrency: int) -> float:
    if client == "sync":
        pages = math.ceil(monitors / OUR_PAGE)
        depth, width = pages, 1
    elif client == "async":
        pages = math.ceil(monitors / OUR_PAGE)
        depth, width = 2, concurrency
    else:
        pages = math.ceil(monitors / PEER_PAGE)
        depth, width = 2, PEER_WORKERS
    by_depth = depth * latency
    by_width = pages * latency / width
    rates = [r for r in (mode.rate, mode.client_rate if client != "peer" else None) if r]
    bursts = [b for b in (mode.burst, mode.client_burst if client != "peer" else None) if b]
    by_rate = max((pages - min(bursts)) / min(rates), 0.0) if rates and bursts else 0.0
    return max(by_depth, by_width, by_rate)


def parent(args: argparse.Namespace) -> int:
    from betterstack_rca.sandbox import Sandbox

    http.server.ThreadingHTTPServer.request_queue_size = args.backlog  # see --help
    t0 = time.perf_counter()
    sandbox = Sandbox(seed=args.seed, scale=args.scale)
    generation = time.perf_counter() - t0
    monitors = len(sandbox.account.monitors)
    clients = [c.strip() for c in args.clients.split(",") if c.strip()]
    modes = [
        Mode("no server limit", None, None, args.fast_rate, args.fast_burst),
        Mode(
            f"server limit {args.rate:g} req/s, burst {args.burst}",
            args.rate,
            args.burst,
            args.client_rate if args.client_rate is not None else args.rate,
            args.client_burst if args.client_burst is not None else args.burst,
        ),
    ]
    print("== bench/listing.py: listing every monitor, side by side ==")
    print(
        f"python {platform.python_version()}; sandbox scale {args.scale}: {monitors:,} monitors "
        f"(generated in {generation:.2f} s); server latency {args.latency * 1000:g} ms/request"
    )
    print(
        f"ours: max_concurrency {args.concurrency}, {OUR_PAGE} per page "
        f"({math.ceil(monitors / OUR_PAGE)} pages); peer: betterstack-uptime "
        f"{_peer_version()}, {PEER_WORKERS} threads, {PEER_PAGE} per page "
        f"({math.ceil(monitors / PEER_PAGE)} pages), pointed at the sandbox via "
        "PaginatedAPI(base_url=...) (UptimeAPI's parent; no monkeypatch)"
    )
    print(
        f"each client in a subprocess, timeout {args.timeout:g} s; a fresh server per run "
        f"(listen backlog {args.backlog}); medians of {args.runs} runs"
    )
    print("floor = max(depth x latency, pages x latency / concurrency, (pages - burst) / rate)")
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for mode in modes:
        print()
        print(
            f"-- {mode.name}; our clients: max_rps {mode.client_rate:g}, burst {mode.client_burst}"
        )
        header = (
            f"{'client':6} {'done':4} {'wall s':>7} {'floor s':>7} {'w/floor':>7} {'cpu s':>6} "
            f"{'items':>6} {'req':>4} {'429s':>4} {'early':>5} {'retry':>5} {'inflt':>5}  note"
        )
        print(header)
        print("-" * len(header))
        for client in clients:
            runs = [_one_run(args, sandbox, client, mode) for _ in range(args.runs)]
            r = _summary(runs, monitors)
            r["floor"] = fl = floor_for(client, monitors, args.latency, mode, args.concurrency)
            results[(mode.name, client)] = r
            sv = r["server"]
            print(
                f"{client:6} {r['done']:4} {r['wall']:7.3f} {fl:7.3f} {r['wall'] / fl:6.2f}x "
                f"{r['cpu']:6.2f} {r['items']:6} {sv['requests']:4g} {sv['rate_limited']:4g} "
                f"{sv['early']:5g} {r['retries']!s:>5} {sv['max_in_flight']:5g}  {r['note']}"
            )
            sys.stdout.flush()
    print()
    print(
        "medians; req / 429s / early / inflt: counted by the server (early = requests arriving "
        "before an announced Retry-After had passed); retry: the client's own count."
    )
    _verdicts(results, modes, clients)
    return 0


def _one_run(args: argparse.Namespace, sandbox: Any, client: str, mode: Mode) -> dict[str, Any]:
    from betterstack_rca.sandbox import Faults, SandboxApp, SandboxServer

    faults = Faults(latency=args.latency, rate_limit_rps=mode.rate, rate_limit_burst=mode.burst)
    app = SandboxApp(sandbox.account, faults=faults)
    with SandboxServer(app, host="127.0.0.1") as server:
        r = _run_child(args, client, server.url, mode)
    st = app.stats
    r["server"] = {
        "requests": st.requests,
        "rate_limited": st.rate_limited,
        "early": st.early_requests,
        "max_in_flight": st.max_in_flight,
    }
    return r


def _summary(runs: list[dict[str, Any]], monitors: int) -> dict[str, Any]:
    """Medians over the runs; completed only when every run listed every monitor."""
    complete = [bool(r.get("ok")) and r.get("unique") == monitors for r in runs]
    notes = []
    for r in runs:
        if not r.get("ok"):
            notes.append(f"did not complete: {r.get('error')}")
        elif r.get("unique") != monitors:
            notes.append(f"did not complete: {r.get('unique')} of {monitors} monitors")
    med = statistics.median
    retries = [r.get("stats", {}).get("retries") for r in runs]
    return {
        "complete": all(complete),
        "done": f"{sum(complete)}/{len(runs)}",
        "wall": med([r.get("wall", float("nan")) for r in runs]),
        "cpu": med([r.get("cpu", float("nan")) for r in runs]),
        "items": int(med([r.get("items", 0) for r in runs])),
        "retries": "-" if None in retries else med(retries),
        "server": {
            k: med([r["server"][k] for r in runs])
            for k in ("requests", "rate_limited", "early", "max_in_flight")
        },
        "early_total": sum(r["server"]["early"] for r in runs),
        "note": "; ".join(dict.fromkeys(notes)),
    }


def _verdicts(
    results: dict[tuple[str, str], dict[str, Any]], modes: list[Mode], clients: list[str]
) -> None:
    if "async" not in clients:
        return
    for mode in modes:
        ours = results[(mode.name, "async")]
        ratio = ours["wall"] / ours["floor"]
        ok = ours["complete"] and ratio <= 1.5
        print(
            f"target async within 1.5 x floor ({mode.name}): {ratio:.2f}x -> "
            f"{'met' if ok else 'MISSED'} (the client's CPU time alone: {ours['cpu']:.2f} s "
            f"= {ours['cpu'] / ours['floor']:.2f}x the floor)"
        )
        peer = results.get((mode.name, "peer"))
        if peer is not None:
            if not peer["complete"]:
                verdict = "met (the peer did not complete)" if ours["complete"] else "MISSED"
                print(f"target async faster than the peer ({mode.name}): {verdict}")
            else:
                faster = ours["complete"] and ours["wall"] < peer["wall"]
                print(
                    f"target async faster than the peer ({mode.name}): "
                    f"{ours['wall']:.2f} s vs {peer['wall']:.2f} s -> "
                    f"{'met' if faster else 'MISSED'}"
                )
    if all((m.name, c) in results for m in modes for c in ("async", "sync")):
        early = sum(results[(m.name, c)]["early_total"] for m in modes for c in ("async", "sync"))
        print(
            f"target zero requests before Retry-After (ours, every run): {early} -> "
            f"{'met' if early == 0 else 'MISSED'}"
        )


def _run_child(args: argparse.Namespace, client: str, url: str, mode: Mode) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        client,
        "--url",
        url,
        "--client-rate",
        str(mode.client_rate),
        "--client-burst",
        str(mode.client_burst),
        "--concurrency",
        str(args.concurrency),
    ]
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, check=False, capture_output=True, text=True, timeout=args.timeout
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {args.timeout:g} s", "wall": args.timeout}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {
            "ok": False,
            "error": f"exit {proc.returncode}: {tail[:160]}",
            "wall": time.perf_counter() - started,
        }
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _peer_version() -> str:
    try:
        from importlib.metadata import version

        return version("betterstack-uptime")
    except Exception:
        return "(not installed: run `make bench`)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--latency", type=float, default=0.05, help="server latency, s (0.05)")
    p.add_argument("--rate", type=float, default=8.0, help="server limit in mode 2 (8 req/s)")
    p.add_argument("--burst", type=int, default=10, help="server bucket in mode 2 (10)")
    p.add_argument("--client-rate", type=float, default=None, help="our max_rps, mode 2")
    p.add_argument("--client-burst", type=int, default=None, help="our burst, mode 2")
    p.add_argument("--fast-rate", type=float, default=1000.0, help="our max_rps, mode 1")
    p.add_argument("--fast-burst", type=int, default=1000, help="our burst, mode 1")
    p.add_argument("--concurrency", type=int, default=8, help="our max_concurrency (8)")
    p.add_argument("--clients", default="async,sync,peer")
    p.add_argument("--runs", type=int, default=3, help="runs per figure; medians (3)")
    p.add_argument("--scale", type=int, default=100, help="sandbox scale (100: 10,000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--backlog",
        type=int,
        default=128,
        help="sandbox server listen backlog (128; the stdlib default 5 drops SYNs when 6+ "
        "connections open at once, and each drop costs a 1 s SYN retransmit)",
    )
    p.add_argument("--timeout", type=float, default=120.0, help="per-client timeout, s")
    p.add_argument("--child", choices=("async", "sync", "peer"), help=argparse.SUPPRESS)
    p.add_argument("--url", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        args.client = args.child
        if args.client_rate is None or args.client_burst is None:
            p.error("--child needs --client-rate and --client-burst")
        return child(args)
    return parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
