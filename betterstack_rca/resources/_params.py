"""Query and path values, validated before any request is built."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

from dateutil import parser as dateparser

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


#: The path segment before an id in Better Stack's web app (and the API), by kind of id:
#: https://uptime.betterstack.com/team/12345/incidents/410002025 is incident 410002025.
URL_SEGMENTS = {
    "incident": "incidents",
    "monitor": "monitors",
    "heartbeat": "heartbeats",
    "status_page": "status-pages",
}
#: Hosts of the web app and the API (and of the product's former name), and their subdomains.
_WEB_HOSTS = ("betterstack.com", "betteruptime.com")


def is_plain_id(value: object) -> bool:
    """The one id rule (the client's, the report's and the webhook receiver's): an int >= 0
    or letters, digits, ``-`` and ``_``, at most 64, starting with a letter or digit. Such
    an id is safe in a URL path and as a folder name."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def ident(value: object, name: str) -> str:
    """A path-safe Better Stack id (ids come as ints or digit strings; `default` for on-call):
    `is_plain_id` once surrounding blanks are gone.

    For the kinds of `URL_SEGMENTS` (``incident_id``, ``monitor_id``, ``heartbeat_id``,
    ``status_page_id``) a Better Stack URL of that kind is accepted too (see `parse_id`)."""
    if isinstance(value, str):
        value = value.strip()
    if is_plain_id(value):
        return str(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        raise ValueError(f"{name} must be a Better Stack id, got {value!r}")
    kind = name.removesuffix("_id")
    if isinstance(value, str) and kind in URL_SEGMENTS and "://" in value:
        return _id_from_url(value, kind, name)
    raise ValueError(
        f"{name} must be a Better Stack id such as '123456' (letters, digits, '-' or '_'), "
        f"got {value!r}"
    )


def parse_id(value: object, kind: str = "incident") -> str:
    """The id of a Better Stack incident, monitor, heartbeat or status page (`kind`) as the API
    wants it: the library's one id parser (the client's methods, ``bundle()``, the CLI and the
    agents' tools all take ids through it).

    Takes an id (``410002025``, ``"410002025"``) or the address of its page in Better Stack,
    e.g. ``https://uptime.betterstack.com/team/12345/incidents/410002025`` (with or without a
    tail such as ``/timeline``, a query or a fragment; the API's ``.../api/v3/incidents/<id>``
    and the former betteruptime.com host too); raises ``ValueError`` for anything else.
    """
    if kind not in URL_SEGMENTS:
        raise ValueError(f"kind must be one of {sorted(URL_SEGMENTS)}, got {kind!r}")
    return ident(value, f"{kind}_id")


def parse_incident_ref(value: object) -> str:
    """``parse_id(value, "incident")``: the name the agents' tools use."""
    return parse_id(value, "incident")


def _id_from_url(url: str, kind: str, name: str) -> str:
    segment = URL_SEGMENTS[kind]
    expected = (
        f"{name} must be a Better Stack id or the URL of {'an' if kind[0] in 'aeiou' else 'a'} "
        f"{kind.replace('_', ' ')} in Better Stack "
        f"(https://uptime.betterstack.com/team/<team>/{segment}/<id>), got {url[:120]!r}"
    )
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise ValueError(expected) from None
    if parts.scheme not in ("http", "https") or not any(
        host == h or host.endswith("." + h) for h in _WEB_HOSTS
    ):
        raise ValueError(expected)
    path = [p for p in parts.path.split("/") if p]
    for i in range(len(path) - 2, -1, -1):
        if path[i] == segment and _ID.fullmatch(path[i + 1]):
            return path[i + 1]
    raise ValueError(expected)


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be timezone-aware (e.g. datetime(..., tzinfo=timezone.utc)), "
            f"got naive {value.isoformat()}"
        )
    return value.astimezone(timezone.utc)


def to_datetime(value: object, name: str) -> datetime | date:
    """A date, an aware datetime, or an ISO string of either."""
    if isinstance(value, datetime):
        return _aware(value, name)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _DATE_ONLY.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        else:
            try:
                parsed = dateparser.isoparse(text)
            except (ValueError, OverflowError):
                pass
            else:
                return _aware(parsed, name)
    raise ValueError(
        f"{name} must be a date, an aware datetime or an ISO-8601 string, got {value!r}"
    )


def day(value: object, name: str) -> str:
    """YYYY-MM-DD, as Better Stack's `from`/`to` filters expect (UTC day of a datetime)."""
    parsed = to_datetime(value, name)
    if isinstance(parsed, datetime):
        parsed = parsed.date()
    return parsed.isoformat()


def instant(value: object, name: str) -> str:
    """An ISO-8601 date or UTC date-time (on-call `date=` accepts both)."""
    parsed = to_datetime(value, name)
    if isinstance(parsed, datetime):
        return parsed.isoformat().replace("+00:00", "Z")
    return parsed.isoformat()


def flag(value: object, name: str) -> str:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return "true" if value else "false"


def text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def query(**values: str | None) -> dict[str, str]:
    """Drop the unset ones."""
    return {k: v for k, v in values.items() if v is not None}
