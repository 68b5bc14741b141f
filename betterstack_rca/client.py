"""The two clients: `BetterStack` (blocking) and `AsyncBetterStack` (asyncio).

Both are thin shells over one base (`_BaseClient`, as httpx does with `BaseClient`): the
same arguments, configuration, request rules, resources and collector; only the I/O differs.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Coroutine, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from betterstack_rca._core.cache import ResponseCache
from betterstack_rca._core.config import (
    DEFAULT_CACHE_TTL,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RPS,
    DEFAULT_RETRY_AFTER_CAP,
    DEFAULT_TIMEOUT,
    ClientConfig,
)
from betterstack_rca._core.endpoints import AsyncExecutor, E, SyncExecutor
from betterstack_rca._core.http import mask_token
from betterstack_rca._core.run import run_sync
from betterstack_rca._core.transport import (
    AsyncSender,
    RequestStats,
    SyncSender,
    ThreadedSender,
)
from betterstack_rca._core.wire import async_read_only_transport, read_only_transport
from betterstack_rca.errors import BetterStackError
from betterstack_rca.resources import ResourceSet
from betterstack_rca.resources._cache import CACHE_POLICY

if TYPE_CHECKING:
    from datetime import datetime

    from betterstack_rca.rca.bundle import IncidentBundle
    from betterstack_rca.sandbox import Faults, Sandbox, Scenario
    from betterstack_rca.webhooks import WebhookEvent

# The correlator (`betterstack_rca.rca`: the bundle model, the plan, the rules) is imported
# by `bundle()` when it is first called: a client that only lists things never loads it.

__all__ = ["AsyncBetterStack", "BetterStack"]


class NoIncidentInEventError(BetterStackError):
    """A webhook event that carries no Better Stack incident id (e.g. a template that only
    sent a title): there is nothing to collect a bundle for."""


def _event_incident_id(event: WebhookEvent) -> str:
    if event.incident_id:
        return event.incident_id
    what = f"{event.kind}/{event.action} event ({event.format})"
    hint = (
        ' Its template sent no incident id: add "id": "$INCIDENT_ID" to the body template'
        " or name the field with parse_webhook(..., mapping=WebhookMapping(incident_id=...))."
        if event.kind == "incident"
        else ""
    )
    raise NoIncidentInEventError(f"the {what} carries no Better Stack incident id.{hint}")


#: The sandbox answers in-process: pacing it at the real API's 8 requests/s only slows demos
#: and tests down. Pass max_rps= to pace it like the real API (benchmarks do).
SANDBOX_MAX_RPS = 1000.0

_T = TypeVar("_T")
_Transport = TypeVar("_Transport", httpx.BaseTransport, httpx.AsyncBaseTransport)
_Client = TypeVar("_Client", bound="_BaseClient[Any, Any]")


class _BaseClient(ResourceSet[E], Generic[E, _Transport]):
    """What both clients share: their arguments, configuration, resources, sandbox and repr.

    A twin only chooses its httpx client, its sender and its executor (`_connect`), and adds
    what differs between blocking and awaitable I/O (`get_json`, `bundle`, closing).
    """

    _config: ClientConfig
    _sender: SyncSender | AsyncSender
    _sandbox: Sandbox | None = None

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        team_name: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_rps: float = DEFAULT_MAX_RPS,
        burst: int | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        retry_after_cap: float = DEFAULT_RETRY_AFTER_CAP,
        cache_ttl: float = DEFAULT_CACHE_TTL,
        transport: _Transport | None = None,
    ) -> None:
        self._config = config = ClientConfig.resolve(
            token,
            base_url=base_url,
            team_name=team_name,
            timeout=timeout,
            max_retries=max_retries,
            max_rps=max_rps,
            burst=burst,
            max_concurrency=max_concurrency,
            retry_after_cap=retry_after_cap,
            cache_ttl=cache_ttl,
        )
        self._connect(config, transport)

    def _sender_options(self, config: ClientConfig) -> dict[str, Any]:
        """The sender's options, with this client's read cache (`cache_ttl=0`: none)."""
        cache = ResponseCache(CACHE_POLICY, ttl=config.cache_ttl) if config.cache_ttl else None
        return {**config.sender_options(), "cache": cache}

    def _connect(self, config: ClientConfig, transport: _Transport | None) -> None:
        """Open the httpx client and the sender, and attach the resources to them."""
        raise NotImplementedError

    @classmethod
    def sandbox(
        cls: type[_Client],
        *,
        seed: int = 0,
        scale: int = 1,
        reference_time: datetime | str | None = None,
        faults: Faults | None = None,
        sandbox: Sandbox | None = None,
        **options: Any,
    ) -> _Client:
        """A client over the built-in demo account: no token, no network.

        The account is generated from ``seed`` around ``reference_time``, its "now" (an aware
        datetime or an ISO string; default: the current time): pin it and every run gives
        the same incidents, ids and bundles. It holds scripted incidents: ``client.scenario(
        "database_backup")``. Pass ``sandbox=`` to reuse an existing `Sandbox` (its account,
        faults and counters). Other options go to the constructor; ``max_rps`` defaults to
        1000 here (in-process).
        """
        from betterstack_rca.sandbox import Sandbox

        if isinstance(reference_time, str):
            from betterstack_rca.models._base import to_utc

            reference_time = to_utc(reference_time)
        if sandbox is None:
            sandbox = Sandbox(seed=seed, scale=scale, reference_time=reference_time, faults=faults)
        elif faults is not None:
            raise ValueError("pass faults= to Sandbox(...) when you hand over an existing sandbox")
        options.setdefault("max_rps", SANDBOX_MAX_RPS)
        client = cls(
            sandbox.token, base_url=sandbox.base_url, transport=sandbox.transport(), **options
        )
        client._sandbox = sandbox
        return client

    def __repr__(self) -> str:
        team = f", team_name={self._config.team_name!r}" if self._config.team_name else ""
        sandbox = ", sandbox" if self._sandbox is not None else ""
        return (
            f"{type(self).__name__}(base_url={self._config.base_url!r}{team}, "
            f"token={mask_token(self._config.token)!r}{sandbox})"
        )

    __str__ = __repr__

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def team_name(self) -> str | None:
        return self._config.team_name

    @property
    def sandbox_account(self) -> Sandbox | None:
        """The built-in demo account behind a `.sandbox()` client (its scenarios, secrets)."""
        return self._sandbox

    def scenario(self, key: str | None = None) -> Scenario:
        """A scripted incident of the demo account (`.sandbox()` clients only): its
        ``incident_id``, ``monitor_id``, ``title``, ``root_cause``, ``expected_rules`` and
        ``facts``. Without `key`, the headline (``database_backup``).

        ``bs.bundle(bs.scenario("database_backup").incident_id)``
        """
        if self._sandbox is None:
            raise ValueError(
                "scenario() is for the demo account: use BetterStack.sandbox() (this client "
                f"talks to {self._config.base_url})"
            )
        from betterstack_rca.sandbox import HEADLINE_SCENARIO

        scenarios = self._sandbox.account.scenarios
        name = HEADLINE_SCENARIO if key is None else key
        if name not in scenarios:
            raise KeyError(f"no sandbox scenario {name!r}; there are: {', '.join(scenarios)}")
        return scenarios[name]

    def _sandbox_clock(self, options: dict[str, Any]) -> dict[str, Any]:
        """A sandbox client's bundles default ``now`` to the demo account's "now" (its
        reference time): a pinned account then gives the same bundle whenever it runs (the
        response-time horizon and open incidents are measured from it, not the wall clock)."""
        if self._sandbox is None or options.get("now") is not None:
            return options
        return {**options, "now": self._sandbox.account.reference_time}

    @property
    def stats(self) -> RequestStats:
        """Requests, retries, 429s and cache hits of this client so far."""
        return self._sender.stats

    @property
    def cache(self) -> ResponseCache | None:
        """The read cache every bundle of this client shares (None with ``cache_ttl=0``):
        its ``hits``, ``coalesced``, ``len()`` and ``bytes``; ``cache.clear()`` empties it."""
        return self._sender.cache


class BetterStack(_BaseClient[SyncExecutor, httpx.BaseTransport]):
    """Blocking, thread-safe, read-only Better Stack Uptime client.

    ``BetterStack()`` reads the token from ``BETTERSTACK_API_TOKEN`` (and the base URL and
    team from ``BETTERSTACK_BASE_URL`` / ``BETTERSTACK_TEAM``). Every request is a GET,
    paced (``max_rps``, shared by all threads), retried on 408/429/5xx/connection errors
    (``max_retries``), and honours ``Retry-After`` up to ``retry_after_cap`` seconds.
    Configuration reads are kept ``cache_ttl`` seconds (default 300; 0: no cache) and
    shared by every bundle of the client (``bs.cache``).
    """

    _http: httpx.Client
    _sender: SyncSender

    def _connect(self, config: ClientConfig, transport: httpx.BaseTransport | None) -> None:
        self._http = httpx.Client(
            transport=read_only_transport(transport, tls=config.uses_tls),
            **config.httpx_options(),
        )
        self._sender = SyncSender(self._http, **self._sender_options(config))
        self._attach(SyncExecutor(self._sender.get, config.team_name, config.max_concurrency))

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET any API path (e.g. ``"/api/v2/monitors"``) and return its decoded JSON.

        For endpoints not yet modelled. Same token, pacing, retries and errors; GET only.
        """
        return self._sender.get(path, dict(params) if params else None, cached=False).body

    def bundle(self, incident_id: int | str, **options: Any) -> IncidentBundle:
        """Collect everything around one incident into an `IncidentBundle`.

        Independent requests run concurrently (in threads sharing this client's pacing).
        Options: see `BundleOptions` (``window_before="90m"``, ``history="14d"``,
        ``deadline=30``, ``sources={...}``...). Only a failure to fetch the incident itself
        raises; any other source that fails becomes a gap in the bundle. Works in scripts,
        threads and inside a running event loop (Jupyter).
        """
        from betterstack_rca.rca.collector import collect
        from betterstack_rca.rca.options import BundleOptions

        opts = BundleOptions.build(**self._sandbox_clock(options))
        return self._concurrently(lambda api: collect(api, incident_id, opts))

    def _concurrently(
        self, work: Callable[[ResourceSet[AsyncExecutor]], Coroutine[Any, Any, _T]]
    ) -> _T:
        """Run `work` over async resources whose requests run in threads of this client
        (its transport, pacing, cache and counters): how `bundle()` is concurrent."""
        pool = concurrent.futures.ThreadPoolExecutor(
            self._config.max_concurrency, thread_name_prefix="betterstack-rca"
        )
        threaded = ThreadedSender(self._sender, pool)
        api: ResourceSet[AsyncExecutor] = ResourceSet()
        api._attach(
            AsyncExecutor(threaded.get, self._config.team_name, self._config.max_concurrency)
        )
        try:
            return run_sync(work(api))
        finally:
            threaded.cancelled.set()  # requests still queued or retrying give up now
            pool.shutdown(wait=False, cancel_futures=True)

    def bundle_for(self, event: WebhookEvent, **options: Any) -> IncidentBundle:
        """The bundle of the incident a webhook event is about (see `parse_webhook`)."""
        return self.bundle(_event_incident_id(event), **options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BetterStack:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBetterStack(_BaseClient[AsyncExecutor, httpx.AsyncBaseTransport]):
    """The asyncio twin of `BetterStack`: same arguments, awaitable reads, async paginators."""

    _http: httpx.AsyncClient
    _sender: AsyncSender

    def _connect(self, config: ClientConfig, transport: httpx.AsyncBaseTransport | None) -> None:
        self._http = httpx.AsyncClient(
            transport=async_read_only_transport(transport, tls=config.uses_tls),
            **config.httpx_options(),
        )
        self._sender = AsyncSender(self._http, **self._sender_options(config))
        self._attach(AsyncExecutor(self._sender.get, config.team_name, config.max_concurrency))

    async def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET any API path and return its decoded JSON (see `BetterStack.get_json`)."""
        params_ = dict(params) if params else None
        return (await self._sender.get(path, params_, cached=False)).body

    async def bundle(self, incident_id: int | str, **options: Any) -> IncidentBundle:
        """Collect everything around one incident (see `BetterStack.bundle`)."""
        from betterstack_rca.rca.collector import collect
        from betterstack_rca.rca.options import BundleOptions

        return await collect(self, incident_id, BundleOptions.build(**self._sandbox_clock(options)))

    async def bundle_for(self, event: WebhookEvent, **options: Any) -> IncidentBundle:
        """The bundle of the incident a webhook event is about (see `parse_webhook`)."""
        return await self.bundle(_event_incident_id(event), **options)

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncBetterStack:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
