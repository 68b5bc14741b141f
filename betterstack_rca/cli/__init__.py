"""``betterstack-rca``: the command line, a thin layer over the library. See docs/cli.md.

- `_main`: the parser and ``main(argv) -> int`` (exit codes, ``--debug``, error lines);
- one module per command: `demo`, `incidents`, `bundle`, `report`, `sandbox` (``sandbox
  serve``), `listen`; each has ``add_parser(subparsers, common)`` and ``run(args, ctx)``;
- `_common`: what the commands share (the client from the global flags, bundle flags,
  output helpers, error mapping); `_window`: ``--since``/``--until`` and the incidents in it.
"""

from betterstack_rca.cli._main import main, run

__all__ = ["main", "run"]
