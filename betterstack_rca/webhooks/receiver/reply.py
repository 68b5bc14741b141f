"""`Reply`: raised anywhere in the handling of a request to answer it at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from betterstack_rca.webhooks.event import WebhookEvent

__all__ = ["Reply"]


class Reply(Exception):
    """Raised inside request handling to answer with a status and a JSON body."""

    def __init__(
        self,
        status: int,
        body: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
        *,
        event: WebhookEvent | None = None,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = dict(body)
        self.headers = dict(headers or {})
        self.event = event
