"""``python -m betterstack_rca.sandbox``: run the sandbox API on 127.0.0.1 in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import datetime, timezone
from types import FrameType

from betterstack_rca.sandbox.account import generate_account
from betterstack_rca.sandbox.app import SANDBOX_TOKEN, SandboxApp
from betterstack_rca.sandbox.faults import Faults
from betterstack_rca.sandbox.server import SandboxServer

PROG = "python -m betterstack_rca.sandbox"


def _instant(text: str) -> datetime:
    """An ISO date or date-time; without an offset it is UTC."""
    value = text.strip()
    try:
        at = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO date or date-time such as 2026-11-23T12:00:00Z, got {text!r}"
        ) from None
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Serve the Better Stack sandbox API on a loopback address.",
    )
    p.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--scale", type=int, default=1)
    p.add_argument(
        "--reference-time",
        type=_instant,
        default=None,
        metavar="WHEN",
        help="the account's 'now' (ISO date or date-time, UTC; default: now), pinned so every "
        "run serves the same answers",
    )
    p.add_argument("--token", default=SANDBOX_TOKEN, help="the token clients must send")
    p.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    p.add_argument("--jitter", type=float, default=0.0, help="extra random latency, seconds")
    p.add_argument("--rate-limit", type=float, default=None, metavar="RPS")
    p.add_argument("--burst", type=int, default=None)
    p.add_argument("--error-rate", type=float, default=0.0, help="fraction of 5xx HTML answers")
    p.add_argument("--truncated-rate", type=float, default=0.0)
    p.add_argument("--invalid-json-rate", type=float, default=0.0)
    p.add_argument("--timeout-rate", type=float, default=0.0)
    p.add_argument("--timeout-seconds", type=float, default=5.0)
    p.add_argument("--reset-rate", type=float, default=0.0)
    p.add_argument(
        "--forbid",
        action="append",
        default=[],
        metavar="FAMILY",
        help="answer 403 for a resource family, e.g. on-calls (repeatable)",
    )
    p.add_argument("--fault-seed", type=int, default=0)
    return p


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    try:
        faults = Faults(
            latency=args.latency,
            latency_jitter=args.jitter,
            rate_limit_rps=args.rate_limit,
            rate_limit_burst=args.burst,
            error_rate=args.error_rate,
            truncated_json_rate=args.truncated_rate,
            invalid_json_rate=args.invalid_json_rate,
            timeout_rate=args.timeout_rate,
            timeout_seconds=args.timeout_seconds,
            reset_rate=args.reset_rate,
            forbidden=frozenset(args.forbid),
            seed=args.fault_seed,
        )
        account = generate_account(
            seed=args.seed, scale=args.scale, reference_time=args.reference_time
        )
        server = SandboxServer(
            SandboxApp(account, faults=faults, token=args.token), host=args.host, port=args.port
        )
    except (ValueError, OSError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, on_signal) if in_main else None
    head = account.scenarios["database_backup"]
    print(f"Better Stack sandbox API at {server.url}  (seed {args.seed}, scale {args.scale})")
    print(f"Token: {args.token}")
    print(f"Try:   curl -H 'Authorization: Bearer {args.token}' {server.url}/api/v2/monitors")
    print(f"Headline incident: {server.url}/api/v3/incidents/{head.incident_id}")
    print("Ctrl-C to stop.", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    print("sandbox stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
