"""What every renderer shares: the JSON object type and the ``View`` of one account."""

from __future__ import annotations

from typing import Any

from betterstack_rca.sandbox.account import Account
from betterstack_rca.sandbox.model.constants import INCIDENT_ID_BASE
from betterstack_rca.sandbox.model.timestamps import DAY, iso

Obj = dict[str, Any]


def _ms(seed: int, key: int) -> int:
    return (key * 2654435761 + seed * 40503) % 1000


class View:
    """One account as the renderers see it: cheap, stateless apart from caches."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._open_sources: set[int] | None = None

    def open_sources(self) -> set[int]:
        """Monitors (>= 0) and heartbeats (< 0) with an incident still open."""
        if self._open_sources is None:
            a = self.account
            lo, hi = a.index_range(a.ref - 10 * DAY, None)
            self._open_sources = {a.srcs[i] for i in range(lo, hi) if a.durs[i] < 0}
        return self._open_sources

    def t(self, t: int | None, key: int = 0) -> str | None:
        """A timestamp; with a ``key`` (usually the record id) it gets stable milliseconds."""
        if t is None:
            return None
        return iso(t, _ms(self.account.seed, key) if key else 0)

    def ti(self, t: int | None, i: int) -> str | None:
        """An incident's timestamp; scenario incidents use whole seconds (exact facts)."""
        if t is None:
            return None
        a = self.account
        return iso(t, 0 if i in a.extras else _ms(a.seed, INCIDENT_ID_BASE + i))
