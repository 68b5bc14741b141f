"""``betterstack-rca mcp``: serve the agents' read-only tools over MCP (stdio or HTTP).

The SDK (the ``[mcp]`` extra) is imported only when the command runs, so ``--help`` and the
other commands work without it.
"""

from __future__ import annotations

import argparse
import os

from betterstack_rca.cli._common import (
    EXIT_ERROR,
    EXIT_OK,
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

#: The variable that holds the bearer secret HTTP clients must send.
SECRET_ENV = "BETTERSTACK_RCA_MCP_SECRET"
MIN_SECRET = 16
INSTALL_HINT = "pip install 'betterstack-rca[mcp]'"


def add_parser(subparsers: Subparsers, common: Parser) -> None:
    mcp = subparsers.add_parser(
        "mcp",
        parents=[common],
        help="serve read-only incident tools to AI agents over MCP",
        description="Serve the read-only incident tools (list_incidents, incident_bundle, "
        "incident_timeline, monitor_status, who_is_on_call, status_page_reports), the "
        "betterstack://incident/{id}/bundle.json resource and the investigate_incident "
        f"prompt over the Model Context Protocol. Needs the mcp extra: {INSTALL_HINT}.",
    )
    mcp.add_argument(
        "--transport",
        choices=("stdio", "streamable-http"),
        default="stdio",
        help="stdio (default: the client starts the server) or streamable-http",
    )
    mcp.add_argument(
        "--host", default="127.0.0.1", help="streamable-http: address to bind (default 127.0.0.1)"
    )
    mcp.add_argument(
        "--port", type=non_negative_int, default=8000, help="streamable-http: port (default 8000)"
    )
    mcp.add_argument(
        "--max-chars",
        type=non_negative_int,
        default=None,
        metavar="N",
        help="hard cap on one tool answer in characters (default 20000, at least 1000)",
    )
    add_bundle_flags(mcp)
    for action in mcp._actions:  # the tools' bundles answer before a client's 60 s timeout
        if action.dest == "deadline":
            action.help = (
                "stop collecting a bundle after this long; the rest becomes gaps (default 45)"
            )
    set_handler(mcp, run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    secret = None
    if args.transport == "streamable-http":
        secret = os.environ.get(SECRET_ENV, "")
        if len(secret) < MIN_SECRET:
            raise UsageError(
                f"streamable-http needs a bearer secret of at least {MIN_SECRET} characters in "
                f"${SECRET_ENV} (e.g. export {SECRET_ENV}=$(openssl rand -hex 32)); clients "
                "send it as 'Authorization: Bearer <secret>'"
            )
    if args.max_chars is not None and args.max_chars < 1000:
        raise UsageError(f"--max-chars must be at least 1000, got {args.max_chars}")
    try:
        from betterstack_rca.agents import server
    except ImportError as exc:
        if not (exc.name or "").startswith("mcp"):
            raise
        note(f"error: the MCP server needs the official MCP SDK: {INSTALL_HINT}")
        return EXIT_ERROR
    from betterstack_rca.agents.toolbox import DEFAULT_MAX_CHARS, Toolbox

    options = bundle_options(args)
    with ctx.client() as bs:
        toolbox = Toolbox(
            bs,
            max_chars=args.max_chars or DEFAULT_MAX_CHARS,
            bundle_options=options,
        )
        server.serve(
            toolbox,
            transport=args.transport,
            host=args.host,
            port=args.port,
            secret=secret,
            on_ready=lambda url: note(f"serving MCP on {url} (bearer secret from ${SECRET_ENV})"),
        )
    return EXIT_OK
