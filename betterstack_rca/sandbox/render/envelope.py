"""The JSON:API list envelope: one page of ``data`` and absolute ``pagination`` links."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from betterstack_rca.sandbox.render.base import Obj

T = TypeVar("T")


def page(  # noqa: PLR0917
    items: Sequence[T],
    build: Callable[[T], Obj],
    url: str,
    query: Sequence[tuple[str, str]],
    default: int = 50,
    maximum: int = 250,
    extra: Mapping[str, Any] | None = None,
) -> Obj:
    """Slice ``items`` for the page ``query`` asks for and link the other pages.

    ``url`` is the absolute URL of the list without its query; links keep every other
    query parameter. ``extra`` keys (``included``) go between ``data`` and ``pagination``.
    """
    params = dict(query)
    try:
        per_page = int(params.get("per_page") or default)
    except ValueError:
        per_page = default
    per_page = min(max(per_page, 1), maximum)
    try:
        number = max(1, int(params.get("page") or 1))
    except ValueError:
        number = 1
    total = len(items)
    last = max(1, math.ceil(total / per_page))
    chunk = items[(number - 1) * per_page : number * per_page]
    kept = [(k, v) for k, v in query if k != "page"]

    def link(n: int) -> str:
        return f"{url}?{urlencode([*kept, ('page', str(n))])}"

    out: Obj = {"data": [build(x) for x in chunk]}
    if extra:
        out.update(extra)
    out["pagination"] = {
        "first": link(1),
        "last": link(last),
        "prev": link(min(number - 1, last)) if number > 1 else None,
        "next": link(number + 1) if number < last else None,
    }
    return out
