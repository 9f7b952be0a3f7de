"""Named random streams: every source of randomness has its own generator.

An arrival stream, a stage's handling times, a routing draw, a quality draw:
each is seeded from (seed, replication, source name). The same seed gives the
same numbers; and two scenarios of one process that share a stage draw the
same handling times for it (common random numbers), which is what makes their
comparison sharp. Numbers are drawn from NumPy in blocks, so the simulator's
per-event cost is an index increment.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np

BLOCK = 4096


def generator(seed: int, replication: int, source: str) -> np.random.Generator:
    """The generator of one named source in one replication."""
    key = zlib.crc32(source.encode("utf-8"))
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication, key))
    return np.random.Generator(np.random.PCG64(sequence))


class Stream:
    """An endless supply of numbers from ``draw(rng, n)``, drawn ``BLOCK`` at a time."""

    __slots__ = ("_block", "_draw", "_i", "_rng")

    def __init__(
        self, rng: np.random.Generator, draw: Callable[[np.random.Generator, int], np.ndarray]
    ):
        self._rng = rng
        self._draw = draw
        self._block: list[float] = []
        self._i = 0

    def __call__(self) -> float:
        i = self._i
        if i >= len(self._block):
            self._block = self._draw(self._rng, BLOCK).tolist()
            i = 0
        self._i = i + 1
        return self._block[i]


def uniforms(seed: int, replication: int, source: str) -> Stream:
    """A stream of U(0, 1) numbers."""
    return Stream(generator(seed, replication, source), lambda rng, n: rng.random(n))
