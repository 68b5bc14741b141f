"""What starting up costs: each entry point's import, as a whole process, against httpx alone.

Each command runs in a fresh interpreter (``sys.executable``), ``--runs`` times, the commands
interleaved (A B C D A B C D ...) so that a machine whose speed drifts slows them all alike;
the figure is the median wall time of a whole process (interpreter start included), and the
ratio is that median over the median of ``python -c "import httpx"`` measured in the same run.
Two warm-up rounds first (bytecode caches, page cache) are not counted.

Usage: python bench/import_time.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PY = sys.executable
SCRIPT = shutil.which("betterstack-rca", path=str(Path(PY).parent)) or ""

COMMANDS: list[tuple[str, list[str]]] = [
    ('python -c "import httpx"', [PY, "-c", "import httpx"]),
    ('python -c "import betterstack_rca"', [PY, "-c", "import betterstack_rca"]),
    (
        'python -c "from betterstack_rca import BetterStack"',
        [PY, "-c", "from betterstack_rca import BetterStack"],
    ),
    (
        'python -c "from betterstack_rca import IncidentBundle"',
        [PY, "-c", "from betterstack_rca import IncidentBundle"],
    ),
    ("python -m betterstack_rca --help", [PY, "-m", "betterstack_rca", "--help"]),
]
if SCRIPT:
    COMMANDS.append(("betterstack-rca --help", [SCRIPT, "--help"]))


def once(argv: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BETTERSTACK_")}
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (default 21)")
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
    for round_ in range(args.runs + 2):
        for name, command in COMMANDS:
            took = once(command)
            if round_ >= 2:
                times[name].append(took)
    base = statistics.median(times[COMMANDS[0][0]])
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {args.runs} runs each, whole-process wall time"
    )
    print(f"{'command':58} {'median s':>9} {'min s':>7} {'max s':>7} {'x httpx':>8}")
    for name, _ in COMMANDS:
        values = times[name]
        median = statistics.median(values)
        print(
            f"{name:58} {median:9.3f} {min(values):7.3f} {max(values):7.3f} {median / base:7.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
