"""What every chart of the report shares: its colours, its look, and how it becomes SVG.

Charts are drawn with matplotlib and kept as SVG text, so the report stays one
file that anyone can open, attach or print. Text stays text (it is not turned
into outlines): it is crisp at any zoom, can be searched and copied, and Chinese
or Indonesian stage names show in the reader's fonts. Several charts share one
page, so each one's SVG ids are numbered apart (:func:`id_scope`); the process
diagram (:mod:`procflow.report.diagram`) uses the same colours and numbering.

matplotlib is imported only when a chart is drawn: the diagram and the HTML
page can be used without it.
"""

from __future__ import annotations

import html
import io
import itertools
import math
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeGuard

from procflow.model.quantities import SECONDS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Colours a PM reads the same way everywhere in the report.
BLUE = "#2563eb"
GREEN = "#15803d"
AMBER = "#b45309"
RED = "#b91c1c"
GREY = "#9ca3af"
INK = "#1f2937"
MUTED = "#6b7280"
#: Distinct line colours for stages and pools (Okabe-Ito, readable for colour-blind readers).
PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8c564b",
)  # fmt: skip

_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",  # keep text as text: crisp, searchable, any script
    "svg.hashsalt": "procflow",  # the same input gives the same file
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#d1d5db",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e7eb",
    "grid.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "figure.dpi": 100,
}

#: Numbers the charts of one page, so that their SVG ids do not clash (see :func:`id_scope`).
_ids: ContextVar[itertools.count[int]] = ContextVar("procflow_chart_ids")


@contextmanager
def id_scope() -> Iterator[None]:
    """Number charts from 1 within this block: the same report twice is the same file."""
    token = _ids.set(itertools.count(1))
    try:
        yield
    finally:
        _ids.reset(token)


def next_id() -> int:
    """The number of the next chart (or diagram) on this page, to prefix its SVG ids."""
    counter = _ids.get(None)
    if counter is None:
        counter = itertools.count(1)
        _ids.set(counter)
    return next(counter)


@contextmanager
def style() -> Iterator[None]:
    """The report's look, without touching the caller's matplotlib settings."""
    import matplotlib

    with matplotlib.rc_context(_STYLE), warnings.catch_warnings():  # type: ignore[arg-type]
        # Fonts here may lack CJK glyphs; the browser draws the text, so only layout guesses.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        yield


def figure(width: float, height: float) -> Figure:
    """A figure sized in inches (the report is about 10 inches wide)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def to_svg(fig: Figure, label: str) -> str:
    """The figure as an ``<svg>`` element to paste into HTML (ids made unique per chart)."""
    buffer = io.StringIO()
    with style():
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    return _finish_svg(text, label)


def _finish_svg(text: str, label: str) -> str:
    """Unique ids (several charts share one page), a class for CSS, and an accessible name."""
    prefix = f"c{next_id()}-"
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    if ids:
        names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        text = re.sub(rf'(\bid="|#)({names})(?=["\)])', lambda m: m[1] + prefix + m[2], text)
    return text.replace(
        "<svg ",
        f'<svg class="chart" role="img" aria-label="{html.escape(label)}" ',
        1,
    )


def time_scale(span: float, time_unit: str) -> tuple[float, str]:
    """(process time units per display unit, unit name) so that ``span`` reads well."""
    seconds = span * SECONDS.get(time_unit, 60.0)  # type: ignore[call-overload]
    per = SECONDS.get(time_unit, 60.0)  # type: ignore[call-overload]
    for name, size, at_least in (("days", 86400.0, 2 * 86400.0), ("hours", 3600.0, 3 * 3600.0)):
        if seconds >= at_least:
            return size / per, name
    if seconds >= 3 * 60:
        return 60.0 / per, "minutes"
    return 1.0 / per, "seconds"


def short_unit(name: str) -> str:
    """``minutes`` as an axis label says it: ``min``."""
    return {"days": "d", "hours": "h", "minutes": "min", "seconds": "s"}[name]


def finite(value: float | None) -> TypeGuard[float]:
    """A number that can be drawn (not missing, not NaN, not infinite)."""
    return value is not None and math.isfinite(value)
