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


class ItemStream:
    """Numbers keyed by item: an item's first visit to a stage always gets the same draw.

    Common random numbers work best when the same item gets the same handling
    time, routing draw and quality draws in every scenario, whatever order the
    work is done in. So the draw for the n-th item's first visit to a stage is
    fixed by (seed, replication, source, n): numbers are generated in blocks of
    :data:`BLOCK` items, each from its own generator, and the recently used blocks
    are kept (bounded memory; an evicted block is regenerated identically).
    Later visits of the same item (rework) draw from a plain stream.
    """

    __slots__ = ("_again", "_blocks", "_draw", "_key", "_replication", "_seed")

    #: Blocks kept in memory; older ones are regenerated when an old item needs them.
    KEEP = 16

    def __init__(
        self,
        seed: int,
        replication: int,
        source: str,
        draw: Callable[[np.random.Generator, int], np.ndarray],
    ) -> None:
        self._seed = seed
        self._replication = replication
        self._key = zlib.crc32(source.encode("utf-8"))
        self._draw = draw
        self._blocks: dict[int, list[float]] = {}
        self._again = Stream(generator(seed, replication, f"{source}:again"), draw)

    def __call__(self, case: int, first: bool) -> float:
        """The draw for item ``case`` (its first visit here if ``first``)."""
        if not first:
            return self._again()
        block, offset = divmod(case, BLOCK)
        values = self._blocks.get(block)
        if values is None:
            if len(self._blocks) >= self.KEEP:
                del self._blocks[next(iter(self._blocks))]
            sequence = np.random.SeedSequence(
                entropy=self._seed, spawn_key=(self._replication, self._key, block)
            )
            rng = np.random.Generator(np.random.PCG64(sequence))
            values = self._blocks[block] = self._draw(rng, BLOCK).tolist()
        return values[offset]


def item_uniforms(seed: int, replication: int, source: str) -> ItemStream:
    """An :class:`ItemStream` of U(0, 1) numbers."""
    return ItemStream(seed, replication, source, lambda rng, n: rng.random(n))
