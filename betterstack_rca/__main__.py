"""``python -m betterstack_rca``: the ``betterstack-rca`` command line (docs/cli.md)."""

from betterstack_rca.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
