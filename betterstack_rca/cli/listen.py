"""``betterstack-rca listen``: receive Better Stack webhooks and write a bundle per incident.

The receiver (an HTTP server) is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from betterstack_rca.cli._common import (
    EXIT_USAGE,
    Context,
    Parser,
    Subparsers,
    UsageError,
    add_bundle_flags,
    bundle_options,
    non_negative_int,
    note,
    set_handler,
)


def add_parser(subparsers: Subparsers, common: Parser) -> None:
    lis = subparsers.add_parser(
        "listen",
        parents=[common],
        help="receive Better Stack webhooks and write a bundle per incident",
        description="Receive Better Stack outgoing webhooks and collect a bundle for each "
        "incident event into --out. Blocks until Ctrl-C or SIGTERM.",
    )
    lis.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    lis.add_argument("--port", type=int, default=8787, help="port (default 8787)")
    lis.add_argument("--out", required=True, metavar="DIR", help="where bundles are written")
    lis.add_argument("--secret", help="shared secret webhooks must carry (visible in 'ps')")
    lis.add_argument(
        "--secret-env", metavar="NAME", help="read the shared secret from this variable"
    )
    lis.add_argument(
        "--insecure-no-secret",
        action="store_true",
        help="run without a shared secret: anyone who can reach the port (also through a "
        "proxy) can make it spend your API budget",
    )
    lis.add_argument(
        "--max-bytes",
        type=non_negative_int,
        default=1_048_576,
        metavar="N",
        help="largest webhook body accepted (default 1 MiB)",
    )
    add_bundle_flags(lis)
    set_handler(lis, run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.secret is not None and args.secret_env is not None:
        raise UsageError("give --secret or --secret-env, not both")
    secret = args.secret
    if args.secret_env is not None:
        secret = os.environ.get(args.secret_env)
        if not secret:
            raise UsageError(f"--secret-env {args.secret_env}: that variable is not set")
    if secret is None and not args.insecure_no_secret:
        raise UsageError(
            "listen needs a shared secret: --secret-env NAME (or --secret); "
            "--insecure-no-secret runs without one"
        )
    if secret is not None and args.insecure_no_secret:
        raise UsageError("give a secret or --insecure-no-secret, not both")
    try:
        from betterstack_rca.webhooks.receiver import (  # type: ignore[import-not-found, unused-ignore]
            listen,
        )
    except ImportError as exc:
        if exc.name != "betterstack_rca.webhooks.receiver":
            raise
        note(
            "error: the webhook receiver (betterstack_rca.webhooks.receiver) is not part of this "
            "installation; upgrade betterstack-rca to use 'listen'"
        )
        return EXIT_USAGE
    options: dict[str, Any] = {}
    given = bundle_options(args)
    if given:
        options["bundle_options"] = given
    # The receiver reports what it does (listening on, each delivery) through its logger at
    # INFO: show that on stderr, as a server's log, unless --debug already shows everything.
    receiver_log = logging.getLogger("betterstack_rca.receiver")
    handler: logging.Handler | None = None
    previous_level = receiver_log.level
    if not args.debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        receiver_log.addHandler(handler)
        receiver_log.setLevel(logging.INFO)
    try:
        with ctx.client() as bs:
            code = listen(
                bs,
                host=args.host,
                port=args.port,
                out_dir=Path(args.out),
                secret=secret,
                max_bytes=args.max_bytes,
                insecure_no_secret=args.insecure_no_secret,
                **options,
            )
    finally:
        if handler is not None:
            receiver_log.removeHandler(handler)
            receiver_log.setLevel(previous_level)
    return int(code)
