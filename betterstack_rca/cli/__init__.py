"""``betterstack-rca``: the command line, a thin layer over the library. See docs/cli.md."""

from betterstack_rca.cli._main import main, run

__all__ = ["main", "run"]
