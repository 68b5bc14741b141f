"""The total deadline of one sync attempt, seen by every socket operation the attempt makes.

httpx's timeouts bound each socket operation, never a whole request: a server that sends one
header byte every ``timeout - ε`` seconds, or ``100 Continue`` after ``100 Continue``, holds
a request for as long as it likes. The async sender puts the whole attempt under
`asyncio.wait_for`; a blocking call cannot be cancelled like that, so the sync sender sets
the attempt's deadline here (`within`) and the network backend of its transport
(`backend.py`) shortens each connect, TLS handshake, write and read to the time left, and
fails one at once when none is left. Kept apart from `backend.py` (stdlib only), so loading
the sender does not load httpcore.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator


class Budget:
    """The deadline (a `time.monotonic()` value) of one attempt, and whether it cut one short."""

    __slots__ = ("at", "spent")

    def __init__(self, at: float) -> None:
        self.at = at
        self.spent = False
        """Set when an operation timed out because the deadline (not its own timeout) came."""

    def left(self) -> float:
        return self.at - time.monotonic()


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "betterstack_rca_attempt_budget", default=None
)


@contextlib.contextmanager
def within(at: float) -> Iterator[Budget]:
    """Bound the socket operations of this thread (or task) by the deadline `at`."""
    budget = Budget(at)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def current() -> Budget | None:
    """The budget of the attempt running in this context, if any."""
    return _budget.get()
