"""Opening an event log: through the input guard, gunzipped as it is read, a line at a time.

An export of months of a busy queue is hundreds of megabytes; its text is never
held whole. The file goes through the guard every input has
(:func:`~procflow.source.guards.open_guarded`: only an ordinary file, no larger
than the limit); a gzipped log (``log.csv.gz``) is decompressed as it is read, and
refused once more than the limit has come out of it (a small file can inflate to
gigabytes). A CSV log is read a line at a time (:meth:`LogStream.lines`, decoded
from UTF-8: a byte that is not is refused at its line), an XES log a chunk at a
time (:meth:`LogStream.chunks`). A problem with the whole file is a
:class:`~procflow.diagnostics.LoadError` with one ``PF020`` finding.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

from procflow.diagnostics import Finding, LoadError, Location
from procflow.diagnostics.checks import UNREADABLE_EVENT_LOG
from procflow.source.guards import open_guarded

#: How much of an XES log is handed to the XML parser at a time.
CHUNK_BYTES = 1024 * 1024

#: Where a carriage return alone ends a line (old Mac files; ``\r\n`` is one line end).
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")

#: How to make an event log smaller than the limit.
TOO_LARGE_HINT = "export a shorter period, or pass a larger max_bytes"


class LogStream:
    """An open event log's bytes, gunzipped, counted against ``max_bytes`` as they come."""

    def __init__(self, raw: BinaryIO, file: str, max_bytes: int) -> None:
        self.file = file
        self.max_bytes = max_bytes
        self.gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        self._stream: BinaryIO | gzip.GzipFile = (
            gzip.GzipFile(fileobj=raw, mode="rb") if self.gzipped else raw
        )
        self._read = 0
        self._lines: list[str] = []  # the lines read since the last :meth:`taken`

    def _take(self, size: int, line: bool) -> bytes:
        """Up to ``size`` bytes (a line of at most that many, with ``line``) within the limit."""
        try:
            data = self._stream.readline(size) if line else self._stream.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            what = "not a readable gzip file" if self.gzipped else "cannot read the file"
            raise error(self.file, f"{what}: {exc}") from None
        self._read += len(data)
        if self._read > self.max_bytes:
            hint = TOO_LARGE_HINT
            message = f"the event log is larger than {self.max_bytes:,} bytes"
            raise error(self.file, message, hint=hint)
        return data

    def chunks(self) -> Iterator[bytes]:
        """The log's bytes, :data:`CHUNK_BYTES` at a time."""
        while data := self._take(min(CHUNK_BYTES, self.max_bytes - self._read + 1), False):
            yield data

    def lines(self) -> Iterator[str]:
        """The log's lines as text, with their line ends, as the csv module counts them."""
        number = 0
        while raw := self._take(self.max_bytes - self._read + 1, True):
            number += 1
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise error(
                    self.file, "the file is not UTF-8 text", number, "save it as UTF-8"
                ) from None
            pieces = _LONE_CR.split(text) if "\r" in text[:-2] else (text,)
            for piece in pieces:
                if piece:
                    self._lines.append(piece)
                    yield piece

    def taken(self) -> str:
        """The first line read since the last call (the first line of a CSV row), or ""."""
        first = self._lines[0] if self._lines else ""
        self._lines.clear()
        return first


@contextmanager
def open_log(path: str | Path, max_bytes: int) -> Iterator[LogStream]:
    """The event log at ``path``, open through the guard; raises :class:`LoadError`."""
    file = str(path)
    with ExitStack() as stack:
        try:
            raw = stack.enter_context(open_guarded(path, max_bytes, "event logs", TOO_LARGE_HINT))
        except LoadError as exc:  # the guard's findings, as an event log's own code
            refused = [finding(f.location, f.message, f.hint) for f in exc.findings]
            raise LoadError(refused) from None
        yield LogStream(raw, file, max_bytes)


def finding(where: Location, message: str, hint: str | None = None) -> Finding:
    """A ``PF020`` finding: an event log that cannot be read, or a row of it."""
    return UNREADABLE_EVENT_LOG.finding(message, where, hint)


def error_at(where: Location, message: str, hint: str | None = None) -> LoadError:
    return LoadError([finding(where, message, hint)])


def error(file: str, message: str, line: int = 1, hint: str | None = None) -> LoadError:
    return error_at(Location(file, line), message, hint)
