"""Reading a response body with a size limit, so a runaway answer cannot exhaust memory."""

from __future__ import annotations

import httpx

from betterstack_rca.errors import ResponseParseError

#: Largest response body we read before giving up (a page of 250 monitors is ~1 MB).
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024


class LimitedBody:
    """Collects the chunks of one streamed body; `ResponseParseError` once it passes `limit`."""

    def __init__(self, response: httpx.Response, limit: int) -> None:
        self._path = response.request.url.path
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._limit:
            raise ResponseParseError(
                f"response larger than the {self._limit} byte limit", method="GET", path=self._path
            )
        self._chunks.append(chunk)

    def content(self) -> bytes:
        return b"".join(self._chunks)


def read_body(response: httpx.Response, limit: int) -> bytes:
    """The whole body of a streamed response of an `httpx.Client`, at most `limit` bytes."""
    body = LimitedBody(response, limit)
    for chunk in response.iter_bytes():
        body.add(chunk)
    return body.content()


async def aread_body(response: httpx.Response, limit: int) -> bytes:
    """The whole body of a streamed response of an `httpx.AsyncClient`, at most `limit` bytes."""
    body = LimitedBody(response, limit)
    async for chunk in response.aiter_bytes():
        body.add(chunk)
    return body.content()
