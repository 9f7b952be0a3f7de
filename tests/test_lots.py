"""Lot acceptance sampling against its closed form, and the Z1.4 tables against the standard.

The simulated share of accepted lots is checked against the binomial OC curve, the
outgoing quality (AOQ) and the inspection load against their formulas
(:mod:`procflow.analysis.acceptance`), each within four standard errors computed from
the number of lots the runs decide. Lint findings of lot plans are in
``tests/fixtures/rules/PF25x`` (test_rules.py runs them); here, the CLI's exit codes
and exact positions.
"""

from __future__ import annotations

import json
import math

import pytest

from models import PROCESSES, load_text, run, write_process
from procflow.analysis import analyze
from procflow.analysis.acceptance import acceptance_probability, lot_figures
from procflow.flow.compiler import compile_flow
from procflow.model.settings import RunSettings
from procflow.model.z14 import MASTER, code_letter, z14_plan
from procflow.sim.plan import LOT, Plan
from procflow.sim.runner import run_replications

HOUR = 60.0
DAY = 24 * HOUR

# --------------------------------------------------------------------------- Z1.4


@pytest.mark.parametrize(
    ("lot_size", "letter"),
    [(2, "A"), (8, "A"), (9, "B"), (50, "D"), (51, "E"), (500, "H"), (1_201, "K"),
     (3_200, "K"), (3_201, "L"), (500_000, "P"), (500_001, "Q")],
)  # fmt: skip
def test_code_letters_of_table_one_level_two(lot_size: int, letter: str) -> None:
    assert code_letter(lot_size) == letter


def test_row_k_of_the_master_table_as_published() -> None:
    """Letter K (n = 125): Ac 0 at AQL 0.10, arrows up then down, 1 2 3 5 7 10 14 21, arrows up."""
    up, down = "up", "down"
    assert MASTER["K"] == (
        *(down,) * 5, 0, up, down, 1, 2, 3, 5, 7, 10, 14, 21, *(up,) * 10,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("lot_size", "aql", "plan"),
    [
        (2_000, 2.5, ("K", 125, 7)),  # the textbook example: Re 8
        (2_000, 4.0, ("K", 125, 10)),
        (2_000, 1.0, ("K", 125, 3)),
        (2_000, 0.15, ("J", 80, 0)),  # K's arrow points up
        (2_000, 0.25, ("L", 200, 1)),  # K's arrow points down
        (500, 1.0, ("H", 50, 1)),
        (10_000, 1.5, ("L", 200, 7)),
        (5, 0.65, ("F", 20, 0)),  # a small lot, a sample larger than it (PF251)
        (20, 650, ("C", 5, 44)),
        (20, 1000, ("B", 3, 44)),  # C points up at the last column
    ],
)
def test_plans_follow_the_arrows(lot_size: int, aql: float, plan: tuple[str, int, int]) -> None:
    found = z14_plan(lot_size, aql)
    assert (found.letter, found.sample, found.accept) == plan
    assert found.reject == plan[2] + 1


def test_an_aql_outside_the_table_has_no_plan() -> None:
    with pytest.raises(ValueError, match=r"not in the Z1\.4 table"):
        z14_plan(2_000, 3.0)


# --------------------------------------------------------------------------- formulas


def test_oc_curve_of_125_and_7() -> None:
    """The issue's figures: 0.7117 at 5% defective, 0.2090 at 8%."""
    assert acceptance_probability(125, 7, 0.05) == pytest.approx(0.7117, abs=5e-5)
    assert acceptance_probability(125, 7, 0.08) == pytest.approx(0.2090, abs=5e-5)
    assert acceptance_probability(125, 7, 0.0) == 1.0


def test_aoq_of_rectifying_inspection_is_the_textbook_formula() -> None:
    """Perfect inspection, rejected lots inspected in full: AOQ = Pa·p·(N − n)/N."""
    figures = lot_figures(2_000, 125, 7, 0.05)
    pa = acceptance_probability(125, 7, 0.05)
    assert figures.outgoing_quality == pytest.approx(pa * 0.05 * 1_875 / 2_000)
    assert figures.inspection_load == pytest.approx(125 / 2_000 + (1 - pa) * 1_875 / 2_000)


# --------------------------------------------------------------------------- simulation

EVERY_N = """
process: lots-every-n
arrivals: [{name: items, rate: 600 per hour}]
resources: {labelers: {count: 20}, fixers: {count: 10}}
stages:
  label: {resource: labelers, duration: 1 min, error_rate: 0.05, next: acceptance}
  acceptance:
    detection_rate: 1.0
    on_defect: fix
    lots: {by: {every: 50}, plan: {sample: 20, accept: 1}}
    next: done
  fix: {resource: fixers, duration: 1 min, next: done}
  done: {end: true}
"""


def _mean(runs: list, key: str) -> float:
    return sum(r.kpis[key] for r in runs) / len(runs)


def test_the_analysis_solves_for_the_defect_rate_reaching_the_lot_stage() -> None:
    """5% of labels are wrong: the analysis finds it at the lot stage, and gives the AOQ
    of rectifying inspection and the rework of every defect caught, exactly."""
    capacity = analyze(load_text(EVERY_N))
    expected = lot_figures(50, 20, 1, 0.05)
    assert capacity.quality is not None
    assert capacity.quality.escaped == pytest.approx(expected.outgoing_quality, rel=1e-9)
    # every defect is caught (r = 1) except in accepted lots, outside the sample
    caught = 0.05 * (1 - expected.acceptance * 30 / 50)
    assert capacity.stages["fix"].visits == pytest.approx(caught, rel=1e-9)
    (curve,) = capacity.lots
    assert (curve.lot_size, curve.sample, curve.accept) == (50, 20, 1)
    assert curve.points[3].acceptance == pytest.approx(expected.acceptance)  # at 5%


def test_every_n_lots_match_the_oc_curve_the_aoq_and_the_load() -> None:
    process = load_text(EVERY_N)
    horizon, warmup, replications = 40 * HOUR, 2 * HOUR, 3
    runs = run_replications(
        process, RunSettings(horizon=horizon, warmup=warmup), replications=replications, seed=5
    )
    size, sample, accept, p = 50, 20, 1, 0.05
    expected = lot_figures(size, sample, accept, p)
    lots = replications * 10 * (horizon - warmup) / size  # 10 items a minute
    pa = expected.acceptance
    assert abs(_mean(runs, "stages.acceptance.lot_acceptance") - pa) < 4 * math.sqrt(
        pa * (1 - pa) / lots
    )
    # outgoing defects of a lot: at most the defects of its unsampled part
    rest = size - sample
    spread = math.sqrt(rest * p * (1 - p) + (rest * p) ** 2) / size
    assert abs(_mean(runs, "stages.acceptance.outgoing_quality") - expected.outgoing_quality) < (
        4 * spread / math.sqrt(lots)
    )
    load_spread = rest / size * math.sqrt(pa * (1 - pa))
    assert abs(_mean(runs, "stages.acceptance.inspection_load") - expected.inspection_load) < (
        4 * load_spread / math.sqrt(lots)
    )
    assert all(r.drained for r in runs)  # the last, partial lot is decided at the end


BATCHES = """
process: lots-by-batch
arrivals:
  - name: vendor_drops
    batch: {size: 50, at: ["00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00",
                            "21:00"]}
resources: {vendor: {count: 20}, qa: {count: 4}, fixers: {count: 4}}
stages:
  label: {resource: vendor, duration: 1 min, error_rate: 0.1, next: acceptance}
  acceptance:
    resource: qa
    duration: 1 min
    detection_rate: 0.9
    on_defect: fix
    lots: {by: batch, aql: 6.5, on_reject: relabel}
    next: done
  fix: {resource: fixers, duration: 1 min, next: done}
  relabel: {resource: vendor, duration: 1 min, next: done}
  done: {end: true}
"""


def test_batch_lots_inspected_by_a_pool_match_the_oc_curve_with_imperfect_inspection() -> None:
    """Lots of 50 are letter D (n = 8), AQL 6.5 accepts 1; a defect is found with p·r."""
    process = load_text(BATCHES)
    assert z14_plan(50, 6.5).sample == 8 and z14_plan(50, 6.5).accept == 1
    horizon, replications = 4 * 7 * DAY, 3
    runs = run_replications(
        process, RunSettings(horizon=horizon), replications=replications, seed=11
    )
    expected = lot_figures(50, 8, 1, 0.1, 0.9, inspect_rejected=False)
    lots = replications * 8 * horizon / DAY
    pa = expected.acceptance
    assert pa == pytest.approx(acceptance_probability(8, 1, 0.09))
    found = _mean(runs, "stages.acceptance.lot_acceptance")
    assert abs(found - pa) < 4 * math.sqrt(pa * (1 - pa) / lots)
    # the sample only, rejected lots go to relabel as they are
    assert _mean(runs, "stages.acceptance.inspection_load") == pytest.approx(8 / 50, rel=1e-9)
    assert all(r.drained for r in runs)


BY_VENDOR = """
process: lots-by-vendor-and-day
arrivals:
  - name: vendor_items
    rate: 20 per hour
    attributes: {vendor: {north: 0.5, south: 0.5}}
resources: {vendor: {count: 5}, fixers: {count: 2}}
stages:
  label: {resource: vendor, duration: 1 min, error_rate: 0.04, next: acceptance}
  acceptance:
    detection_rate: 1.0
    on_defect: fix
    lots: {by: {attribute: vendor, per: day}, plan: {sample: 50, accept: 2}}
    next: done
  fix: {resource: fixers, duration: 1 min, next: done}
  done: {end: true}
"""


def test_lots_by_vendor_and_day_match_the_oc_curve() -> None:
    """About 240 items per vendor and day, of which 50 are inspected first."""
    process = load_text(BY_VENDOR)
    horizon, replications = 4 * 7 * DAY, 3
    runs = run_replications(
        process, RunSettings(horizon=horizon), replications=replications, seed=3
    )
    pa = acceptance_probability(50, 2, 0.04)
    lots = replications * 2 * horizon / DAY
    found = _mean(runs, "stages.acceptance.lot_acceptance")
    assert abs(found - pa) < 4 * math.sqrt(pa * (1 - pa) / lots)
    # rejected lots are inspected in full (lot sizes vary by day: a loose check)
    load = lot_figures(240, 50, 2, 0.04).inspection_load
    assert _mean(runs, "stages.acceptance.inspection_load") == pytest.approx(load, rel=0.1)


def test_a_process_without_lots_keeps_the_plain_hot_path(example) -> None:
    """No lot stage, no lot keeper: the engine never looks at lots."""
    plan = Plan(compile_flow(example), 1, 0)
    assert plan.lot_stages == []
    assert all(s.kind != LOT and s.lots is None for s in plan.stages)
    assert all(rule.lots is None for rule in compile_flow(example).rules)


# --------------------------------------------------------------------------- commands


def test_the_example_lints_clean_and_analyze_prints_its_oc_curve() -> None:
    path = PROCESSES / "vendor_batch_acceptance.yaml"
    assert run("lint", str(path)).exit_code == 0
    result = run("analyze", str(path))
    assert result.exit_code == 0
    assert "OC curve" in result.output


def test_lint_reports_lot_plans_at_their_keys(tmp_path) -> None:
    text = """\
        process: vendor-lots
        arrivals:
          - name: vendor_items
            rate: 120 per hour
        resources: {qa: {count: 4}, fixer: {count: 1}}
        stages:
          acceptance:
            resource: qa
            duration: 1 min
            detection_rate: 0.9
            on_defect: fix
            lots:
              by: {every: 100}
              plan: {sample: 125, accept: 130}
            next: done
          fix: {resource: fixer, duration: 2 min, next: done}
          done: {end: true}
        """
    path = write_process(tmp_path, text)
    result = run("lint", str(path), "--format", "json")
    assert result.exit_code == 0  # warnings only
    found = {(f["code"], f["line"], f["column"]) for f in json.loads(result.output)["findings"]}
    assert found == {("PF251", 14, 22), ("PF254", 14, 35)}
