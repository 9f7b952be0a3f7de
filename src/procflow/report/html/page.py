"""What every HTML report shares: the page, its styles, and the small pieces of HTML.

A report is one page: a header with the kind of report, the process's name and
how it was simulated, then sections (the verdict first), and a footer that says
which procflow made it. The styles are inline and there is no script, so the file
opens anywhere, offline, and prints cleanly. The pieces here (tables, badges,
sections, figures, key facts) take their numbers from the result records and
format them in the user's time unit; every text is escaped.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape as _e
from importlib import metadata
from typing import Any, TypeVar

from procflow.model.process import Process
from procflow.model.quantities import format_duration
from procflow.model.settings import AUTO_WARMUP_NOTE
from procflow.report.charts.base import id_scope
from procflow.report.diagram import process_diagram
from procflow.report.format import format_value, replications
from procflow.results import Estimate, Results, Verdict
from procflow.results.catalogue import UnitKind


def finite(value: float | None) -> float | None:
    """``value``, or None when it is missing, NaN or infinite (what a chart leaves out)."""
    return value if value is not None and math.isfinite(value) else None


def fmt(kind: UnitKind, value: float | None, unit: str, *, signed: bool = False) -> str:
    """A value in its KPI's format (:func:`~procflow.report.format.format_value`), ``–`` if none."""
    if value is None or not math.isfinite(value):
        return "–"
    return format_value(kind, value, unit, signed=signed)


def interval(kind: UnitKind, low: float, high: float, unit: str, signed: bool = False) -> str:
    """``low … high`` in the KPI's format, ``–`` without an interval."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    if not signed:  # every KPI is a count, a time, a share or a cost: none is below zero
        low = max(low, 0.0)
    return f"{fmt(kind, low, unit, signed=signed)} … {fmt(kind, high, unit, signed=signed)}"


def estimate_interval(kind: UnitKind, estimate: Estimate, unit: str) -> str:
    """An estimate's 95% interval in the KPI's format, ``–`` without one."""
    return interval(kind, estimate.low, estimate.high, unit)


def duration(value: float, unit: str) -> str:
    """A duration in the process's time unit, as a PM reads it (``4.2 min``)."""
    if not math.isfinite(value):
        return "–"
    return format_duration(value, unit)  # type: ignore[arg-type]


def sentence(text: str) -> str:
    """``text`` with a capital first letter."""
    return text[:1].upper() + text[1:] if text else text


def settings_text(settings: Mapping[str, Any], paired: bool = False) -> str:
    """How the numbers were made: replications, horizon, warm-up, seed."""
    unit = str(settings.get("time_unit", "minute"))
    runs = replications(
        settings.get("replications", "?"), "paired replication" if paired else "replication"
    )
    runs += " (common random numbers)" if paired else ""
    text = f"{runs} of {duration(float(settings.get('horizon', math.nan)), unit)} simulated"
    warmup = float(settings.get("warmup") or 0.0)
    chosen = f", {AUTO_WARMUP_NOTE}" if settings.get("warmup_auto") else ""
    if warmup or chosen:
        text += f" ({duration(warmup, unit)} warm-up not counted{chosen})"
    if "seed" in settings:
        text += f", seed {settings['seed']}"
    return text + ". Intervals are 95% confidence intervals over the replications."


def _version() -> str:
    try:
        return metadata.version("procflow")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        return "dev"


def union_keys(mappings: Iterable[Mapping[str, Any]]) -> list[str]:
    """The keys of several mappings, each once, in the order first seen."""
    return list(dict.fromkeys(k for mapping in mappings for k in mapping))


def badge(text: str, tone: str) -> str:
    """A small coloured label; ``tone`` is ``ok``, ``warn``, ``bad``, ``info`` or ``muted``."""
    return f'<span class="badge {tone}">{_e(text)}</span>'


def verdict_badge(verdict: Verdict) -> str:
    """A verdict's tone in a word (fine, watch, do not ship), coloured by the tone."""
    return badge(verdict.word, verdict.tone)


def notes_list(notes: Iterable[str]) -> str:
    """A verdict's notes as a list ('' without any)."""
    items = "".join(f"<li>{_e(sentence(n))}</li>" for n in notes)
    return f'<ul class="notes">{items}</ul>' if items else ""


def table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table; cells are HTML already (escape before), ``head`` is plain text."""
    out = [f'<div class="table-wrap"><table class="{cls}"><thead><tr>']
    out += [f"<th>{_e(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def wide_table(
    head: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]], wrap: int = 1
) -> str:
    """A table of numbers (right-aligned) whose last ``wrap`` columns are text that wraps;
    each row comes with its CSS class."""
    n = len(head)
    out = ['<div class="table-wrap"><table class="kpis"><thead><tr>']
    heads = [_e(h).replace(".", ".<wbr>") for h in head]  # long paths may break at dots
    out += [
        f'<th class="wrap">{h}</th>' if i >= n - wrap else f"<th>{h}</th>"
        for i, h in enumerate(heads)
    ]
    out.append("</tr></thead><tbody>")
    for cls, cells in rows:
        attr = f' class="{cls}"' if cls else ""
        out.append(
            f"<tr{attr}>"
            + "".join(
                f'<td class="wrap">{c}</td>' if i >= n - wrap else f"<td>{c}</td>"
                for i, c in enumerate(cells)
            )
            + "</tr>"
        )
    out.append("</tbody></table></div>")
    return "".join(out)


def figure(svg: str, caption: str) -> str:
    """A chart with its caption (plain text) below it."""
    return f'<figure class="chart">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


def section(title: str, body: str, level: int = 2, cls: str = "", anchor: str = "") -> str:
    """A titled block of the page; ``body`` is HTML, ``anchor`` its id for links."""
    ident = f' id="{_e(anchor)}"' if anchor else ""
    return f'<section class="{cls}"{ident}><h{level}>{_e(title)}</h{level}>{body}</section>'


def fact(value: str, label: str) -> str:
    """One key number in large type, with what it is below (the verdict's facts)."""
    return (
        f'<div class="fact"><div class="v">{_e(value)}</div><div class="l">{_e(label)}</div></div>'
    )


_CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --ok:#15803d; --warn:#b45309;
  --bad:#b91c1c; --blue:#2563eb; --bg:#f8fafc; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC",
  "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 28px 48px; }
header.top { border-bottom: 3px solid var(--ink); margin-bottom: 20px; padding-bottom: 10px; }
header.top .kind { text-transform: uppercase; letter-spacing: .08em; font-size: 12px;
  color: var(--muted); font-weight: 600; }
h1 { font-size: 28px; margin: 2px 0 4px; line-height: 1.2; }
h2 { font-size: 20px; margin: 0 0 12px; }
h3 { font-size: 16px; margin: 18px 0 8px; }
p.meta { color: var(--muted); margin: 0; font-size: 13.5px; }
p.desc { margin: 4px 0 12px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin: 0 0 18px; }
section section { border: 0; padding: 0; margin: 18px 0 0; border-radius: 0; }
.verdict { border-left: 8px solid var(--ok); }
.verdict.warn { border-left-color: var(--warn); }
.verdict.bad { border-left-color: var(--bad); }
.verdict .headline { font-size: 22px; font-weight: 700; margin: 0 0 8px; line-height: 1.3; }
.verdict ul { margin: 6px 0 0; padding-left: 20px; }
.verdict li { margin: 4px 0; }
ul.notes { color: var(--muted); font-size: 13.5px; margin: 4px 0 8px; padding-left: 20px; }
.facts { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
.fact { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; min-width: 150px;
  background: var(--bg); }
.fact .v { font-size: 19px; font-weight: 700; }
.fact .l { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 4px 0 8px; }
th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); border-bottom: 2px solid var(--line); padding: 6px 8px; }
td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kpis td:nth-child(n+2), table.kpis th:nth-child(n+2) { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
table.narrow { max-width: 620px; }
table.kpis td.wrap, table.kpis th.wrap { text-align: left; white-space: normal; }
table.kpis thead th:nth-child(n) { white-space: normal; }
table.kpis td.wrap { min-width: 13em; }
.table-wrap { overflow-x: auto; }
tr.sig td { background: #fefce8; }
tr.hl td { background: #f0fdf4; }
tr.dim td { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px;
  font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.badge.ok { background: #dcfce7; color: #166534; }
.badge.warn { background: #fef3c7; color: #92400e; }
.badge.bad { background: #fee2e2; color: #991b1b; }
.badge.info { background: #e0e7ff; color: #3730a3; }
.badge.muted { background: #f3f4f6; color: #4b5563; }
ol.bottlenecks { padding-left: 22px; margin: 0; }
ol.bottlenecks li { margin: 0 0 10px; }
ol.bottlenecks .ev { color: var(--muted); font-size: 13.5px; }
figure.chart { margin: 8px 0 18px; }
figure.chart svg.chart { width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.diagram-wrap { overflow-x: auto; }
svg.diagram { max-width: 100%; height: auto; display: block; margin: 0 auto; }
.legend { font-size: 12.5px; color: var(--muted); }
.note { font-size: 13.5px; color: var(--muted); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px;
  background: #f3f4f6; padding: 0 4px; border-radius: 4px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
@media print {
  body { background: #fff; font-size: 12px; }
  main { max-width: none; padding: 0; }
  section { border: 1px solid #d1d5db; box-shadow: none; break-inside: avoid-page; }
  figure.chart, table, .verdict { break-inside: avoid; }
  .diagram-wrap { overflow: visible; }
  @page { margin: 14mm; }
}
"""


def html_page(kind: str, title: str, meta: str, body: Sequence[str]) -> str:
    """The whole HTML file: header (``kind``, ``title``, ``meta``), the sections, footer."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="procflow {_e(_version())}">'
        f"<title>{_e(kind)}: {_e(title)} · procflow</title>"
        f"<style>{_CSS}</style></head><body><main>"
        f'<header class="top"><div class="kind">procflow · {_e(kind)}</div>'
        f'<h1>{_e(title)}</h1><p class="meta">{_e(meta)}</p></header>'
        + "".join(body)
        + f"<footer>Made by procflow {_e(_version())} from its results. "
        "Simulated estimates: read each number with its interval.</footer>"
        "</main></body></html>\n"
    )


#: The record a report renders (results, a comparison, a sweep, a search).
R = TypeVar("R")


def one_page(render: Callable[[R, Process | None], str]) -> Callable[[R, Process | None], str]:
    """Chart ids numbered from 1 in each page: the same record gives the same file."""

    @functools.wraps(render)
    def wrapper(record: R, process: Process | None = None) -> str:
        with id_scope():
            return render(record, process)

    return wrapper


def process_section(process: Process | None, results: Results | None = None) -> str:
    """The process diagram with its legend, or '' without a process; with ``results``,
    each work stage shows its pool's utilization."""
    if process is None:
        return ""
    notes: dict[str, str] = {}
    if results is not None:
        unit = results.time_unit
        for name, stage in process.stages.items():
            utilization = results.kpis.get(f"resources.{stage.resource}.utilization")
            if stage.kind == "work" and utilization and math.isfinite(utilization.mean):
                notes[name] = f"{stage.resource} · {fmt('share', utilization.mean, unit)} busy"
    svg = process_diagram(process, notes)
    legend = (
        '<p class="legend">Boxes are work stages (with their staff pool'
        + (" and its utilization" if notes else "")
        + "), diamonds decisions, parallelograms splits, rounded boxes ends. A dashed red line "
        "is where a review sends caught defects back.</p>"
    )
    desc = f'<p class="desc">{_e(process.description.strip())}</p>' if process.description else ""
    return section(
        "The process", desc + f'<div class="diagram-wrap">{svg}</div>' + legend, anchor="process"
    )
