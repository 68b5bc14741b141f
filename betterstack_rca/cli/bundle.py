"""``betterstack-rca bundle``: everything around one incident, as Markdown or JSON."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from betterstack_rca.cli._common import (
    EXIT_OK,
    Context,
    Parser,
    Subparsers,
    UsageError,
    add_bundle_flags,
    add_format_flag,
    bundle_options,
    non_negative_int,
    note,
    set_handler,
    write_text,
)

if TYPE_CHECKING:
    from betterstack_rca.rca import IncidentBundle


def add_parser(subparsers: Subparsers, common: Parser) -> None:
    bun = subparsers.add_parser(
        "bundle",
        parents=[common],
        help="everything around one incident, as Markdown or JSON",
        description="Collect one incident's bundle.",
    )
    bun.add_argument(
        "incident_id",
        metavar="INCIDENT",
        help="the incident's id, or its Better Stack URL (.../incidents/<id>)",
    )
    add_format_flag(bun, ("md", "json"), "md")
    bun.add_argument(
        "--max-chars", type=non_negative_int, metavar="N", help="Markdown budget in characters"
    )
    bun.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout (mode 0600)")
    bun.add_argument("--force", action="store_true", help="let --out replace an existing FILE")
    add_bundle_flags(bun)
    set_handler(bun, run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.max_chars is not None and args.format == "json":
        raise UsageError("--max-chars applies to --format md only")
    if args.out and not args.force and (Path(args.out).exists() or Path(args.out).is_symlink()):
        raise UsageError(f"{args.out} exists; pass --force to replace it")
    with ctx.client() as bs:
        bundle = bs.bundle(args.incident_id, **bundle_options(args))
    text = bundle.to_json() if args.format == "json" else bundle.to_markdown(args.max_chars)
    if args.out:
        write_text(Path(args.out), text + "\n", overwrite=args.force)
        note(f"wrote {args.out}")
    else:
        print(text)
    _describe_gaps(bundle)
    return EXIT_OK


def _describe_gaps(bundle: IncidentBundle) -> None:
    from betterstack_rca.rca.text import plural  # lazily: --help loads no correlator

    if bundle.gaps:
        sources = ", ".join(sorted({g.source for g in bundle.gaps}))
        note(f"bundle incomplete: {plural(len(bundle.gaps), 'source')} failed ({sources})")
