"""Document parsers: turn a whole response body into models.

These raise only ``ValueError`` subclasses (:class:`DocumentShapeError` or pydantic's
``ValidationError``) so the HTTP layer can wrap any bad body into ``ResponseParseError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from ._base import DocumentShapeError, JsonApiResource, describe
from .incidents import Timeline, TimelineItem
from .oncall import OnCallEvent, Rotation

__all__ = [
    "included_resources",
    "parse_many",
    "parse_on_call_events",
    "parse_one",
    "parse_rotation",
    "parse_timeline",
]

M = TypeVar("M", bound=JsonApiResource)


def _document(body: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise DocumentShapeError(f"expected an object with {what!r}, got {describe(body)}")
    if what not in body:
        raise DocumentShapeError(f"expected an object with {what!r}, got {describe(body)}")
    return body


def included_resources(body: Any) -> list[Mapping[str, Any]]:
    """The document's ``included`` as a list: Better Stack sends an object, a list or nothing."""
    if not isinstance(body, Mapping):
        return []
    included = body.get("included")
    if included is None:
        return []
    if isinstance(included, Mapping):
        # Single incident: `included` is the monitor object itself, not a list.
        return [included]
    if not isinstance(included, list):
        raise DocumentShapeError(
            f"expected 'included' to be an object or a list, got {describe(included)}"
        )
    for index, obj in enumerate(included):
        if not isinstance(obj, Mapping):
            raise DocumentShapeError(
                f"expected 'included[{index}]' to be an object, got {describe(obj)}"
            )
    return included


def _data_list(body: Any, key: str = "data") -> list[Any]:
    doc = _document(body, key)
    data = doc[key]
    if not isinstance(data, list):
        raise DocumentShapeError(f"expected {key!r} to be a list, got {describe(data)}")
    return data


def parse_one(model_cls: type[M], body: Any) -> M:
    """Parse ``{"data": {...}, "included": ...}`` into one ``model_cls``."""
    doc = _document(body, "data")
    data = doc["data"]
    if not isinstance(data, Mapping):
        raise DocumentShapeError(f"expected 'data' to be an object, got {describe(data)}")
    return model_cls.from_resource(data, included_resources(doc))


def parse_many(model_cls: type[M], body: Any) -> list[M]:
    """Parse ``{"data": [...], "included": [...]}`` into a list of ``model_cls``."""
    data = _data_list(body)
    included = included_resources(body)
    return [model_cls.from_resource(obj, included) for obj in data]


def parse_timeline(body: Any) -> Timeline:
    """Parse an incident timeline document; the truncation marker becomes a flag."""
    items = [TimelineItem.from_resource(obj) for obj in _data_list(body)]
    return Timeline.from_items(items)


def parse_on_call_events(body: Any) -> list[OnCallEvent]:
    """Parse ``{"events": [...]}`` (the documented key; ``data`` is tolerated too)."""
    key = "events" if isinstance(body, Mapping) and "events" in body else "data"
    if isinstance(body, Mapping) and key not in body:
        raise DocumentShapeError(f"expected an object with 'events', got {describe(body)}")
    if not isinstance(body, Mapping):
        raise DocumentShapeError(f"expected an object with 'events', got {describe(body)}")
    events = _data_list(body, key)
    result: list[OnCallEvent] = []
    for event in events:
        # A JSON:API-style item (seen in a third-party fixture) is flattened first.
        flat = (
            JsonApiResource.flatten(event)
            if isinstance(event, Mapping) and "attributes" in event
            else event
        )
        result.append(OnCallEvent.model_validate(flat))
    return result


def parse_rotation(body: Any) -> Rotation:
    """Parse the rotation's bare object (a JSON:API ``{"data": {...}}`` is tolerated too)."""
    if not isinstance(body, Mapping):
        raise DocumentShapeError(f"expected a rotation object, got {describe(body)}")
    if isinstance(body.get("data"), Mapping) and "users" not in body:
        return Rotation.model_validate(JsonApiResource.flatten(body["data"]))
    return Rotation.model_validate(body)
