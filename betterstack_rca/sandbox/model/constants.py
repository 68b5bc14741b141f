"""Names and numbers every part of the sandbox agrees on: team, regions, id bases, causes."""

from __future__ import annotations

TEAM = "Acme Production"
REGIONS = ("us", "eu", "as", "au")
REGION_BIT = {"us": 1, "eu": 2, "as": 4, "au": 8}

# A record's id is its base plus its index (incidents: their position by start time).
INCIDENT_ID_BASE = 410_000_000
MONITOR_ID_BASE = 2_100_000
MONITOR_GROUP_ID_BASE = 95_100
HEARTBEAT_ID_BASE = 512_000
HEARTBEAT_GROUP_ID_BASE = 61_000

# Incident causes; an incident stores the index into CAUSES.
CAUSES = (
    "Status 500",  # 0
    "Status 502",  # 1
    "Status 503",  # 2
    "Status 504",  # 3
    "Status 404",  # 4
    "Status 429",  # 5
    "Request timeout",  # 6
    "Connection refused",  # 7
    "DNS lookup failed",  # 8
    "SSL certificate expired",  # 9
    "Keyword not found",  # 10
    "Missed heartbeat",  # 11
    "Host unreachable",  # 12
    "Connection reset by peer",  # 13
    "Status 401",  # 14
)
C_500, C_502, C_503, C_504, C_404, C_429, C_TIMEOUT, C_REFUSED, C_DNS, C_TLS = range(10)
C_KEYWORD, C_HEARTBEAT, C_UNREACHABLE, C_RESET, C_401 = range(10, 15)

HTTP_TYPES = frozenset(
    ("status", "expected_status_code", "keyword", "keyword_absence", "playwright")
)
"""Monitor types that make HTTP requests (URL, method, SSL and response body)."""
