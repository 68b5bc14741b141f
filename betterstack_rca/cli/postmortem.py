"""``betterstack-rca postmortem``: a postmortem draft of one incident, in Markdown.

The Google SRE / PagerDuty shape by default (`IncidentBundle.to_postmortem`); ``--template
FILE`` takes a team's own layout: a `string.Template` file with the named fields
``$title $status $summary $impact $detection $response $timeline $trigger $ruled_out
$lessons $action_items $incident_id $note`` (docs/cli.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from betterstack_rca.cli._common import (
    EXIT_OK,
    Context,
    Parser,
    Subparsers,
    UsageError,
    add_bundle_flags,
    bundle_options,
    note,
    set_handler,
    write_text,
)

#: A template larger than this is a mistake (a log file, a binary), not a layout.
MAX_TEMPLATE_BYTES = 256 * 1024


def add_parser(subparsers: Subparsers, common: Parser) -> None:
    pm = subparsers.add_parser(
        "postmortem",
        parents=[common],
        help="a postmortem draft of one incident, in Markdown",
        description="Collect one incident's bundle and write a postmortem draft: every section "
        "says whether it comes from the data or needs a human.",
    )
    pm.add_argument(
        "incident_id",
        metavar="INCIDENT",
        help="the incident's id, or its Better Stack URL (.../incidents/<id>)",
    )
    pm.add_argument(
        "--template",
        metavar="FILE",
        help="your own layout: a string.Template file with named fields ($summary, "
        "$impact, ...; see docs/cli.md)",
    )
    pm.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout (mode 0600)")
    pm.add_argument("--force", action="store_true", help="let --out replace an existing FILE")
    add_bundle_flags(pm)
    set_handler(pm, run)


def read_template(name: str) -> str:
    path = Path(name)
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise UsageError(f"--template {name}: larger than {MAX_TEMPLATE_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--template {name}: cannot read it ({type(exc).__name__})") from None


def run(args: argparse.Namespace, ctx: Context) -> int:
    from betterstack_rca.rca.renderers.postmortem import check_template, render_postmortem

    template = read_template(args.template) if args.template else None
    if args.out and not args.force and (Path(args.out).exists() or Path(args.out).is_symlink()):
        raise UsageError(f"{args.out} exists; pass --force to replace it")
    options = bundle_options(args)
    if template is not None:  # a bad template is a usage error before any request
        try:
            check_template(template)
        except ValueError as exc:
            raise UsageError(f"--template: {exc}") from None
    with ctx.client() as bs:
        bundle = bs.bundle(args.incident_id, **options)
    try:
        text = render_postmortem(bundle, template)
    except ValueError as exc:
        raise UsageError(f"--template: {exc}") from None
    if args.out:
        write_text(Path(args.out), text, overwrite=args.force)
        note(f"wrote {args.out}")
    else:
        print(text, end="")
    return EXIT_OK
