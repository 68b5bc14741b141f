"""``betterstack-rca demo``: the sandbox's headline incident bundle, no token needed."""

from __future__ import annotations

import argparse

from betterstack_rca.cli._common import (
    EXIT_OK,
    PROG,
    Context,
    Parser,
    Subparsers,
    UsageError,
    add_format_flag,
    non_negative_int,
    note,
    set_handler,
)


def add_parser(subparsers: Subparsers, common: Parser) -> None:
    demo = subparsers.add_parser(
        "demo",
        parents=[common],
        help="the sandbox's headline incident bundle as Markdown",
        description="Print the bundle of the sandbox's headline incident (implies --sandbox).",
    )
    demo.add_argument("--max-chars", type=non_negative_int, default=None, metavar="N")
    add_format_flag(demo, ("md", "json"), "md")
    set_handler(demo, run, implies_sandbox=True)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.max_chars is not None and args.format == "json":
        raise UsageError("--max-chars applies to --format md only")
    bs = ctx.client(sandbox=True)
    with bs:
        scenario = bs.scenario()  # the headline
        bundle = bs.bundle(scenario.incident_id)
    print(bundle.to_json() if args.format == "json" else bundle.to_markdown(args.max_chars))
    note(
        f"demo: the bundle of sandbox incident {scenario.incident_id} ({scenario.title}). "
        f"Next: '{PROG} --sandbox incidents --since 7d', then "
        f"'{PROG} --sandbox bundle ID --format json'."
    )
    return EXIT_OK
