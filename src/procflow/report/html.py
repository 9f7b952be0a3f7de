"""The HTML report: one file to open in a browser, attach to a ticket, or print.

It is made from the JSON that ``procflow simulate``, ``compare``, ``sweep`` and
``optimize`` write (``--format json``), so a saved run can be turned into a
report later without simulating again. The verdict comes first; then the key
figures with their 95% intervals, the SLA verdicts, the bottlenecks with the
evidence for each, and the charts: utilization per staff pool, the cycle-time
distribution, queues over simulated time (backlog building and draining across
shifts and batch drops); for a comparison, each KPI's change with its interval;
for a sweep, the KPIs over the grid; for an optimization, the plans it tried.

The file needs no network: charts and the process diagram are inline SVG, the
styles are inline, and there is no script. The JSON holds only the process's
name, so the diagram is drawn when the :class:`~procflow.model.process.Process`
is passed too.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata
from typing import Any

from procflow.model.process import Process
from procflow.model.quantities import format_duration
from procflow.report import charts
from procflow.report.diagram import process_diagram
from procflow.report.jsonout import document_kind
from procflow.report.kpis import STAGE_METRICS, format_value, headline_kpis_for

Document = dict[str, Any]

#: +1 when a rise is good, -1 when a fall is good; other KPIs are neither.
_LOWER_IS_BETTER = (
    "cycle_time.", "wip", "backlog", "cost_per_", "rework_rate", "escaped_defect_rate",
    "rework_exhausted_rate",
)  # fmt: skip


def _better(key: str) -> int:
    if key == "throughput_per_hour":
        return 1
    if key.startswith(_LOWER_IS_BETTER) or key.endswith(
        (".waiting_time", ".waiting_time_p90", ".queue_length", ".queue_length_max")
    ):
        return -1
    return 0


# --------------------------------------------------------------------------- small helpers

_e = html.escape


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _estimate(entry: Any) -> tuple[float | None, float | None, float | None]:
    """(mean, low, high) from ``{"mean": x, "ci95": [lo, hi]}`` (None where missing)."""
    if not isinstance(entry, Mapping):
        return None, None, None
    ci = entry.get("ci95") or [None, None]
    low, high = [*ci, None, None][:2] if isinstance(ci, list) else (None, None)
    return _num(entry.get("mean")), _num(low), _num(high)


def _fmt(kind: str, value: float | None, unit: str, *, signed: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return format_value(kind, value, unit, signed=signed)


def _interval(
    kind: str, low: float | None, high: float | None, unit: str, signed: bool = False
) -> str:
    if low is None or high is None:
        return "–"
    if not signed:  # every KPI is a count, a time, a share or a cost: none is below zero
        low = max(low, 0.0)
    return f"{_fmt(kind, low, unit, signed=signed)} … {_fmt(kind, high, unit, signed=signed)}"


def _duration(value: Any, unit: str) -> str:
    number = _num(value)
    if number is None:
        return "–"
    return format_duration(number, unit)  # type: ignore[arg-type]


def _badge(text: str, tone: str) -> str:
    return f'<span class="badge {tone}">{_e(text)}</span>'


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table; cells are HTML already (escape before), ``head`` is plain text."""
    out = [f'<div class="table-wrap"><table class="{cls}"><thead><tr>']
    out += [f"<th>{_e(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _wide_table(
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


def _figure(svg: str, caption: str) -> str:
    return f'<figure class="chart">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


def _section(title: str, body: str, level: int = 2, cls: str = "", anchor: str = "") -> str:
    ident = f' id="{_e(anchor)}"' if anchor else ""
    return f'<section class="{cls}"{ident}><h{level}>{_e(title)}</h{level}>{body}</section>'


def _changes_text(changes: Mapping[str, Any]) -> str:
    return ", ".join(f"{_short_path(k)} {v}" for k, v in changes.items()) or "no change"


def _short_path(path: str) -> str:
    """``resources.annotator.count`` reads as ``annotator count``."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] in ("resources", "stages"):
        return f"{parts[1]} {parts[2]}"
    return path


def _settings_text(settings: Mapping[str, Any], paired: bool = False) -> str:
    unit = str(settings.get("time_unit", "minute"))
    reps = settings.get("replications", "?")
    runs = "paired replications (common random numbers)" if paired else "replications"
    text = f"{reps} {runs} of {_duration(settings.get('horizon'), unit)} simulated"
    warmup = _num(settings.get("warmup"))
    if warmup:
        text += f" ({_duration(warmup, unit)} warm-up not counted)"
    if "seed" in settings:
        text += f", seed {settings['seed']}"
    return text + ". Intervals are 95% confidence intervals over the replications."


def _version() -> str:
    try:
        return metadata.version("procflow")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        return "dev"


# --------------------------------------------------------------------------- page

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


def _page(kind: str, title: str, meta: str, body: Sequence[str]) -> str:
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
        + f"<footer>Made by procflow {_e(_version())} from its JSON results. "
        "Simulated estimates: read each number with its interval.</footer>"
        "</main></body></html>\n"
    )


def _fact(value: str, label: str) -> str:
    return (
        f'<div class="fact"><div class="v">{_e(value)}</div><div class="l">{_e(label)}</div></div>'
    )


_Renderer = Callable[[Document, Process | None], str]


def _one_page(render: _Renderer) -> _Renderer:
    """Chart ids numbered from 1 in each page: the same document gives the same file."""

    @functools.wraps(render)
    def wrapper(doc: Document, process: Process | None = None) -> str:
        with charts.id_scope():
            return render(doc, process)

    return wrapper


# --------------------------------------------------------------------------- simulate


def _flat_kpis(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Every estimate of a results document under its stable key (``cycle_time.p90``...)."""
    flat: dict[str, Any] = {}
    for key, value in (doc.get("kpis") or {}).items():
        if key == "cycle_time" and isinstance(value, Mapping):
            for q, est in value.items():
                flat[f"cycle_time.{q}"] = est
        else:
            flat[key] = value
    for name, entry in (doc.get("resources") or {}).items():
        for metric in ("utilization", "busy"):
            if metric in entry:
                flat[f"resources.{name}.{metric}"] = entry[metric]
    for name, entry in (doc.get("stages") or {}).items():
        for metric, est in entry.items():
            flat[f"stages.{name}.{metric}"] = est
    return flat


def _headline_kpis(doc: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(KPI key, label, kind) of a results document's headline KPIs, as in the terminal.

    Work stages are the stages with a waiting time: only they have a queue.
    """
    stages = doc.get("stages") or {}
    work_stages = [name for name, entry in stages.items() if "waiting_time" in entry]
    return headline_kpis_for(doc.get("resources") or {}, work_stages)


def _unit(doc: Mapping[str, Any]) -> str:
    return str((doc.get("settings") or {}).get("time_unit", "minute"))


def _tone_of_results(doc: Mapping[str, Any]) -> str:
    if doc.get("stable") is False:
        return "bad"
    if any(not s.get("met") for s in doc.get("slas") or []):
        return "warn"
    return "ok"


def _verdict_results(doc: Mapping[str, Any]) -> str:
    unit = _unit(doc)
    k = _flat_kpis(doc)
    tone = _tone_of_results(doc)
    items: list[str] = []
    for entry in doc.get("unstable") or []:
        rate = _num(entry.get("growth_per_hour"))
        items.append(
            f"The <b>{_e(str(entry.get('stage')))}</b> queue keeps growing, by about "
            f"{_e(f'{rate:,.0f}' if rate is not None else '?')} items an hour: this staffing "
            "cannot keep up, and waits grow with the length of the run."
        )
    if doc.get("analytic_stable") is False and doc.get("stable") is not False:
        items.append("The capacity analysis says some pool cannot keep up on average.")
    for sla in doc.get("slas") or []:
        if not sla.get("met"):
            mean, _, _ = _estimate(sla.get("attained"))
            items.append(
                f"SLA <b>{_e(str(sla.get('name')))}</b> missed: "
                f"{_e(_fmt('share', mean, unit))} attained."
            )
    bottlenecks = doc.get("bottlenecks") or []
    if bottlenecks:
        items.append(f"Main bottleneck: {_e(str(bottlenecks[0].get('reason', '')))}.")
    facts = [
        _fact(
            _fmt("number", _estimate(k.get("throughput_per_hour"))[0], unit), "items done / hour"
        ),
        _fact(_fmt("duration", _estimate(k.get("cycle_time.p90"))[0], unit), "p90 cycle time"),
        _fact(_fmt("number", _estimate(k.get("backlog"))[0], unit), "backlog at end"),
        _fact(_fmt("money", _estimate(k.get("cost_per_item"))[0], unit), "cost / item"),
    ]
    slas = doc.get("slas") or []
    if slas:
        met = sum(1 for s in slas if s.get("met"))
        facts.append(_fact(f"{met} of {len(slas)}", "SLAs met"))
    body = f'<p class="headline">{_e(_sentence(str(doc.get("verdict", ""))))}</p>'
    if items:
        body += "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    body += '<div class="facts">' + "".join(facts) + "</div>"
    return _section("Verdict", body, cls=f"verdict {tone}", anchor="verdict")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _kpi_table(doc: Mapping[str, Any]) -> str:
    unit = _unit(doc)
    k = _flat_kpis(doc)
    rows = []
    for key, label, kind in _headline_kpis(doc):
        if key not in k:
            continue
        mean, low, high = _estimate(k[key])
        rows.append([_e(label), _e(_fmt(kind, mean, unit)), _e(_interval(kind, low, high, unit))])
    return _table(["KPI", "estimate", "95% interval"], rows, "kpis narrow")


def _sla_table(doc: Mapping[str, Any]) -> str:
    unit = _unit(doc)
    slas = doc.get("slas") or []
    if not slas:
        return '<p class="note">This process defines no SLA.</p>'
    rows = []
    for s in slas:
        mean, low, high = _estimate(s.get("attained"))
        pct = _num(s.get("percentile"))
        limit = _duration(s.get("max"), unit)
        what = "cycle time" if s.get("metric") == "cycle_time" else str(s.get("metric", ""))
        if s.get("stage"):
            what += f" at {s['stage']}"
        target = f"{pct:g}% within {limit}" if pct is not None else limit
        verdict = _badge("met", "ok") if s.get("met") else _badge("missed", "bad")
        if s.get("certain") is False:
            verdict += " " + _badge("close call: run more replications", "warn")
        rows.append(
            [
                f"<b>{_e(str(s.get('name', '')))}</b>",
                _e(what),
                _e(target),
                f'{_e(_fmt("share", mean, unit))} <span class="note">'
                f"({_e(_interval('share', low, high, unit))})</span>",
                verdict,
            ]
        )
    return _table(["SLA", "measures", "target", "attained (95% interval)", "verdict"], rows)


def _bottleneck_list(doc: Mapping[str, Any]) -> str:
    unit = _unit(doc)
    items = doc.get("bottlenecks") or []
    if not items:
        return '<p class="note">No stage or pool stands out as limiting throughput.</p>'
    resources = doc.get("resources") or {}
    stages = doc.get("stages") or {}
    out = ['<ol class="bottlenecks">']
    for b in items:
        name = str(b.get("name", ""))
        kind = str(b.get("kind", ""))
        evidence: list[str] = []
        if kind == "pool" and name in resources:
            r = resources[name]
            mean, low, high = _estimate(r.get("utilization"))
            evidence.append(
                f"utilization {_fmt('share', mean, unit)} ({_interval('share', low, high, unit)})"
            )
            busy, _, _ = _estimate(r.get("busy"))
            staff = _num(r.get("mean_staff"))
            if busy is not None and staff is not None:
                evidence.append(f"{busy:,.1f} of {staff:,.1f} staff busy on average")
        entry = stages.get(name) if kind != "pool" else None
        if isinstance(entry, Mapping):
            for metric in ("waiting_time", "waiting_time_p90", "queue_length_max"):
                if metric in entry:
                    label, mkind = STAGE_METRICS[metric]
                    evidence.append(f"{label} {_fmt(mkind, _estimate(entry[metric])[0], unit)}")
        score = _num(b.get("score"))
        out.append(
            f"<li><b>{_e(name)}</b> {_badge(kind or 'stage', 'info')} "
            + (f'<span class="note">score {score:.2f}</span>' if score is not None else "")
            + f"<div>{_e(str(b.get('reason', '')))}</div>"
            + (f'<div class="ev">{_e("; ".join(evidence))}</div>' if evidence else "")
            + "</li>"
        )
    out.append("</ol>")
    return "".join(out)


def _stage_table(doc: Mapping[str, Any]) -> str:
    unit = _unit(doc)
    stages = doc.get("stages") or {}
    rows = []
    for name, entry in stages.items():
        if "waiting_time" not in entry:
            continue
        cells = [_e(name)]
        for metric in (
            "visits",
            "waiting_time",
            "waiting_time_p90",
            "queue_length",
            "queue_length_max",
        ):
            _, kind = STAGE_METRICS[metric]
            cells.append(_e(_fmt(kind, _estimate(entry.get(metric))[0], unit)))
        rows.append(cells)
    if not rows:
        return ""
    return _table(
        ["work stage", "visits / item", "mean wait", "p90 wait", "mean queue", "longest queue"],
        rows,
        "kpis",
    )


def _results_charts(doc: Mapping[str, Any], process: Process | None) -> list[str]:
    unit = _unit(doc)
    out: list[str] = []
    pools = []
    for name, entry in (doc.get("resources") or {}).items():
        mean, low, high = _estimate(entry.get("utilization"))
        if mean is not None:
            pools.append((name, mean, low, high))
    if pools:
        out.append(
            _figure(
                charts.utilization_chart(pools),
                "Share of on-duty staff time spent working, per pool. Above about 85%, "
                "queues grow quickly with any surge; whiskers are 95% intervals.",
            )
        )
    dist = doc.get("cycle_time_distribution") or {}
    values = dist.get("values") or []
    if values:
        slas = [
            charts.SlaMark(str(s["name"]), float(s["percentile"]), float(s["max"]))
            for s in doc.get("slas") or []
            if s.get("metric") == "cycle_time"
            and not s.get("stage")
            and _num(s.get("max")) is not None
            and _num(s.get("percentile")) is not None
        ]
        out.append(
            _figure(
                charts.cycle_time_chart(
                    dist.get("percentiles") or list(range(1, 100)),
                    [_num(v) for v in values],
                    unit,
                    slas,
                ),
                "Read across: the share of items finished within a given time, from arrival to "
                "end (percentiles averaged over replications). Red lines are cycle-time SLAs.",
            )
        )
    series = doc.get("series") or {}
    if series.get("time"):
        warmup = _num((doc.get("settings") or {}).get("warmup")) or 0.0
        out.append(
            _figure(
                charts.queue_chart(series, unit, warmup),
                "Items waiting at each work stage, sampled over simulated time and averaged over "
                "the replications; below, staff busy against staff on duty. Backlog that builds "
                "in a shift or after a batch drop and drains later shows here. The grey band is "
                "the warm-up, not counted in the KPIs.",
            )
        )
    return out


def _diagram(process: Process | None, doc: Mapping[str, Any] | None = None) -> str:
    if process is None:
        return ""
    notes: dict[str, str] = {}
    if doc is not None:
        unit = _unit(doc)
        resources = doc.get("resources") or {}
        for name, stage in process.stages.items():
            if stage.kind == "work" and stage.resource in resources:
                mean, _, _ = _estimate(resources[stage.resource].get("utilization"))
                if mean is not None:
                    notes[name] = f"{stage.resource} · {_fmt('share', mean, unit)} busy"
    svg = process_diagram(process, notes)
    legend = (
        '<p class="legend">Boxes are work stages (with their staff pool'
        + (" and its utilization" if notes else "")
        + "), diamonds decisions, parallelograms splits, rounded boxes ends. A dashed red line "
        "is where a review sends caught defects back.</p>"
    )
    desc = f'<p class="desc">{_e(process.description.strip())}</p>' if process.description else ""
    return _section(
        "The process", desc + f'<div class="diagram-wrap">{svg}</div>' + legend, anchor="process"
    )


def _results_body(doc: Mapping[str, Any], process: Process | None, level: int = 2) -> list[str]:
    """Everything under the verdict of a simulate report (headings at ``level``)."""
    body = [
        _section("Key figures", _kpi_table(doc), level, anchor="kpis"),
        _section("SLAs", _sla_table(doc), level, anchor="slas"),
        _section(
            "Bottlenecks",
            '<p class="note">Ranked: what limits throughput first, with the evidence.</p>'
            + _bottleneck_list(doc),
            level,
            anchor="bottlenecks",
        ),
    ]
    figures = _results_charts(doc, process)
    if figures:
        body.append(_section("Charts", "".join(figures), level, anchor="charts"))
    stage_table = _stage_table(doc)
    if stage_table:
        body.append(_section("Work stages", stage_table, level, anchor="stages"))
    return body


@_one_page
def results_html(doc: Document, process: Process | None = None) -> str:
    """The report of one simulation (``procflow simulate --format json``)."""
    body = [_verdict_results(doc), *_results_body(doc, process)]
    diagram = _diagram(process, doc)
    if diagram:  # after the bottlenecks, whose pools it shows
        body.insert(4, diagram)
    return _page(
        "simulation report",
        str(doc.get("process", "process")),
        _settings_text(doc.get("settings") or {}),
        body,
    )


# --------------------------------------------------------------------------- compare


def _scenario_tone(s: Mapping[str, Any]) -> str:
    if s.get("stable") is False:
        return "bad"
    if any(x.get("broken") for x in s.get("slas") or []):
        return "bad"
    if any(not x.get("met") for x in s.get("slas") or []):
        return "warn"
    p90 = (s.get("differences") or {}).get("cycle_time.p90") or {}
    if p90.get("significant") and (_num(p90.get("mean")) or 0) > 0:
        return "warn"
    return "ok"


_TONE_WORD = {"ok": "fine", "warn": "watch", "bad": "do not ship"}


def _relative(d: Mapping[str, Any]) -> tuple[float | None, float | None, float | None]:
    base = _num(d.get("baseline"))
    mean = _num(d.get("mean"))
    ci = d.get("ci95") or [None, None]
    low, high = _num(ci[0]), _num(ci[1])
    if base is None or mean is None:
        return None, None, None
    if base == 0:
        return (0.0, None, None) if mean == 0 else (None, None, None)
    scale = 100 / abs(base)
    return (
        mean * scale,
        low * scale if low is not None else None,
        high * scale if high is not None else None,
    )


def _difference_rows(
    baseline: Mapping[str, Any], scenario: Mapping[str, Any]
) -> list[tuple[str, str, str, Mapping[str, Any]]]:
    diffs = scenario.get("differences") or {}
    return [
        (key, label, kind, diffs[key])
        for key, label, kind in _headline_kpis(baseline)
        if key in diffs
    ]


def _scenario_section(baseline: Mapping[str, Any], s: Mapping[str, Any]) -> str:
    unit = _unit(baseline)
    name = str(s.get("name", "scenario"))
    tone = _scenario_tone(s)
    parts = [
        f"<p>{_badge(_TONE_WORD[tone], tone)} <b>{_e(_sentence(str(s.get('verdict', ''))))}</b></p>"
    ]
    if s.get("description"):
        parts.append(f'<p class="desc">{_e(str(s["description"]))}</p>')
    slas = s.get("slas") or []
    if slas:
        rows = []
        for x in slas:
            before = _badge("met", "ok") if x.get("baseline_met") else _badge("missed", "bad")
            after = _badge("met", "ok") if x.get("met") else _badge("missed", "bad")
            flag = _badge("broken by this change", "bad") if x.get("broken") else ""
            rows.append([_e(str(x.get("name", ""))), before, after, flag])
        parts.append("<h3>SLAs</h3>" + _table(["SLA", "baseline", "scenario", ""], rows))
    rows_data = _difference_rows(baseline, s)
    forest_rows = []
    table_rows = []
    for key, label, kind, d in rows_data:
        rel, rlow, rhigh = _relative(d)
        ci = d.get("ci95") or [None, None]
        change = _fmt(kind, _num(d.get("mean")), unit, signed=True)
        forest_rows.append(
            charts.ForestRow(
                label, rel, rlow, rhigh, bool(d.get("significant")), _better(key),
                change + (f" ({rel:+.0f}%)" if rel is not None and abs(rel) >= 0.5 else ""),
            )
        )  # fmt: skip
        table_rows.append(
            (
                bool(d.get("significant")),
                [
                    _e(label),
                    _e(_fmt(kind, _num(d.get("baseline")), unit)),
                    _e(_fmt(kind, _num(d.get("scenario")), unit)),
                    f"<b>{_e(change)}</b>" if d.get("significant") else _e(change),
                    _e(_interval(kind, _num(ci[0]), _num(ci[1]), unit, signed=True)),
                    _e(f"{rel:+.1f}%" if rel is not None else "–"),
                    _badge("significant", "info") if d.get("significant") else "",
                ],
            )
        )
    if forest_rows:
        parts.append(
            _figure(
                charts.forest_chart(
                    forest_rows, f"{name}: change of each KPI against the baseline"
                ),
                "Each KPI's change relative to the baseline with its 95% interval (paired "
                "replications). Filled dots are significant: green better, red worse, blue "
                "neither; hollow grey dots are within the noise. The change in the KPI's own "
                "unit is on the right.",
            )
        )
    head = ["KPI", "baseline", "scenario", "change", "95% interval", "relative", ""]
    table = _wide_table(head, [("sig" if sig else "", cells) for sig, cells in table_rows], 0)
    parts.append("<h3>Key figures</h3>" + table)
    return _section(f"Scenario: {name}", "".join(parts), anchor=f"scenario-{name}")


@_one_page
def comparison_html(doc: Document, process: Process | None = None) -> str:
    """The report of a comparison (``procflow compare --format json``)."""
    baseline: Mapping[str, Any] = doc.get("baseline") or {}
    scenarios: list[Mapping[str, Any]] = doc.get("scenarios") or []
    tones = [_scenario_tone(s) for s in scenarios]
    worst = "bad" if "bad" in tones else "warn" if "warn" in tones else "ok"
    if not scenarios:
        headline = "No scenario to compare."
    elif worst == "bad":
        headline = f"{tones.count('bad')} of {len(scenarios)} scenarios would hurt the operation"
    elif worst == "warn":
        headline = "No scenario breaks the operation; some need a closer look"
    else:
        headline = "Every scenario keeps the operation stable and its SLAs met"
    items = [
        f"<li>{_badge(_TONE_WORD[t], t)} <b>{_e(str(s.get('name', '')))}</b>: "
        f"{_e(str(s.get('verdict', '')))}</li>"
        for s, t in zip(scenarios, tones, strict=True)
    ]
    items.append(
        f"<li>{_badge('baseline', 'muted')} <b>{_e(str(baseline.get('process', '')))}</b>: "
        f"{_e(str(baseline.get('verdict', '')))}</li>"
    )
    verdict = _section(
        "Verdict",
        f'<p class="headline">{_e(headline)}</p><ul>{"".join(items)}</ul>',
        cls=f"verdict {worst}",
        anchor="verdict",
    )
    body = [verdict]
    body += [_scenario_section(baseline, s) for s in scenarios]
    diagram = _diagram(process, baseline)
    if diagram:
        body.append(diagram)
    inner = "".join(_results_body(baseline, process, level=3))
    body.append(
        _section(
            "The baseline in detail",
            f'<p class="note">Verdict: {_e(str(baseline.get("verdict", "")))}</p>' + inner,
            anchor="baseline",
        )
    )
    return _page(
        "comparison report",
        str(baseline.get("process", "process")),
        _settings_text(baseline.get("settings") or {}, paired=True),
        body,
    )


# --------------------------------------------------------------------------- sweep


def _axes_of(points: Sequence[Mapping[str, Any]]) -> list[str]:
    axes: list[str] = []
    for p in points:
        for key in p.get("changes") or {}:
            if key not in axes:
                axes.append(key)
    return axes


def _point_p90(p: Mapping[str, Any]) -> tuple[float | None, float | None, float | None]:
    return _estimate((p.get("kpis") or {}).get("cycle_time.p90"))


def _cheapest(points: Sequence[Mapping[str, Any]], key: str = "cost_per_hour") -> int | None:
    feasible = [(i, _num(p.get(key))) for i, p in enumerate(points) if p.get("feasible")]
    priced = [(i, c) for i, c in feasible if c is not None]
    if not priced:
        return feasible[0][0] if feasible else None
    return min(priced, key=lambda ic: ic[1])[0]


@_one_page
def sweep_html(doc: Document, process: Process | None = None) -> str:
    """The report of a sweep (``procflow sweep --format json``)."""
    unit = _unit(doc)
    points: list[Mapping[str, Any]] = doc.get("points") or []
    axes = _axes_of(points)
    feasible = [p for p in points if p.get("feasible")]
    errors = [p for p in points if p.get("error")]
    best = _cheapest(points)
    if best is not None:
        b = points[best]
        tone = "ok"
        headline = (
            f"{len(feasible)} of {len(points)} points are feasible; the cheapest is "
            f"{_changes_text(b.get('changes') or {})}"
        )
        facts = [
            _fact(
                _fmt("money", _num(b.get("cost_per_hour")), unit), "cost / hour, cheapest feasible"
            ),
            _fact(_fmt("duration", _point_p90(b)[0], unit), "its p90 cycle time"),
        ]
    else:
        tone = "bad"
        headline = f"None of the {len(points)} points is feasible (stable with every SLA met)"
        facts = []
    unstable = sum(1 for p in points if p.get("stable") is False)
    items = [
        "Feasible means the queues stay bounded and every SLA is met.",
        f"{unstable} point{'s' if unstable != 1 else ''} unstable (a queue keeps growing).",
    ]
    if errors:
        items.append(f"{len(errors)} point(s) could not run: see the table.")
    verdict = _section(
        "Verdict",
        f'<p class="headline">{_e(headline)}</p><ul>'
        + "".join(f"<li>{_e(i)}</li>" for i in items)
        + "</ul>"
        + (f'<div class="facts">{"".join(facts)}</div>' if facts else ""),
        cls=f"verdict {tone}",
        anchor="verdict",
    )
    body = [verdict]
    runnable = [p for p in points if not p.get("error")]
    if axes and runnable:
        body.append(
            _section(
                "The KPIs over the grid",
                _sweep_chart(runnable, axes, unit, best, points),
                anchor="charts",
            )
        )
    body.append(_section("Every point", _sweep_table(points, axes, unit, best), anchor="points"))
    diagram = _diagram(process)
    if diagram:
        body.append(diagram)
    meta = f"Sweep over {', '.join(axes) or 'nothing'}; {len(points)} points. " + _settings_text(
        doc.get("settings") or {}
    )
    return _page("sweep report", str(doc.get("process", "process")), meta, body)


def _sweep_chart(
    runnable: Sequence[Mapping[str, Any]],
    axes: Sequence[str],
    unit: str,
    best: int | None,
    points: Sequence[Mapping[str, Any]],
) -> str:
    def cell(p: Mapping[str, Any], x: Any, y: Any) -> charts.SweepCell:
        mean, low, high = _point_p90(p)
        return charts.SweepCell(
            x, y, mean, low, high, _num(p.get("cost_per_hour")), bool(p.get("feasible")),
            p.get("stable"),
        )  # fmt: skip

    if len(axes) == 1:
        cells = [cell(p, (p.get("changes") or {}).get(axes[0]), None) for p in runnable]
        svg = charts.sweep_lines(cells, axes[0], unit)
        caption = (
            "p90 cycle time with its 95% band, and staff cost, along the sweep. Filled green "
            "dots are feasible points (stable, every SLA met)."
        )
        return _figure(svg, caption)
    fixed: dict[str, Any] = {}
    if len(axes) > 2:
        anchor = points[best] if best is not None else runnable[0]
        fixed = {a: (anchor.get("changes") or {}).get(a) for a in axes[2:]}
    chosen = [
        p for p in runnable
        if all((p.get("changes") or {}).get(a) == v for a, v in fixed.items())
    ]  # fmt: skip
    cells = [
        cell(p, (p.get("changes") or {}).get(axes[0]), (p.get("changes") or {}).get(axes[1]))
        for p in chosen
    ]
    note = ", ".join(f"{_short_path(a)} = {v}" for a, v in fixed.items())
    svg = charts.sweep_heatmaps(cells, axes[0], axes[1], unit, note)
    caption = (
        "Left: p90 cycle time at each point of the grid; right: staff cost per hour. Cells "
        "outlined in green with a tick are feasible (stable, every SLA met); the cheapest of "
        "them is the staffing to consider first."
    )
    if fixed:
        caption += f" The other axes are held at {note} (the cheapest feasible point)."
    return _figure(svg, caption)


def _sweep_table(
    points: Sequence[Mapping[str, Any]], axes: Sequence[str], unit: str, best: int | None
) -> str:
    pools: list[str] = []
    for p in points:
        for key in p.get("kpis") or {}:
            if key.startswith("resources.") and key.endswith(".utilization"):
                name = key[len("resources.") : -len(".utilization")]
                if name not in pools:
                    pools.append(name)
    head = [*(_short_path(a) for a in axes), "cost / hour", "p90 cycle time"]
    head += [f"{p} utilization" for p in pools]
    head += ["verdict"]
    rows: list[tuple[str, list[str]]] = []
    for i, p in enumerate(points):
        changes = p.get("changes") or {}
        kpis = p.get("kpis") or {}
        cells = [_e(str(changes.get(a, "–"))) for a in axes]
        cells.append(_e(_fmt("money", _num(p.get("cost_per_hour")), unit)))
        cells.append(_e(_fmt("duration", _point_p90(p)[0], unit)))
        for pool in pools:
            cells.append(
                _e(_fmt("share", _estimate(kpis.get(f"resources.{pool}.utilization"))[0], unit))
            )
        if p.get("error"):
            verdict = _badge("could not run", "bad")
            verdict += f' <span class="note">{_e(str(p["error"]))}</span>'
        elif p.get("feasible"):
            verdict = _badge("feasible", "ok")
            if i == best:
                verdict += " " + _badge("cheapest", "info")
        elif p.get("stable") is False:
            verdict = _badge("unstable", "bad")
        else:
            verdict = _badge("SLA missed", "warn")
        if p.get("verdict") and not p.get("feasible"):
            detail = str(p["verdict"]).removeprefix("unstable: ").removeprefix("SLA missed: ")
            verdict += f' <span class="note">{_e(detail)}</span>'
        cells.append(verdict)
        rows.append(("hl" if i == best else "", cells))
    return _wide_table(head, rows)


# --------------------------------------------------------------------------- optimize


def _plan_label(plan: Mapping[str, Any]) -> str:
    return ", ".join(f"{pool} {n}" for pool, n in (plan.get("counts") or {}).items())


def _plan_passes(plan: Mapping[str, Any]) -> bool:
    return bool(plan.get("slas_met")) and plan.get("stable") is not False


@_one_page
def optimization_html(doc: Document, process: Process | None = None) -> str:
    """The report of a staffing search (``procflow optimize --format json``)."""
    unit = _unit(doc)
    best: Mapping[str, Any] | None = doc.get("best")
    runners: list[Mapping[str, Any]] = doc.get("runners_up") or []
    candidates: list[Mapping[str, Any]] = doc.get("candidates") or []
    base_cost = _num(doc.get("baseline_cost_per_hour"))
    items: list[str] = []
    facts: list[str] = []
    if best is not None:
        cost = _num(best.get("cost_per_hour"))
        headline = f"Cheapest staffing that meets every SLA: {_plan_label(best)}"
        tone = "ok"
        facts.append(_fact(_fmt("money", cost, unit), "cost / hour"))
        if cost is not None and base_cost:
            saving = (cost - base_cost) / base_cost
            facts.append(
                _fact(f"{saving:+.1%}", f"against today's {_fmt('money', base_cost, unit)} / hour")
            )
        facts.append(_fact(_fmt("money", _num(best.get("cost_per_item")), unit), "cost / item"))
        util = _num(best.get("analytic_max_utilization"))
        facts.append(_fact(_fmt("share", util, unit), "busiest pool, analytic"))
    else:
        headline = "No staffing within the bounds meets every SLA"
        tone = "bad"
    items += [_e(n) for n in doc.get("notes") or []]
    total, pruned = doc.get("plans_in_bounds"), doc.get("pruned_by_analysis")
    if total is not None:
        items.append(
            f"{_e(str(total))} plans in the bounds; {_e(str(pruned))} ruled out by the capacity "
            f"analysis (a pool could not keep up on average); {len(candidates)} simulated, "
            "cheapest first."
        )
    verdict = _section(
        "Verdict",
        f'<p class="headline">{_e(headline)}</p>'
        + ("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else "")
        + (f'<div class="facts">{"".join(facts)}</div>' if facts else ""),
        cls=f"verdict {tone}",
        anchor="verdict",
    )
    body = [verdict]
    plans = ([best] if best is not None else []) + runners
    if plans:
        body.append(
            _section(
                "The plan and the runners-up",
                _plans_table(plans, unit, best_first=best is not None),
                anchor="plans",
            )
        )
    if candidates:
        targets = {s.name: s.percentile / 100 for s in process.slas} if process else None
        points = [
            charts.CandidatePoint(
                label="/".join(str(n) for n in (c.get("counts") or {}).values()),
                cost=_num(c.get("cost_per_hour")) or 0.0,
                attainment={
                    str(s.get("name")): _estimate(s.get("attained"))[0] for s in c.get("slas") or []
                },
                stable=c.get("stable"),
                passes=_plan_passes(c),
                best=best is not None and c.get("counts") == best.get("counts"),
            )
            for c in candidates
        ]
        pools = " / ".join((candidates[0].get("counts") or {}).keys())
        body.append(
            _section(
                "Plans tried",
                _figure(
                    charts.candidates_chart(points, base_cost, targets),
                    f"Each simulated plan (labelled with its {pools} headcount): staff cost per "
                    "hour against the share of items within each SLA. Green plans pass (stable, "
                    "every SLA met), amber ones meet the SLAs in this run but a queue keeps "
                    "growing, red ones miss an SLA. The star is the plan chosen.",
                )
                + _plans_table(candidates, unit, best_first=False, best=best),
                anchor="candidates",
            )
        )
    diagram = _diagram(process)
    if diagram:
        body.append(diagram)
    return _page(
        "staffing search report",
        str(doc.get("process", "process")),
        _settings_text(doc.get("settings") or {}),
        body,
    )


def _plans_table(
    plans: Sequence[Mapping[str, Any]],
    unit: str,
    *,
    best_first: bool,
    best: Mapping[str, Any] | None = None,
) -> str:
    pools: list[str] = []
    for p in plans:
        for pool in p.get("counts") or {}:
            if pool not in pools:
                pools.append(pool)
    head = ["", *pools, "cost / hour", "cost / item", "busiest pool (analytic)"]
    head += ["SLA attainment", "verdict"]
    rows: list[tuple[str, list[str]]] = []
    for i, p in enumerate(plans):
        counts = p.get("counts") or {}
        is_best = (best_first and i == 0) or (best is not None and counts == best.get("counts"))
        rank = "best" if is_best else (f"#{i + 1}" if best_first else "")
        cells = [_e(rank)]
        cells += [_e(str(counts.get(pool, "–"))) for pool in pools]
        cells.append(_e(_fmt("money", _num(p.get("cost_per_hour")), unit)))
        cells.append(_e(_fmt("money", _num(p.get("cost_per_item")), unit)))
        cells.append(_e(_fmt("share", _num(p.get("analytic_max_utilization")), unit)))
        slas = []
        for s in p.get("slas") or []:
            mean, _, _ = _estimate(s.get("attained"))
            slas.append(f"{s.get('name')}: {_fmt('share', mean, unit)}")
        cells.append(_e("; ".join(slas)) or "–")
        if _plan_passes(p):
            verdict = _badge("passes", "ok")
        elif p.get("stable") is False:
            verdict = _badge("unstable", "warn")
        else:
            verdict = _badge("SLA missed", "bad")
        cells.append(verdict)
        rows.append(("hl" if is_best else "", cells))
    return _wide_table(head, rows, wrap=2)


# --------------------------------------------------------------------------- dispatch


_RENDERERS: dict[str, _Renderer] = {
    "results": results_html,
    "comparison": comparison_html,
    "sweep": sweep_html,
    "optimization": optimization_html,
}


def render_report(document: Document, process: Process | None = None) -> str:
    """The HTML report of any procflow JSON document; with ``process``, its diagram too."""
    return _RENDERERS[document_kind(document)](document, process)
