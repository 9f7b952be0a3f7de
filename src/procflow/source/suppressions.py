"""Inline suppression comments: ``# procflow: ignore[PF106]`` at the end of a line.

A PM who has a good reason for a finding (a pool kept for the holiday scenario)
silences it where it is reported, with a comment on that line: ``ignore`` alone
silences every code on the line, ``ignore[PF106, unknown-stage]`` the codes or
rule names it lists. A comment that is almost right silences nothing rather than
everything, so a typo never hides a finding. Whether the codes listed exist is
for lint to say (``PF014``): reading a file knows no rules.
"""

from __future__ import annotations

import re

from procflow.diagnostics import Location

#: ``# procflow: ignore`` and what follows it on the line.
_SUPPRESSION = re.compile(r"#\s*procflow:\s*ignore(?P<rest>.*)")
_CODE = re.compile(r"[A-Za-z0-9_-]+")


def suppressions(text: str) -> dict[int, frozenset[str]]:
    """Line number -> the codes or rule names silenced on it (an empty set: every code)."""
    return {
        number: frozenset(code for code, _ in listed) for number, listed in _comments(text).items()
    }


def listed_codes(path: str, text: str) -> list[tuple[str, Location]]:
    """Every code or rule name listed in a suppression comment, with where it is written."""
    return [
        (code, Location(path, number, column))
        for number, listed in _comments(text).items()
        for code, column in listed
    ]


def _comments(text: str) -> dict[int, list[tuple[str, int]]]:
    """Line number -> the codes listed on it, each with its 1-based column."""
    found: dict[int, list[tuple[str, int]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUPPRESSION.search(line)
        if match:
            listed = _listed(match["rest"], match.start("rest"))
            if listed is not None:
                found[number] = listed
    return found


def _listed(rest: str, start: int) -> list[tuple[str, int]] | None:
    """What a suppression comment silences, given the text after ``ignore`` at index ``start``.

    ``ignore`` alone (or followed by a space and a remark): every code, as an empty
    list. ``ignore[PF106, unknown-stage]``: the codes or rule names listed, with their
    columns. Anything else is a typo that silences nothing rather than everything:
    ``ignore[PF106`` (no closing bracket), ``ignore[]``, ``ignore[PF 106]``, ``ignored``.
    """
    after = rest.lstrip()
    if after.startswith("["):
        inside, closed, _ = after[1:].partition("]")
        offset = start + len(rest) - len(after) + 1  # the index of the text inside the brackets
        listed: list[tuple[str, int]] = []
        for part in re.finditer(r"[^,]+", inside):
            code = part.group().strip()
            if code:
                column = offset + part.start() + part.group().index(code) + 1
                listed.append((code, column))
        if not closed or not listed or not all(_CODE.fullmatch(code) for code, _ in listed):
            return None
        return listed
    if rest and not rest[0].isspace():
        return None
    return []
