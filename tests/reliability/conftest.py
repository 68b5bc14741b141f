"""Hypothesis profiles of the reliability suite, and its shared fixtures.

``HYPOTHESIS_PROFILE=ci`` runs every fuzz target of this directory with 2,000 examples
(``deep``: 10,000, ``make fuzz``; an hour-long run is ``deep`` with a longer budget);
the default, ``dev``, with 100. The profile applies to the targets here only (they ask for
it by name): loading it globally would also multiply the examples of every other
hypothesis test of the suite, which set their own budgets.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_ENV = "HYPOTHESIS_PROFILE"

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
}

settings.register_profile("dev", max_examples=100, **_COMMON)  # type: ignore[arg-type]
settings.register_profile(
    "ci",
    max_examples=2_000,
    print_blob=True,
    **_COMMON,  # type: ignore[arg-type]
)
settings.register_profile(
    "deep",
    max_examples=10_000,
    print_blob=True,
    **_COMMON,  # type: ignore[arg-type]
)


def fuzz_settings() -> settings:
    """The settings of the profile named by HYPOTHESIS_PROFILE (default "dev")."""
    name = os.environ.get(PROFILE_ENV, "dev")
    if name not in ("dev", "ci", "deep"):
        name = "dev"
    return settings.get_profile(name)


def light_settings() -> settings:
    """The "dev" budget whatever the profile: for targets that share their code path with a
    target that runs the full profile."""
    return settings.get_profile("dev")
