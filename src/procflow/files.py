"""Output files written safely: a crash or a full disk never leaves half a report.

Every file procflow writes (reports, workbooks, event logs, ``init``'s
skeletons) is written under a temporary name beside its target and renamed
into place when complete: readers see the old file or the new one, never a
part. This module imports nothing of procflow, so every layer can use it.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO


class OutputExists(FileExistsError):
    """Files a command would write exist already, and it was not told to replace them.

    Its text names them once, in plain words (``out/kpis.csv exists``); the command
    adds how to replace them.
    """

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        super().__init__(errno.EEXIST, "exists", str(paths[0]))

    def __str__(self) -> str:
        if len(self.paths) == 1:
            return f"{self.paths[0]} exists"
        folders = {p.parent for p in self.paths}
        if len(folders) == 1:
            names = ", ".join(p.name for p in self.paths)
            return f"{folders.pop()} already holds {names}"
        return f"{', '.join(map(str, self.paths))} exist"


def refuse_existing(paths: Iterable[Path]) -> None:
    """Raise :class:`OutputExists` naming those of ``paths`` that exist (a link counts)."""
    existing = [p for p in paths if p.exists() or p.is_symlink()]
    if existing:
        raise OutputExists(existing)


def temporary(path: Path) -> tuple[BinaryIO, Path]:
    """A new temporary file beside ``path``, open for writing, and its name.

    Beside, in the same folder, so that :func:`publish` is one atomic rename;
    the folder is created if need be.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    return os.fdopen(fd, "wb"), Path(tmp)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` through a temporary file and a rename."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, tmp = temporary(path)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        publish(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def publish(tmp: Path, path: Path) -> None:
    """Move a finished temporary file into place, with a new file's usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file would be, not mkstemp's 0600
    os.replace(tmp, path)


def fill_block(path: Path, begin: str, end: str, content: str) -> bool:
    """Write ``content`` between the ``begin`` and ``end`` markers of a committed doc.

    The generated parts of the docs (the KPI table, the key reference) sit between
    such markers; everything around them is left as it is. Returns whether the file
    changed; raises ValueError naming the markers when ``path`` has no such block.
    """
    text = path.read_text(encoding="utf-8")
    head, found, rest = text.partition(begin)
    if not found or end not in rest:
        raise ValueError(f"{path}: no {begin.strip()} ... {end.strip()} block to fill")
    updated = head + begin + content + end + rest.split(end, 1)[1]
    if updated != text:
        write_atomic(path, updated)
    return updated != text
