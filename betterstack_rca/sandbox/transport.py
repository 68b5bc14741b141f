"""An httpx transport (sync and async) that answers from a ``SandboxApp`` in-process."""

from __future__ import annotations

import asyncio
import time

import httpx

from betterstack_rca.sandbox.app import SandboxApp, SandboxResponse


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serve httpx requests from a ``SandboxApp`` without any socket.

    Works as ``httpx.Client(transport=...)`` and ``httpx.AsyncClient(transport=...)``.
    Latency is slept (``time.sleep`` / ``asyncio.sleep``); an injected timeout raises
    ``httpx.ReadTimeout`` and an injected reset raises ``httpx.ConnectError``. Pagination
    links point at the scheme, host and port of the request itself.
    """

    def __init__(self, app: SandboxApp) -> None:
        self.app = app

    @staticmethod
    def _call(app: SandboxApp, request: httpx.Request) -> SandboxResponse:
        url = request.url
        base = f"{url.scheme}://{url.host}" + (f":{url.port}" if url.port else "")
        target = url.raw_path.decode("ascii")
        return app.dispatch(request.method, target, dict(request.headers), base)

    @staticmethod
    def _finish(r: SandboxResponse, request: httpx.Request) -> httpx.Response:
        if r.fault == "timeout":
            raise httpx.ReadTimeout("sandbox: injected read timeout", request=request)
        if r.fault == "reset":
            raise httpx.ConnectError("sandbox: injected connection reset", request=request)
        return httpx.Response(r.status, headers=r.headers, content=r.body, request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self.app.in_flight():
            r = self._call(self.app, request)
            if r.delay > 0:
                time.sleep(r.delay)
            return self._finish(r, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        with self.app.in_flight():
            r = self._call(self.app, request)
            if r.delay > 0:
                await asyncio.sleep(r.delay)
            return self._finish(r, request)
