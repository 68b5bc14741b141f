"""``betterstack-rca demo``: the sandbox's headline incident bundle, no token needed."""

from __future__ import annotations

import argparse

from betterstack_rca.cli._common import (
    EXIT_OK,
    PROG,
    Context,
    Parser,
    Subparsers,
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
    set_handler(demo, run, implies_sandbox=True)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from betterstack_rca.sandbox import HEADLINE_SCENARIO

    bs = ctx.client(sandbox=True)
    with bs:
        assert bs.sandbox_account is not None
        scenario = bs.sandbox_account.account.scenarios[HEADLINE_SCENARIO]
        bundle = bs.bundle(scenario.incident_id)
    print(bundle.to_markdown(max_chars=args.max_chars))
    note(
        f"demo: the bundle of sandbox incident {scenario.incident_id} ({scenario.title}). "
        f"Next: '{PROG} --sandbox incidents --since 7d', then "
        f"'{PROG} --sandbox bundle ID --format json'."
    )
    return EXIT_OK
