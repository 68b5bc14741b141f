"""`within`: a timeout that never loses the caller's cancellation (a Ctrl-C).

On Python < 3.12 `asyncio.wait_for` returns the result when the work finishes in the same
turn of the loop as the caller is cancelled, and the cancellation is gone; `asyncio.run`
turns SIGINT into exactly such a cancellation of its main task, so a report interrupted as
an incident's answer landed ran on to its end (exit 0 instead of 130).
"""

from __future__ import annotations

import ast
import asyncio
import sys
from pathlib import Path

import pytest

import betterstack_rca
from betterstack_rca._core.run import within


async def _cancel_as_the_work_finishes(wrap: str) -> tuple[str, object]:
    loop = asyncio.get_running_loop()
    work: asyncio.Future[int] = loop.create_future()

    async def caller() -> int:
        if wrap == "within":
            return await within(work, 10)
        return await asyncio.wait_for(work, 10)

    task = asyncio.ensure_future(caller())
    for _ in range(3):  # let the caller reach its wait
        await asyncio.sleep(0)
    work.set_result(7)  # the answer lands ...
    task.cancel()  # ... in the same turn as the Ctrl-C
    try:
        return "returned", await task
    except asyncio.CancelledError:
        return "cancelled", None


def test_a_cancellation_as_the_work_finishes_is_kept() -> None:
    assert asyncio.run(_cancel_as_the_work_finishes("within")) == ("cancelled", None)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="fixed in asyncio 3.12")
def test_wait_for_loses_that_cancellation_on_this_python() -> None:
    # the race `within` exists for: if this starts failing, asyncio fixed it here too
    assert asyncio.run(_cancel_as_the_work_finishes("wait_for")) == ("returned", 7)


def test_the_result_and_the_work_s_error_come_through() -> None:
    async def ok() -> str:
        await asyncio.sleep(0)
        return "answer"

    async def boom() -> str:
        await asyncio.sleep(0)
        raise LookupError("from the work")

    assert asyncio.run(within(ok(), 1)) == "answer"
    with pytest.raises(LookupError, match="from the work"):
        asyncio.run(within(boom(), 1))


def test_a_timeout_cancels_and_waits_for_the_work() -> None:
    cleaned: list[str] = []

    async def stuck() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            cleaned.append("finally ran")

    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(within(stuck(), 0.01))
    assert cleaned == ["finally ran"]


def test_a_cancelled_caller_cancels_and_waits_for_the_work() -> None:
    cleaned: list[str] = []

    async def stuck() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            cleaned.append("finally ran")

    async def main() -> str:
        task = asyncio.ensure_future(within(stuck(), None))
        await asyncio.sleep(0.01)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return "cancelled"
        return "not cancelled"

    assert asyncio.run(main()) == "cancelled"
    assert cleaned == ["finally ran"]


def test_the_package_never_calls_asyncio_wait_for() -> None:
    root = Path(betterstack_rca.__file__).parent
    calls = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "wait_for":
                calls.append(f"{path.relative_to(root)}:{node.lineno}")
    assert calls == [], f"use betterstack_rca._core.run.within instead: {calls}"
