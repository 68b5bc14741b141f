"""``python -m betterstack_rca.cli``: the ``betterstack-rca`` command line."""

from betterstack_rca.cli._main import run

run()
