"""Numeric signals derived from raw data (shared by the timeline and the findings)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from betterstack_rca.models import MonitorResponseTimes

#: The stretch right before the start that we compare with the baseline before it.
RECENT = timedelta(minutes=20)
BASELINE = timedelta(hours=2)
#: Recent median must exceed the baseline median by this factor...
RISE_FACTOR = 1.5
#: ...and by at least this much (seconds), so 20 ms -> 35 ms does not count.
RISE_MIN_SECONDS = 0.15
#: Where the climb began: walking back from the start, the samples stay this far above the
#: baseline median (factor, and seconds).
ONSET_FACTOR = 1.25
ONSET_MIN_SECONDS = 0.05


@dataclass(frozen=True)
class LatencyTrend:
    rising: bool
    baseline: float
    """Median response time (s) in the two hours before the recent stretch, all regions."""
    recent: float
    """Median response time (s) in the 20 minutes before the start, rising regions."""
    rising_regions: tuple[str, ...]
    all_regions: tuple[str, ...]
    rise_at: datetime
    """First sample of the recent stretch above the baseline threshold."""
    samples: int
    onset: datetime | None = None
    """Where the climb began in a rising region (the earliest): from this sample to the start
    every sample stayed above the baseline (``ONSET_*``); it may precede the recent stretch."""

    def as_details(self) -> dict[str, Any]:
        return {
            "baseline_median_seconds": round(self.baseline, 4),
            "recent_median_seconds": round(self.recent, 4),
            "rising_regions": list(self.rising_regions),
            "regions": list(self.all_regions),
            "samples": self.samples,
            "onset": self.onset.isoformat() if self.onset else None,
        }


def _onset(points: list[tuple[datetime, float]], base_median: float) -> datetime | None:
    """The earliest sample from which every later one (before the start) stays elevated."""
    floor = max(base_median * ONSET_FACTOR, base_median + ONSET_MIN_SECONDS)
    onset = None
    for at, value in sorted(points, reverse=True):
        if value < floor:
            break
        onset = at
    return onset


def latency_trend(
    times: MonitorResponseTimes | None, start: datetime | None
) -> LatencyTrend | None:
    """Did response times rise in the 20 minutes before `start`, compared to the 2 hours
    before that? None when there is not enough data to say."""
    if times is None or start is None:
        return None
    rising: list[str] = []
    regions: list[str] = []
    baseline_all: list[float] = []
    recent_rising: list[float] = []
    first_rise: datetime | None = None
    onset: datetime | None = None
    samples = 0
    for region in times.regions or []:
        name = str(region.region or "?")
        base, recent = [], []
        points = []
        every: list[tuple[datetime, float]] = []
        for sample in region.response_times or []:
            if sample.at is None or sample.response_time is None:
                continue
            if start - RECENT - BASELINE <= sample.at < start:
                every.append((sample.at, sample.response_time))
            if start - RECENT - BASELINE <= sample.at < start - RECENT:
                base.append(sample.response_time)
            elif start - RECENT <= sample.at < start:
                recent.append(sample.response_time)
                points.append((sample.at, sample.response_time))
        if len(base) < 3 or len(recent) < 2:
            continue
        regions.append(name)
        samples += len(base) + len(recent)
        base_median = statistics.median(base)
        baseline_all.extend(base)
        recent_median = statistics.median(recent)
        threshold = max(base_median * RISE_FACTOR, base_median + RISE_MIN_SECONDS)
        if recent_median >= threshold:
            rising.append(name)
            recent_rising.extend(recent)
            above = [at for at, value in sorted(points) if value >= threshold]
            if above and (first_rise is None or above[0] < first_rise):
                first_rise = above[0]
            began = _onset(every, base_median)
            if began is not None and (onset is None or began < onset):
                onset = began
    if not regions:
        return None
    baseline = statistics.median(baseline_all)
    # "rising" needs at least half the regions (rounded up) to agree: one slow region out of
    # four is the partial-regions rule's job, but with two regions one is enough
    is_rising = len(rising) >= max(1, (len(regions) + 1) // 2)
    return LatencyTrend(
        rising=is_rising,
        baseline=baseline,
        recent=statistics.median(recent_rising) if recent_rising else baseline,
        rising_regions=tuple(rising),
        all_regions=tuple(regions),
        rise_at=first_rise or start - RECENT,
        samples=samples,
        onset=onset,
    )


def region_medians(
    times: MonitorResponseTimes | None, start: datetime | None
) -> dict[str, tuple[float, float]]:
    """Per region: (baseline median, recent median) in seconds, where both have samples."""
    out: dict[str, tuple[float, float]] = {}
    if times is None or start is None:
        return out
    for region in times.regions or []:
        base, recent = [], []
        for sample in region.response_times or []:
            if sample.at is None or sample.response_time is None:
                continue
            if start - RECENT - BASELINE <= sample.at < start - RECENT:
                base.append(sample.response_time)
            elif start - RECENT <= sample.at < start:
                recent.append(sample.response_time)
        if len(base) >= 3 and len(recent) >= 2:
            out[str(region.region or "?")] = (statistics.median(base), statistics.median(recent))
    return out


def _failed(sample: Any, timeout: float | None) -> bool:
    """A check that failed by its timing: it ran into the request timeout, or it ended
    before any answer came back (no data transferred: the name lookup, the connection or
    the TLS handshake failed). An error status or a wrong answer comes back as an answer,
    so its timing cannot tell it from a good check."""
    if timeout and sample.response_time >= timeout:
        return True
    return sample.data_transfer_time is not None and sample.data_transfer_time <= 0


def first_failing_check(
    times: MonitorResponseTimes | None, start: datetime | None, timeout: float | None
) -> tuple[str, datetime] | None:
    """The earliest of the failing checks (`_failed`: at the request timeout, or ended
    without an answer) in the unbroken run up to (and at) the start, over all regions, as
    (region, at): where the failure was first seen."""
    if times is None or start is None:
        return None
    best: tuple[str, datetime] | None = None
    for region in times.regions or []:
        samples = sorted(
            (s for s in region.response_times or [] if s.at is not None and s.response_time),
            key=lambda s: s.at or start,
        )
        run: datetime | None = None
        for s in samples:
            assert s.at is not None
            assert s.response_time is not None
            if s.at > start:
                break
            run = (run or s.at) if _failed(s, timeout) else None
        if run is not None and start - run <= RECENT and (best is None or run < best[1]):
            best = (str(region.region or "?"), run)
    return best
