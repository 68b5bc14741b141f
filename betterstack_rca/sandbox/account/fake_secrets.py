"""Planted secrets: fake credentials, all containing ``SECRET``, for the redaction tests."""

from __future__ import annotations

import random


def random_hex(rng: random.Random, nbytes: int = 8) -> str:
    return f"{rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"
