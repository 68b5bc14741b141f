"""A monitor's SLA and a heartbeat's availability: downtime over a date range."""

from __future__ import annotations

from betterstack_rca.sandbox.render.base import Obj, View


def availability(v: View, src: int, lo: int, hi: int, *, kind: str, oid: int) -> Obj:
    """SLA-style summary of one monitor (src >= 0) or heartbeat over [lo, hi)."""
    a = v.account
    idx = a.incidents_of_source(src)
    total = 0
    longest = 0
    count = 0
    for i in idx:
        s = a.starts[i]
        if s >= hi:
            break
        d = a.durs[i]
        e = a.ref if d < 0 else s + d
        if e <= lo:
            continue
        part = min(e, hi) - max(s, lo)
        count += 1
        total += part
        longest = max(longest, part)
    window = max(1, hi - lo)
    avail = round(100.0 * (1 - total / window), 4)
    return {
        "id": str(oid),
        "type": kind,
        "attributes": {
            "availability": avail,
            "total_downtime": total,
            "number_of_incidents": count,
            "longest_incident": longest,
            "average_incident": total // count if count else 0,
        },
    }
