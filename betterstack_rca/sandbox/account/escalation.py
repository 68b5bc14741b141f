"""Severities (urgencies), policy groups and escalation policies (the same at every scale)."""

from __future__ import annotations

import random
from collections.abc import Mapping

from betterstack_rca.sandbox.account.fake_secrets import random_hex
from betterstack_rca.sandbox.model.records import PolicyRec, UrgencyRec

URGENCIES = (
    UrgencyRec(8201, "High Severity", True, True, True, True),
    UrgencyRec(8202, "Low Severity", False, False, True, False),
    UrgencyRec(8203, "Critical", True, True, True, True),
)
POLICY_GROUPS: Mapping[int, str] = {7101: "Production", 7102: "Internal"}


#: The default calendar's id: a ``current_on_call`` member names the calendar it pages.
DEFAULT_CALENDAR = 33001
DATABASE_CALENDAR = 33002


def _step(wait: int, urgency: int, *members: str | Mapping[str, object]) -> Mapping[str, object]:
    """An escalation step; ``wait_before`` counts from the previous step (Terraform docs)."""
    return {
        "type": "escalation",
        "wait_before": wait,
        "urgency_id": urgency,
        "step_members": [{"type": m} if isinstance(m, str) else dict(m) for m in members],
    }


def _on_call(calendar: int) -> Mapping[str, object]:
    return {"type": "current_on_call", "id": calendar}


def generate_policies(rng: random.Random, secrets: list[str]) -> tuple[PolicyRec, ...]:
    """Six policies; each ``incident_token`` is a planted secret."""

    def token() -> str:
        t = f"SECRET-inc-{random_hex(rng)}"
        secrets.append(t)
        return t

    return (
        PolicyRec(
            45601,
            "Default escalation",
            2,
            1800,
            token(),
            None,
            (
                _step(0, 8201, _on_call(DEFAULT_CALENDAR)),
                _step(900, 8201, "entire_team"),
            ),
        ),
        PolicyRec(
            45602,
            "API critical",
            3,
            600,
            token(),
            7101,
            (
                _step(0, 8203, "current_on_call", "all_slack_integrations"),
                _step(600, 8203, "entire_team"),
            ),
        ),
        PolicyRec(
            45603,
            "Back office escalation",
            0,
            0,
            token(),
            7102,
            (
                _step(0, 8201, "current_on_call"),
                _step(300, 8201, "entire_team"),
                _step(600, 8203, "all_slack_integrations", "entire_team"),
            ),
        ),
        PolicyRec(
            45604,
            "Business hours routing",
            1,
            900,
            token(),
            7101,
            (
                {
                    "type": "time_branching",
                    "wait_before": 0,
                    "timezone": "Prague",
                    "days": ["mon", "tue", "wed", "thu", "fri"],
                    "time_from": "09:00",
                    "time_to": "17:00",
                    "policy_id": 45605,
                },
                _step(0, 8201, "current_on_call"),
            ),
        ),
        PolicyRec(
            45605,
            "Low priority",
            0,
            0,
            token(),
            7102,
            (_step(0, 8202, "all_slack_integrations"),),
        ),
        PolicyRec(
            45606,
            "Ledger on-call",
            1,
            900,
            token(),
            7101,
            (
                _step(0, 8203, _on_call(DATABASE_CALENDAR)),
                _step(300, 8203, {"type": "user", "id": 20453}),
            ),
        ),
    )
