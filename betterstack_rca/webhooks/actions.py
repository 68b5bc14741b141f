"""What an event says happened: the incident and monitor actions, and the status words of
custom templates ("New", "ACK", "closed", ...) that map onto incident actions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

__all__ = [
    "BUNDLE_ACTIONS",
    "CHANGED_ACTION",
    "INCIDENT_ACTIONS",
    "MONITOR_ACTIONS",
    "STATUS_WORDS",
    "UNKNOWN_ACTION",
    "normalise_status",
    "normalise_word",
]

#: The action of an event that says an incident changed but not how (the legacy incident
#: webhook, `{"id", "team_id", "type": "incident"}`): worth a fresh bundle all the same.
CHANGED_ACTION: Final = "changed"
INCIDENT_ACTIONS: Final = frozenset(
    {"started", "acknowledged", "resolved", "reopened", "comment", CHANGED_ACTION}
)
MONITOR_ACTIONS: Final = frozenset({"created", "updated", "paused", "unpaused", "deleted"})
#: Incident actions after which a bundle is worth (re)collecting.
BUNDLE_ACTIONS: Final = frozenset(
    {"started", "acknowledged", "resolved", "reopened", CHANGED_ACTION}
)
#: The action of an event whose body says nothing about what happened.
UNKNOWN_ACTION: Final = "unknown"

#: Status words (normalised: case-folded, spaces and hyphens as "_") -> incident action.
STATUS_WORDS: Final[Mapping[str, str]] = {
    **dict.fromkeys(
        ("started", "start", "new", "triggered", "trigger", "open", "opened", "down", "created"),
        "started",
    ),
    **dict.fromkeys(("acknowledged", "acknowledge", "ack", "acked"), "acknowledged"),
    **dict.fromkeys(
        ("resolved", "resolve", "closed", "close", "recovered", "recover", "up", "ok"),
        "resolved",
    ),
    **dict.fromkeys(("reopened", "reopen", "re_opened"), "reopened"),
    **dict.fromkeys(("comment", "commented", "comment_added"), "comment"),
}

_WORD_SEP_RE = re.compile(r"[\s\-]+")


def normalise_word(word: str) -> str:
    """Case-folded, stripped, runs of spaces and hyphens as "_" ("Re-opened" -> "re_opened")."""
    return _WORD_SEP_RE.sub("_", word.strip().casefold())


def normalise_status(word: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The incident action a status word means (`STATUS_WORDS`, case-insensitive), or None.

    `extra` (already-normalised words -> action, e.g. `WebhookMapping.status_words`) wins.
    """
    key = normalise_word(word)
    if extra and key in extra:
        return extra[key]
    return STATUS_WORDS.get(key)
