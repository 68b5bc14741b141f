"""The public surface: a curated `__all__` that is complete and importable."""

from __future__ import annotations

import types

import betterstack_rca

CONTRACT = {
    # DESIGN.md "Public contract"
    "BetterStack",
    "AsyncBetterStack",
    "IncidentBundle",
    "parse_webhook",
    "BetterStackError",
    "ReadOnlyError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "UnprocessableEntityError",
    "RateLimitError",
    "ServerError",
    "APIConnectionError",
    "APITimeoutError",
    "ResponseParseError",
    "WebhookParseError",
}


def test_all_is_sorted_unique_and_importable() -> None:
    names = betterstack_rca.__all__
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(betterstack_rca, name), name


def test_every_public_name_is_exported() -> None:
    public = {
        name
        for name, value in vars(betterstack_rca).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public <= set(betterstack_rca.__all__) | {"annotations"}


def test_the_design_contract_is_exported() -> None:
    assert set(betterstack_rca.__all__) >= CONTRACT


def test_errors_share_one_root() -> None:
    for name in betterstack_rca.__all__:
        value = getattr(betterstack_rca, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, betterstack_rca.BetterStackError), name
