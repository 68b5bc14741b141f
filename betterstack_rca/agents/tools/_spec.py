"""What a tool is: its name, its argument model, what it does, and what it answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from betterstack_rca.client import BetterStack
from betterstack_rca.rca.bundle import IncidentBundle

A = TypeVar("A", bound=BaseModel)


class ToolError(ValueError):
    """A tool call that cannot be answered: a bad argument, an id that does not exist, an API
    failure. The message is one line that says what to pass or do instead."""


@dataclass(frozen=True)
class ToolResult:
    """One answer: text for the model, and structured data where the tool has an output
    schema (`incident_bundle`'s findings)."""

    text: str
    structured: dict[str, Any] | None = None
    is_error: bool = False


class ToolContext(Protocol):
    """What a tool runs with (a `Toolbox`): one client for every call, the hard cap on an
    answer, the clock, and the bundles it collected lately (`bundle` collects one when it
    has none; `cached_bundle` only looks, and costs no request)."""

    @property
    def client(self) -> BetterStack: ...

    @property
    def max_chars(self) -> int: ...

    def now(self) -> datetime: ...

    def bundle(self, incident_id: str) -> IncidentBundle: ...

    def cached_bundle(self, incident_id: str) -> IncidentBundle | None: ...


@dataclass(frozen=True)
class ToolSpec(Generic[A]):
    """One tool: `run(arguments, context)` answers a validated `arguments` model."""

    name: str
    title: str
    description: str
    arguments: type[A]
    run: Callable[[A, ToolContext], ToolResult]
    #: The model of `ToolResult.structured`, for tools that return structured data.
    output: type[BaseModel] | None = None
    #: What to say when the API answers 404 for the id the tool was given.
    not_found: str = "not found"
    meta: dict[str, Any] = field(default_factory=dict)
