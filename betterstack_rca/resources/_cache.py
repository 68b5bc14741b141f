"""What the client's read cache (`_core/cache.py`) may keep, path by path.

- Configuration (monitors, groups and their members, heartbeats, policies, severities,
  calendars and their events, status pages with their sections, resources and reports,
  integrations, metadata): kept for the TTL.
- Incidents: a listing is kept, and a complete one answers narrower listings (fewer days,
  one monitor or heartbeat, resolved or acknowledged only), trimmed by the cache. One
  incident's details are kept only once it is resolved; its timeline and comments only once
  an answer showed it resolved. An open incident is always asked afresh.
- Figures (response times, SLA, availability): never kept; they move by the minute.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from typing import Any

from betterstack_rca._core.cache import Listing, Rule

_CONFIG = re.compile(
    r"/api/v[23]/(monitors|monitor-groups|heartbeats|heartbeat-groups|on-calls|policies"
    r"|urgencies|metadata|status-pages|outgoing-webhooks|email-integrations"
    r"|incoming-webhooks)(/.*)?"
)
_FIGURES = re.compile(
    r"/api/v2/(monitors/[^/]+/(response-times|sla)|heartbeats/[^/]+/availability)"
)
_INCIDENTS = re.compile(r"/api/v[23]/incidents")
_INCIDENT = re.compile(r"/api/v[23]/incidents/([^/]+)")
_INCIDENT_PART = re.compile(r"/api/v[23]/incidents/([^/]+)/(timeline|comments)")


def _attributes(item: Any) -> dict[str, Any]:
    attrs = item.get("attributes") if isinstance(item, dict) else None
    return attrs if isinstance(attrs, dict) else {}


def _started_day(item: Any) -> date | None:
    value = _attributes(item).get("started_at")
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return at.astimezone(timezone.utc).date()


def _source(kind: str) -> Callable[[Any, str], bool]:
    def test(item: Any, value: str) -> bool:
        rel = item.get("relationships") if isinstance(item, dict) else None
        data = rel.get(kind, {}).get("data") if isinstance(rel, dict) else None
        if isinstance(data, dict) and data.get("id") is not None:
            return str(data["id"]) == value
        return str(_attributes(item).get(f"{kind}_id")) == value

    return test


def _happened(field: str) -> Callable[[Any, str], bool]:
    def test(item: Any, value: str) -> bool:
        return (_attributes(item).get(field) is not None) == (value == "true")

    return test


def _attribute(name: str) -> Callable[[Any, str], bool]:
    def test(item: Any, value: str) -> bool:
        return str(_attributes(item).get(name)) == value

    return test


def _resolved_ids(body: Any) -> Iterable[str]:
    data = body.get("data") if isinstance(body, dict) else None
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict) and _attributes(item).get("resolved_at"):
            yield f"incident:{item.get('id')}"


def _resolved(body: Any) -> bool:
    return any(True for _ in _resolved_ids(body))


_INCIDENT_LISTING = Rule(
    settles=_resolved_ids,
    listing=Listing(
        days=("from", "to"),
        item_day=_started_day,
        filters={
            "monitor_id": _source("monitor"),
            "heartbeat_id": _source("heartbeat"),
            "resolved": _happened("resolved_at"),
            "acknowledged": _happened("acknowledged_at"),
        },
    ),
)
_METADATA = Rule(
    listing=Listing(
        filters={"owner_type": _attribute("owner_type"), "owner_id": _attribute("owner_id")}
    )
)
_CONFIG_RULE = Rule(listing=Listing())
_INCIDENT_RULE = Rule(keep=_resolved, settles=_resolved_ids)


class BetterStackCachePolicy:
    """The `CachePolicy` of Better Stack's paths (see the module docstring)."""

    def rule(self, path: str) -> Rule | None:
        if _FIGURES.fullmatch(path):
            return None
        if path == "/api/v3/metadata":
            return _METADATA
        if _CONFIG.fullmatch(path):
            return _CONFIG_RULE
        if _INCIDENTS.fullmatch(path):
            return _INCIDENT_LISTING
        part = _INCIDENT_PART.fullmatch(path)
        if part:
            return Rule(after=f"incident:{part.group(1)}")
        if _INCIDENT.fullmatch(path):
            return _INCIDENT_RULE
        return None


CACHE_POLICY = BetterStackCachePolicy()
