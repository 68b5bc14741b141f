"""`redact_bundle` writes what redaction changed back into the bundle, without validating it
again: the result is the one `redact_model` (dump, redact, validate) gives, for every scenario."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any
from unittest import mock

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from betterstack_rca import BetterStack
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.redact import REDACTED, Redactor, _write_back, redact_bundle, redact_model

from .conftest import REF


@pytest.fixture(scope="module")
def raw_bundles(client: BetterStack) -> dict[str, IncidentBundle]:
    """The bundles of every scenario as assembled, before redaction."""
    account = client.sandbox_account.account  # type: ignore[union-attr]
    with mock.patch("betterstack_rca.rca.collector.redact_bundle", side_effect=lambda b: b):
        return {
            key: client.bundle(scenario.incident_id, now=REF)
            for key, scenario in account.scenarios.items()
        }


def test_redacting_in_place_equals_validating_the_redacted_dump(
    client: BetterStack, raw_bundles: dict[str, IncidentBundle]
) -> None:
    secrets = client.sandbox_account.account.planted_secrets()  # type: ignore[union-attr]
    leaked_before = 0
    for raw in raw_bundles.values():
        leaked_before += sum(s in raw.to_json() for s in secrets)
        reference = redact_model(raw)
        bundle = raw.model_copy(deep=True)
        assert redact_bundle(bundle) is bundle
        assert bundle == reference
        assert bundle.model_dump() == reference.model_dump()  # the same Python types too
        assert bundle.to_json() == reference.to_json()
        assert not [s for s in secrets if s in bundle.to_json()]
    assert leaked_before > 0  # the raw bundles did carry secrets: the comparison bites


def test_redactor_data_leaves_its_input_as_it_was(raw_bundles: dict[str, IncidentBundle]) -> None:
    # redact_bundle compares the dump with the redacted dump: data() must build new data
    for raw in raw_bundles.values():
        dumped = raw.model_dump(mode="json")
        before = copy.deepcopy(dumped)
        redacted = Redactor().data(dumped)
        assert dumped == before
        assert redacted != dumped


class Inner(BaseModel):
    model_config = ConfigDict(extra="allow")

    password: str | None = None
    note: str = ""


class Outer(BaseModel):
    model_config = ConfigDict(extra="allow")

    inner: Inner
    items: list[Any]
    at: datetime | None = None


def test_nested_models_extras_and_mixed_lists_are_written_back() -> None:
    outer = Outer(
        inner=Inner(password="hunter2-long-secret", note="the password is hunter2-long-secret"),
        items=[Inner(note="Bearer abcdefghijkl"), "see https://example.com/x?token=abcdef", 3],
        at=datetime(2026, 1, 2, tzinfo=timezone.utc),
        callback="https://user:pw@example.com/hook",
        headers=[{"name": "Authorization", "value": "Basic dXNlcjpwYXNzd29yZA=="}],
    )
    reference = redact_model(outer)
    in_place = redact_bundle(outer.model_copy(deep=True))
    # the same data; the round trip of redact_model also turns the model in the untyped
    # list into a dict (and the datetime's tzinfo into pydantic's), writing back does not
    assert in_place.model_dump() == reference.model_dump()
    assert in_place.model_dump_json() == reference.model_dump_json()
    assert isinstance(in_place.items[0], Inner)
    assert in_place.inner.password == REDACTED
    assert "hunter2" not in in_place.model_dump_json()
    assert in_place.at == outer.at


def test_a_changed_value_that_is_not_a_string_is_validated_like_the_field() -> None:
    model = Outer(inner=Inner(), items=[], at=datetime(2026, 1, 2, tzinfo=timezone.utc))
    dumped = model.model_dump(mode="json")
    _write_back(model, dumped, {**dumped, "at": "2026-01-03T00:00:00Z"})
    assert model.at == datetime(2026, 1, 3, tzinfo=timezone.utc)
    with pytest.raises(ValidationError):  # as validating the whole redacted dump would
        _write_back(model, model.model_dump(mode="json"), {**dumped, "at": REDACTED})


def test_models_inside_a_dict_of_lists_stay_models() -> None:
    # Incident.metadata is dict[str, list[MetadataValue]]: a credential in one value is
    # written back into that MetadataValue, the dict and list around it rebuilt, not dumped
    from betterstack_rca.models import Incident
    from betterstack_rca.models.metadata import MetadataValue

    incident = Incident.model_validate(
        {
            "id": "1",
            "name": "db down",
            "metadata": {
                "runbook": [
                    {
                        "type": "String",
                        "value": "curl -H 'Authorization: Bearer abcdefghijklmnopqrstu'",
                    }
                ],
                "owner": [{"type": "String", "value": "team-db"}],
            },
        }
    )
    reference = redact_model(incident)
    in_place = redact_bundle(incident.model_copy(deep=True))
    assert in_place.metadata is not None
    value = in_place.metadata["runbook"][0]
    assert isinstance(value, MetadataValue)
    assert value.value == "curl -H 'Authorization: Bearer [redacted]'"
    assert isinstance(in_place.metadata["owner"][0], MetadataValue)
    assert in_place.model_dump() == reference.model_dump()
    assert in_place.model_dump_json() == reference.model_dump_json()  # no serializer warning
