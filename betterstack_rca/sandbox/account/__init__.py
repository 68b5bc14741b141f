"""Generating the demo account: ``Account`` and ``generate_account``.

``generator`` builds an account from the parts in this package, one module per resource
family (``inventory``: monitors and heartbeats; ``escalation``; ``oncall``;
``status_pages``; ``integrations``; ``background``: the everyday incidents), and plants
the scenarios of ``betterstack_rca.sandbox.scenarios`` in it.
"""

from __future__ import annotations

from betterstack_rca.sandbox.account.generator import Account, generate_account

__all__ = ["Account", "generate_account"]
