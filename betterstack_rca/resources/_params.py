"""Query and path values, validated before any request is built."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

from dateutil import parser as dateparser

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    """A path-safe Better Stack id (ids come as ints or digit strings; `default` for on-call)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{name} must be a Better Stack id, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{name} must be a Better Stack id, got {value!r}")
        return str(value)
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        return value.strip()
    raise ValueError(
        f"{name} must be a Better Stack id such as '123456' (letters, digits, '-' or '_'), "
        f"got {value!r}"
    )


def parse_ref(value: object, segment: str, name: str) -> str:
    """An id, or the id that follows ``/<segment>/`` in a Better Stack URL (the web app's or
    the API's, with or without a tail such as ``/timeline``, a query or a fragment)."""
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        text = value.strip()
        try:
            segments = [s for s in urlsplit(text).path.split("/") if s]
        except ValueError:
            segments = []
        for at, found in enumerate(segments[:-1]):
            if found == segment and _ID.fullmatch(segments[at + 1]):
                return segments[at + 1]
        raise ValueError(
            f"{name} must be an id such as '123456' or a Better Stack URL with "
            f"/{segment}/<id> in it; found no id in {text[:120]!r}"
        )
    return ident(value, name)


def parse_incident_ref(value: object, name: str = "incident_id") -> str:
    """An incident id from an id (``410002054``, ``"410002054"``) or a Better Stack incident
    URL, as the web app shows it (``https://uptime.betterstack.com/team/12/incidents/410002054``)
    or as the API has it (``.../api/v3/incidents/410002054``)."""
    return parse_ref(value, "incidents", name)


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
