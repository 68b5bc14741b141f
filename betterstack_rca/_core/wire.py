"""The wire under every client: the GET-only transport wrappers and the TLS context they use.

The wrappers are the second read-only layer (the request builder in `http.py` is the first):
even a request built by hand on the underlying httpx client cannot be anything but a GET.
"""

from __future__ import annotations

import functools
import os
import ssl
import threading

import httpx

from betterstack_rca._core import http


class _ReadOnlyTransport(httpx.BaseTransport):
    """Wraps the real transport: a non-GET request raises before anything is written."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        http.ensure_read_only(request.method, request.url.path)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class _AsyncReadOnlyTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        http.ensure_read_only(request.method, request.url.path)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


_ssl_lock = threading.Lock()
_ssl_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}


def shared_ssl_context() -> ssl.SSLContext:
    """The verifying SSL context every default transport of this process uses.

    Building one loads the CA bundle (25-47 ms), which httpx does for each new transport;
    a context is safe to share between connections and threads. It is the one httpx would
    build (certifi's bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR` when set), one per value of
    those variables. A caller's own `transport=` keeps its own TLS settings untouched.
    """
    key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    with _ssl_lock:
        context = _ssl_contexts.get(key)
        if context is None:
            context = _ssl_contexts[key] = httpx.create_ssl_context()
        return context


@functools.cache
def closed_ssl_context() -> ssl.SSLContext:
    """For a client whose base URL is plain http (the sandbox, a local proxy): it never
    speaks TLS (links to another scheme are refused, redirects are not followed), so its
    transport gets a context that verifies against no CA at all, and would fail any TLS
    handshake, instead of loading the CA bundle for nothing (as urllib3 loads it only for
    an https connection)."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifying (hostname and chain), no CA


def _context(tls: bool) -> ssl.SSLContext:
    return shared_ssl_context() if tls else closed_ssl_context()


def read_only_transport(
    inner: httpx.BaseTransport | None, *, tls: bool = True
) -> httpx.BaseTransport:
    """The client's transport: `inner` (the caller's, as given) or httpx's default one with
    the process's SSL context (`tls=False`: a plain-http base URL, see `closed_ssl_context`)."""
    if inner is None:
        inner = httpx.HTTPTransport(verify=_context(tls))
    return _ReadOnlyTransport(inner)


def async_read_only_transport(
    inner: httpx.AsyncBaseTransport | None, *, tls: bool = True
) -> httpx.AsyncBaseTransport:
    if inner is None:
        inner = httpx.AsyncHTTPTransport(verify=_context(tls))
    return _AsyncReadOnlyTransport(inner)
