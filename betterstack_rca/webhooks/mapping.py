"""`WebhookMapping`: how to read a custom outgoing-webhook template (where its fields live,
what its status words mean), and the event such a template gives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from betterstack_rca.webhooks._fields import (
    MISSING,
    action_for,
    at_path,
    read_id,
    read_text,
    read_time,
    read_word,
)
from betterstack_rca.webhooks.actions import INCIDENT_ACTIONS, UNKNOWN_ACTION, normalise_word
from betterstack_rca.webhooks.event import WebhookEvent

__all__ = ["WebhookMapping", "read_mapped"]


@dataclass(frozen=True)
class WebhookMapping:
    """Describes a custom template: where its fields live and what its status words mean.

    Paths are dotted (`"data.id"`, `"incident.attributes.name"`; a number indexes a list).
    `status_words` adds or overrides words (matched case-insensitively) -> incident action.
    `default_action` is used when the body has no status. The mapping applies to a body
    in which its `incident_id`, `status` or `title` path finds a value; otherwise the
    built-in shapes are tried.
    """

    incident_id: str | None = None
    status: str | None = None
    title: str | None = None
    cause: str | None = None
    monitor_id: str | None = None
    at: str | None = None
    status_words: Mapping[str, str] = field(default_factory=dict, hash=False)
    default_action: str | None = None

    def __post_init__(self) -> None:
        for name in ("incident_id", "status", "title", "cause", "monitor_id", "at"):
            path = getattr(self, name)
            if path is not None and (not isinstance(path, str) or not path.strip(".")):
                raise ValueError(f"WebhookMapping.{name} must be a dotted path such as 'data.id'")
        if self.incident_id is None and self.status is None and self.title is None:
            raise ValueError("WebhookMapping needs at least one of incident_id, status, title")
        words: dict[str, str] = {}
        for word, action in dict(self.status_words).items():
            if not isinstance(word, str) or action not in INCIDENT_ACTIONS:
                raise ValueError(
                    f"WebhookMapping.status_words maps words to one of {sorted(INCIDENT_ACTIONS)}"
                    f"; got {word!r}: {action!r}"
                )
            words[normalise_word(word)] = action
        object.__setattr__(self, "status_words", words)
        if self.default_action is not None and self.default_action not in INCIDENT_ACTIONS:
            raise ValueError(f"WebhookMapping.default_action must be one of {INCIDENT_ACTIONS}")


def read_mapped(raw: dict[str, Any], mapping: WebhookMapping) -> WebhookEvent | None:
    """The event `mapping` reads from `raw`; None when none of its incident_id, status and
    title paths finds a value (then the built-in shapes are tried)."""

    def get(path: str | None) -> Any:
        return MISSING if path is None else at_path(raw, path)

    if all(
        get(p) is MISSING or get(p) is None
        for p in (mapping.incident_id, mapping.status, mapping.title)
    ):
        return None
    status = read_word(get(mapping.status), str(mapping.status))
    if status is not None:
        action = action_for(status, mapping.status_words)
    else:
        action = mapping.default_action or UNKNOWN_ACTION
    return WebhookEvent(
        kind="incident",
        action=action,
        format="custom_mapping",
        incident_id=read_id(get(mapping.incident_id), str(mapping.incident_id)),
        monitor_id=read_id(get(mapping.monitor_id), str(mapping.monitor_id)),
        at=read_time(get(mapping.at), str(mapping.at)),
        title=read_text(get(mapping.title), str(mapping.title)),
        cause=read_text(get(mapping.cause), str(mapping.cause)),
        event_name=status,
        raw=raw,
    )
