"""Resource families: one short method per Better Stack read endpoint.

Each method is defined once (see `betterstack_rca._endpoints`) and serves both clients.
"""

from __future__ import annotations

from typing import Generic

from betterstack_rca._endpoints import E


class ResourceSet(Generic[E]):
    """Every resource family, bound to one executor (sync or async)."""

    _executor: E

    def _attach(self, executor: E) -> None:
        self._executor = executor
