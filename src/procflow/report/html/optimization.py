"""The report of a staffing search: the cheapest plan that meets every SLA, and the others tried.

Made from the JSON of ``procflow optimize --format json``. The verdict names the
chosen plan, its cost against today's, and how many plans the capacity analysis
ruled out before simulating; then the plan and its runners-up, and every plan
simulated, drawn as cost against SLA attainment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape as _e
from typing import Any

from procflow.model.process import Process
from procflow.report import charts
from procflow.report.html.page import (
    Document,
    badge,
    estimate,
    fact,
    figure,
    fmt,
    html_page,
    num,
    one_page,
    process_section,
    section,
    settings_text,
    time_unit,
    union_keys,
    wide_table,
)


def _plan_label(plan: Mapping[str, Any]) -> str:
    return ", ".join(f"{pool} {n}" for pool, n in (plan.get("counts") or {}).items())


def _plan_passes(plan: Mapping[str, Any]) -> bool:
    return bool(plan.get("slas_met")) and plan.get("stable") is not False


@one_page
def optimization_html(doc: Document, process: Process | None = None) -> str:
    """The report of a staffing search (``procflow optimize --format json``)."""
    unit = time_unit(doc)
    best: Mapping[str, Any] | None = doc.get("best")
    runners: list[Mapping[str, Any]] = doc.get("runners_up") or []
    candidates: list[Mapping[str, Any]] = doc.get("candidates") or []
    base_cost = num(doc.get("baseline_cost_per_hour"))
    items: list[str] = []
    facts: list[str] = []
    if best is not None:
        cost = num(best.get("cost_per_hour"))
        headline = f"Cheapest staffing that meets every SLA: {_plan_label(best)}"
        tone = "ok"
        facts.append(fact(fmt("money", cost, unit), "cost / hour"))
        if cost is not None and base_cost:
            saving = (cost - base_cost) / base_cost
            facts.append(
                fact(f"{saving:+.1%}", f"against today's {fmt('money', base_cost, unit)} / hour")
            )
        facts.append(fact(fmt("money", num(best.get("cost_per_item")), unit), "cost / item"))
        util = num(best.get("analytic_max_utilization"))
        facts.append(fact(fmt("share", util, unit), "busiest pool, analytic"))
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
    verdict = section(
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
            section(
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
                cost=num(c.get("cost_per_hour")) or 0.0,
                attainment={
                    str(s.get("name")): estimate(s.get("attained"))[0] for s in c.get("slas") or []
                },
                stable=c.get("stable"),
                passes=_plan_passes(c),
                best=best is not None and c.get("counts") == best.get("counts"),
            )
            for c in candidates
        ]
        pools = " / ".join((candidates[0].get("counts") or {}).keys())
        body.append(
            section(
                "Plans tried",
                figure(
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
    diagram = process_section(process)
    if diagram:
        body.append(diagram)
    return html_page(
        "staffing search report",
        str(doc.get("process", "process")),
        settings_text(doc.get("settings") or {}),
        body,
    )


def _plans_table(
    plans: Sequence[Mapping[str, Any]],
    unit: str,
    *,
    best_first: bool,
    best: Mapping[str, Any] | None = None,
) -> str:
    pools = union_keys(p.get("counts") for p in plans)
    head = ["", *pools, "cost / hour", "cost / item", "busiest pool (analytic)"]
    head += ["SLA attainment", "verdict"]
    rows: list[tuple[str, list[str]]] = []
    for i, p in enumerate(plans):
        counts = p.get("counts") or {}
        is_best = (best_first and i == 0) or (best is not None and counts == best.get("counts"))
        rank = "best" if is_best else (f"#{i + 1}" if best_first else "")
        cells = [_e(rank)]
        cells += [_e(str(counts.get(pool, "–"))) for pool in pools]
        cells.append(_e(fmt("money", num(p.get("cost_per_hour")), unit)))
        cells.append(_e(fmt("money", num(p.get("cost_per_item")), unit)))
        cells.append(_e(fmt("share", num(p.get("analytic_max_utilization")), unit)))
        slas = []
        for s in p.get("slas") or []:
            mean, _, _ = estimate(s.get("attained"))
            slas.append(f"{s.get('name')}: {fmt('share', mean, unit)}")
        cells.append(_e("; ".join(slas)) or "–")
        if _plan_passes(p):
            verdict = badge("passes", "ok")
        elif p.get("stable") is False:
            verdict = badge("unstable", "warn")
        else:
            verdict = badge("SLA missed", "bad")
        cells.append(verdict)
        rows.append(("hl" if is_best else "", cells))
    return wide_table(head, rows, wrap=2)
