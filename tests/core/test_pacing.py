"""The token bucket paces requests; an injected clock makes it exact."""

from __future__ import annotations

import threading

import pytest

from betterstack_rca._core.pacing import TokenBucket


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


def test_headroom_holds_back_part_of_the_burst() -> None:
    bucket = TokenBucket(8.0, 10, clock=lambda: 0.0, headroom=1)
    waits = [bucket.reserve() for _ in range(10)]
    assert waits[:9] == [0.0] * 9
    assert waits[9] == pytest.approx(0.125)


def test_a_request_booked_before_a_429_books_again() -> None:
    from betterstack_rca._core.transport import SyncSender

    clock = [0.0]
    bucket = TokenBucket(10.0, 1, clock=lambda: clock[0])
    sender = SyncSender.__new__(SyncSender)
    sender.bucket = bucket
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 1:
            bucket.penalize(2.0)  # another request got a 429 while this one waited
        clock[0] += seconds

    sender._sleep = sleep
    bucket.reserve()  # someone else took the first slot
    sender._pace()
    assert len(slept) == 2
    assert clock[0] >= 2.0  # it did not go before the Retry-After
