"""What procflow refuses to read: files that are missing, too big or not UTF-8, and hostile YAML.

A process file is a hand-written SOP of a few kilobytes. Anything else is a
mistake (a directory, a binary file, the wrong path) or an attack: an alias
"billion laughs" bomb that expands a few lines into millions of nodes, an alias
that contains itself, or thousands of nested brackets. Each fails fast, with one
located finding (``PF001`` for the file, ``PF004`` for the YAML), long before it
could exhaust memory or the stack.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from yaml.nodes import Node

from procflow.diagnostics import LoadError, Location
from procflow.diagnostics.checks import UNREADABLE_FILE, UNSAFE_YAML

#: Process files are hand-written SOPs; anything bigger is a mistake or an attack.
MAX_FILE_BYTES = 1024 * 1024
#: Nodes after alias expansion; the bundled examples have a few hundred.
MAX_NODES = 200_000
MAX_DEPTH = 64
#: How to make a process file smaller.
SPLIT_HINT = "split the process, or check that this is the file you meant"


def read_text(path: str | Path, limit: int = MAX_FILE_BYTES, what: str = "process files") -> str:
    """Read a UTF-8 text file with the size guard; raise :class:`LoadError` with one finding.

    The bytes are read by :func:`read_bytes` (so with its refusals); text that is not
    UTF-8 is refused at the line and column of the first bad byte.
    """
    raw = read_bytes(path, limit, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        raise LoadError(
            [
                UNREADABLE_FILE.finding(
                    f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                    Location(str(path), line, col),
                    "save the file as UTF-8",
                )
            ]
        ) from None


def read_bytes(path: str | Path, limit: int = MAX_FILE_BYTES, what: str = "process files") -> bytes:
    """Read a file with the size guard; raise :class:`LoadError` with one finding.

    The file is opened by :func:`open_guarded` (so with its refusals), and never more
    than ``limit`` bytes of it are read, whatever size the system reports.
    """
    with open_guarded(path, limit, what) as stream:
        try:
            raw = stream.read(limit + 1)
        except OSError as exc:
            raise _unreadable(exc, Location.of_file(str(path))) from None
    if len(raw) > limit:
        raise too_large(str(path), "larger", limit, what)
    return raw


@contextmanager
def open_guarded(
    path: str | Path,
    limit: int = MAX_FILE_BYTES,
    what: str = "process files",
    hint: str = SPLIT_HINT,
) -> Iterator[BinaryIO]:
    """Open an ordinary file for reading in binary, refusing what :func:`read_bytes` refuses.

    A device such as ``/dev/zero`` or a named pipe is refused before it is opened for
    reading (a pipe would wait forever for a writer), and so is a file the system says
    is over ``limit`` bytes; ``what`` names the kind of file in that message, ``hint`` how
    to make it smaller. A reader
    of the stream (an event log, read row by row) stops at ``limit`` bytes itself, with
    :func:`too_large`, should the file grow while it is read.
    """
    p = Path(path)
    where = Location.of_file(str(path))
    try:
        kind = _kind(os.stat(p).st_mode)
    except FileNotFoundError:
        raise LoadError([UNREADABLE_FILE.finding("file not found", where)]) from None
    except OSError as exc:
        raise _unreadable(exc, where) from None
    if kind != "file":
        raise _not_a_file(kind, where)
    try:
        # O_NONBLOCK: should the path become a pipe after the check, opening it does not wait.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        stream = os.fdopen(fd, "rb")
    except OSError as exc:
        raise _unreadable(exc, where) from None
    with stream:
        try:
            status = os.fstat(stream.fileno())
        except OSError as exc:
            raise _unreadable(exc, where) from None
        kind = _kind(status.st_mode)
        if kind != "file":
            raise _not_a_file(kind, where)
        if status.st_size > limit:
            raise too_large(str(path), f"{status.st_size:,} bytes", limit, what, hint)
        yield stream


def too_large(path: str, size: str, limit: int, what: str, hint: str = SPLIT_HINT) -> LoadError:
    """The refusal of a file over ``limit`` bytes (``size`` says how large, or "larger")."""
    return LoadError(
        [
            UNREADABLE_FILE.finding(
                f"file is {size}; {what} are limited to {limit:,} bytes",
                Location.of_file(path),
                hint,
            )
        ]
    )


def _unreadable(exc: OSError, where: Location) -> LoadError:
    return LoadError([UNREADABLE_FILE.finding(f"cannot read file: {exc.strerror}", where)])


def _not_a_file(kind: str, where: Location) -> LoadError:
    if kind == "directory":
        return LoadError(
            [
                UNREADABLE_FILE.finding(
                    "is a directory, not a file",
                    where,
                    "pass a .yaml file, or use `procflow lint DIR` to lint a folder",
                )
            ]
        )
    return LoadError(
        [
            UNREADABLE_FILE.finding(
                f"is a {kind}, not a file",
                where,
                "pass a .yaml file saved on disk; procflow reads only ordinary files, "
                "not devices, pipes or sockets",
            )
        ]
    )


def _kind(mode: int) -> str:
    """What a file system entry is, in a PM's words: 'file' only for an ordinary file."""
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def check_size(text: str, path: str) -> None:
    """Refuse text (given rather than read from ``path``) over the file size limit."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise LoadError(
            [
                UNREADABLE_FILE.finding(
                    f"text is larger than {MAX_FILE_BYTES:,} bytes", Location.of_file(path)
                )
            ]
        )


def unsafe(where: Location, message: str, hint: str | None = None) -> LoadError:
    """The error for YAML that procflow will not build (``PF004``)."""
    return LoadError([UNSAFE_YAML.finding(message, where, hint)])


def too_deep(where: Location) -> LoadError:
    """The error for a node nested deeper than :data:`MAX_DEPTH` levels (``PF004``)."""
    return unsafe(
        where,
        f"nesting is deeper than {MAX_DEPTH} levels",
        "a process needs only a few levels of lists and mappings; write it out flatter",
    )


class NodeGuard:
    """Counts the nodes of a tree as it is built, and the aliases being expanded.

    Aliases are expanded as the tree is built, so the count is of the data as it
    will be, not of the text: that is what catches alias bombs.
    """

    def __init__(self) -> None:
        self.count = 0
        self.active: set[int] = set()

    def visit(self, where: Location, depth: int) -> None:
        """Count one node at nesting ``depth``; raise past the node or the nesting limit."""
        self.count += 1
        if self.count > MAX_NODES:
            raise unsafe(
                where,
                f"file expands to more than {MAX_NODES:,} YAML nodes (alias expansion?)",
                "write the process out without deeply nested anchors and aliases",
            )
        if depth > MAX_DEPTH:
            raise too_deep(where)

    def enter(self, node: Node, where: Location) -> None:
        """Start building a list or mapping; raise if it is already being built (it contains
        itself through an alias)."""
        if id(node) in self.active:
            raise unsafe(where, "recursive alias: a node contains itself")
        self.active.add(id(node))

    def leave(self, node: Node) -> None:
        """Done building a list or mapping."""
        self.active.discard(id(node))
