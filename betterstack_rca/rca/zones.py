"""Time zones as Better Stack names them: Rails/ActiveSupport zone names mapped to IANA.

``maintenance_timezone`` (monitors, heartbeats) and the ``timezone`` of time-branching
policy steps take ActiveSupport names such as "Eastern Time (US & Canada)", not IANA names
(BetterStackHQ/terraform-provider-better-uptime, docs/resources/betteruptime_monitor.md).
An unknown name gives ``None``: no arithmetic, never a silent UTC. The zone data comes from
the ``tzdata`` package where the OS has none.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: ActiveSupport::TimeZone::MAPPING (Rails 7.x), with the older spelling "Kyev"; canonical
#: IANA names where tzdata renamed (Nuuk, Kyiv, Yangon).
RAILS_ZONES: dict[str, str] = {
    "International Date Line West": "Etc/GMT+12",
    "Midway Island": "Pacific/Midway",
    "American Samoa": "Pacific/Pago_Pago",
    "Hawaii": "Pacific/Honolulu",
    "Alaska": "America/Juneau",
    "Pacific Time (US & Canada)": "America/Los_Angeles",
    "Tijuana": "America/Tijuana",
    "Mountain Time (US & Canada)": "America/Denver",
    "Arizona": "America/Phoenix",
    "Chihuahua": "America/Chihuahua",
    "Mazatlan": "America/Mazatlan",
    "Central Time (US & Canada)": "America/Chicago",
    "Saskatchewan": "America/Regina",
    "Guadalajara": "America/Mexico_City",
    "Mexico City": "America/Mexico_City",
    "Monterrey": "America/Monterrey",
    "Central America": "America/Guatemala",
    "Eastern Time (US & Canada)": "America/New_York",
    "Indiana (East)": "America/Indiana/Indianapolis",
    "Bogota": "America/Bogota",
    "Lima": "America/Lima",
    "Quito": "America/Lima",
    "Atlantic Time (Canada)": "America/Halifax",
    "Caracas": "America/Caracas",
    "La Paz": "America/La_Paz",
    "Santiago": "America/Santiago",
    "Newfoundland": "America/St_Johns",
    "Brasilia": "America/Sao_Paulo",
    "Buenos Aires": "America/Argentina/Buenos_Aires",
    "Montevideo": "America/Montevideo",
    "Georgetown": "America/Guyana",
    "Puerto Rico": "America/Puerto_Rico",
    "Greenland": "America/Nuuk",
    "Mid-Atlantic": "Atlantic/South_Georgia",
    "Azores": "Atlantic/Azores",
    "Cape Verde Is.": "Atlantic/Cape_Verde",
    "Dublin": "Europe/Dublin",
    "Edinburgh": "Europe/London",
    "Lisbon": "Europe/Lisbon",
    "London": "Europe/London",
    "Casablanca": "Africa/Casablanca",
    "Monrovia": "Africa/Monrovia",
    "UTC": "Etc/UTC",
    "Belgrade": "Europe/Belgrade",
    "Bratislava": "Europe/Bratislava",
    "Budapest": "Europe/Budapest",
    "Ljubljana": "Europe/Ljubljana",
    "Prague": "Europe/Prague",
    "Sarajevo": "Europe/Sarajevo",
    "Skopje": "Europe/Skopje",
    "Warsaw": "Europe/Warsaw",
    "Zagreb": "Europe/Zagreb",
    "Brussels": "Europe/Brussels",
    "Copenhagen": "Europe/Copenhagen",
    "Madrid": "Europe/Madrid",
    "Paris": "Europe/Paris",
    "Amsterdam": "Europe/Amsterdam",
    "Berlin": "Europe/Berlin",
    "Bern": "Europe/Zurich",
    "Zurich": "Europe/Zurich",
    "Rome": "Europe/Rome",
    "Stockholm": "Europe/Stockholm",
    "Vienna": "Europe/Vienna",
    "West Central Africa": "Africa/Algiers",
    "Bucharest": "Europe/Bucharest",
    "Cairo": "Africa/Cairo",
    "Helsinki": "Europe/Helsinki",
    "Kyiv": "Europe/Kyiv",
    "Kyev": "Europe/Kyiv",
    "Riga": "Europe/Riga",
    "Sofia": "Europe/Sofia",
    "Tallinn": "Europe/Tallinn",
    "Vilnius": "Europe/Vilnius",
    "Athens": "Europe/Athens",
    "Istanbul": "Europe/Istanbul",
    "Minsk": "Europe/Minsk",
    "Jerusalem": "Asia/Jerusalem",
    "Harare": "Africa/Harare",
    "Pretoria": "Africa/Johannesburg",
    "Kaliningrad": "Europe/Kaliningrad",
    "Moscow": "Europe/Moscow",
    "St. Petersburg": "Europe/Moscow",
    "Volgograd": "Europe/Volgograd",
    "Samara": "Europe/Samara",
    "Kuwait": "Asia/Kuwait",
    "Riyadh": "Asia/Riyadh",
    "Nairobi": "Africa/Nairobi",
    "Baghdad": "Asia/Baghdad",
    "Tehran": "Asia/Tehran",
    "Abu Dhabi": "Asia/Muscat",
    "Muscat": "Asia/Muscat",
    "Baku": "Asia/Baku",
    "Tbilisi": "Asia/Tbilisi",
    "Yerevan": "Asia/Yerevan",
    "Kabul": "Asia/Kabul",
    "Ekaterinburg": "Asia/Yekaterinburg",
    "Islamabad": "Asia/Karachi",
    "Karachi": "Asia/Karachi",
    "Tashkent": "Asia/Tashkent",
    "Chennai": "Asia/Kolkata",
    "Kolkata": "Asia/Kolkata",
    "Mumbai": "Asia/Kolkata",
    "New Delhi": "Asia/Kolkata",
    "Kathmandu": "Asia/Kathmandu",
    "Astana": "Asia/Dhaka",
    "Dhaka": "Asia/Dhaka",
    "Sri Jayawardenepura": "Asia/Colombo",
    "Almaty": "Asia/Almaty",
    "Novosibirsk": "Asia/Novosibirsk",
    "Rangoon": "Asia/Yangon",
    "Bangkok": "Asia/Bangkok",
    "Hanoi": "Asia/Bangkok",
    "Jakarta": "Asia/Jakarta",
    "Krasnoyarsk": "Asia/Krasnoyarsk",
    "Beijing": "Asia/Shanghai",
    "Chongqing": "Asia/Chongqing",
    "Hong Kong": "Asia/Hong_Kong",
    "Urumqi": "Asia/Urumqi",
    "Kuala Lumpur": "Asia/Kuala_Lumpur",
    "Singapore": "Asia/Singapore",
    "Taipei": "Asia/Taipei",
    "Perth": "Australia/Perth",
    "Irkutsk": "Asia/Irkutsk",
    "Ulaanbaatar": "Asia/Ulaanbaatar",
    "Seoul": "Asia/Seoul",
    "Osaka": "Asia/Tokyo",
    "Sapporo": "Asia/Tokyo",
    "Tokyo": "Asia/Tokyo",
    "Yakutsk": "Asia/Yakutsk",
    "Darwin": "Australia/Darwin",
    "Adelaide": "Australia/Adelaide",
    "Canberra": "Australia/Melbourne",
    "Melbourne": "Australia/Melbourne",
    "Sydney": "Australia/Sydney",
    "Brisbane": "Australia/Brisbane",
    "Hobart": "Australia/Hobart",
    "Vladivostok": "Asia/Vladivostok",
    "Guam": "Pacific/Guam",
    "Port Moresby": "Pacific/Port_Moresby",
    "Magadan": "Asia/Magadan",
    "Srednekolymsk": "Asia/Srednekolymsk",
    "Solomon Is.": "Pacific/Guadalcanal",
    "New Caledonia": "Pacific/Noumea",
    "Fiji": "Pacific/Fiji",
    "Kamchatka": "Asia/Kamchatka",
    "Marshall Is.": "Pacific/Majuro",
    "Auckland": "Pacific/Auckland",
    "Wellington": "Pacific/Auckland",
    "Nuku'alofa": "Pacific/Tongatapu",
    "Tokelau Is.": "Pacific/Fakaofo",
    "Chatham Is.": "Pacific/Chatham",
    "Samoa": "Pacific/Apia",
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def iana_name(name: str | None) -> str | None:
    """The IANA name for a Rails zone name (or an IANA name as it is); None if unknown."""
    if not name or not name.strip():
        return None
    text = name.strip()
    mapped = RAILS_ZONES.get(text)
    if mapped is not None:
        return mapped
    lowered = {k.lower(): v for k, v in RAILS_ZONES.items()}.get(text.lower())
    if lowered is not None:
        return lowered
    if "/" in text or text.upper() in ("UTC", "GMT", "ETC/UTC"):
        return text if zone(text) is not None else None
    return None


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo | None:
    """A loaded zone for an IANA name, or None."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def rails_zone(name: str | None) -> ZoneInfo | None:
    """The zone for a Rails (or IANA) zone name; None when it is unknown."""
    iana = iana_name(name)
    return zone(iana) if iana else None


def parse_clock(text: str | None) -> time | None:
    """``"01:02:00"`` or ``"01:02"`` as a time of day; None when it is not one."""
    if not text:
        return None
    parts = text.strip().split(":")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return None
    if not 2 <= len(numbers) <= 3:
        return None
    h, m, s = (*numbers, 0)[:3]
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= s < 60):
        return None
    return time(h, m, s)


def _days(days: list[str] | None) -> set[str]:
    return {d.strip().lower()[:3] for d in days or [] if d}


def in_daily_window(
    at: datetime, start: time, end: time, tz: ZoneInfo, days: list[str] | None
) -> bool:
    """Whether ``at`` lies in a daily window ``[start, end)`` of local time in ``tz`` on one
    of ``days`` (all days when empty). A window across midnight (start > end) covers the
    local evening and the next morning; each part counts on its own local day, as Better
    Stack sets both affected days for an overnight window."""
    local = at.astimezone(tz)
    allowed = _days(days)
    if allowed and WEEKDAYS[local.weekday()] not in allowed:
        return False
    now = local.time().replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def window_edges(
    at: datetime, start: time, end: time, tz: ZoneInfo, days: list[str] | None
) -> list[tuple[datetime, datetime]]:
    """The daily windows (UTC start, UTC end) around ``at``: from the day before to the day
    after, on allowed days; a window across midnight ends on the next local day."""
    local = at.astimezone(tz)
    allowed = _days(days)
    out = []
    for offset in (-1, 0, 1):
        day = (local + timedelta(days=offset)).date()
        if allowed and WEEKDAYS[day.weekday()] not in allowed:
            continue
        lo = datetime.combine(day, start, tzinfo=tz)
        end_day = day + timedelta(days=1) if end <= start else day
        hi = datetime.combine(end_day, end, tzinfo=tz)
        out.append((_utc(lo), _utc(hi)))
    return out


def _utc(local: datetime) -> datetime:
    # a wall time inside a DST gap or overlap resolves with fold=0, as zoneinfo does
    return local.astimezone(ZoneInfo("UTC"))
