"""``betterstack-rca``: the command line, a thin layer over the library.

``main(argv) -> int`` parses, builds one client, runs one command and maps errors to exit
codes; every command is a few calls to `BetterStack`. See docs/cli.md.

Exit codes: 0 ok, 1 unexpected or local error (e.g. a file that cannot be written),
2 usage (bad flags, durations, dates or ids), 3 authentication or permission,
4 not found, 5 API or network failure after retries, 130 interrupted.

A command is a module of this package with ``add_parser(subparsers, common)``, which adds
its subparser (``parents=[common]`` for the global flags) and names its handler with
`set_handler`; the handler is ``run(args, ctx) -> int``. The modules are imported to build
the parser, so they import what only their command needs (the sandbox, the webhook
receiver) inside the handler: ``--help`` loads neither.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from typing import Any

from betterstack_rca._version import __version__
from betterstack_rca.cli import (
    bundle,
    demo,
    incidents,
    listen,
    mcp,
    postmortem,
    report,
    sandbox,
)
from betterstack_rca.cli._common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    Command,
    Context,
    Handler,
    Parser,
    UsageError,
    exit_code,
    join_dashed_values,
    log,
    message,
    note,
    positive_float,
)

__all__ = ["main", "run"]

#: The command modules, in the order ``--help`` lists their commands.
COMMANDS: tuple[Command, ...] = (
    demo,
    incidents,
    bundle,
    postmortem,
    report,
    sandbox,
    listen,
    mcp,
)


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The global flags. Subcommands repeat them (defaults suppressed) so that
    ``betterstack-rca incidents --sandbox`` works as well as ``--sandbox incidents``."""

    def d(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    g = parser.add_argument_group("global options")
    g.add_argument(
        "--sandbox",
        action="store_true",
        default=d(False),
        help="use the built-in demo account (no token, no network)",
    )
    g.add_argument(
        "--seed",
        type=int,
        default=d(None),
        metavar="N",
        help="with --sandbox: generate the demo account from this seed (default 0)",
    )
    g.add_argument(
        "--reference-time",
        default=d(None),
        metavar="WHEN",
        help="with --sandbox: the demo account's 'now', pinned (ISO date or date-time, UTC) "
        "for output that is the same on every run",
    )
    g.add_argument(
        "--debug",
        action="store_true",
        default=d(False),
        help="log requests to stderr and show tracebacks on errors",
    )
    g.add_argument(
        "--token",
        default=d(None),
        metavar="TOKEN",
        help="Better Stack Uptime API token (default: $BETTERSTACK_API_TOKEN; "
        "prefer the variable, flags show in 'ps')",
    )
    g.add_argument(
        "--base-url",
        default=d(None),
        metavar="URL",
        help="API base URL (default: $BETTERSTACK_BASE_URL or https://uptime.betterstack.com)",
    )
    g.add_argument(
        "--team", default=d(None), metavar="NAME", help="team name (default: $BETTERSTACK_TEAM)"
    )
    g.add_argument(
        "--max-rps",
        type=positive_float,
        default=d(None),
        metavar="N",
        help="requests per second (default 8; 1000 with --sandbox)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Read-only Better Stack Uptime client: incident bundles for root-cause "
        "analysis.",
        epilog="exit codes: 0 ok, 1 unexpected error, 2 usage, 3 authentication or permission,\n"
        "            4 not found, 5 API or network failure after retries, 130 interrupted\n\n"
        "Try: betterstack-rca demo   (then: betterstack-rca --sandbox incidents --since 7d)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _global_options(parser, suppress=False)
    common = Parser(add_help=False)
    _global_options(common, suppress=True)

    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for command in COMMANDS:
        command.add_parser(sub, common)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[Handler, Context]:
    args, extra = parser.parse_known_args(argv)
    handler: Handler = args.handler
    if extra and not handler.takes_extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.seed is not None and not args.sandbox and not handler.implies_sandbox:
        raise UsageError("--seed needs --sandbox")
    if args.reference_time is not None and not args.sandbox and not handler.implies_sandbox:
        raise UsageError("--reference-time needs --sandbox")
    if args.sandbox and (args.token or args.base_url):
        raise UsageError("--sandbox uses the demo account: drop --token and --base-url")
    return handler, Context(args, tuple(extra) if handler.takes_extra else ())


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (never raises, except on a bug in argparse)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if not argv:  # nothing asked: the help, not a usage error
        print(parser.format_help(), end="")
        return EXIT_USAGE
    argv = join_dashed_values(argv)
    try:
        handler, ctx = _parse(parser, argv)
    except UsageError as exc:
        note(f"error: {exc}")
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK

    args = ctx.args
    log_handler: logging.Handler | None = None
    previous_level = log.level
    if args.debug:
        log_handler = logging.StreamHandler(sys.stderr)
        log_handler.setFormatter(
            logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
        )
        log.addHandler(log_handler)
        log.setLevel(logging.DEBUG)
    try:
        code = handler.run(args, ctx)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        note("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # stdout closed early (`| head`): not an error worth a traceback.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_ERROR
    except Exception as exc:
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        note(f"error: {message(exc)}")
        return exit_code(exc)
    finally:
        if log_handler is not None:
            log.removeHandler(log_handler)
            log.setLevel(previous_level)


def run() -> None:
    """The ``betterstack-rca`` console script."""
    sys.exit(main())
