"""Reading a response body within bounds, so a hostile answer cannot exhaust memory or time.

A body is read raw (as it came over the wire) and decoded here, never by httpx: httpx
decodes a whole raw chunk at once, so a 2 KB ``Content-Encoding: gzip, gzip`` answer grew to
gigabytes before any limit could look at it. Here every decoder hands out at most
`DECODE_CHUNK` bytes at a time, raw and decoded bytes both count against `limit`, at most
`MAX_ENCODINGS` content encodings are accepted, and the whole read has a deadline
(`deadline`, a `time.monotonic()` value) and can be abandoned (`cancel`) between chunks.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterator

import httpx

from betterstack_rca.errors import APITimeoutError, ResponseParseError

#: Largest response body we read before giving up (a page of 250 monitors is ~1 MB).
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
#: Most content encodings one answer may stack (``gzip, gzip`` is a bomb, not a need).
MAX_ENCODINGS = 2
#: Most bytes a decoder produces from one call: the memory a bomb can claim at once.
DECODE_CHUNK = 64 * 1024
#: What the client asks for, so an answer never needs a decoder we do not bound ourselves.
ACCEPT_ENCODING = "gzip, deflate"


class _Inflate:
    """A bounded gzip / deflate decoder (zlib with `max_length`)."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._raw_fallback = not self._gzip
        wbits = zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS
        self._d = zlib.decompressobj(wbits)

    def decode(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self._d.decompress(data, DECODE_CHUNK)
            except zlib.error:
                if not self._raw_fallback:
                    raise
                # "deflate" is raw deflate on some servers (as httpx also accepts)
                self._raw_fallback = False
                self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._raw_fallback = False
            if out:
                yield out
            data = self._d.unconsumed_tail
            if not data and len(out) < DECODE_CHUNK:
                return

    def flush(self) -> Iterator[bytes]:
        yield from self.decode(b"")


class _Identity:
    def decode(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


def _decoders(response: httpx.Response, path: str) -> list[_Inflate | _Identity]:
    """The decoders of `Content-Encoding`, in the order to apply them (last listed first)."""
    names = [
        name.strip().lower()
        for value in response.headers.get_list("content-encoding")
        for name in value.split(",")
        if name.strip()
    ]
    names = [n for n in names if n != "identity"]
    if len(names) > MAX_ENCODINGS:
        raise ResponseParseError(
            f"refused a body with {len(names)} content encodings (at most {MAX_ENCODINGS})",
            path=path,
        )
    decoders: list[_Inflate | _Identity] = []
    for name in reversed(names):
        if name not in ("gzip", "x-gzip", "deflate"):
            raise ResponseParseError(f"unsupported content encoding {name[:40]!r}", path=path)
        decoders.append(_Inflate(name))
    return decoders or [_Identity()]


class LimitedBody:
    """Decodes and collects the raw chunks of one streamed body within its bounds."""

    def __init__(
        self,
        response: httpx.Response,
        limit: int,
        *,
        deadline: float | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self._path = response.request.url.path
        self._limit = limit
        self._deadline = deadline
        self._cancel = cancel
        self._decoders = _decoders(response, self._path)
        self._chunks: list[bytes] = []
        self._raw = 0
        self._size = 0

    def check_time(self) -> None:
        """`APITimeoutError` once the deadline passed or the caller gave up."""
        if self._cancel is not None and self._cancel.is_set():
            raise APITimeoutError("abandoned: the caller's deadline passed", path=self._path)
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise APITimeoutError(
                "the answer did not arrive within the request's total timeout", path=self._path
            )

    def _too_large(self) -> ResponseParseError:
        return ResponseParseError(
            f"response larger than the {self._limit} byte limit", method="GET", path=self._path
        )

    def _through(self, level: int, data: bytes) -> Iterator[bytes]:
        if level == len(self._decoders):
            yield data
            return
        for piece in self._decoders[level].decode(data):
            yield from self._through(level + 1, piece)

    def _flush(self) -> Iterator[bytes]:
        for level, decoder in enumerate(self._decoders):
            for piece in decoder.flush():
                yield from self._through(level + 1, piece)

    def _keep(self, pieces: Iterator[bytes]) -> None:
        try:
            for piece in pieces:
                self._size += len(piece)
                if self._size > self._limit:
                    raise self._too_large()
                self._chunks.append(piece)
        except zlib.error as exc:
            raise ResponseParseError(
                f"could not decode the body ({exc})", method="GET", path=self._path
            ) from None

    def add(self, chunk: bytes) -> None:
        self._raw += len(chunk)
        if self._raw > self._limit:
            raise self._too_large()
        self._keep(self._through(0, chunk))
        self.check_time()

    def preloaded(self, content: bytes) -> bytes:
        """A body that was in memory before we got it (a test's `httpx.Response(content=...)`,
        already decoded by httpx): only the size limit applies."""
        if len(content) > self._limit:
            raise self._too_large()
        return content

    def content(self) -> bytes:
        self._keep(self._flush())
        return b"".join(self._chunks)


def read_body(
    response: httpx.Response,
    limit: int,
    *,
    deadline: float | None = None,
    cancel: threading.Event | None = None,
) -> bytes:
    """The whole decoded body of a streamed response of an `httpx.Client`, within bounds."""
    body = LimitedBody(response, limit, deadline=deadline, cancel=cancel)
    if response.is_stream_consumed:
        return body.preloaded(response.content)
    body.check_time()
    for chunk in response.iter_raw():
        body.add(chunk)
    return body.content()


async def aread_body(response: httpx.Response, limit: int) -> bytes:
    """The same for an `httpx.AsyncClient` (its deadline is the caller's `wait_for`)."""
    body = LimitedBody(response, limit)
    if response.is_stream_consumed:
        return body.preloaded(response.content)
    async for chunk in response.aiter_raw():
        body.add(chunk)
    return body.content()
