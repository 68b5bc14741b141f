"""Listing every monitor, side by side: ours (async, sync), the PyPI `betterstack-uptime`, and
raw httpx; then the memory of a lazy walk over every incident of a large account.

The parent process generates the sandbox account once (``--scale 50``: 5,000 monitors). Each
run starts a fresh loopback sandbox server (fresh counters, a full bucket) and runs one client
in a subprocess bounded by ``--timeout``; a client that crashes, loops on 429 or times out
"did not complete". Runs are interleaved: round 1 runs every client once, then round 2...
(the order rotates each round), so a slow phase of the machine hits every client alike.
Figures are medians over the rounds; a ratio to the peer is the median of the per-round ratios
(each client against the peer of the same round), which drift of the machine does not move.

Clients:
- ``async``: ``AsyncBetterStack.monitors.list().to_list()``: first page, then the remaining
  pages concurrently (``max_concurrency``) from the first page's ``last`` link; 250 per page.
- ``sync``: ``BetterStack.monitors.list().to_list()``: the same fan-out over a thread pool.
- ``raw``: the floor, no models: one ``httpx.AsyncClient``, the first page, then pages 2..N
  at ``max_concurrency`` at once, each body through ``json.loads``; 250 per page.
- ``peer``: ``betterstack-uptime`` (PyPI, import ``betterstack.uptime``), installed only in
  the bench venv: ``Monitor.get_all_instances(PaginatedAPI(base_url, BearerAuth(token)))``.
  Its ``UptimeAPI`` is ``PaginatedAPI`` with the base URL fixed in a class constant, so the
  parent class is given the sandbox URL directly (same code path, nothing monkeypatched).
  It sends no ``per_page`` (the API's default page is 50) and fetches pages 2..N with a
  5-thread pool; it does not pace, and a 429 raises ``RateLimitError``.
- ``--baseline DIR`` adds ``async@base`` and ``sync@base``: our clients imported from another
  checkout of the package (``DIR/betterstack_rca``, e.g. ``git archive main betterstack_rca``
  unpacked there), in the same rounds: before/after in one run. ``--baseline-python`` runs
  them with another interpreter (a venv holding that checkout's own dependencies).

Floor per client: max(depth x latency, pages x latency / concurrency, (pages - burst) / rate),
with depth 2 for a fan-out (first page, then the rest) and ``pages`` for a sequential walk.

The walk (``--walk``): a second account (``--walk-scale 100``: about 200,000 incidents) served
without latency; ``for incident in bs.incidents.list()`` (sync, lazy: one page at a time) and
``async for`` (async: the fan-out, a bounded window ahead) count every incident. Peak RSS
(``VmHWM``) of the client process after 1,000, 50,000, 100,000 and 150,000 incidents and at
the end: flat means it stops rising once the first pages are in (the process holds one
window of pages, not the account).

Usage: python bench/listing.py [--scale 50] [--latency 0.03] [--runs 9] [--modes fast,limited]
       [--walk] [--baseline DIR] [--clients async,sync,raw,peer]
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

PEER_PAGE = 50  # the API's default page size: the peer sends no per_page
OUR_PAGE = 250  # the largest page: what our paginators (and raw) ask for
PEER_WORKERS = 5  # betterstack-uptime's default max_workers
TARGETS = {"async": 0.25, "sync": 0.4}  # wall time as a fraction of the peer's, no limit
WALK_MARKS = (1_000, 50_000, 100_000, 150_000)  # incidents: where the walk notes its RSS
BASE_SUFFIX = "@base"


def _rss_mb() -> float:
    """This process's peak RSS so far, MB. On Linux `VmHWM` of /proc/self/status: unlike
    `ru_maxrss`, which keeps the parent's RSS at the fork (the sandbox account), it starts
    afresh at exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (rss / 1024 / 1024) if sys.platform == "darwin" else rss / 1024  # macOS: bytes


# --- children: one client, one listing, one JSON line ------------------------------------


def child(args: argparse.Namespace) -> int:
    """Wall and CPU time cover the listing (client creation included), not the interpreter
    start or the imports."""
    from betterstack_rca.sandbox import SANDBOX_TOKEN

    if args.client == "peer":
        import betterstack.uptime  # noqa: F401
    else:
        import httpx  # noqa: F401

        import betterstack_rca

        # `import betterstack_rca` loads only the errors now (its names load on first use):
        # the client, its models and resources are imported here, before the clock starts
        from betterstack_rca import AsyncBetterStack, BetterStack  # noqa: F401
        from betterstack_rca.resources import monitors  # noqa: F401

    out: dict[str, Any] = {"client": args.client}
    if args.client != "peer":
        out["module"] = os.path.dirname(betterstack_rca.__file__)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        if args.client == "peer":
            out.update(_peer(args.url, SANDBOX_TOKEN))
        elif args.client == "raw":
            out.update(asyncio.run(_raw(args, SANDBOX_TOKEN)))
        elif args.client.startswith("walk"):
            out.update(_walk(args, SANDBOX_TOKEN))
        else:
            out.update(_ours(args, SANDBOX_TOKEN))
        out["ok"] = True
    except Exception as exc:  # a peer that crashes is a result, not a bench failure
        out["ok"] = False
        out["error"] = f"{type(exc).__name__}: {str(exc)[:160]}"
    out["wall"] = time.perf_counter() - started
    out["cpu"] = time.process_time() - cpu
    out["rss_mb"] = _rss_mb()
    print(json.dumps(out))
    return 0


def _client_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "base_url": args.url,
        "max_rps": args.client_rate,
        "burst": args.client_burst,
        "max_concurrency": args.concurrency,
    }


def _ours(args: argparse.Namespace, token: str) -> dict[str, Any]:
    from betterstack_rca import AsyncBetterStack, BetterStack

    kwargs = _client_options(args)
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


async def _raw(args: argparse.Namespace, token: str) -> dict[str, Any]:
    import httpx

    url = args.url.rstrip("/") + "/api/v2/monitors"
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    async with httpx.AsyncClient(headers=headers) as client:
        first = json.loads((await client.get(url, params={"per_page": OUR_PAGE})).content)
        last = httpx.URL(first["pagination"]["last"]).params.get("page")
        slots = asyncio.Semaphore(args.concurrency)

        async def page(n: int) -> list[Any]:
            async with slots:
                response = await client.get(url, params={"per_page": OUR_PAGE, "page": n})
            data: list[Any] = json.loads(response.content)["data"]
            return data

        rest = await asyncio.gather(*(page(n) for n in range(2, int(last or 1) + 1)))
    items = first["data"] + [item for chunk in rest for item in chunk]
    return {"items": len(items), "unique": len({i["id"] for i in items}), "stats": {}}


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


def _walk(args: argparse.Namespace, token: str) -> dict[str, Any]:
    """Count every incident lazily; note the peak RSS after 1,000 and at the end."""
    from betterstack_rca import AsyncBetterStack, BetterStack

    kwargs = _client_options(args)
    marks: dict[str, float] = {}

    def count(n: int) -> None:
        if n in WALK_MARKS:
            marks[f"rss_{n}"] = _rss_mb()

    n = 0
    if args.client == "walk-sync":
        with BetterStack(token=token, **kwargs) as bs:
            for n, _incident in enumerate(bs.incidents.list(), start=1):
                count(n)
            requests = bs.stats.requests
    else:

        async def go() -> tuple[int, int]:
            seen = 0
            async with AsyncBetterStack(token=token, **kwargs) as abs_:
                async for _incident in abs_.incidents.list():
                    seen += 1
                    count(seen)
                return seen, abs_.stats.requests

        n, requests = asyncio.run(go())
    return {"items": n, "unique": n, "requests": requests, **marks, "stats": {}}


# --- parent: servers, subprocesses, tables -----------------------------------------------


@dataclass
class Mode:
    name: str
    rate: float | None  # server-side limit; None = none
    burst: int | None
    client_rate: float
    client_burst: int
    runs: int


def _kind(client: str) -> str:
    return client.removesuffix(BASE_SUFFIX)


def floor_for(
    client: str, monitors: int, latency: float, mode: Mode, *, concurrency: int, in_flight: float
) -> float:
    """The floor of one client; `in_flight` (as the server counted it) tells a fan-out from
    a walk that follows `next` (one request at a time: depth = pages)."""
    kind = _kind(client)
    if kind == "peer":
        pages = math.ceil(monitors / PEER_PAGE)
        depth, width = 2, PEER_WORKERS
    else:
        pages = math.ceil(monitors / OUR_PAGE)
        depth, width = 2, concurrency
    if in_flight <= 1:
        depth, width = pages, 1
    by_depth = depth * latency
    by_width = pages * latency / width
    paced = kind in ("async", "sync")
    rates = [r for r in (mode.rate, mode.client_rate if paced else None) if r]
    bursts = [b for b in (mode.burst, mode.client_burst if paced else None) if b]
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
    if args.baseline:
        clients += [c + BASE_SUFFIX for c in ("async", "sync") if c in clients]
    modes = {
        "fast": Mode("no server limit", None, None, args.fast_rate, args.fast_burst, args.runs),
        "limited": Mode(
            f"server limit {args.rate:g} req/s, burst {args.burst}",
            args.rate,
            args.burst,
            args.client_rate if args.client_rate is not None else args.rate,
            args.client_burst if args.client_burst is not None else args.burst,
            args.limited_runs,
        ),
    }
    chosen = [modes[m.strip()] for m in args.modes.split(",") if m.strip()]
    print("== bench/listing.py: listing every monitor, side by side ==")
    print(
        f"python {platform.python_version()}; sandbox scale {args.scale}: {monitors:,} monitors "
        f"(generated in {generation:.2f} s); server latency {args.latency * 1000:g} ms/request"
    )
    print(
        f"ours: max_concurrency {args.concurrency}, {OUR_PAGE} per page "
        f"({math.ceil(monitors / OUR_PAGE)} pages); raw: httpx + json.loads, the same pages; "
        f"peer: betterstack-uptime {_peer_version()}, {PEER_WORKERS} threads, {PEER_PAGE} per "
        f"page ({math.ceil(monitors / PEER_PAGE)} pages), pointed at the sandbox via "
        "PaginatedAPI(base_url=...) (UptimeAPI's parent; no monkeypatch)"
    )
    if args.baseline:
        print(
            f"@base: our clients imported from {os.path.abspath(args.baseline)}, run by "
            f"{args.baseline_python or sys.executable}"
        )
    print(
        f"each client in a subprocess, timeout {args.timeout:g} s; a fresh server per run "
        f"(listen backlog {args.backlog}); rounds interleaved, the order rotating"
    )
    print("floor = max(depth x latency, pages x latency / concurrency, (pages - burst) / rate)")
    verdicts: list[str] = []
    for mode in chosen:
        mode_clients = [c for c in clients if not (mode.rate and _kind(c) == "raw")]
        results = _run_mode(args, sandbox, mode, mode_clients, monitors)
        verdicts += _verdicts(results, mode)
    print()
    print(
        "medians over the rounds; x peer = median of the per-round ratios to the peer; "
        "req / 429s / early / inflt: counted by the server (early = requests arriving before "
        "an announced Retry-After had passed); retry: the client's own count."
    )
    for line in verdicts:
        print(line)
    if args.walk:
        _walk_section(args)
    return 0


def _run_mode(
    args: argparse.Namespace, sandbox: Any, mode: Mode, clients: list[str], monitors: int
) -> dict[str, dict[str, Any]]:
    print()
    print(
        f"-- {mode.name}; our clients: max_rps {mode.client_rate:g}, burst {mode.client_burst}; "
        f"{mode.runs} rounds"
    )
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in clients}
    for round_ in range(mode.runs):
        shift = round_ % len(clients)
        for client in clients[shift:] + clients[:shift]:
            runs[client].append(_one_run(args, sandbox.account, client, mode))
    header = (
        f"{'client':10} {'done':4} {'wall s':>7} {'min-max s':>11} {'floor s':>7} {'w/floor':>7} "
        f"{'x peer':>6} {'cpu s':>6} {'items':>6} {'req':>4} {'429s':>4} {'early':>5} "
        f"{'retry':>5} {'inflt':>5}  note"
    )
    print(header)
    print("-" * len(header))
    results: dict[str, dict[str, Any]] = {}
    peer_walls = [r.get("wall", math.nan) for r in runs.get("peer", [])]
    for client in clients:
        r = _summary(runs[client], monitors)
        in_flight = r["server"]["max_in_flight"]
        r["floor"] = fl = floor_for(
            client, monitors, args.latency, mode, concurrency=args.concurrency, in_flight=in_flight
        )
        walls = [x.get("wall", math.nan) for x in runs[client]]
        r["x_peer"] = (
            statistics.median(w / p for w, p in zip(walls, peer_walls, strict=True))
            if peer_walls and client != "peer"
            else math.nan
        )
        results[client] = r
        sv = r["server"]
        spread = f"{min(walls):.2f}-{max(walls):.2f}"
        ratio = f"{r['x_peer']:5.2f}x" if not math.isnan(r["x_peer"]) else "     -"
        print(
            f"{client:10} {r['done']:4} {r['wall']:7.3f} {spread:>11} {fl:7.3f} "
            f"{r['wall'] / fl:6.2f}x {ratio} {r['cpu']:6.2f} {r['items']:6} "
            f"{sv['requests']:4g} {sv['rate_limited']:4g} {sv['early']:5g} "
            f"{r['retries']!s:>5} {sv['max_in_flight']:5g}  {r['note']}"
        )
        sys.stdout.flush()
    return results


def _one_run(args: argparse.Namespace, account: Any, client: str, mode: Mode) -> dict[str, Any]:
    from betterstack_rca.sandbox import Faults, SandboxApp, SandboxServer

    latency = 0.0 if client.startswith("walk") else args.latency
    faults = Faults(latency=latency, rate_limit_rps=mode.rate, rate_limit_burst=mode.burst)
    app = SandboxApp(account, faults=faults)
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
        "wall": med([r.get("wall", math.nan) for r in runs]),
        "cpu": med([r.get("cpu", math.nan) for r in runs]),
        "items": int(med([r.get("items", 0) for r in runs])),
        "retries": "-" if None in retries else med(retries),
        "server": {
            k: med([r["server"][k] for r in runs])
            for k in ("requests", "rate_limited", "early", "max_in_flight")
        },
        "early_total": sum(r["server"]["early"] for r in runs),
        "note": "; ".join(dict.fromkeys(notes)),
    }


def _verdicts(results: dict[str, dict[str, Any]], mode: Mode) -> list[str]:
    lines = []
    peer = results.get("peer")
    for client, r in results.items():
        kind = _kind(client)
        if kind not in ("async", "sync"):
            continue
        if mode.rate is None and peer is not None:
            target = TARGETS[kind]
            ok = r["complete"] and r["x_peer"] <= target
            lines.append(
                f"target {client} <= {target:g} x the peer's time ({mode.name}): "
                f"{r['x_peer']:.2f}x ({r['wall']:.3f} s vs {peer['wall']:.3f} s) -> "
                f"{'met' if ok else 'MISSED'}"
            )
        elif mode.rate is not None:
            ratio = r["wall"] / r["floor"]
            ok = r["complete"] and ratio <= 1.5
            lines.append(
                f"target {client} within 1.5 x floor ({mode.name}): {ratio:.2f}x -> "
                f"{'met' if ok else 'MISSED'}"
            )
    raw = results.get("raw")
    if raw is not None and peer is not None:
        lines.append(f"raw httpx + json.loads ({mode.name}): {raw['x_peer']:.2f}x the peer")
    ours = [r for c, r in results.items() if c in ("async", "sync")]
    if mode.rate is not None and ours:
        early = sum(r["early_total"] for r in ours)
        lines.append(
            f"target zero requests before Retry-After (ours, every run, {mode.name}): {early} -> "
            f"{'met' if early == 0 else 'MISSED'}"
        )
    return lines


def _walk_section(args: argparse.Namespace) -> None:
    from betterstack_rca.sandbox import Sandbox

    t0 = time.perf_counter()
    sandbox = Sandbox(seed=args.seed, scale=args.walk_scale)
    incidents = sandbox.account.incident_count
    print()
    print(
        f"-- lazy walk: every incident of a scale-{args.walk_scale} account ({incidents:,}; "
        f"generated in {time.perf_counter() - t0:.2f} s), no latency, 50 per page"
    )
    walkers = ["walk-sync", "walk-async"]
    if args.baseline:
        walkers += [w + BASE_SUFFIX for w in walkers]
    mode = Mode("walk", None, None, args.fast_rate, args.fast_burst, 1)
    marks = "".join(f"{f'@{n // 1000}k':>7}" for n in WALK_MARKS)
    header = (
        f"{'client':15} {'done':4} {'items':>8} {'req':>5} {'wall s':>7} {'cpu s':>6}"
        f"{marks} {'end':>6} {'growth':>7}  note"
    )
    print(header)
    print("-" * len(header))
    for walker in walkers:
        r = _one_run(args, sandbox.account, walker, mode)
        done = bool(r.get("ok")) and r.get("items") == incidents
        rss = [r.get(f"rss_{n}", math.nan) for n in WALK_MARKS]
        end = r.get("rss_mb", math.nan)
        print(
            f"{walker:15} {'1/1' if done else '0/1':4} {r.get('items', 0):8,} "
            f"{r['server']['requests']:5} {r.get('wall', math.nan):7.2f} "
            f"{r.get('cpu', math.nan):6.2f}{''.join(f'{x:7.1f}' for x in rss)} {end:6.1f} "
            f"{end - rss[0]:+6.1f}  {r.get('error', '')}"
        )
        sys.stdout.flush()
    print(
        "@Nk: the client process's peak RSS (VmHWM, MB) after N thousand incidents; end: after "
        "the last; growth: end minus @1k (flat: about 0, whatever the number of incidents)."
    )


def _run_child(args: argparse.Namespace, client: str, url: str, mode: Mode) -> dict[str, Any]:
    kind = _kind(client)
    python = sys.executable
    if client.endswith(BASE_SUFFIX) and args.baseline_python:
        python = args.baseline_python
    cmd = [
        python,
        __file__,
        "--child",
        kind,
        "--url",
        url,
        "--client-rate",
        str(mode.client_rate),
        "--client-burst",
        str(mode.client_burst),
        "--concurrency",
        str(args.concurrency),
    ]
    env = dict(os.environ)
    if client.endswith(BASE_SUFFIX):
        env["PYTHONPATH"] = os.pathsep.join(
            [os.path.abspath(args.baseline), *filter(None, [env.get("PYTHONPATH")])]
        )
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, check=False, capture_output=True, text=True, timeout=args.timeout, env=env
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
    module = result.get("module")
    if (
        client.endswith(BASE_SUFFIX)
        and module
        and not module.startswith(os.path.abspath(args.baseline))
    ):
        return {"ok": False, "error": f"imported {module}, not the baseline", "wall": math.nan}
    return result


def _peer_version() -> str:
    try:
        from importlib.metadata import version

        return version("betterstack-uptime")
    except Exception:
        return "(not installed: run `make bench`)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--latency", type=float, default=0.03, help="server latency, s (0.03)")
    p.add_argument("--rate", type=float, default=8.0, help="server limit, limited mode (8/s)")
    p.add_argument("--burst", type=int, default=10, help="server bucket, limited mode (10)")
    p.add_argument("--client-rate", type=float, default=None, help="our max_rps, limited mode")
    p.add_argument("--client-burst", type=int, default=None, help="our burst, limited mode")
    p.add_argument("--fast-rate", type=float, default=1000.0, help="our max_rps, no limit")
    p.add_argument("--fast-burst", type=int, default=1000, help="our burst, no limit")
    p.add_argument("--concurrency", type=int, default=8, help="our max_concurrency (8)")
    p.add_argument("--clients", default="async,sync,raw,peer")
    p.add_argument("--modes", default="fast,limited", help="fast (no limit), limited")
    p.add_argument("--runs", type=int, default=9, help="rounds without a limit (9)")
    p.add_argument("--limited-runs", type=int, default=3, help="rounds behind the limit (3)")
    p.add_argument("--scale", type=int, default=50, help="sandbox scale (50: 5,000 monitors)")
    p.add_argument("--walk", action="store_true", help="also measure the lazy walk's RSS")
    p.add_argument("--walk-scale", type=int, default=100, help="walk account (100: 200,000)")
    p.add_argument("--baseline", help="another checkout's package dir, run as async/sync@base")
    p.add_argument("--baseline-python", help="the interpreter for @base (default: this one)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--backlog",
        type=int,
        default=128,
        help="sandbox server listen backlog (128; the stdlib default 5 drops SYNs when 6+ "
        "connections open at once, and each drop costs a 1 s SYN retransmit)",
    )
    p.add_argument("--timeout", type=float, default=300.0, help="per-client timeout, s")
    p.add_argument(
        "--child",
        choices=("async", "sync", "raw", "peer", "walk-sync", "walk-async"),
        help=argparse.SUPPRESS,
    )
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
