"""Counts agree with their nouns in our own sentences: no "all 1 steps", no "report(s)"
(issue 20, item 2)."""

from __future__ import annotations

import re

import pytest

from betterstack_rca.models import Policy
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.renderers.postmortem import render_postmortem
from betterstack_rca.rca.responders import resolve_responders
from betterstack_rca.rca.text import all_of, plural

from .test_rules_classes import MIN, T0, bundle, finding, incident, run

#: A count of one followed by a plural noun ("1 steps", "1 incidents"), or a hedged "(s)".
_DISAGREES = re.compile(r"(?<![\d.,])1 (?:more |other |earlier )?(?!status\b)[a-z]+s\b|\w\(s\)")


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [
        (0, "step", "0 steps"),
        (1, "step", "1 step"),
        (3, "step", "3 steps"),
        (1, "earlier incident", "1 earlier incident"),
        (2, "earlier incident", "2 earlier incidents"),
        (2, "policy", "2 policies"),
        (2, "day", "2 days"),
        (2, "match", "2 matches"),
        (2, "more related item", "2 more related items"),
    ],
)
def test_plural_agrees_with_the_count(count: int, noun: str, text: str) -> None:
    assert plural(count, noun) == text


def test_plural_takes_an_irregular_form_and_all_of_names_a_single_one() -> None:
    assert plural(2, "person", "people") == "2 people"
    assert plural(1, "person", "people") == "1 person"
    assert all_of(1, "step", "its") == "its only step"
    assert all_of(3, "policy step") == "all 3 policy steps"


def test_an_unacknowledged_incident_with_a_one_step_policy_says_its_only_step() -> None:
    main = incident("1", T0, monitor_id="10", resolved_at=T0 + 30 * MIN)
    policy = Policy.model_validate(
        {
            "id": "p",
            "type": "policy",
            "name": "P",
            "steps": [{"type": "escalation", "wait_before": 0, "step_members": []}],
        }
    )
    responders = resolve_responders(main, policy, [], None, [], T0 + 30 * MIN)
    b = run(bundle(main, responders=responders))
    unacked = finding(b, "not_acknowledged")
    assert unacked is not None
    assert unacked.summary.endswith("; the policy ran through its only step")
    assert "the only policy step ran" in unacked.signals
    text = b.to_markdown()
    assert "not acknowledged (1 step)" in text
    assert not _DISAGREES.findall(text)


def test_no_scenario_text_has_a_count_at_odds_with_its_noun(
    bundles: dict[str, IncidentBundle],
) -> None:
    for key, b in bundles.items():
        for text in (b.to_markdown(), render_postmortem(b), b._repr_html_()):
            assert not _DISAGREES.findall(text), (key, _DISAGREES.findall(text))
