"""Resource families: one short method per Better Stack read endpoint.

Each method is defined once (see `betterstack_rca._core.endpoints`) and serves both clients.
"""

from __future__ import annotations

from typing import Generic

from betterstack_rca._core.endpoints import E
from betterstack_rca.resources._params import parse_id
from betterstack_rca.resources.heartbeats import HeartbeatGroups, Heartbeats
from betterstack_rca.resources.incidents import Incidents
from betterstack_rca.resources.integrations import (
    EmailIntegrations,
    IncomingWebhooks,
    OutgoingWebhooks,
)
from betterstack_rca.resources.monitors import MonitorGroups, Monitors
from betterstack_rca.resources.oncall import OnCall
from betterstack_rca.resources.policies import MetadataResource, Policies, Severities
from betterstack_rca.resources.status_pages import StatusPages

__all__ = [
    "EmailIntegrations",
    "HeartbeatGroups",
    "Heartbeats",
    "Incidents",
    "IncomingWebhooks",
    "MetadataResource",
    "MonitorGroups",
    "Monitors",
    "OnCall",
    "OutgoingWebhooks",
    "Policies",
    "ResourceSet",
    "Severities",
    "StatusPages",
    "parse_id",
]


class ResourceSet(Generic[E]):
    """Every resource family, bound to one executor (sync or async)."""

    _executor: E
    incidents: Incidents[E]
    monitors: Monitors[E]
    monitor_groups: MonitorGroups[E]
    heartbeats: Heartbeats[E]
    heartbeat_groups: HeartbeatGroups[E]
    on_call: OnCall[E]
    policies: Policies[E]
    severities: Severities[E]
    metadata: MetadataResource[E]
    status_pages: StatusPages[E]
    outgoing_webhooks: OutgoingWebhooks[E]
    email_integrations: EmailIntegrations[E]
    incoming_webhooks: IncomingWebhooks[E]

    def _attach(self, executor: E) -> None:
        self._executor = executor
        self.incidents = Incidents(executor)
        self.monitors = Monitors(executor)
        self.monitor_groups = MonitorGroups(executor)
        self.heartbeats = Heartbeats(executor)
        self.heartbeat_groups = HeartbeatGroups(executor)
        self.on_call = OnCall(executor)
        self.policies = Policies(executor)
        self.severities = Severities(executor)
        self.metadata = MetadataResource(executor)
        self.status_pages = StatusPages(executor)
        self.outgoing_webhooks = OutgoingWebhooks(executor)
        self.email_integrations = EmailIntegrations(executor)
        self.incoming_webhooks = IncomingWebhooks(executor)
