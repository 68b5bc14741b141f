"""The limits that keep hostile input cheap: the size and nesting of a body (checked before
decoding) and the length of each field read from it."""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH"]

DEFAULT_MAX_BYTES: Final = 1_048_576
DEFAULT_MAX_DEPTH: Final = 32

MAX_ID_CHARS: Final = 256
MAX_WORD_CHARS: Final = 64
MAX_TIME_CHARS: Final = 64
MAX_INT_DIGITS: Final = 4300
#: About 256 decimal digits: far beyond any id, far below int()'s limit.
MAX_INT_BITS: Final = 850
