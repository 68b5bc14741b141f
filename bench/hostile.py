"""A hostile server on 127.0.0.1: peak memory under a decompression bomb, time under a trickle.

Cases, each in a fresh subprocess (so its peak RSS is its own), against a loopback server
run by this script:

- ``bomb``: a ``Content-Encoding: gzip, gzip`` answer of a few KB that decodes to
  ``--bomb-mib`` MiB. ``client`` is ``BetterStack.get_json`` (limit 32 MiB); ``httpx``
  reads the same URL the way the client did before issue 14 (``iter_bytes()``, counting
  decoded bytes against 32 MiB).
- ``trickle``: a 200 whose body arrives one byte every 0.5 s, for up to ``--trickle-for``
  seconds. ``client`` is ``get_json`` with ``timeout=2, max_retries=0``; ``httpx`` is
  ``httpx.Client(timeout=2)`` reading the stream, what the client did before.
- ``headers``: the same trickle one step earlier: the status line, then one header byte
  every 0.5 s (the headers never end). ``client`` (sync) and ``async``
  (``AsyncBetterStack.get_json``) with ``timeout=2, max_retries=0``, and plain ``httpx``.
- ``interim``: ``100 Continue`` after ``100 Continue``, as fast as they are read, for up to
  ``--trickle-for`` seconds: no read ever waits, so only a total deadline ends it.
- ``title``: the linear ``<title>`` search on a 480 KB error page of unclosed tags, and the
  old lazy regex on the same page (in-process, no server).
- ``redaction``: redacting 250 monitors with 80 secret header values each (20,000 secrets)
  and a text pass over every string (in-process).

Usage: python bench/hostile.py [--bomb-mib 1024] [--trickle-for 40]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import http.server
import io
import json
import platform
import re
import resource
import subprocess
import sys
import threading
import time
from typing import Any

LIMIT = 32 * 1024 * 1024


def make_bomb(mib: int) -> bytes:
    buf = io.BytesIO()  # compressed as a stream: the decoded body is never in memory
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as gz:
        gz.write(b'{"data": [], "pad": "')
        block = b"0" * (1024 * 1024)
        for _ in range(mib):
            gz.write(block)
        gz.write(b'"}')
    return gzip.compress(buf.getvalue(), compresslevel=9)


class Handler(http.server.BaseHTTPRequestHandler):
    bomb = b""
    trickle_for = 40.0

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _endless(self, first: bytes, each: bytes, every: float) -> None:
        """Raw bytes, never a complete answer: `first`, then `each` every `every` seconds."""
        end = time.monotonic() + self.trickle_for
        try:
            self.wfile.write(first)
            self.wfile.flush()
            while time.monotonic() < end:
                time.sleep(every)
                self.wfile.write(each)
                self.wfile.flush()
        except OSError:
            return
        self.close_connection = True

    def do_GET(self) -> None:
        if self.path.startswith("/headers"):
            self._endless(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-a: ", b"a", 0.5)
            return
        if self.path.startswith("/interim"):
            self._endless(b"", b"HTTP/1.1 100 Continue\r\n\r\n" * 20, 0.001)
            return
        if self.path.startswith("/bomb"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip, gzip")
            self.send_header("Content-Length", str(len(self.bomb)))
            self.end_headers()
            self.wfile.write(self.bomb)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"data": [')
        self.wfile.flush()
        end = time.monotonic() + self.trickle_for
        try:
            while time.monotonic() < end:
                time.sleep(0.5)
                self.wfile.write(b" ")
                self.wfile.flush()
        except OSError:
            return


def child(case: str, mode: str, url: str) -> int:
    import httpx

    from betterstack_rca import BetterStack, BetterStackError

    started = time.perf_counter()
    outcome = "ok"
    options: dict[str, Any] = {"max_retries": 0, "max_rps": 1000.0}
    if case != "bomb":
        options["timeout"] = 2.0
    try:
        if mode == "client":
            with BetterStack("bench-token-0123456789", base_url=url, **options) as bs:
                bs.get_json(f"/{case}")
        elif mode == "async":
            asyncio.run(async_get(url, case, options))
        else:
            size = 0
            with httpx.Client(timeout=2.0) as http, http.stream("GET", f"{url}/{case}") as r:
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > LIMIT:
                        raise ValueError(f"larger than the limit after {size} decoded bytes")
    except (BetterStackError, ValueError, httpx.HTTPError) as exc:
        outcome = f"{type(exc).__name__}: {str(exc)[:90]}"
    wall = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "peak_mib": peak_mib, "outcome": outcome}))
    return 0


async def async_get(url: str, case: str, options: dict[str, Any]) -> None:
    from betterstack_rca import AsyncBetterStack

    async with AsyncBetterStack("bench-token-0123456789", base_url=url, **options) as bs:
        await bs.get_json(f"/{case}")


def run_child(case: str, mode: str, url: str, timeout: float) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", case, mode, url],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"wall": timeout, "peak_mib": float("nan"), "outcome": "killed at the timeout"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"wall": float("nan"), "peak_mib": float("nan"), "outcome": proc.stderr[-200:]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def title_case() -> dict[str, float]:
    from betterstack_rca._core.http import html_title

    page = b"<html><head>" + b"<title>x" * 60_000
    started = time.perf_counter()
    html_title(page)
    linear = time.perf_counter() - started
    started = time.perf_counter()
    re.search(rb"<title[^>]*>(.*?)</title>", page[:60_000], re.I | re.S)  # an eighth
    quarter = time.perf_counter() - started
    return {"linear_s": linear, "old_regex_on_an_eighth_s": quarter}


def redaction_case() -> dict[str, float]:
    from betterstack_rca.rca.redact import Redactor

    monitors = [
        {
            "id": str(m),
            "pronounceable_name": f"service {m} https://ops:pw{m:04d}xyz@db{m}.internal/x",
            "request_headers": [
                {"name": f"X-Secret-{h}", "value": f"hdr-{m:03d}-{h:02d}-secret-value"}
                for h in range(80)
            ],
        }
        for m in range(250)
    ]
    started = time.perf_counter()
    redactor = Redactor()
    out = redactor.data(
        {"siblings": monitors, "notes": [f"seen hdr-{m:03d}-07" for m in range(250)]}
    )
    wall = time.perf_counter() - started
    assert "hdr-001-01-secret-value" not in json.dumps(out)
    return {"secrets": float(len(redactor.secrets)), "wall_s": wall}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bomb-mib", type=int, default=1024)
    parser.add_argument("--trickle-for", type=float, default=40.0)
    parser.add_argument("--child", nargs=3, metavar=("CASE", "MODE", "URL"))
    args = parser.parse_args()
    if args.child:
        return child(*args.child)

    Handler.bomb = make_bomb(args.bomb_mib)
    Handler.trickle_for = args.trickle_for
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"# {platform.python_implementation()} {platform.python_version()}, {platform.machine()}")
    print(f"bomb: {len(Handler.bomb)} bytes on the wire, {args.bomb_mib} MiB decoded, limit 32 MiB")
    for mode in ("client", "httpx"):
        r = run_child("bomb", mode, url, timeout=300)
        print(f"  {mode:6} peak RSS {r['peak_mib']:8.1f} MiB  {r['wall']:6.2f} s  {r['outcome']}")
    print(f"trickle: 1 byte / 0.5 s for {args.trickle_for:g} s, timeout=2")
    for mode in ("client", "httpx"):
        r = run_child("trickle", mode, url, timeout=args.trickle_for + 30)
        print(f"  {mode:6} wall {r['wall']:6.2f} s  {r['outcome']}")
    print(f"headers: 1 header byte / 0.5 s for {args.trickle_for:g} s, timeout=2")
    for mode in ("client", "async", "httpx"):
        r = run_child("headers", mode, url, timeout=args.trickle_for + 30)
        print(f"  {mode:6} wall {r['wall']:6.2f} s  {r['outcome']}")
    print(f"interim: 100 Continue without end for {args.trickle_for:g} s, timeout=2")
    for mode in ("client", "async", "httpx"):
        r = run_child("interim", mode, url, timeout=args.trickle_for + 30)
        print(f"  {mode:6} wall {r['wall']:6.2f} s  {r['outcome']}")
    t = title_case()
    print(
        f"title: linear {t['linear_s'] * 1000:.2f} ms on 480 KB; the old regex took "
        f"{t['old_regex_on_an_eighth_s']:.2f} s on an eighth of it (quadratic)"
    )
    red = redaction_case()
    print(f"redaction: {red['secrets']:.0f} secrets, {red['wall_s']:.2f} s for both passes")
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
