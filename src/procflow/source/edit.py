"""Changing one key of a PM's YAML file in its text, keeping everything else as written.

When procflow writes a result into a process file (a pool's new ``calendar``), the
comments, order, blank lines and quoting of the rest of the file are the PM's and stay
exactly as they were: only the lines of the key being replaced change. The key must be
written in block style (on a line of its own, as ``count: 30`` under its pool); a key
inside a ``{...}`` flow mapping is refused with :class:`EditError`.
"""

from __future__ import annotations

from collections.abc import Sequence

from procflow.source.document import DocPath, Document


class EditError(ValueError):
    """The key cannot be replaced in the text (it is written in flow style)."""


def replace_key(doc: Document, path: DocPath, lines: Sequence[str]) -> str:
    """The text of ``doc`` with the key at ``path`` and its value replaced by ``lines``.

    ``lines`` are written at the key's indentation (each may indent further). Comment and
    blank lines after the value that are not indented more than the key stay, as do
    comments on the lines before it. Raises :class:`EditError` for a key in flow style.
    """
    where = doc.key_locations.get(tuple(path))
    parent = doc.key_locations.get(tuple(path[:-1]))
    text = doc.text.splitlines(keepends=True)
    if where is None:
        raise EditError(f"{'.'.join(map(str, path))} is not written in {doc.path}")
    first = where.line - 1
    indent = where.col - 1
    if text[first][:indent].strip() or (parent is not None and parent.line == where.line):
        raise EditError(
            f"{doc.path}:{where.line}:{where.col}: {path[-1]} is written inside {{...}}; "
            "write the pool's keys one per line to let procflow replace it"
        )
    last = first
    for number in range(first + 1, len(text)):
        line = text[number]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(line) - len(line.lstrip(" "))
        if depth < indent or (depth == indent and not stripped.startswith("- ")):
            break  # a list may sit at its key's indentation: its items belong to the key
        last = number
    ending = "\r\n" if text[first].endswith("\r\n") else "\n"
    new = [" " * indent + line + ending for line in lines]
    return "".join([*text[:first], *new, *text[last + 1 :]])
