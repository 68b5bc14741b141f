"""Shared model machinery: one config, tolerant scalar types, the JSON:API flattening.

Better Stack documents a JSON:API envelope but bends it in places (ids as int or str,
``included`` as an object or a list, policy ``steps`` beside ``attributes``); the
helpers here absorb those quirks once so every resource model stays declarative.
See https://betterstack.com/docs/uptime/api/getting-started-with-uptime-api/
"""

from __future__ import annotations

import builtins
import contextlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import SchemaValidator, core_schema

__all__ = [
    "BASE_CONFIG",
    "BetterStackModel",
    "DocumentShapeError",
    "Id",
    "JsonApiResource",
    "LaxStr",
    "OpenEnum",
    "UTCDateTime",
]

BASE_CONFIG = ConfigDict(extra="allow", populate_by_name=True, use_attribute_docstrings=True)


class DocumentShapeError(ValueError):
    """A response body does not have the shape the endpoint documents."""


def describe(value: Any) -> str:
    """A short, safe name for what a JSON value is (for error messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        keys = sorted(str(k)[:40] for k in value)[:8]
        return f"an object with keys {keys}" if keys else "an empty object"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


# --- ids -------------------------------------------------------------------------------


def _coerce_id(value: Any) -> str:
    # Better Stack sends ids as strings in `data` but as ints in many foreign keys
    # (heartbeat_group_id, status_page_id, policy_id inside steps): always a str here.
    if isinstance(value, bool):
        raise ValueError("an id must be a string or an integer, not a boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("an id must not be empty")
        return value
    raise ValueError(f"an id must be a string or an integer, got {describe(value)}")


Id = Annotated[str, BeforeValidator(_coerce_id)]
"""An identifier: accepts int or str, always a non-empty ``str``."""


def same_id(a: Any, b: Any) -> bool:
    """Whether two raw JSON ids name the same thing (``123 == "123"``)."""
    try:
        return _coerce_id(a) == _coerce_id(b)
    except ValueError:
        return bool(a == b)


def optional_id(value: Any) -> str | None:
    """A raw id as ``str``, or ``None`` when it is missing or not an id at all."""
    try:
        return _coerce_id(value)
    except ValueError:
        return None


def _number_to_str(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


LaxStr = Annotated[str, BeforeValidator(_number_to_str)]
"""A string that the API sometimes sends as a number (ports, metadata values)."""


# --- datetimes -------------------------------------------------------------------------

_UTC_SUFFIX = re.compile(r"\s*(?:UTC|GMT)$", re.IGNORECASE)


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        # Better Stack's timestamps are UTC; a naive one is read as UTC, never local time.
        return value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except (OverflowError, ValueError) as exc:
        raise ValueError(f"datetime out of range after conversion to UTC: {value!r}") from exc


_NATIVE_DATETIME: SchemaValidator = SchemaValidator(core_schema.datetime_schema())


def _lenient_datetime(value: Any) -> datetime:
    # Only what native parsing refused gets here: timeline ids and some docs write
    # "2021-02-12 23:59:59 UTC" (pydantic wants an offset), some values carry blanks.
    if isinstance(value, str):
        stripped = value.strip()
        if _UTC_SUFFIX.search(stripped):
            stripped = _UTC_SUFFIX.sub("", stripped) + "+00:00"
        value = stripped
    try:
        parsed: datetime = _NATIVE_DATETIME.validate_python(value)
    except ValidationError as exc:
        raise ValueError(exc.errors()[0]["msg"]) from None
    return parsed


class _UTCDateTimeSchema:
    """The schema of `UTCDateTime`: pydantic-core parses the value natively (ISO 8601, Unix
    timestamps, datetime objects); only a value it refuses tries the lenient spellings (a
    `UTC` suffix, surrounding blanks) in Python. One Python call per value remains: the
    conversion to `timezone.utc` (pydantic-core's own UTC offset is a different tzinfo)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        parsed = core_schema.union_schema(
            [
                core_schema.datetime_schema(),
                core_schema.no_info_plain_validator_function(_lenient_datetime),
            ],
            mode="left_to_right",
            custom_error_type="utc_datetime_parsing",
            custom_error_message=(
                "Input should be a valid datetime (ISO 8601, a Unix timestamp, "
                "or 'YYYY-MM-DD HH:MM:SS UTC')"
            ),
        )
        return core_schema.no_info_after_validator_function(_to_utc, parsed)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(core_schema.datetime_schema())


UTCDateTime = Annotated[datetime, _UTCDateTimeSchema()]
"""A timezone-aware datetime normalised to UTC (naive input is assumed to be UTC)."""


_UTC_ADAPTER: TypeAdapter[datetime] = TypeAdapter(UTCDateTime)


def to_utc(value: Any) -> datetime:
    """Parse anything :data:`UTCDateTime` accepts (for callers outside a model)."""
    return _UTC_ADAPTER.validate_python(value)


# --- open enums ------------------------------------------------------------------------


class OpenEnum(str, Enum):
    """Base of the library's enums.

    Fields use them as ``Annotated[X | str, Field(union_mode="left_to_right")]``: a known
    value becomes the member, an unknown one survives as the plain string.
    """

    def __str__(self) -> str:
        return str(self.value)


# --- JSON helpers ----------------------------------------------------------------------


def relationship_data(relationships: Any, name: str) -> Any:
    """``relationships[name]["data"]`` or ``None``, whatever the shape."""
    if not isinstance(relationships, Mapping):
        return None
    rel = relationships.get(name)
    if not isinstance(rel, Mapping):
        return None
    return rel.get("data")


def relationship_id(relationships: Any, name: str) -> str | None:
    """The id of a to-one relationship, or ``None``."""
    data = relationship_data(relationships, name)
    if isinstance(data, Mapping):
        return optional_id(data.get("id"))
    return None


def relationship_refs(relationships: Any, name: str) -> list[Mapping[str, Any]]:
    """The resource identifiers of a to-many (or to-one) relationship."""
    data = relationship_data(relationships, name)
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list):
        return []
    return [ref for ref in data if isinstance(ref, Mapping) and optional_id(ref.get("id"))]


def find_included(
    included: Sequence[Mapping[str, Any]], types: Iterable[str], id_: Any
) -> Mapping[str, Any] | None:
    """The included resource object with one of ``types`` and id ``id_``."""
    wanted = set(types)
    for obj in included:
        type_ = obj.get("type")
        if (type_ is None or (isinstance(type_, str) and type_ in wanted)) and same_id(
            obj.get("id"), id_
        ):
            return obj
    return None


def parse_json_object(text: Any) -> dict[str, Any] | None:
    """``text`` parsed as a JSON object, or ``None`` when it is not one."""
    if isinstance(text, Mapping):
        return dict(text)
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


# --- models ----------------------------------------------------------------------------


# An ISO-8601 date-time (a date, then a time): what an undeclared ``*_at`` field is turned
# into a datetime from. Numbers and bare dates stay as sent.
_ISO_DATETIME = re.compile(r"\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


class BetterStackModel(BaseModel):
    """Base of every model: unknown fields are kept, field docstrings become descriptions.

    An unknown field named ``*_at`` that holds an ISO-8601 date-time becomes an aware UTC
    datetime like the declared ones (Better Stack adds timestamps to resources over time);
    anything unparseable stays as it came.
    """

    model_config = BASE_CONFIG

    @model_validator(mode="after")
    def _undeclared_times_are_utc(self) -> BetterStackModel:
        extra = self.__pydantic_extra__
        if extra:
            for key, value in extra.items():
                if key.endswith("_at") and isinstance(value, str) and _ISO_DATETIME.match(value):
                    with contextlib.suppress(ValueError):  # not one after all: keep the text
                        extra[key] = to_utc(value)
        return self


R = TypeVar("R", bound="JsonApiResource")

# Keys of a resource object that describe the object itself: they win over an attribute
# of the same name, which then moves to ``attributes_<key>`` (comments carry an int
# ``attributes.id`` beside the string ``data.id``).
_STRUCTURAL_KEYS = ("id", "type", "relationships")


class JsonApiResource(BetterStackModel):
    """A JSON:API resource object with its ``attributes`` flattened into fields."""

    api_types: ClassVar[tuple[str, ...]] = ()
    """The JSON:API ``type`` values this model stands for."""
    type_aliases: ClassVar[Mapping[str, str]] = {}
    """Misspelt ``type`` values seen in the docs, mapped to the real one."""

    id: Id
    """The resource id (always a string)."""
    type: str = ""
    """The JSON:API resource type, e.g. ``"incident"``."""
    relationships: dict[str, Any] = Field(default_factory=dict)
    """The raw JSON:API relationships, kept as sent."""

    @field_validator("relationships", mode="before")
    @classmethod
    def _null_relationships(cls, value: Any) -> Any:
        return {} if value is None else value

    @classmethod
    def flatten(cls, obj: Any) -> dict[str, Any]:
        """Merge a resource object's ``attributes`` with the keys beside it.

        Nothing is dropped: ``links``/``meta`` and quirk keys such as v2 policy ``steps``
        (which sit beside ``attributes``) are merged in; an attribute that collides with
        ``id``/``type``/``relationships`` and differs is kept as ``attributes_<key>``; a
        beside key that differs from the attribute of the same name is kept as
        ``resource_<key>``.
        """
        if not isinstance(obj, Mapping):
            raise DocumentShapeError(f"expected a resource object, got {describe(obj)}")
        attributes = obj.get("attributes")
        if attributes is None:
            attributes = {}
        if not isinstance(attributes, Mapping):
            raise DocumentShapeError(
                f"expected 'attributes' to be an object, got {describe(attributes)}"
            )
        flat: dict[str, Any] = {str(k): v for k, v in obj.items() if k != "attributes"}
        if not (flat.keys() & attributes.keys()):
            # the usual case, nothing collides (a list has 250 of these): one C-level merge,
            # which refuses a key that is not a string (those go the careful way below)
            try:
                return dict(flat, **attributes)
            except TypeError:
                pass
        for raw_key, value in attributes.items():
            key = str(raw_key)
            if key not in flat:
                flat[key] = value
            elif key in _STRUCTURAL_KEYS:
                if not (value == flat[key] or (key == "id" and same_id(value, flat[key]))):
                    flat[f"attributes_{key}"] = value
            else:
                beside = flat[key]
                flat[key] = value
                if beside != value:
                    flat[f"resource_{key}"] = beside
        return flat

    @classmethod
    def prepare(cls, flat: dict[str, Any], included: Sequence[Mapping[str, Any]]) -> None:
        """Hook: resolve relationships/included into ``flat`` before validation.

        Implementations must only raise ``ValueError`` (the document parsers promise it).
        """

    @classmethod
    def from_resource(
        cls: builtins.type[R], obj: Any, included: Sequence[Mapping[str, Any]] = ()
    ) -> R:
        """Build the model from one JSON:API resource object (plus the document's included)."""
        flat = cls.flatten(obj)
        type_ = flat.get("type")
        if isinstance(type_, str) and type_ in cls.type_aliases:
            flat["type"] = cls.type_aliases[type_]
        cls.prepare(flat, included)
        return cls.model_validate(flat)


class AlertSettings(BetterStackModel):
    """How responders are alerted (monitors, heartbeats, integrations, severities)."""

    call: bool | None = None
    """Alert by phone call."""
    sms: bool | None = None
    """Alert by SMS."""
    email: bool | None = None
    """Alert by e-mail."""
    push: bool | None = None
    """Alert by push notification."""
    critical_alert: bool | None = None
    """Push alerts bypass the phone's mute (critical alert)."""


class MaintenanceSettings(BetterStackModel):
    """A daily maintenance window (monitors and heartbeats): no alerts inside it."""

    maintenance_from: str | None = None
    """Start of the daily window, "HH:MM:SS" in `maintenance_timezone`."""
    maintenance_to: str | None = None
    """End of the daily window, "HH:MM:SS"."""
    maintenance_timezone: str | None = None
    """Time zone name as Better Stack writes it (e.g. "Amsterdam")."""
    maintenance_days: list[str] | None = None
    """Days the window applies to ("mon" ... "sun")."""
