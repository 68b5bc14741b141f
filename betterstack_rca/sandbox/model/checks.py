"""How a failing check looks: what each cause says about where the request ended, and so
what its response time shows.

A rule, not a per-scenario script: the response times of every incident (background or
scripted, today's scenarios and new ones) follow from its cause text.

- the server answered with an **error status** (``Status 503``): the request took the
  incident's ``Request duration`` (its metadata says how long);
- the server **answered** as usual but wrongly (``Keyword not found``): the usual time;
- the request **timed out** (``Request timeout``): the monitor's whole request timeout;
- the connection failed early: **refused** (refused, reset, unreachable: lookup and connect
  only), **no DNS** (the name lookup only), **TLS failed** (lookup, connect, handshake).

A cause no rule names keeps the old reading: a timeout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

ERROR_STATUS = "error_status"
ANSWERED = "answered"
TIMED_OUT = "timed_out"
REFUSED = "refused"
NO_DNS = "no_dns"
TLS_FAILED = "tls_failed"

#: (words in the cause, lower case) -> failure mode; the first rule that matches wins.
_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("status ",), ERROR_STATUS),
    (("keyword",), ANSWERED),
    (("timeout", "timed out"), TIMED_OUT),
    (("dns", "name resolution", "resolve"), NO_DNS),
    (("ssl", "tls", "certificate"), TLS_FAILED),
    (("refused", "reset", "unreachable"), REFUSED),
)


def failure_mode(cause: str) -> str:
    """Where a check that failed with `cause` ended (one of the modes above)."""
    text = cause.lower()
    for words, mode in _RULES:
        if any(w in text for w in words):
            return mode
    return TIMED_OUT


def request_duration(incident_id: int, metadata: Mapping[str, Sequence[object]]) -> float:
    """Seconds the failing request took, as the incident's ``Request duration`` metadata
    says: a scenario may set it (in its ``IncidentExtra.metadata``); otherwise it is derived
    from the incident id (20 ms to 1 s)."""
    for value in metadata.get("Request duration", ()):
        if isinstance(value, Mapping):
            try:
                return float(str(value.get("value")))
            except ValueError:
                break
    return 0.02 + (incident_id % 997) / 1000
