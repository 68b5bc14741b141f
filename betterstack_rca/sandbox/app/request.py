"""One routed request as the handlers see it, and the parsing of its parameters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, TypeVar

from betterstack_rca.sandbox.account import Account
from betterstack_rca.sandbox.app.errors import Reply, not_found
from betterstack_rca.sandbox.model.timestamps import DAY
from betterstack_rca.sandbox.render.base import Obj, View
from betterstack_rca.sandbox.render.envelope import page

T = TypeVar("T")


@dataclass
class Request:
    view: View
    path: str
    args: tuple[str, ...]  # the route's ``{}`` parts
    query: list[tuple[str, str]]
    base_url: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def account(self) -> Account:
        return self.view.account

    def q(self, name: str) -> str | None:
        return self.params.get(name)

    def team_ok(self) -> bool:
        """Lists filtered by another ``team_name`` are empty."""
        team = self.q("team_name")
        return team is None or team == self.account.team_name

    def page(
        self,
        items: Sequence[T],
        build: Callable[[T], Obj],
        default: int = 50,
        maximum: int = 250,
        extra: Mapping[str, Any] | None = None,
    ) -> Obj:
        """One page of ``items`` (``per_page`` and ``page`` from the query), linked."""
        url = f"{self.base_url}{self.path}"
        return page(items, build, url, self.query, default, maximum, extra)

    def date_range(self, created: int, message: str) -> tuple[int, int]:
        """The ``from``/``to`` days of an SLA or availability request as epoch seconds.

        Defaults: from ``created`` to the reference time. A bad date, a start in the future
        or an end before the start is a 400 with ``message``.
        """
        a = self.account
        try:
            d_from = parse_day(self.q("from"))
            d_to = parse_day(self.q("to"))
        except ValueError:
            raise Reply(400, {"errors": message}) from None
        today = datetime.fromtimestamp(a.ref, timezone.utc).date()
        if d_from is not None and d_from > today:
            raise Reply(400, {"errors": message})
        if d_from is not None and d_to is not None and d_to < d_from:
            raise Reply(400, {"errors": message})
        lo = day_start(d_from) if d_from else created
        hi = min(a.ref, day_start(d_to) + DAY) if d_to else a.ref
        return lo, max(lo, hi)


def int_or_404(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise not_found() from None


def id_to_index(value: str | None, base: int, n: int) -> int | None:
    """The index of the record with id ``value`` (id base ``base``, ``n`` records)."""
    try:
        i = int(value or "") - base
    except ValueError:
        return None
    return i if 0 <= i < n else None


def lookup(records: Sequence[T], raw: str, base: int) -> T:
    """The record with id ``raw`` among ``records`` (ids ``base`` + index), else a 404."""
    i = id_to_index(raw, base, len(records))
    if i is None:
        raise not_found()
    return records[i]


def parse_day(value: str | None) -> date | None:
    """YYYY-MM-DD or a full ISO datetime (its UTC date); None when absent."""
    if value is None or value == "":
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if d.tzinfo is not None:
            d = d.astimezone(timezone.utc)
        return d.date()
    except ValueError:
        raise ValueError(value) from None


def day_start(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp())


def parse_bool(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.lower()
    if v in ("true", "1", "yes"):
        return True
    if v in ("false", "0", "no"):
        return False
    return None
