"""Small, fast draws on a seeded `random.Random`.

The stdlib's `randint`, `choice` and `choices` spend most of their time in Python-level
argument handling; a million cases make ~50 million draws, so these one-liners (one C
call to `random()` each) roughly halve generation time. Same seed, same sequence.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def randint(rng: random.Random, lo: int, hi: int) -> int:
    """Uniform integer in [lo, hi] (both inclusive)."""
    return lo + int(rng.random() * (hi - lo + 1))


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


class Weighted:
    """A categorical distribution drawn by bisecting cumulative weights."""

    __slots__ = ("keys", "cum", "total")

    def __init__(self, weights: Mapping[str, float] | Sequence[float]) -> None:
        items = list(weights.items()) if isinstance(weights, Mapping) else list(enumerate(weights))
        self.keys = [k for k, _ in items]
        self.cum: list[float] = []
        total = 0.0
        for _, w in items:
            total += float(w)
            self.cum.append(total)
        self.total = total

    def draw(self, rng: random.Random) -> object:
        return self.keys[bisect.bisect_right(self.cum, rng.random() * self.total)]

    def index(self, rng: random.Random) -> int:
        return bisect.bisect_right(self.cum, rng.random() * self.total)
