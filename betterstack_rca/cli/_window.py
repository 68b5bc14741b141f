"""The ``--since``/``--until`` window and the incidents that started in it (incidents, report)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from betterstack_rca.cli import _common
from betterstack_rca.cli._common import UsageError, iso

if TYPE_CHECKING:
    from betterstack_rca.client import BetterStack
    from betterstack_rca.models import Incident

WINDOW_HELP = "a duration back from now (90m, 24h, 7d), an ISO date or date-time (UTC)"

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_when(value: str, flag: str, *, now: datetime, end_of_day: bool = False) -> datetime:
    """A duration back from `now` (``24h``, ``7d``; ``-7d`` says the same), an ISO date or an
    ISO date-time.

    A date is midnight UTC (`end_of_day`: the following midnight, so ``--until 2026-11-22``
    includes that day); a date-time without an offset is taken as UTC.
    """
    from betterstack_rca.rca.options import parse_duration

    text = value.strip()
    try:
        return now - parse_duration(text.removeprefix("-"), flag)
    except ValueError:
        pass
    try:
        return parse_instant(text, flag, end_of_day=end_of_day)
    except UsageError:
        raise UsageError(
            f"{flag} must be a duration like 90m, 24h or 7d, an ISO date (2026-11-20) or an "
            f"ISO date-time (2026-11-20T08:00Z); got {value!r}"
        ) from None


def parse_instant(value: str, flag: str, *, end_of_day: bool = False) -> datetime:
    """An ISO date (midnight UTC; `end_of_day`: the next midnight) or date-time (UTC when it
    has no offset), as an aware UTC datetime."""
    from dateutil import parser as dateparser

    text = value.strip()
    try:
        if _DATE_ONLY.fullmatch(text):
            day = date.fromisoformat(text)
            at = datetime.combine(day, time(), tzinfo=timezone.utc)
            return at + timedelta(days=1) if end_of_day else at
        parsed = dateparser.isoparse(text)
    except (ValueError, OverflowError):
        raise UsageError(
            f"{flag} must be an ISO date (2026-11-20) or an ISO date-time "
            f"(2026-11-20T08:00Z); got {value!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def window(args: argparse.Namespace) -> tuple[datetime, datetime]:
    """`args.since` and `args.until` (default: now, or the sandbox's pinned
    ``--reference-time``) as a [since, until) pair."""
    now = _common.reference_time(args) or _common.now()
    since = parse_when(args.since, "--since", now=now)
    until = (
        now if args.until is None else parse_when(args.until, "--until", now=now, end_of_day=True)
    )
    if since >= until:
        raise UsageError(f"--since ({iso(since)}) must be before --until ({iso(until)})")
    return since, until


def incidents_in_window(
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
