"""Run a coroutine to completion from sync code, even inside a running event loop; and
bound an awaitable by a timeout without losing the caller's cancellation."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` here, or in a helper thread when this thread already runs a loop
    (Jupyter), so `bs.bundle()` works in scripts, threads and notebooks alike."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="betterstack-rca") as pool:
        return pool.submit(asyncio.run, coro).result()


async def within(aw: Awaitable[T], timeout: float | None) -> T:
    """`asyncio.wait_for`, without its lost cancellation on Python < 3.12.

    There, when the awaited work finishes in the same turn of the loop as the caller is
    cancelled, `wait_for` returns the result and the cancellation is gone
    (https://github.com/python/cpython/issues/86296). A Ctrl-C is such a cancellation:
    `asyncio.run` turns SIGINT into cancelling its main task, and raises
    `KeyboardInterrupt` only if the task ends cancelled, so a swallowed one let a report
    run on to its end. Here the caller's cancellation always propagates (the work is
    cancelled and waited for first); on timeout the work is cancelled, waited for, and
    `asyncio.TimeoutError` raised.
    """
    task = asyncio.ensure_future(aw)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except BaseException:
        task.cancel()
        await asyncio.wait({task})
        raise
    if not done:
        task.cancel()
        await asyncio.wait({task})
        raise asyncio.TimeoutError
    return task.result()
