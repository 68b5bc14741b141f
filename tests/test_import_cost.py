"""What each entry point imports (the time it takes is measured in bench/import_time.py).

``import betterstack_rca`` and ``betterstack-rca --help`` load neither httpx nor pydantic;
the client loads no correlator until ``bundle()``; every public name still resolves to the
object it always was."""

from __future__ import annotations

import subprocess
import sys

import pytest

import betterstack_rca


def loaded_by(*argv: str) -> set[str]:
    """The modules a fresh interpreter imports for `argv` (``-X importtime`` names each)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }


def _under(modules: set[str], *prefixes: str) -> set[str]:
    return {m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)}


HEAVY = (
    "httpx",
    "pydantic",
    "pydantic_core",
    "tenacity",
    "dateutil",
    "mcp",
    "anyio",
    "matplotlib",
    "pandas",
    "numpy",
)


def test_import_betterstack_rca_loads_only_the_errors() -> None:
    loaded = loaded_by("-c", "import betterstack_rca")
    assert _under(loaded, "betterstack_rca") == {
        "betterstack_rca",
        "betterstack_rca._scrub",  # the errors scrub their messages (standard library only)
        "betterstack_rca._version",
        "betterstack_rca.errors",
    }
    assert _under(loaded, *HEAVY) == set()


def test_help_loads_no_client_no_correlator_and_no_renderer() -> None:
    loaded = loaded_by("-m", "betterstack_rca", "--help")
    assert "betterstack_rca.cli.report" in loaded  # the commands' parsers are there
    assert _under(loaded, *HEAVY) == set()
    assert (
        _under(
            loaded,
            "betterstack_rca.agents",
            "betterstack_rca.client",
            "betterstack_rca.models",
            "betterstack_rca.rca",
            "betterstack_rca.report",
            "betterstack_rca.sandbox",
            "betterstack_rca.webhooks",
        )
        == set()
    )


def test_a_bundle_and_a_report_load_no_plotting_or_frames_until_asked() -> None:
    code = (
        "from betterstack_rca import BetterStack; from betterstack_rca.report.run import "
        "run_report; bs = BetterStack.sandbox(reference_time='2025-06-01T12:00:00Z'); "
        "rep = run_report(bs, bs.sandbox_account.account.reference_time.replace(hour=10), "
        "bs.sandbox_account.account.reference_time, limit=2); rep.to_html(); "
        "bs.bundle(rep.rows[0].incident_id).to_postmortem()"
    )
    loaded = loaded_by("-c", code)
    assert "betterstack_rca.report.html" in loaded
    assert _under(loaded, "matplotlib", "pandas", "numpy") == set()


def test_the_client_loads_no_correlator_until_a_bundle_is_asked_for() -> None:
    loaded = loaded_by("-c", "from betterstack_rca import BetterStack")
    assert "httpx" in loaded
    assert _under(loaded, "betterstack_rca.rca", "betterstack_rca.sandbox") == set()
    assert _under(loaded, "betterstack_rca.webhooks") == set()


@pytest.mark.parametrize("name", betterstack_rca.__all__)
def test_every_public_name_resolves_to_its_defining_object(name: str) -> None:
    value = getattr(betterstack_rca, name)
    assert name in dir(betterstack_rca)
    if name != "__version__":
        module = sys.modules[value.__module__]
        assert getattr(module, name) is value


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        betterstack_rca.no_such_name  # type: ignore[attr-defined]  # noqa: B018
