"""The tables of a comparison: one per scenario against the baseline, then the baseline's own.

Each scenario's table has a row per KPI: the baseline's and the scenario's means,
the paired change with its 95% interval, whether it is significant, and whether
that is better or worse by the KPI's direction in the catalogue. The summary
adds each scenario's verdict to the baseline's.
"""

from __future__ import annotations

from procflow.report.format import change_word, in_order
from procflow.report.tables.cells import (
    Cell,
    Table,
    file_name,
    flag,
    kpi_header,
    number,
    sheet_title,
    unit_short,
)
from procflow.report.tables.forecast import forecast_tables
from procflow.report.tables.results import results_tables
from procflow.results import Comparison, ScenarioComparison

COMPARISON_HEADERS = [
    "KPI", "Baseline", "Scenario", "Change", "95% low", "95% high", "Significant",
    "Better or worse", "Key",
]  # fmt: skip


def _summary_rows(scenario: ScenarioComparison) -> list[list[Cell]]:
    name = scenario.name
    verdict = scenario.verdict
    broken = [s.name for s in scenario.slas if s.broken]
    rows = [
        [Cell(f"Scenario {name}: verdict"), Cell(verdict.text)],
        [Cell(f"Scenario {name}: verdict in a word"), Cell(verdict.word)],
        *([Cell(f"Scenario {name}: verdict note"), Cell(note)] for note in verdict.notes),
        [Cell(f"Scenario {name}: stable"), flag(scenario.stable)],
        [Cell(f"Scenario {name}: SLAs it breaks"), Cell(", ".join(broken) or "none")],
    ]
    if scenario.description:
        rows.append([Cell(f"Scenario {name}: description"), Cell(scenario.description)])
    return rows


def _scenario_table(
    comparison: Comparison, scenario: ScenarioComparison, titles: set[str], files: set[str]
) -> Table:
    baseline = comparison.baseline
    unit = unit_short(baseline.time_unit)
    name = scenario.name or "scenario"
    table = Table(
        sheet_title(f"vs {name}", titles),
        file_name("comparison_", name, files),
        list(COMPARISON_HEADERS),
    )
    differences = scenario.differences
    for value in in_order(differences, baseline.pools, baseline.stages):
        d = differences[value.key]
        kind = value.kpi.unit
        table.rows.append(
            [
                Cell(kpi_header(value, unit, baseline.slas)),
                number(d.baseline, kind),
                number(d.scenario, kind),
                number(d.change.mean, kind, signed=True),
                number(d.change.low, kind, signed=True),
                number(d.change.high, kind, signed=True),
                flag(d.significant),
                Cell(change_word(value, d) or None),
                Cell(value.key),
            ]
        )
    return table


def comparison_tables(comparison: Comparison) -> list[Table]:
    """The summary, a table per scenario, then the baseline's tables."""
    extra = [row for s in comparison.scenarios for row in _summary_rows(s)]
    tables = results_tables(comparison.baseline, extra, of="baseline ")
    titles = {t.title.casefold() for t in tables}
    files = {t.filename.casefold() for t in tables}
    scenarios = [_scenario_table(comparison, s, titles, files) for s in comparison.scenarios]
    # the verdicts and the comparisons (and forecasts) first, then the baseline's own tables
    forecast = forecast_tables(comparison.forecast) if comparison.forecast is not None else []
    return tables[:1] + scenarios + forecast + tables[1:]
