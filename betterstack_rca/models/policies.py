"""Escalation policies with typed steps, and severities (API name: urgencies).

https://betterstack.com/docs/uptime/api/list-all-escalation-policies/
https://betterstack.com/docs/uptime/api/list-all-severities/
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from ._base import (
    AlertSettings,
    BetterStackModel,
    Id,
    JsonApiResource,
    OpenEnum,
    UTCDateTime,
    describe,
)

__all__ = [
    "EscalationStep",
    "Policy",
    "PolicyStep",
    "Severity",
    "StepMember",
    "StepMemberType",
    "StepType",
    "TimeBranchingStep",
    "UnknownStep",
]


class StepType(OpenEnum):
    """Kinds of escalation-policy steps."""

    ESCALATION = "escalation"
    TIME_BRANCHING = "time_branching"
    METADATA_BRANCHING = "metadata_branching"


class StepMemberType(OpenEnum):
    """Who an escalation step notifies."""

    CURRENT_ON_CALL = "current_on_call"
    ENTIRE_TEAM = "entire_team"
    ALL_SLACK_INTEGRATIONS = "all_slack_integrations"
    ALL_MICROSOFT_TEAMS_INTEGRATIONS = "all_microsoft_teams_integrations"
    ALL_ZAPIER_INTEGRATIONS = "all_zapier_integrations"
    ALL_WEBHOOK_INTEGRATIONS = "all_webhook_integrations"
    ALL_SPLUNK_INTEGRATIONS = "all_splunk_integrations"
    USER = "user"
    TEAM = "team"
    WEBHOOK = "webhook"
    SLACK_INTEGRATION = "slack_integration"
    MICROSOFT_TEAMS_INTEGRATION = "microsoft_teams_integration"
    ZAPIER_WEBHOOK = "zapier_webhook"
    SPLUNK_ON_CALL = "splunk_on_call"
    PAGERDUTY_INTEGRATION = "pagerduty_integration"


class StepMember(BetterStackModel):
    """A recipient of an escalation step."""

    type: Annotated[StepMemberType | str, Field(union_mode="left_to_right")] | None = None
    """current_on_call, entire_team, all_slack_integrations, user, team, ..."""
    id: Id | None = None
    """Id of the user/team/integration for member types that name one."""


class EscalationStep(BetterStackModel):
    """Notify ``step_members`` after ``wait_before`` seconds."""

    type: Literal["escalation"] = "escalation"
    """Always ``escalation``."""
    wait_before: float | None = None
    """Seconds to wait after the previous step before this one runs."""
    urgency_id: Id | None = None
    """Severity (urgency) id used for the notifications."""
    step_members: list[StepMember] = Field(default_factory=list)
    """Who gets notified."""


class TimeBranchingStep(BetterStackModel):
    """Hand the incident to ``policy_id`` when it falls within a time window."""

    type: Literal["time_branching"] = "time_branching"
    """Always ``time_branching``."""
    wait_before: float | None = None
    """Seconds to wait after the previous step before this one runs."""
    timezone: str | None = None
    """Time zone of the window, e.g. ``Prague``."""
    days: list[str] | None = None
    """Weekdays of the window (``mon`` ... ``sun``)."""
    time_from: str | None = None
    """Window start, ``HH:MM`` local time."""
    time_to: str | None = None
    """Window end, ``HH:MM`` local time."""
    policy_id: Id | None = None
    """Policy that takes over inside the window."""


class UnknownStep(BetterStackModel):
    """A step of a kind this library does not model (e.g. ``metadata_branching``)."""

    type: Annotated[StepType | str, Field(union_mode="left_to_right")] | None = None
    """The step's ``type`` as sent."""
    raw: dict[str, Any] = Field(default_factory=dict)
    """The whole step object, as sent."""

    @model_validator(mode="before")
    @classmethod
    def _keep_raw(cls, data: Any) -> Any:
        if isinstance(data, UnknownStep):
            return data
        if not isinstance(data, Mapping):
            raise ValueError(f"expected a policy step object, got {describe(data)}")
        if "raw" in data and set(data) <= {"raw", "type"}:
            return data
        type_ = data.get("type")
        return {"type": type_ if isinstance(type_, str) else None, "raw": dict(data)}


def _step_tag(value: Any) -> str:
    type_ = value.get("type") if isinstance(value, Mapping) else getattr(value, "type", None)
    if isinstance(value, UnknownStep):
        return "unknown"
    return type_ if type_ in ("escalation", "time_branching") else "unknown"


PolicyStep = Annotated[
    Annotated[EscalationStep, Tag("escalation")]
    | Annotated[TimeBranchingStep, Tag("time_branching")]
    | Annotated[UnknownStep, Tag("unknown")],
    Discriminator(_step_tag),
]
"""A typed policy step; unknown kinds fall back to :class:`UnknownStep` with the raw dict."""


class Policy(JsonApiResource):
    """An escalation policy (``GET /api/v3/policies/{id}``) with its typed steps.

    v2 responses put ``steps`` beside ``attributes``; both placements land in :attr:`steps`.
    """

    api_types: ClassVar[tuple[str, ...]] = ("policy",)

    type: str = "policy"
    """JSON:API resource type, ``policy``."""
    name: str | None = None
    """Policy name."""
    repeat_count: int | None = None
    """How many times the steps repeat when nobody acknowledges."""
    repeat_delay: float | None = None
    """Seconds between repetitions."""
    incident_token: str | None = None
    """Token for creating incidents through this policy (secret: redact before sharing)."""
    policy_group_id: Id | None = None
    """Id of the policy group, if any."""
    fallback_policy_id: Id | None = None
    """Policy used when this one cannot handle the incident."""
    team_name: str | None = None
    """Name of the owning team."""
    steps: list[PolicyStep] = Field(default_factory=list)
    """The steps in order: escalation, time_branching, or :class:`UnknownStep`."""
    created_at: UTCDateTime | None = None
    """When the policy was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the policy last changed (UTC)."""

    @property
    def escalation_steps(self) -> list[EscalationStep]:
        """Only the escalation steps."""
        return [s for s in self.steps if isinstance(s, EscalationStep)]

    @property
    def first_wait_seconds(self) -> float | None:
        """``wait_before`` of the first escalation step (seconds), if any."""
        first = next(iter(self.escalation_steps), None)
        return None if first is None else first.wait_before


class Severity(AlertSettings, JsonApiResource):
    """A severity (API type ``urgency``): which channels alert (``GET /api/v2/urgencies``)."""

    api_types: ClassVar[tuple[str, ...]] = ("urgency",)

    type: str = "urgency"
    """JSON:API resource type, ``urgency``."""
    name: str | None = None
    """Severity name, e.g. ``High Severity``."""
    team_name: str | None = None
    """Name of the owning team."""
    urgency_group_id: Id | None = None
    """Id of the severity group."""
    created_at: UTCDateTime | None = None
    """When the severity was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the severity last changed (UTC)."""
