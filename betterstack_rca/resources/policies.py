"""Escalation policies (v3), severities (v2 "urgencies") and metadata (v3)."""

from __future__ import annotations

from functools import partial

from betterstack_rca._core.endpoints import Call, E, Resource, endpoint, paged
from betterstack_rca._core.pagination import PagedCall
from betterstack_rca.models import Metadata, Policy, Severity, parse_many, parse_one
from betterstack_rca.resources._params import ident, query, text

#: Owner types the metadata endpoint documents (others are passed through as given).
METADATA_OWNER_TYPES = (
    "Monitor",
    "Heartbeat",
    "Incident",
    "WebhookIntegration",
    "EmailIntegration",
    "IncomingWebhook",
    "CallRouting",
)


class Policies(Resource[E]):
    """`/api/v3/policies`"""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[Policy]:
        return PagedCall("/api/v3/policies", {}, partial(parse_many, Policy), 250, max_items)

    @endpoint
    def get(self, policy_id: int | str) -> Call[Policy]:
        """A policy with its typed steps (escalation, time branching, ...)."""
        return Call(
            f"/api/v3/policies/{ident(policy_id, 'policy_id')}", {}, partial(parse_one, Policy)
        )


class Severities(Resource[E]):
    """`/api/v2/urgencies` (severities are called urgencies in the API)."""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[Severity]:
        return PagedCall("/api/v2/urgencies", {}, partial(parse_many, Severity), 250, max_items)

    @endpoint
    def get(self, severity_id: int | str) -> Call[Severity]:
        return Call(
            f"/api/v2/urgencies/{ident(severity_id, 'severity_id')}",
            {},
            partial(parse_one, Severity),
        )


class MetadataResource(Resource[E]):
    """`/api/v3/metadata`"""

    @paged
    def list(
        self,
        *,
        owner_type: str | None = None,
        owner_id: int | str | None = None,
        max_items: int | None = None,
    ) -> PagedCall[Metadata]:
        """Metadata records, usually of one owner (`owner_type="Monitor", owner_id=...`)."""
        params = query(
            owner_type=None if owner_type is None else text(owner_type, "owner_type"),
            owner_id=None if owner_id is None else ident(owner_id, "owner_id"),
        )
        return PagedCall("/api/v3/metadata", params, partial(parse_many, Metadata), 250, max_items)
