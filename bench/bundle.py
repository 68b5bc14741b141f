"""Bundle wall time against its floor, for every sandbox scenario, sync and async clients.

A sandbox HTTP server on 127.0.0.1, in a process of its own (its CPU is not the client's, as
a real API's is not), answers every request after ``--latency`` seconds. Each bundle is
collected by a fresh client (``max_concurrency=--concurrency``, new connections); the wall
is the ``bundle()`` call alone. Every scenario is collected once, untimed, first.

Three modes (``--modes``):

- ``rounds``: no time at all: an in-process transport holds every request until the client
  has nothing left to do but wait, then answers all of them (``tests/rca/test_plan.py``
  does the same); the count of rounds is the bundle's real depth with that many slots;
- ``nolimit``: no server-side limit, clients at ``max_rps=1000, burst=1000``: the round
  trips bound the bundle. The server renders each answer once (the untimed collections)
  and then answers from that cache: the sandbox renders under one lock, and a round's
  answers would otherwise queue behind each other (a day of response times takes ~20 ms);
- ``paced``: the server allows ``--rate`` requests/s (burst ``--burst``) and the clients
  pace at their defaults (8 req/s, burst 10): the request count bounds it. A fresh server
  per bundle (a full bucket, fresh counters of 429s and early requests).

The floor of a bundle:

    rounds = max(depth, ceil(requests / concurrency))
    floor  = max(rounds x RTT, (requests - burst) / rate)

``depth`` is the collector's count of dependency levels (``bundle.stats.depth``, pinned to
the real rounds by ``tests/rca/test_plan.py``); ``requests`` what the bundle cost (retries
left out); ``RTT`` the round trip of one small request measured by the bench on the same
server and client kind (the injected latency plus the loopback, HTTP and parsing cost);
the rate term applies to the paced mode (the tighter of the server's and the client's).
``round`` is how long ``--concurrency`` such requests sent together take: what a full round
costs this client and server (each request's Python HTTP work, one after the other on
each side); ``w/round`` is the wall against ``rounds x round``.

``--baseline DIR`` runs another checkout's clients (``DIR`` holds its ``betterstack_rca``,
e.g. ``git archive main | tar -x -C DIR``) in the same rounds, interleaved with this one's,
so the figures before and after a change come from one run. Each (checkout, round) is a
subprocess. Figures are medians over ``--runs`` rounds.

Usage: python bench/bundle.py [--runs 3] [--latency 0.05] [--modes nolimit,paced]
       [--baseline DIR] [--scenario KEY ...] [--clients sync,async]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from typing import Any

import httpx

HERE = os.path.abspath(__file__)
THIS = os.path.dirname(os.path.dirname(HERE))
HEADLINE = "database_backup"
NOLIMIT_CLIENT = {"max_rps": 1000.0, "burst": 1000}


# --------------------------------------------------------------------------- server process


class _Cached:
    """A `SandboxApp` that renders each answer once: the no-limit mode's server, so that its
    own CPU (one lock around every rendering; a day of response times takes ~20 ms) does not
    queue the answers of a round behind each other. Each answer still waits its latency."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.faults = app.faults
        self.stats = app.stats
        self._answers: dict[tuple[str, str, str], Any] = {}

    def in_flight(self) -> Any:
        return self.app.in_flight()

    def dispatch(self, method: str, target: str, headers: Any, base_url: str) -> Any:
        key = (method, target, base_url)
        answer = self._answers.get(key)
        if answer is None:
            answer = self.app.dispatch(method, target, headers, base_url)
            if answer.status == 200:
                self._answers[key] = answer
        return answer


def _serve(conn: Any, seed: int, reference: str, backlog: int) -> None:
    """The server process: a `SandboxServer` per measurement (the paced mode: a fresh
    bucket and counters each time), or one caching server for every no-limit measurement."""
    import http.server
    import socketserver

    from betterstack_rca.sandbox import Faults, Sandbox, SandboxApp, SandboxServer

    # harness settings, not the client's: a listen queue of 5 drops SYNs when 6+ connections
    # open at once (each drop costs a 1 s retransmit); without TCP_NODELAY an answer under
    # one segment waits for the client's delayed ACK of the headers (up to 40 ms)
    http.server.ThreadingHTTPServer.request_queue_size = backlog
    socketserver.StreamRequestHandler.disable_nagle_algorithm = True
    sandbox = Sandbox(seed=seed, scale=1, reference_time=datetime.fromisoformat(reference))
    conn.send({key: sc.incident_id for key, sc in sandbox.account.scenarios.items()})
    cached: dict[str, Any] = {}
    server: Any = None
    app: Any = None
    while True:
        command, arg = conn.recv()
        if command == "serve":
            faults = Faults(**arg["faults"])
            if arg["cached"]:
                key = repr(faults)
                if key not in cached:
                    cache = _Cached(SandboxApp(sandbox.account, faults=faults))
                    cached[key] = SandboxServer(cache, host="127.0.0.1")  # type: ignore[arg-type]
                server = None
                conn.send(cached[key].url)
            else:
                app = SandboxApp(sandbox.account, faults=faults)
                server = SandboxServer(app, host="127.0.0.1")
                conn.send(server.url)
        elif command == "stats":
            if server is None:  # the caching server: no limit, nothing to count
                conn.send({"rate_limited": 0, "early_requests": 0})
                continue
            server.close()
            conn.send(app.stats.as_dict())
        else:
            for cache_server in cached.values():
                cache_server.close()
            return


class Server:
    """The handle on the server process."""

    def __init__(self, args: argparse.Namespace, reference: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_serve, args=(child, args.seed, reference, args.backlog), daemon=True
        )
        self.proc.start()
        self.incidents: dict[str, str] = self.conn.recv()

    def serve(self, faults: dict[str, Any], cached: bool) -> str:
        self.conn.send(("serve", {"faults": faults, "cached": cached}))
        url: str = self.conn.recv()
        return url

    def stats(self) -> dict[str, Any]:
        self.conn.send(("stats", None))
        stats: dict[str, Any] = self.conn.recv()
        return stats

    def close(self) -> None:
        self.conn.send(("quit", None))
        self.proc.join(10)


# --------------------------------------------------------------------------- child: one round


def _client_kwargs(mode: str, concurrency: int) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"max_concurrency": concurrency}
    if mode == "nolimit":
        kwargs.update(NOLIMIT_CLIENT)
    return kwargs


def _faults(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    faults: dict[str, Any] = {"latency": args.latency}
    if mode == "paced":
        faults.update(rate_limit_rps=args.rate, rate_limit_burst=args.burst)
    return faults


def _probe_path(incident_id: str) -> str:
    return f"/api/v2/incidents/{incident_id}/comments"  # small, and no pagination


def _last_answer_transports() -> tuple[Any, Any, list[float]]:
    """httpx's default transports (what the clients build without one), noting when each
    answer's body has arrived: the bundle's wall splits into the requests and what follows
    the last answer (assembly, findings, redaction)."""
    import httpx

    done: list[float] = []

    class Sync(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = self.inner.handle_request(request)
            response.read()
            done.append(time.perf_counter())
            return response

        def close(self) -> None:
            self.inner.close()

    class Async(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            done.append(time.perf_counter())
            return response

        async def aclose(self) -> None:
            await self.inner.aclose()

    return Sync(), Async(), done


def _sync_run(url: str, kwargs: dict[str, Any], incident_id: str, now: datetime) -> Any:
    from betterstack_rca import BetterStack
    from betterstack_rca.sandbox import SANDBOX_TOKEN

    transport, _, done = _last_answer_transports()
    with BetterStack(token=SANDBOX_TOKEN, base_url=url, transport=transport, **kwargs) as bs:
        started = time.perf_counter()
        bundle = bs.bundle(incident_id, now=now)
        ended = time.perf_counter()
    return bundle, ended - started, max(done) - started


def _async_run(url: str, kwargs: dict[str, Any], incident_id: str, now: datetime) -> Any:
    import asyncio

    from betterstack_rca import AsyncBetterStack
    from betterstack_rca.sandbox import SANDBOX_TOKEN

    _, transport, done = _last_answer_transports()

    async def go() -> Any:
        async with AsyncBetterStack(
            token=SANDBOX_TOKEN, base_url=url, transport=transport, **kwargs
        ) as client:
            started = time.perf_counter()
            bundle = await client.bundle(incident_id, now=now)
            ended = time.perf_counter()
            return bundle, ended - started, max(done) - started

    return asyncio.run(go())


def _rtt(kind: str, url: str, incident_id: str, width: int = 1) -> float:
    """How long `width` small requests sent together take (median of 7, warm connections),
    with a client of this kind: one round trip (width 1), or a full round (width 8)."""
    import asyncio
    import concurrent.futures

    from betterstack_rca import AsyncBetterStack, BetterStack
    from betterstack_rca.sandbox import SANDBOX_TOKEN

    path = _probe_path(incident_id)
    times: list[float] = []
    if kind == "sync":
        with (
            BetterStack(token=SANDBOX_TOKEN, base_url=url, **NOLIMIT_CLIENT) as bs,
            concurrent.futures.ThreadPoolExecutor(width) as pool,
        ):
            for i in range(8):
                started = time.perf_counter()
                list(pool.map(lambda _: bs.get_json(path), range(width)))
                if i:  # the first opens the connections
                    times.append(time.perf_counter() - started)
    else:

        async def go() -> None:
            async with AsyncBetterStack(
                token=SANDBOX_TOKEN, base_url=url, **NOLIMIT_CLIENT
            ) as client:
                for i in range(8):
                    started = time.perf_counter()
                    await asyncio.gather(*(client.get_json(path) for _ in range(width)))
                    if i:
                        times.append(time.perf_counter() - started)

        asyncio.run(go())
    return float(statistics.median(times))


class _Rounds(httpx.AsyncBaseTransport):
    """An httpx transport that answers in rounds (as `tests/rca/test_plan.py` does): it
    holds every request until the client has nothing left to do but wait, then answers all
    of them. No time is involved: the count of rounds is the bundle's real depth."""

    QUIET_TURNS = 200

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.rounds: list[int] = []
        self._held: list[Any] = []
        self._releasing = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._held.append(turn)
        if not self._releasing:
            self._releasing = True
            asyncio.get_running_loop().create_task(self._release())
        await turn
        response: httpx.Response = await self.inner.handle_async_request(request)
        return response

    async def _release(self) -> None:
        while self._held:
            seen, quiet = len(self._held), 0
            while quiet < self.QUIET_TURNS:
                await asyncio.sleep(0)
                quiet = quiet + 1 if len(self._held) == seen else 0
                seen = len(self._held)
            held, self._held = self._held, []
            self.rounds.append(len(held))
            for turn in held:
                turn.set_result(None)
            await asyncio.sleep(0)
        self._releasing = False


def _rounds_rows(args: argparse.Namespace, now: datetime) -> list[dict[str, Any]]:
    """Every scenario over the rounds transport, in-process, async client."""
    from betterstack_rca import AsyncBetterStack
    from betterstack_rca.sandbox import Sandbox

    sandbox = Sandbox(seed=args.seed, scale=1, reference_time=now)
    rows = []
    for key in args.scenario:
        transport = _Rounds(sandbox.transport())

        async def go(t: Any = transport, k: str = key) -> Any:
            async with AsyncBetterStack(
                sandbox.token,
                base_url=sandbox.base_url,
                transport=t,
                max_rps=1_000_000.0,
                burst=1_000_000,
                max_concurrency=args.concurrency,
            ) as client:
                return await client.bundle(sandbox.account.scenarios[k].incident_id, now=now)

        bundle = asyncio.run(go())
        rows.append(
            {
                "mode": "rounds",
                "client": "async",
                "scenario": key,
                "requests": bundle.stats.requests,
                "depth": bundle.stats.depth,
                "rounds": len(transport.rounds),
                "per_round": transport.rounds,
            }
        )
    return rows


def child(args: argparse.Namespace) -> int:
    """One round of one checkout: every scenario and client once per mode; one JSON line."""
    import betterstack_rca

    where = os.path.dirname(os.path.dirname(os.path.abspath(betterstack_rca.__file__)))
    if os.path.abspath(args.checkout) != where:
        print(json.dumps({"error": f"imported betterstack_rca from {where}"}))
        return 1
    now = datetime.fromisoformat(args.reference)
    server = Server(args, args.reference)
    rows: list[dict[str, Any]] = []
    try:
        modes = args.modes.split(",")
        if "rounds" in modes:
            rows += _rounds_rows(args, now)
        # untimed: the caching server renders every answer once, the imports are done
        warm = server.serve(_faults("nolimit", args), cached=True)
        for key in args.scenario:
            kwargs = _client_kwargs("nolimit", args.concurrency)
            _async_run(warm, kwargs, server.incidents[key], now)
        for mode in (m for m in modes if m != "rounds"):
            cached = mode == "nolimit"
            for kind in args.clients.split(","):
                url = server.serve(_faults("nolimit", args), cached=True)
                rtt = _rtt(kind, url, server.incidents[HEADLINE])
                rtt_round = _rtt(kind, url, server.incidents[HEADLINE], args.concurrency)
                run = _sync_run if kind == "sync" else _async_run
                for key in args.scenario:
                    url = server.serve(_faults(mode, args), cached=cached)
                    kwargs = _client_kwargs(mode, args.concurrency)
                    bundle, wall, net = run(url, kwargs, server.incidents[key], now)
                    stats = server.stats()
                    rows.append(
                        {
                            "mode": mode,
                            "client": kind,
                            "scenario": key,
                            "requests": bundle.stats.requests - bundle.stats.retries,
                            "depth": bundle.stats.depth,
                            "wall": wall,
                            "net": net,
                            "post": wall - net,
                            "rtt": rtt,
                            "rtt_round": rtt_round,
                            "gaps": len(bundle.gaps),
                            "server_429": stats["rate_limited"],
                            "early": stats["early_requests"],
                            "in_flight": bundle.stats.max_in_flight,
                        }
                    )
    finally:
        server.close()
    print(json.dumps({"rows": rows}))
    return 0


# --------------------------------------------------------------------------- parent


def _round(args: argparse.Namespace, checkout: str, reference: str) -> list[dict[str, Any]]:
    cmd = [
        sys.executable,
        HERE,
        "--child",
        "--checkout",
        checkout,
        "--reference",
        reference,
        "--modes",
        args.modes,
        "--clients",
        args.clients,
        "--latency",
        str(args.latency),
        "--rate",
        str(args.rate),
        "--burst",
        str(args.burst),
        "--concurrency",
        str(args.concurrency),
        "--seed",
        str(args.seed),
        "--backlog",
        str(args.backlog),
    ]
    for key in args.scenario:
        cmd += ["--scenario", key]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([checkout, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=env, timeout=args.timeout, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"{checkout}: child failed ({proc.returncode})\n{proc.stderr[-3000:]}")
    rows: list[dict[str, Any]] = json.loads(proc.stdout.strip().splitlines()[-1])["rows"]
    return rows


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def floor_of(row: dict[str, float], mode: str, args: argparse.Namespace) -> tuple[int, float]:
    rounds = max(int(row["depth"]), math.ceil(row["requests"] / args.concurrency))
    floor = rounds * row["rtt"]
    if mode == "paced":
        # the client keeps one token of its burst in reserve (betterstack_rca._core.pacing)
        limits = [(args.rate, args.burst), (8.0, 10 - 1)]
        floor = max(floor, *(max(0.0, row["requests"] - b) / r for r, b in limits))
    return rounds, floor


def summarise(
    rows: list[dict[str, Any]], args: argparse.Namespace
) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    grouped: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        key = (row["checkout"], row["mode"], row["client"], row["scenario"])
        grouped.setdefault(key, []).append(row)
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for key, runs in grouped.items():
        if key[1] == "rounds":  # no time involved: every run is the same
            out[key] = dict(runs[0])
            continue
        names = ("requests", "depth", "wall", "net", "post", "rtt", "rtt_round", "in_flight")
        med: dict[str, Any] = {name: median([r[name] for r in runs]) for name in names}
        rounds, floor = floor_of(med, key[1], args)
        med.update(
            rounds=rounds,
            floor=floor,
            ratio=med["wall"] / floor,
            round_ratio=med["wall"] / max(floor, rounds * med["rtt_round"]),
            gaps=max(r["gaps"] for r in runs),
            server_429=sum(r["server_429"] for r in runs),
            early=sum(r["early"] for r in runs),
        )
        out[key] = med
    return out


MODE_TITLES = {
    "rounds": "rounds of requests, no time involved (in-process, an answer to every "
    "request once the client only waits; async client)",
    "nolimit": "no rate limit (server none; clients max_rps 1000, burst 1000)",
    "paced": "default pace (server {rate:g} req/s, burst {burst}; clients at their defaults, "
    "8 req/s, burst 10)",
}


def report(
    table: dict[tuple[str, str, str, str], dict[str, float]],
    args: argparse.Namespace,
    checkouts: list[tuple[str, str]],
) -> None:
    names = [name for name, _ in checkouts]
    for mode in args.modes.split(","):
        print(f"-- {MODE_TITLES[mode].format(rate=args.rate, burst=args.burst)}")
        if mode == "rounds":
            print(f"{'scenario':26} " + " ".join(f"{n + ' req/depth/rounds':>24}" for n in names))
            for key in args.scenario:
                cells = []
                for name in names:
                    m = table[(name, mode, "async", key)]
                    per = "+".join(str(n) for n in m["per_round"])
                    cells.append(f"{m['requests']:3} {m['depth']:2} {m['rounds']:2} {per:>13}")
                print(f"{key:26} " + " ".join(f"{c:>24}" for c in cells))
            print()
            continue
        header = (
            f"{'client':6} {'scenario':26} {'code':6} {'req':>4} {'depth':>5} {'rounds':>6} "
            f"{'RTT ms':>6} {'round':>5} {'floor s':>7} {'net s':>6} {'post s':>6} "
            f"{'wall s':>7} {'w/floor':>7} {'w/round':>7} {'429s':>4} {'early':>5} {'gaps':>4}"
        )
        print(header)
        print("-" * len(header))
        for kind in args.clients.split(","):
            for key in args.scenario:
                for name in names:
                    m = table[(name, mode, kind, key)]
                    print(
                        f"{kind:6} {key:26} {name:6} {m['requests']:4g} {m['depth']:5g} "
                        f"{m['rounds']:6g} {m['rtt'] * 1000:6.1f} {m['rtt_round'] * 1000:5.1f} "
                        f"{m['floor']:7.3f} {m['net']:6.3f} {m['post']:6.3f} "
                        f"{m['wall']:7.3f} {m['ratio']:6.2f}x {m['round_ratio']:6.2f}x "
                        f"{m['server_429']:4g} "
                        f"{m['early']:5g} {m['gaps']:4g}"
                    )
        print()
        if len(names) > 1:
            base, ours = names
            print(f"{'client':6} {'scenario':26} {'requests':>12} {'depth':>7} {'wall s':>15}")
            for kind in args.clients.split(","):
                for key in args.scenario:
                    b, o = table[(base, mode, kind, key)], table[(ours, mode, kind, key)]
                    print(
                        f"{kind:6} {key:26} {b['requests']:5g} -> {o['requests']:<4g} "
                        f"{b['depth']:2g} -> {o['depth']:<2g} {b['wall']:6.3f} -> "
                        f"{o['wall']:.3f} ({o['wall'] / b['wall']:.2f}x)"
                    )
            print()
    ours = names[-1]
    modes = args.modes.split(",")
    if "rounds" in modes:
        exact = all(
            table[(ours, "rounds", "async", k)]["depth"]
            == table[(ours, "rounds", "async", k)]["rounds"]
            or table[(ours, "rounds", "async", k)]["rounds"]
            == math.ceil(table[(ours, "rounds", "async", k)]["requests"] / args.concurrency)
            for k in args.scenario
        )
        print(
            f"check: every bundle takes max(depth, requests / {args.concurrency}) rounds "
            f"({ours}): {'yes' if exact else 'NO'}"
        )
    if "nolimit" in modes:
        for kind in args.clients.split(","):
            for column, what in (("ratio", "floor"), ("round_ratio", "floor of full rounds")):
                ratios = [table[(ours, "nolimit", kind, k)][column] for k in args.scenario]
                verdict = "met" if max(ratios) <= 1.1 else "MISSED"
                print(
                    f"target bundle wall <= 1.1 x {what} without a rate limit, {kind} ({ours}): "
                    f"worst {max(ratios):.2f}x, median {median(ratios):.2f}x -> {verdict}"
                )
    if HEADLINE in args.scenario:
        mode = modes[0]
        kind = "async" if mode == "rounds" else args.clients.split(",")[0]
        req = table[(ours, mode, kind, HEADLINE)]["requests"]
        print(
            f"target requests per bundle ({HEADLINE}) <= 18: {req:g} -> "
            f"{'met' if req <= 18 else 'MISSED'}"
        )
    early = sum(m.get("early", 0) for (name, *_), m in table.items() if name == ours)
    print(
        f"target zero requests before a Retry-After ({ours}): {early:g} early -> "
        f"{'met' if early == 0 else 'MISSED'}"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="rounds; figures are medians (3)")
    p.add_argument("--latency", type=float, default=0.05, help="server latency, s (0.05)")
    p.add_argument("--modes", default="rounds,nolimit,paced", help="rounds,nolimit,paced")
    p.add_argument("--rate", type=float, default=8.0, help="paced: server limit, req/s (8)")
    p.add_argument("--burst", type=int, default=10, help="paced: server bucket size (10)")
    p.add_argument("--concurrency", type=int, default=8, help="client max_concurrency (8)")
    p.add_argument("--clients", default="sync,async", help="sync,async")
    p.add_argument("--scenario", action="append", help="scenario key (repeatable; default all)")
    p.add_argument("--baseline", help="another checkout (its betterstack_rca/), run as 'base'")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--backlog", type=int, default=128, help="server listen backlog (128)")
    p.add_argument("--timeout", type=float, default=900.0, help="per-round subprocess timeout")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--checkout", default=THIS, help=argparse.SUPPRESS)
    p.add_argument("--reference", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if not args.scenario:
        from betterstack_rca.sandbox import SCENARIOS

        args.scenario = list(SCENARIOS)
    if args.child:
        return child(args)

    reference = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    checkouts = [("this", THIS)]
    if args.baseline:
        checkouts.insert(0, ("base", os.path.abspath(args.baseline)))
    print("== bench/bundle.py: bundle wall time against its floor ==")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(
        f"sandbox: seed {args.seed}, scale 1, reference {reference}; server in its own "
        f"process on 127.0.0.1, latency {args.latency * 1000:g} ms/request"
    )
    print(f"clients: max_concurrency {args.concurrency}; a fresh server and client per bundle")
    for name, path in checkouts:
        print(f"  {name}: {path}")
    print(f"rounds: {args.runs}, the checkouts interleaved (order rotating); medians")
    print("rounds = max(depth, ceil(requests / concurrency)); floor = max(rounds x RTT,")
    print("  (requests - burst) / rate for the paced mode); RTT = one small request, measured;")
    print("round = a full round (that many small requests together); w/round = wall against")
    print("  rounds x round; net = the call to its last answer; post = the rest (assembly,")
    print("  findings, redaction)")
    print()
    sys.stdout.flush()
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for i in range(args.runs):
        order = checkouts[i % len(checkouts) :] + checkouts[: i % len(checkouts)]
        for name, path in order:
            for row in _round(args, path, reference):
                row["checkout"] = name
                rows.append(row)
    table = summarise(rows, args)
    report(table, args, checkouts)
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
