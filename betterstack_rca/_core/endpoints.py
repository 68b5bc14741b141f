"""One definition per endpoint, two ways to run it.

A resource method is written once, as a function that *describes* the request (a `Call` for
a single read, a `PagedCall` for a list). The `@endpoint` / `@paged` decorators turn it into a
descriptor: on a resource of the sync client the method returns the parsed value (or a
`SyncPaginator`); on a resource of the async client it returns an awaitable (or an
`AsyncPaginator`). The signature, docstring and request shape exist once.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from betterstack_rca._core.http import RawResponse, path_of
from betterstack_rca._core.pagination import AsyncPaginator, PagedCall, SyncPaginator
from betterstack_rca.errors import NotFoundError, ResponseParseError

T = TypeVar("T")
P = ParamSpec("P")
Params = Mapping[str, str]


@dataclass(frozen=True)
class Call(Generic[T]):
    """One GET of a single document: path, query and how to read the answer."""

    path: str
    params: Mapping[str, str]
    parse: Callable[[Any], T]
    none_on_404: bool = False
    """Some reads answer 404 for "there is none" (an on-call rotation): return None instead."""
    team_scoped: bool = False
    """Send the client's `team_name` (list endpoints always do; some reads need it too)."""


def parse_response(call: Call[T], response: RawResponse) -> T:
    try:
        return call.parse(response.body)
    except ValueError as exc:
        raise ResponseParseError(
            f"unexpected response shape: {exc}",
            path=path_of(response.url),
            request_id=response.request_id,
        ) from None


class _ExecutorBase:
    team_name: str | None

    def _params(self, params: Mapping[str, str], team_scoped: bool) -> dict[str, str]:
        merged = dict(params)
        if team_scoped and self.team_name and "team_name" not in merged:
            merged["team_name"] = self.team_name
        return merged

    def scoped(self, call: PagedCall[T]) -> PagedCall[T]:
        """The call with `team_name` added (Better Stack's filter for global tokens)."""
        return dataclasses.replace(call, params=self._params(call.params, True))


class SyncExecutor(_ExecutorBase):
    """Runs calls on a blocking sender."""

    def __init__(
        self,
        get: Callable[[str, Params | None], RawResponse],
        team_name: str | None,
        concurrency: int = 1,
    ) -> None:
        self._get = get
        self.team_name = team_name
        self.concurrency = concurrency

    def call(self, call: Call[T]) -> T:
        try:
            response = self._get(call.path, self._params(call.params, call.team_scoped))
        except NotFoundError:
            if call.none_on_404:
                return None  # type: ignore[return-value]
            raise
        return parse_response(call, response)

    def paginate(self, call: PagedCall[T]) -> SyncPaginator[T]:
        return SyncPaginator(
            self._get, self.scoped(call), max_items=call.max_items, concurrency=self.concurrency
        )


class AsyncExecutor(_ExecutorBase):
    """Runs calls on a non-blocking sender (or a threaded one)."""

    def __init__(
        self,
        get: Callable[[str, Params | None], Awaitable[RawResponse]],
        team_name: str | None,
        concurrency: int,
    ) -> None:
        self._get = get
        self.team_name = team_name
        self.concurrency = concurrency

    async def call(self, call: Call[T]) -> T:
        try:
            response = await self._get(call.path, self._params(call.params, call.team_scoped))
        except NotFoundError:
            if call.none_on_404:
                return None  # type: ignore[return-value]
            raise
        return parse_response(call, response)

    def paginate(self, call: PagedCall[T]) -> AsyncPaginator[T]:
        return AsyncPaginator(
            self._get, self.scoped(call), max_items=call.max_items, concurrency=self.concurrency
        )


E = TypeVar("E", SyncExecutor, AsyncExecutor)


class Resource(Generic[E]):
    """Base of every resource family (`bs.monitors`, `bs.incidents`, ...)."""

    def __init__(self, executor: E) -> None:
        self._executor: E = executor

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


class _Endpoint(Generic[P, T]):
    def __init__(self, build: Callable[Concatenate[Any, P], Call[T]]) -> None:
        self._build = build
        functools.update_wrapper(self, build)  # type: ignore[arg-type]

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> _Endpoint[P, T]: ...
    @overload
    def __get__(self, obj: Resource[SyncExecutor], owner: type[Any]) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[AsyncExecutor], owner: type[Any]
    ) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, obj: Any, owner: type[Any]) -> Any:
        if obj is None:
            return self
        build = self._build
        executor = obj._executor

        @functools.wraps(build)
        def method(*args: Any, **kwargs: Any) -> Any:
            return executor.call(build(obj, *args, **kwargs))

        return method


class _PagedEndpoint(Generic[P, T]):
    def __init__(self, build: Callable[Concatenate[Any, P], PagedCall[T]]) -> None:
        self._build = build
        functools.update_wrapper(self, build)  # type: ignore[arg-type]

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> _PagedEndpoint[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[SyncExecutor], owner: type[Any]
    ) -> Callable[P, SyncPaginator[T]]: ...
    @overload
    def __get__(
        self, obj: Resource[AsyncExecutor], owner: type[Any]
    ) -> Callable[P, AsyncPaginator[T]]: ...
    def __get__(self, obj: Any, owner: type[Any]) -> Any:
        if obj is None:
            return self
        build = self._build
        executor = obj._executor

        @functools.wraps(build)
        def method(*args: Any, **kwargs: Any) -> Any:
            return executor.paginate(build(obj, *args, **kwargs))

        return method


def endpoint(build: Callable[Concatenate[Any, P], Call[T]]) -> _Endpoint[P, T]:
    """Decorate a function that describes a single read (see module docstring)."""
    return _Endpoint(build)


def paged(build: Callable[Concatenate[Any, P], PagedCall[T]]) -> _PagedEndpoint[P, T]:
    """Decorate a function that describes a list read (see module docstring)."""
    return _PagedEndpoint(build)
