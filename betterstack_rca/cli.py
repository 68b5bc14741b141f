"""``betterstack-rca``: the command line, a thin layer over the library.

``main(argv) -> int`` parses, builds one client, runs one command and maps errors to exit
codes; every command is a few calls to `BetterStack`. See docs/cli.md.

Exit codes: 0 ok, 1 unexpected or local error (e.g. a file that cannot be written),
2 usage (bad flags, durations, dates or ids), 3 authentication or permission,
4 not found, 5 API or network failure after retries, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import sys
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, NoReturn, TextIO

from dateutil import parser as dateparser

from betterstack_rca._core.config import MissingTokenError
from betterstack_rca._version import __version__
from betterstack_rca.client import BetterStack
from betterstack_rca.errors import (
    AuthenticationError,
    BetterStackError,
    NotFoundError,
    PermissionDeniedError,
)
from betterstack_rca.models import Incident
from betterstack_rca.rca import BundleOptions, IncidentBundle, parse_duration
from betterstack_rca.rca.redact import redact_model

__all__ = ["main", "run"]

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

_log = logging.getLogger("betterstack_rca")


class UsageError(Exception):
    """A command line that parses but makes no sense (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so `main()` returns every exit code."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


# --- clients -------------------------------------------------------------------------


def _sandbox_client(seed: int, max_rps: float) -> BetterStack:
    """The client `--sandbox` uses. Tests replace this to inject sandbox faults."""
    return BetterStack.sandbox(seed=seed, max_rps=max_rps)


def _client(args: argparse.Namespace, *, sandbox: bool = False) -> BetterStack:
    if sandbox or args.sandbox:
        return _sandbox_client(
            args.seed or 0, SANDBOX_MAX_RPS if args.max_rps is None else args.max_rps
        )
    options: dict[str, Any] = {}
    if args.max_rps is not None:
        options["max_rps"] = args.max_rps
    return BetterStack(args.token, base_url=args.base_url, team_name=args.team, **options)


# --- times ---------------------------------------------------------------------------

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def parse_when(value: str, flag: str, *, now: datetime, end_of_day: bool = False) -> datetime:
    """A duration back from `now` (``24h``, ``7d``), an ISO date or an ISO date-time.

    A date is midnight UTC (`end_of_day`: the following midnight, so ``--until 2026-11-22``
    includes that day); a date-time without an offset is taken as UTC.
    """
    text = value.strip()
    try:
        return now - parse_duration(text, flag)
    except ValueError:
        pass
    try:
        if _DATE_ONLY.fullmatch(text):
            day = date.fromisoformat(text)
            at = datetime.combine(day, time(), tzinfo=timezone.utc)
            return at + timedelta(days=1) if end_of_day else at
        parsed = dateparser.isoparse(text)
    except (ValueError, OverflowError):
        raise UsageError(
            f"{flag} must be a duration like 90m, 24h or 7d, an ISO date (2026-11-20) or an "
            f"ISO date-time (2026-11-20T08:00Z); got {value!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _window(args: argparse.Namespace) -> tuple[datetime, datetime]:
    now = _now()
    since = parse_when(args.since, "--since", now=now)
    until = (
        now if args.until is None else parse_when(args.until, "--until", now=now, end_of_day=True)
    )
    if since >= until:
        raise UsageError(f"--since ({_iso(since)}) must be before --until ({_iso(until)})")
    return since, until


def _iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {(s % 3600) // 60:02d}m"
    return f"{s // 86400}d {(s % 86400) // 3600:02d}h"


def _seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def _incidents_in_window(
    bs: BetterStack,
    since: datetime,
    until: datetime,
    *,
    unresolved: bool = False,
    monitor: str | None = None,
    heartbeat: str | None = None,
    limit: int | None = None,
) -> Iterator[Incident]:
    """Incidents that started in [since, until), newest first.

    The API's ``from``/``to`` are whole days, so this asks for the days that cover the
    window and keeps the exact window itself; the listing is lazy, so a `limit` stops paging.
    """
    if limit is not None and limit <= 0:
        return
    listing = bs.incidents.list(
        from_=since.date(),
        to=until.date(),
        monitor_id=monitor,
        heartbeat_id=heartbeat,
        resolved=False if unresolved else None,
    )
    count = 0
    for incident in listing:
        started = incident.started_at
        if started is None or not since <= started < until:
            continue
        yield incident
        count += 1
        if limit is not None and count >= limit:
            return


# --- output --------------------------------------------------------------------------


def _note(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _write_text(path: Path, text: str) -> None:
    if path.parent != Path():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _clip(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "-"


class _Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.enabled = total > 0 and stream.isatty()

    def update(self, done: int, label: str) -> None:
        if not self.enabled:
            return
        width = 30
        filled = width * done // self.total
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} {_clip(label, 40):<40}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


# --- commands ------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from betterstack_rca.sandbox import HEADLINE_SCENARIO

    bs = _client(args, sandbox=True)
    with bs:
        assert bs.sandbox_account is not None
        scenario = bs.sandbox_account.account.scenarios[HEADLINE_SCENARIO]
        bundle = bs.bundle(scenario.incident_id)
    print(bundle.to_markdown(max_chars=args.max_chars))
    _note(
        f"demo: the bundle of sandbox incident {scenario.incident_id} ({scenario.title}). "
        f"Next: '{PROG} --sandbox incidents --since 7d', then "
        f"'{PROG} --sandbox bundle ID --format json'."
    )
    return EXIT_OK


def cmd_incidents(args: argparse.Namespace) -> int:
    since, until = _window(args)
    with _client(args) as bs:
        incidents = list(
            _incidents_in_window(
                bs,
                since,
                until,
                unresolved=args.unresolved,
                monitor=args.monitor,
                heartbeat=args.heartbeat,
                limit=args.limit,
            )
        )
    if args.format == "json":
        data = [redact_model(incident).model_dump(mode="json") for incident in incidents]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    now = _now()
    rows = []
    for inc in incidents:
        if inc.resolved_at is not None:
            took = _duration(_seconds_between(inc.started_at, inc.resolved_at))
        else:
            took = f"{_duration(_seconds_between(inc.started_at, now))} (open)"
        rows.append(
            [
                inc.id,
                inc.started_at.strftime("%Y-%m-%d %H:%M") if inc.started_at else "?",
                str(inc.status or "?"),
                _clip(inc.name, 40),
                _clip(inc.cause, 32),
                took,
            ]
        )
    if rows:
        print(_table(["ID", "STARTED (UTC)", "STATUS", "NAME", "CAUSE", "DURATION"], rows))
    _note(f"{len(rows)} incident(s) started from {_iso(since)} to {_iso(until)}")
    return EXIT_OK


def _bundle_options(args: argparse.Namespace) -> dict[str, Any]:
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


def _describe_gaps(bundle: IncidentBundle) -> None:
    if bundle.gaps:
        sources = ", ".join(sorted({g.source for g in bundle.gaps}))
        _note(f"bundle incomplete: {len(bundle.gaps)} source(s) failed ({sources})")


def cmd_bundle(args: argparse.Namespace) -> int:
    if args.max_chars is not None and args.format == "json":
        raise UsageError("--max-chars applies to --format md only")
    with _client(args) as bs:
        bundle = bs.bundle(args.incident_id, **_bundle_options(args))
    text = bundle.to_json() if args.format == "json" else bundle.to_markdown(args.max_chars)
    if args.out:
        _write_text(Path(args.out), text + "\n")
        _note(f"wrote {args.out}")
    else:
        print(text)
    _describe_gaps(bundle)
    return EXIT_OK


@dataclass
class ReportRow:
    """One line of a report's index."""

    incident: Incident
    bundle: IncidentBundle | None = None
    error: str | None = None

    @property
    def source(self) -> str:
        b, inc = self.bundle, self.incident
        if b is not None and b.monitor is not None:
            return b.monitor.pronounceable_name or str(b.monitor.id)
        if b is not None and b.heartbeat is not None:
            return f"heartbeat {b.heartbeat.name or b.heartbeat.id}"
        return inc.name or str(inc.monitor_id or inc.heartbeat_id or "?")

    @property
    def tta(self) -> float | None:
        if self.bundle is not None:
            return self.bundle.metrics.time_to_acknowledge
        return _seconds_between(self.incident.started_at, self.incident.acknowledged_at)

    @property
    def ttr(self) -> float | None:
        if self.bundle is not None:
            return self.bundle.metrics.time_to_resolve
        return _seconds_between(self.incident.started_at, self.incident.resolved_at)

    @property
    def top_finding(self) -> str:
        if self.error is not None:
            return f"FAILED: {self.error}"
        if self.bundle is None or not self.bundle.findings:
            return "-"
        top = self.bundle.findings[0]
        return f"{top.rule}: {top.summary}"


@dataclass
class Report:
    since: datetime
    until: datetime
    rows: list[ReportRow] = field(default_factory=list)

    def index_markdown(self) -> str:
        rows = self.rows
        failed = [r for r in rows if r.error is not None]
        out = [
            f"# Incident report {_iso(self.since)} to {_iso(self.until)}",
            "",
            f"Generated {_iso(_now())} by {PROG} {__version__}.",
            "",
            "## Totals",
            "",
            f"- Incidents: {len(rows)}"
            + (f" ({len(failed)} bundle(s) failed, see below)" if failed else ""),
        ]
        for label, values in (
            ("Time to acknowledge", [r.tta for r in rows]),
            ("Time to resolve", [r.ttr for r in rows]),
        ):
            known = [v for v in values if v is not None]
            if known:
                out.append(
                    f"- {label}: median {_duration(statistics.median(known))}, "
                    f"mean {_duration(statistics.fmean(known))} (over {len(known)})"
                )
            else:
                out.append(f"- {label}: n/a")
        unacked = sum(1 for r in rows if r.incident.acknowledged_at is None)
        out.append(f"- Not acknowledged: {unacked}")
        rules = Counter(f.rule for r in rows if r.bundle for f in r.bundle.findings)
        if rules:
            out.append(
                "- Findings by rule: "
                + ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items(), key=_by_count))
            )
        out += [
            "",
            "## Incidents",
            "",
        ]
        if rows:
            out += [
                "| Incident | Monitor | Cause | Started (UTC) | Acknowledged after "
                "| Resolved after | Top finding |",
                "|---|---|---|---|---|---|---|",
            ]
            for r in rows:
                inc = r.incident
                link = f"[{inc.id}]({inc.id}/bundle.md)" if r.bundle is not None else str(inc.id)
                started = inc.started_at.strftime("%Y-%m-%d %H:%M") if inc.started_at else "?"
                out.append(
                    "| "
                    + " | ".join(
                        [
                            link,
                            _md_cell(r.source),
                            _md_cell(inc.cause or "-"),
                            started,
                            _duration(r.tta),
                            "open"
                            if r.ttr is None and inc.resolved_at is None
                            else _duration(r.ttr),
                            _md_cell(_clip(r.top_finding, 160)),
                        ]
                    )
                    + " |"
                )
        else:
            out.append("No incidents started in this window.")
        if failed:
            out += ["", "## Failed bundles", ""]
            out += [f"- {r.incident.id}: {_md_cell(r.error or '')}" for r in failed]
        return "\n".join(out) + "\n"


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def cmd_report(args: argparse.Namespace) -> int:
    since, until = _window(args)
    bundle_options = _bundle_options(args)
    out_dir = Path(args.out)
    with _client(args) as bs:
        incidents = list(
            _incidents_in_window(
                bs, since, until, monitor=args.monitor, heartbeat=None, limit=args.limit
            )
        )
        incidents.sort(key=lambda i: i.started_at or since)
        out_dir.mkdir(parents=True, exist_ok=True)
        report = Report(since, until)
        progress = _Progress(len(incidents), sys.stderr)
        for n, incident in enumerate(incidents, start=1):
            progress.update(n - 1, f"incident {incident.id}")
            row = ReportRow(incident)
            try:
                bundle = bs.bundle(incident.id, **bundle_options)
            except BetterStackError as exc:
                # One bad incident must not sink the week's report: record it and go on.
                row.error = f"{type(exc).__name__}: {_one_line(exc)}"
                _log.debug("bundle of incident %s failed", incident.id, exc_info=True)
            else:
                row.bundle = bundle
                folder = out_dir / str(incident.id)
                folder.mkdir(parents=True, exist_ok=True)
                _write_text(folder / "bundle.json", bundle.to_json() + "\n")
                _write_text(folder / "bundle.md", bundle.to_markdown(args.max_chars) + "\n")
            report.rows.append(row)
            progress.update(n, f"incident {incident.id}")
        progress.close()
    _write_text(out_dir / "index.md", report.index_markdown())
    failed = sum(1 for r in report.rows if r.error is not None)
    _note(
        f"wrote {len(report.rows)} bundle(s) and {out_dir / 'index.md'}"
        + (f"; {failed} bundle(s) failed (listed in the index)" if failed else "")
    )
    return EXIT_OK


def cmd_sandbox_serve(args: argparse.Namespace) -> int:
    from betterstack_rca.sandbox.__main__ import main as sandbox_main

    forwarded = list(args.serve_args)
    if args.seed is not None and "--seed" not in forwarded:
        forwarded = ["--seed", str(args.seed), *forwarded]
    try:
        return sandbox_main(forwarded)
    except SystemExit as exc:  # its own argparse: --help, or a bad flag
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def cmd_listen(args: argparse.Namespace) -> int:
    if args.secret is not None and args.secret_env is not None:
        raise UsageError("give --secret or --secret-env, not both")
    secret = args.secret
    if args.secret_env is not None:
        secret = os.environ.get(args.secret_env)
        if not secret:
            raise UsageError(f"--secret-env {args.secret_env}: that variable is not set")
    try:
        from betterstack_rca.receiver import (  # type: ignore[import-not-found, unused-ignore]
            listen,
        )
    except ImportError as exc:
        if exc.name != "betterstack_rca.receiver":
            raise
        _note(
            "error: the webhook receiver (betterstack_rca.receiver) is not part of this "
            "installation; upgrade betterstack-rca to use 'listen'"
        )
        return EXIT_USAGE
    options: dict[str, Any] = {}
    bundle_options = _bundle_options(args)
    if bundle_options:
        options["bundle_options"] = bundle_options
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
        with _client(args) as bs:
            code = listen(
                bs,
                host=args.host,
                port=args.port,
                out_dir=Path(args.out),
                secret=secret,
                max_bytes=args.max_bytes,
                **options,
            )
    finally:
        if handler is not None:
            receiver_log.removeHandler(handler)
            receiver_log.setLevel(previous_level)
    return int(code)


# --- parser --------------------------------------------------------------------------


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


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
        type=_positive_float,
        default=d(None),
        metavar="N",
        help="requests per second (default 8; 1000 with --sandbox)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Read-only Better Stack Uptime client: incident bundles for root-cause "
        "analysis.",
        epilog="exit codes: 0 ok, 1 unexpected error, 2 usage, 3 authentication or permission,\n"
        "            4 not found, 5 API or network failure after retries\n\n"
        "Try: betterstack-rca demo   (then: betterstack-rca --sandbox incidents --since 7d)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _global_options(parser, suppress=False)
    common = _Parser(add_help=False)
    _global_options(common, suppress=True)

    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    demo = sub.add_parser(
        "demo",
        parents=[common],
        help="the sandbox's headline incident bundle as Markdown",
        description="Print the bundle of the sandbox's headline incident (implies --sandbox).",
    )
    demo.add_argument("--max-chars", type=_non_negative_int, default=None, metavar="N")
    demo.set_defaults(func=cmd_demo)

    window_help = "a duration back from now (90m, 24h, 7d), an ISO date or date-time (UTC)"

    inc = sub.add_parser(
        "incidents",
        parents=[common],
        help="list the incidents that started in a window",
        description="List the incidents that started in [--since, --until), newest first.",
    )
    inc.add_argument("--since", default="24h", metavar="WHEN", help=f"{window_help}; default 24h")
    inc.add_argument("--until", default=None, metavar="WHEN", help=f"{window_help}; default now")
    inc.add_argument("--unresolved", action="store_true", help="only incidents still open")
    inc.add_argument("--monitor", metavar="ID", help="only this monitor's incidents")
    inc.add_argument("--heartbeat", metavar="ID", help="only this heartbeat's incidents")
    inc.add_argument("--limit", type=_non_negative_int, metavar="N", help="at most N incidents")
    inc.add_argument("--format", choices=("table", "json"), default="table")
    inc.set_defaults(func=cmd_incidents)

    def bundle_flags(p: argparse.ArgumentParser) -> None:
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
            type=_positive_float,
            metavar="SECONDS",
            help="stop collecting after this long; the rest becomes gaps (default 60)",
        )

    bun = sub.add_parser(
        "bundle",
        parents=[common],
        help="everything around one incident, as Markdown or JSON",
        description="Collect one incident's bundle.",
    )
    bun.add_argument("incident_id", metavar="INCIDENT_ID")
    bun.add_argument("--format", choices=("md", "json"), default="md")
    bun.add_argument(
        "--max-chars", type=_non_negative_int, metavar="N", help="Markdown budget in characters"
    )
    bun.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    bundle_flags(bun)
    bun.set_defaults(func=cmd_bundle)

    rep = sub.add_parser(
        "report",
        parents=[common],
        help="a bundle per incident in a window, and an index",
        description="Write DIR/<incident_id>/bundle.{json,md} for every incident that started "
        "in the window, and DIR/index.md with one row per incident and totals.",
    )
    rep.add_argument("--since", default="7d", metavar="WHEN", help=f"{window_help}; default 7d")
    rep.add_argument("--until", default=None, metavar="WHEN", help=f"{window_help}; default now")
    rep.add_argument("--out", required=True, metavar="DIR", help="output directory")
    rep.add_argument(
        "--max-chars", type=_non_negative_int, metavar="N", help="budget of each bundle.md"
    )
    rep.add_argument("--monitor", metavar="ID", help="only this monitor's incidents")
    rep.add_argument(
        "--limit", type=_non_negative_int, metavar="N", help="at most the N newest incidents"
    )
    bundle_flags(rep)
    rep.set_defaults(func=cmd_report)

    sbx = sub.add_parser(
        "sandbox",
        parents=[common],
        help="the built-in sandbox API",
        description="The built-in sandbox API.",
    )
    sbx_sub = sbx.add_subparsers(dest="sandbox_command", metavar="COMMAND", parser_class=_Parser)
    sbx_sub.required = True
    serve = sbx_sub.add_parser(
        "serve",
        add_help=False,
        help="serve the sandbox API on 127.0.0.1 (flags: see 'sandbox serve --help')",
        description="Serve the sandbox API (all flags go to python -m betterstack_rca.sandbox).",
    )
    serve.set_defaults(func=cmd_sandbox_serve, serve_args=[])

    lis = sub.add_parser(
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
        "--max-bytes",
        type=_non_negative_int,
        default=1_048_576,
        metavar="N",
        help="largest webhook body accepted (default 1 MiB)",
    )
    bundle_flags(lis)
    lis.set_defaults(func=cmd_listen)
    return parser


# --- main ----------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _exit_code(exc: BaseException) -> int:
    if isinstance(exc, (UsageError, ValueError)):
        return EXIT_USAGE
    if isinstance(exc, (AuthenticationError, PermissionDeniedError, MissingTokenError)):
        return EXIT_AUTH
    if isinstance(exc, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(exc, BetterStackError):
        return EXIT_API
    return EXIT_ERROR


def _message(exc: BaseException) -> str:
    text = _one_line(exc)
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


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    args, extra = parser.parse_known_args(argv)
    if getattr(args, "func", None) is cmd_sandbox_serve:
        args.serve_args = extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if (
        args.seed is not None
        and not args.sandbox
        and args.func
        not in (
            cmd_demo,
            cmd_sandbox_serve,
        )
    ):
        raise UsageError("--seed needs --sandbox")
    if args.sandbox and (args.token or args.base_url):
        raise UsageError("--sandbox uses the demo account: drop --token and --base-url")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (never raises, except on a bug in argparse)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    try:
        args = _parse(parser, argv)
    except UsageError as exc:
        _note(f"error: {exc}")
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK

    handler: logging.Handler | None = None
    previous_level = _log.level
    if args.debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        _log.addHandler(handler)
        _log.setLevel(logging.DEBUG)
    try:
        code: int = args.func(args)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        _note("interrupted")
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
        _note(f"error: {_message(exc)}")
        return _exit_code(exc)
    finally:
        if handler is not None:
            _log.removeHandler(handler)
            _log.setLevel(previous_level)


def run() -> None:
    """The ``betterstack-rca`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    run()
