"""Where alerts go: outgoing webhooks, email integrations, incoming webhooks (v2)."""

from __future__ import annotations

from functools import partial

from betterstack_rca._core.endpoints import Call, E, Resource, endpoint, paged
from betterstack_rca._core.pagination import PagedCall
from betterstack_rca.models import (
    EmailIntegration,
    IncomingWebhook,
    OutgoingWebhook,
    parse_many,
    parse_one,
)
from betterstack_rca.resources._params import ident


class OutgoingWebhooks(Resource[E]):
    """`/api/v2/outgoing-webhooks` (template credentials come back: redact before sharing)."""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[OutgoingWebhook]:
        return PagedCall(
            "/api/v2/outgoing-webhooks", {}, partial(parse_many, OutgoingWebhook), 250, max_items
        )

    @endpoint
    def get(self, webhook_id: int | str) -> Call[OutgoingWebhook]:
        return Call(
            f"/api/v2/outgoing-webhooks/{ident(webhook_id, 'webhook_id')}",
            {},
            partial(parse_one, OutgoingWebhook),
        )


class EmailIntegrations(Resource[E]):
    """`/api/v2/email-integrations`"""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[EmailIntegration]:
        return PagedCall(
            "/api/v2/email-integrations",
            {},
            partial(parse_many, EmailIntegration),
            250,
            max_items,
        )


class IncomingWebhooks(Resource[E]):
    """`/api/v2/incoming-webhooks`"""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[IncomingWebhook]:
        return PagedCall(
            "/api/v2/incoming-webhooks", {}, partial(parse_many, IncomingWebhook), 250, max_items
        )
