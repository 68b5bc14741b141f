"""``betterstack-rca sandbox serve``: the built-in sandbox API on 127.0.0.1.

Every flag after ``serve`` goes to ``python -m betterstack_rca.sandbox``, which is imported
only when the command runs.
"""

from __future__ import annotations

import argparse

from betterstack_rca.cli._common import (
    EXIT_USAGE,
    PROG,
    Context,
    Parser,
    Subparsers,
    set_handler,
)


def add_parser(subparsers: Subparsers, common: Parser) -> None:
    sbx = subparsers.add_parser(
        "sandbox",
        parents=[common],
        help="the built-in sandbox API",
        description="The built-in sandbox API.",
    )
    sbx_sub = sbx.add_subparsers(dest="sandbox_command", metavar="COMMAND", parser_class=Parser)
    sbx_sub.required = True
    serve_parser = sbx_sub.add_parser(
        "serve",
        add_help=False,
        help="serve the sandbox API on 127.0.0.1 (flags: see 'sandbox serve --help')",
        description="Serve the sandbox API (all flags go to python -m betterstack_rca.sandbox).",
    )
    set_handler(serve_parser, serve, implies_sandbox=True, takes_extra=True)


def serve(args: argparse.Namespace, ctx: Context) -> int:
    from betterstack_rca.sandbox.__main__ import main as sandbox_main

    forwarded = list(ctx.extra)
    if args.seed is not None and "--seed" not in forwarded:
        forwarded = ["--seed", str(args.seed), *forwarded]
    if args.reference_time is not None and "--reference-time" not in forwarded:
        forwarded = ["--reference-time", args.reference_time, *forwarded]
    try:
        return sandbox_main(forwarded, prog=f"{PROG} sandbox serve")
    except SystemExit as exc:  # its own argparse: --help, or a bad flag
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
