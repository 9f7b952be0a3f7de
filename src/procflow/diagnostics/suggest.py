"""Did you mean ...? The closest known name to a misspelt one.

A PM who writes ``duraton``, ``sample_for_qcc`` or ``PF1O6`` gets the name they
most likely meant in the hint. Everything that suggests a name asks here, so the
suggestions agree everywhere: a name that differs only in case wins, else the
most similar one by :func:`difflib.get_close_matches`, if it is similar enough.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: How similar (0 to 1, difflib's ratio) a name must be to be suggested.
CUTOFF = 0.6


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` most likely misspells, or ``None`` if none is close."""
    names = list(candidates)
    folded = [name for name in names if name.casefold() == word.casefold()]
    close = folded or difflib.get_close_matches(word, names, n=1, cutoff=CUTOFF)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint such as ``did you mean 'duration'?``, or ``None`` if no candidate is close."""
    name = closest(word, candidates)
    return f"did you mean {name!r}?" if name is not None else None
