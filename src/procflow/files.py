"""Output files written safely: a crash, a full disk or a ``kill`` never leaves half a
report, and nothing procflow writes ever replaces a file it reads.

Every file procflow writes (reports, workbooks, event logs, ``init``'s skeletons) is
written under a temporary name beside its target and renamed into place when complete:
readers see the old file or the new one, never a part. Before a command starts, every
output is checked (:func:`check_outputs`): it must not be one of the command's input
files (the process, a scenario's base, an empirical CSV), through whatever links or
other names, and its folder must exist and be writable. A special file (``/dev/stdout``,
``/dev/null``, a named pipe, or a link to one) is written through, as a shell redirect
would, never replaced by a regular file. A ``SIGTERM`` removes the temporary files as
Ctrl-C does (:func:`exit_on_terminate`). This module imports nothing of procflow, so
every layer can use it.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType, TracebackType
from typing import BinaryIO

#: The folders of special files (devices, a process's open files): written in place.
SPECIAL_FOLDERS = ("dev", "proc")


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


class Refused(Exception):
    """An output procflow will not or cannot write; its text says which, and why."""


class InputClash(Refused):
    """An output is one of the files the command reads (or two outputs are one file)."""


class MissingFolder(Refused):
    """The folder an output goes into does not exist (procflow does not create it unasked)."""

    def __init__(self, folder: Path, output: Path) -> None:
        self.folder = folder
        super().__init__(f"cannot write {output}: folder {folder} does not exist")


class Unwritable(Refused):
    """The system refuses the write: a read-only folder, no permission, a full disk."""


def refuse_existing(paths: Iterable[Path]) -> None:
    """Raise :class:`OutputExists` naming those of ``paths`` that exist (a link counts)."""
    existing = [p for p in paths if p.exists() or p.is_symlink()]
    if existing:
        raise OutputExists(existing)


def destination(path: Path) -> tuple[Path, bool]:
    """Where writing ``path`` lands, and whether it is written in place.

    A special file (a device, a named pipe, anything under ``/dev`` or ``/proc``, or a
    link to one) is written in place; a link to a regular file is replaced at its
    target, so that the link stays; anything else is ``path`` itself.
    """
    if Path(os.path.abspath(path)).parts[1:2] in {(f,) for f in SPECIAL_FOLDERS}:
        return path, True
    real = Path(os.path.realpath(path))
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return (real if path.is_symlink() else path), False
    if not stat.S_ISREG(mode):
        return path, True
    return (real if path.is_symlink() else path), False


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: by its identity when both exist (links, hard
    links, other spellings), else by their resolved paths."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_outputs(
    files: Iterable[Path],
    inputs: Iterable[Path],
    *,
    folders: Iterable[Path] = (),
    mkdir: bool = False,
) -> None:
    """Refuse, before anything runs, outputs that would replace an input or cannot be written.

    ``files`` are output files, ``folders`` output folders (CSV tables: a ``.csv``
    input directly in one clashes). Raises :class:`InputClash` naming the output and
    the input (or the two outputs that are one file), :class:`MissingFolder` for a
    folder that does not exist (created instead when ``mkdir``), :class:`Unwritable`
    for a folder or special file the system will not let procflow write.
    """
    read = list(inputs)
    targets = list(files)
    for output in targets:
        for source in read:
            if same_file(output, source):
                also = "" if Path(output) == Path(source) else f" (the same file as {source})"
                raise InputClash(
                    f"{output} is an input file{also}; nothing was run or written: "
                    "choose another output path"
                )
    for folder in folders:
        for source in read:
            if Path(source).suffix.lower() == ".csv" and same_file(Path(source).parent, folder):
                raise InputClash(
                    f"the CSV folder {folder} holds the input file {source}; nothing was run "
                    "or written: write the tables into another folder"
                )
    every = [*targets, *folders]
    for i, output in enumerate(every):
        for other in every[:i]:
            if same_file(output, other):
                raise InputClash(f"{other} and {output} are one file: give each output its own")
    for output in targets:
        where, in_place = destination(output)
        if in_place:
            if not os.path.exists(where):
                raise Unwritable(f"cannot write {output}: there is no such device or special file")
            if not os.access(where, os.W_OK):
                raise Unwritable(f"cannot write {output}: permission denied")
            continue
        _ready(where.parent, output, mkdir)
    for folder in folders:
        if not folder.exists():
            _ready(folder.parent, folder, mkdir)  # the folder itself is created when written
        elif not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
            raise Unwritable(f"cannot write into {folder}: it is not a writable folder")


def _ready(folder: Path, output: Path, mkdir: bool) -> None:
    """Make sure ``output`` can be created in ``folder``; a missing folder is allowed when
    ``mkdir`` and its nearest existing parent is writable (it is created when written, so
    a run that fails first leaves no empty folder behind)."""
    if not folder.exists():
        if not mkdir:
            raise MissingFolder(folder, output)
        parent = next(p for p in folder.parents if p.exists())
        if not (parent.is_dir() and os.access(parent, os.W_OK | os.X_OK)):
            raise Unwritable(f"cannot create folder {folder}: {parent} is not a writable folder")
        return
    if not folder.is_dir():
        raise Unwritable(f"cannot write {output}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise Unwritable(f"cannot write {output}: folder {folder} is read-only")


def make_folder(folder: Path) -> None:
    """Create ``folder`` and its parents if need be; :class:`Unwritable` if the system will not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Unwritable(f"cannot create folder {folder}: {exc.strerror or exc}") from None


class OutputFile:
    """A file being written: under a temporary name beside its target, moved into place by
    :meth:`commit`, or, for a special file (see :func:`destination`), in place.

    Used as a context manager it commits on success and aborts (removes the temporary
    file) on any error, a Ctrl-C or a ``SIGTERM`` (see :func:`exit_on_terminate`).
    System errors (no such folder, read-only, full disk) become :class:`Refused`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        target, self.in_place = destination(path)
        self._target = target
        self._tmp: Path | None = None
        try:
            if self.in_place:
                self.handle: BinaryIO = open(target, "wb")  # noqa: SIM115 (closed by commit)
            else:
                if not target.parent.exists():
                    make_folder(target.parent)  # a --mkdir folder, created only now
                fd, tmp = tempfile.mkstemp(
                    prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
                )
                self._tmp = Path(tmp)
                self.handle = os.fdopen(fd, "wb")
        except OSError as exc:
            raise _refusal(path, exc) from None

    def commit(self) -> None:
        """Finish the file and move it into place, with a new file's usual permissions."""
        try:
            if self._tmp is None:
                self.handle.close()
                return
            with self.handle:
                self.handle.flush()
                os.fsync(self.handle.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self._tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
            os.replace(self._tmp, self._target)
        except OSError as exc:
            self.abort()
            raise _refusal(self.path, exc) from None

    def abort(self) -> None:
        """Drop the partial file (the run failed or was stopped)."""
        self.handle.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def _refusal(path: Path, exc: OSError) -> Refused:
    if exc.errno == errno.ENOENT and not Path(os.path.realpath(path)).parent.exists():
        return MissingFolder(Path(os.path.realpath(path)).parent, path)
    return Unwritable(f"cannot write {path}: {exc.strerror or exc}")


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` through a temporary file and a rename
    (a special file: in place). The folder must exist: :class:`MissingFolder` if not
    (nothing is created unasked); :class:`Refused` whenever the system will not write."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with OutputFile(path) as output:
        try:
            output.handle.write(data)
        except OSError as exc:
            raise _refusal(path, exc) from None


def exit_on_terminate() -> Callable[[], None]:
    """Make a ``SIGTERM`` to this process end it as Ctrl-C does, by an exception (exit
    status 143), so that open :class:`OutputFile` s remove their temporary files.

    The worker processes it started (local replications) are stopped with it; they
    inherit the handler, and stop at once, as by default, when told to. Returns what puts
    the previous handler back, for a caller that goes on after the command (a test run,
    a notebook): there a ``SIGTERM`` must stop the caller as it did before.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # only the main thread may set a handler (called from a thread)
    owner = os.getpid()
    previous = signal.getsignal(signal.SIGTERM)

    def stop(number: int, _frame: FrameType | None) -> None:
        if os.getpid() != owner:
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
            return
        for child in multiprocessing.active_children():  # replications running locally
            child.terminate()
        sys.exit(128 + number)

    signal.signal(signal.SIGTERM, stop)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


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
