"""Bounding work by counting it, not by the clock.

No test asserts on wall time: a busy machine makes any time limit flaky, and a
fast one hides the problem a limit was meant to catch. A test that guards
against runaway work (a parser that backtracks exponentially, an alias bomb
expanded in full) counts the function calls the work makes, of Python code and
built-ins alike, and bounds that count. The count depends only on the code and
its input: the same on a loaded CI machine as on a laptop.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any


class TooMuchWork(AssertionError):
    """The block made more calls than its bound: it fails the test as soon as it does."""


@dataclass
class Work:
    """The function calls made inside a ``with count_work() as work:`` block."""

    calls: int = 0


@contextmanager
def count_work(at_most: int | None = None) -> Iterator[Work]:
    """Count the calls made inside the block; read ``work.calls`` after it.

    With ``at_most``, the call past that bound raises :class:`TooMuchWork`, so
    runaway work fails the test at once instead of hanging it. It uses the
    interpreter's profile hook (the one ``cProfile`` uses), restored on exit; the
    block runs two or three times slower while counted.
    """
    work = Work()
    bound = sys.maxsize if at_most is None else at_most

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            work.calls += 1
            if work.calls > bound:
                raise TooMuchWork(f"more than {bound:,} calls")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield work
    finally:
        sys.setprofile(previous)
