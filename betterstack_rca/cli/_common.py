"""What every command shares: exit codes, the client the global flags ask for, the flags that
shape a bundle, output helpers and the mapping of errors to one line and an exit code.

Tests replace `sandbox_client`, `BetterStack` and `now` here; the commands reach them through
this module (``_common.now()``), so one replacement covers every command.

Nothing heavy is imported at module level: ``betterstack-rca --help`` builds every command's
parser, and must not pay for the client (httpx, pydantic and every model). `BetterStack` is
looked up on first use (`__getattr__` below), as is the correlator.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeAlias

from betterstack_rca._files import write_private
from betterstack_rca._scrub import scrub
from betterstack_rca.errors import (
    AuthenticationError,
    BetterStackError,
    InvalidTokenError,
    MissingTokenError,
    NotFoundError,
    PermissionDeniedError,
)

if TYPE_CHECKING:
    from betterstack_rca.client import BetterStack

PROG = "betterstack-rca"

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_API = 5
EXIT_INTERRUPTED = 130

#: The sandbox is in-process: pacing it at the real API's 8 requests/s only makes it slow.
SANDBOX_MAX_RPS = 1000.0

log = logging.getLogger("betterstack_rca")


class UsageError(Exception):
    """A command line that parses but makes no sense (exit 2)."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so `main()` returns every exit code."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


# --- commands ------------------------------------------------------------------------

#: What a command module's ``add_parser(subparsers, common)`` adds its subparser to.
Subparsers: TypeAlias = "argparse._SubParsersAction[Parser]"


class Command(Protocol):
    """A command module: `add_parser` adds its subparser (``parents=[common]``, the global
    flags) and names its handler, ``run(args, ctx) -> int``, with `set_handler`."""

    def add_parser(self, subparsers: Subparsers, common: Parser) -> None: ...


@dataclass(frozen=True)
class Context:
    """What `main()` hands a command besides its flags."""

    args: argparse.Namespace
    #: Arguments argparse did not know; only a command registered with `takes_extra` gets any.
    extra: tuple[str, ...] = ()

    def client(self, *, sandbox: bool = False) -> BetterStack:
        """The client the global flags ask for (`sandbox`: the demo account regardless)."""
        return client(self.args, sandbox=sandbox)


@dataclass(frozen=True)
class Handler:
    """A subcommand's ``run(args, ctx) -> int`` and how `main()` treats its command line."""

    run: Callable[[argparse.Namespace, Context], int]
    #: The command always uses the sandbox, so `--seed` needs no `--sandbox`.
    implies_sandbox: bool = False
    #: Unknown arguments are not an error: they reach the command as `Context.extra`.
    takes_extra: bool = False


def set_handler(
    parser: argparse.ArgumentParser,
    run: Callable[[argparse.Namespace, Context], int],
    *,
    implies_sandbox: bool = False,
    takes_extra: bool = False,
) -> None:
    """Make `run` the command that `parser` (a subparser) dispatches to."""
    parser.set_defaults(handler=Handler(run, implies_sandbox, takes_extra))


# --- clients -------------------------------------------------------------------------


def __getattr__(name: str) -> type[BetterStack]:
    # `BetterStack` on first use (tests may have replaced it by then: see `client_class`).
    if name == "BetterStack":
        from betterstack_rca.client import BetterStack

        return BetterStack
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def client_class() -> type[BetterStack]:
    """`BetterStack`, or what a test put in its place on this module."""
    cls: type[BetterStack] = getattr(sys.modules[__name__], "BetterStack")  # noqa: B009
    return cls


def sandbox_client(
    seed: int, max_rps: float, reference_time: datetime | None = None
) -> BetterStack:
    """The client `--sandbox` uses. Tests replace this to inject sandbox faults."""
    return client_class().sandbox(seed=seed, max_rps=max_rps, reference_time=reference_time)


def client(args: argparse.Namespace, *, sandbox: bool = False) -> BetterStack:
    if sandbox or args.sandbox:
        rps = SANDBOX_MAX_RPS if args.max_rps is None else args.max_rps
        pinned = reference_time(args)
        if pinned is None:  # the two-argument call, which replacements of it expect
            return sandbox_client(args.seed or 0, rps)
        return sandbox_client(args.seed or 0, rps, reference_time=pinned)
    options: dict[str, Any] = {}
    if args.max_rps is not None:
        options["max_rps"] = args.max_rps
    return client_class()(args.token, base_url=args.base_url, team_name=args.team, **options)


def reference_time(args: argparse.Namespace) -> datetime | None:
    """``--reference-time``: the sandbox's "now", pinned (an ISO date or date-time, UTC)."""
    text = getattr(args, "reference_time", None)
    if text is None:
        return None
    from betterstack_rca.cli._window import parse_instant

    return parse_instant(text, "--reference-time")


# --- flags ---------------------------------------------------------------------------


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def add_bundle_flags(p: argparse.ArgumentParser) -> None:
    """The flags that shape a bundle (bundle, report, listen)."""
    p.add_argument(
        "--window-before",
        metavar="DURATION",
        help="how far before the start to look (default 60m)",
    )
    p.add_argument(
        "--history",
        metavar="DURATION",
        help="how far back to look for earlier incidents of the same monitor (default 7d)",
    )
    p.add_argument(
        "--deadline",
        type=positive_float,
        metavar="SECONDS",
        help="stop collecting after this long; the rest becomes gaps (default 60)",
    )


#: The ``--format`` vocabulary every command shares: ``md`` (Markdown), ``json``, and
#: ``table`` where a table makes sense. The older spellings stay accepted.
FORMAT_ALIASES = {"markdown": "md", "text": "table", "txt": "table"}


def add_format_flag(p: argparse.ArgumentParser, choices: Sequence[str], default: str) -> None:
    """``--format {choices}`` (aliases of `FORMAT_ALIASES` accepted), `default` first."""
    names = {
        "md": "Markdown",
        "json": "JSON",
        "table": "a plain-text table",
        "html": "a self-contained HTML page",
    }

    def parse(text: str) -> str:
        value = FORMAT_ALIASES.get(text.strip().lower(), text.strip().lower())
        if value not in choices:
            raise argparse.ArgumentTypeError(
                f"invalid choice: {text!r} (choose from {', '.join(choices)})"
            )
        return value

    p.add_argument(
        "--format",
        type=parse,
        default=default,
        metavar="{" + ",".join(choices) + "}",
        help="output: " + ", ".join(f"{c} ({names[c]})" for c in choices) + f"; default {default}",
    )


def bundle_options(args: argparse.Namespace) -> dict[str, Any]:
    """The `add_bundle_flags` that were given, as `bs.bundle()` keywords."""
    from betterstack_rca.rca import BundleOptions, parse_duration

    options: dict[str, Any] = {}
    for name in ("window_before", "history", "deadline"):
        value = getattr(args, name, None)
        if value is not None:
            if name != "deadline":
                try:
                    parse_duration(value, name)
                except ValueError:
                    flag = "--" + name.replace("_", "-")
                    raise UsageError(
                        f"{flag} must be a duration like 90m, 24h or 7d; got {value!r}"
                    ) from None
            options[name] = value
    BundleOptions.build(**options)  # a bad duration is a usage error before any request
    return options


# --- output --------------------------------------------------------------------------


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def note(message: str) -> None:
    """One line on stderr, scrubbed like everything else the CLI prints."""
    print(f"{PROG}: {scrub(message)}", file=sys.stderr)


def write_text(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write a file the one way every output is written (`betterstack_rca._files`):
    atomically, mode 0600, never through a symbolic link."""
    if path.parent != Path():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, text, overwrite=overwrite)


def clip(text: str | None, width: int) -> str:
    """One printable line of at most `width` characters (no control characters: a terminal
    escape in an incident name must not reach the terminal)."""
    from betterstack_rca.rca.text import one_line as text_one_line

    return text_one_line(scrub(text or ""), width)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def md_cell(text: str) -> str:
    """Account text as a Markdown table cell: scrubbed, one line, no structure."""
    from betterstack_rca.rca.text import cell

    return cell(scrub(text))


# --- the command line itself -----------------------------------------------------------

# A value that starts with "-" and then reads as a duration ("-1d", "-90m"): argparse would take
# it for an option and say "expected one argument".
_DASHED_VALUE = re.compile(r"-\d+(?:\.\d+)?[A-Za-z]+")


def join_dashed_values(argv: Sequence[str]) -> list[str]:
    """``--since -1d`` as ``--since=-1d``, so the flag gets its value (and its own error)."""
    out: list[str] = []
    for token in argv:
        if (
            out
            and _DASHED_VALUE.fullmatch(token)
            and out[-1].startswith("--")
            and "=" not in out[-1]
        ):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


# --- errors --------------------------------------------------------------------------


def one_line(exc: BaseException) -> str:
    text = " ".join(scrub(str(exc)).split())
    return text or type(exc).__name__


def exit_code(exc: BaseException) -> int:
    if isinstance(exc, (UsageError, ValueError)):
        return EXIT_USAGE
    if isinstance(
        exc, (AuthenticationError, PermissionDeniedError, MissingTokenError, InvalidTokenError)
    ):
        return EXIT_AUTH
    if isinstance(exc, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(exc, BetterStackError):
        return EXIT_API
    return EXIT_ERROR


def message(exc: BaseException) -> str:
    text = one_line(exc)
    if isinstance(exc, MissingTokenError):
        return (
            "no Better Stack API token: set BETTERSTACK_API_TOKEN or pass --token "
            "(or try --sandbox for the built-in demo account)"
            if "no Better Stack API token" in text
            else text
        )
    if isinstance(exc, (UsageError, BetterStackError, ValueError)):
        return text
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.strerror or text}: {exc.filename}"
    return f"{type(exc).__name__}: {text} (run with --debug for a traceback)"
