"""The token bucket paces requests; an injected clock makes it exact."""

from __future__ import annotations

import threading

import pytest

from betterstack_rca._transport import TokenBucket


def test_burst_goes_at_once_then_requests_are_spaced_by_the_rate() -> None:
    bucket = TokenBucket(8.0, 4, clock=lambda: 0.0)
    waits = [bucket.reserve() for _ in range(8)]
    assert waits[:4] == [0.0, 0.0, 0.0, 0.0]
    assert waits[4:] == pytest.approx([0.125, 0.25, 0.375, 0.5])


def test_pace_over_time_matches_rate() -> None:
    clock = [0.0]
    bucket = TokenBucket(10.0, 1, clock=lambda: clock[0])
    sent = []
    for _ in range(50):
        wait = bucket.reserve()
        clock[0] += wait
        sent.append(clock[0])
    assert sent[-1] - sent[0] == pytest.approx(4.9)


def test_idle_time_refills_only_up_to_the_burst() -> None:
    clock = [0.0]
    bucket = TokenBucket(2.0, 3, clock=lambda: clock[0])
    clock[0] = 1000.0
    waits = [bucket.reserve() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(0.5)


def test_bucket_is_shared_safely_between_threads() -> None:
    bucket = TokenBucket(100.0, 1, clock=lambda: 0.0)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(100):
            w = bucket.reserve()
            with lock:
                waits.append(w)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == pytest.approx([i / 100 for i in range(800)])


@pytest.mark.parametrize("rate", [0, -1.0])
def test_rate_must_be_positive(rate: float) -> None:
    with pytest.raises(ValueError, match="max_rps"):
        TokenBucket(rate, 1)
