"""The staffing search: what it minimises, how it breaks ties, and when it cannot decide."""

from __future__ import annotations

import json

from click.testing import CliRunner

from models import EXAMPLE_TEXT, load_text, write_process
from procflow.cli import main
from procflow.decide.optimize import optimize
from procflow.model.settings import RunSettings
from procflow.sim.executor import SerialExecutor

#: Two pools: ``front`` is the busy one (3.5 people of work), ``back`` has 1 of work and
#: costs 10 an hour when ``front`` costs ``{cost}``. The SLA is generous: every plan that
#: keeps up meets it.
TWO_POOLS = """
process: two-pools
time_unit: minute
arrivals: [{{name: jobs, rate: 1}}]
resources:
  front: {{count: 6{front_cost}}}
  back: {{count: 4{back_cost}}}
stages:
  take: {{resource: front, duration: {{exponential: 3.5}}, next: check}}
  check: {{resource: back, duration: {{exponential: 1}}, next: done}}
  done: {{end: true}}
slas:
  - {{name: within a day, metric: cycle_time, percentile: 90, max: 1 day}}
"""

SETTINGS = {"horizon": 2_000.0, "warmup": 200.0, "replications": 3}


def two_pools(front_cost: str = "", back_cost: str = "") -> str:
    return TWO_POOLS.format(front_cost=front_cost, back_cost=back_cost)


def test_without_costs_the_search_minimises_heads() -> None:
    process = load_text(two_pools())
    found = optimize(
        process,
        {"front": (5, 8), "back": (2, 4)},
        RunSettings(**SETTINGS),  # type: ignore[arg-type]
        executor=SerialExecutor(),
    )
    assert found.objective == "heads"
    assert found.best is not None
    assert found.best.counts == {"front": 5, "back": 2}  # the fewest heads that keep up
    heads = [c.heads for c in found.simulated]
    assert heads == sorted(heads)


def test_plans_that_cost_the_same_are_taken_with_fewer_heads_first() -> None:
    """Only ``back`` costs: the plans with 3 in back all cost 30 an hour, and the one with
    the fewest in front wins (not the least utilized, which has the most)."""
    process = load_text(two_pools(back_cost=", cost_per_hour: 10"))
    found = optimize(
        process,
        {"front": (5, 8), "back": (3, 3)},
        RunSettings(**SETTINGS),  # type: ignore[arg-type]
        executor=SerialExecutor(),
    )
    assert found.objective == "cost"
    assert found.best is not None and found.best.counts == {"front": 5, "back": 3}
    assert [r.counts["front"] for r in found.runners_up] == [6, 7, 8]


def test_a_plan_whose_sla_interval_straddles_the_target_is_undecided(tmp_path) -> None:
    """A 10-minute p90 SLA with 7 reviewers: about 90% attained, the interval on both sides
    of the target. The search does not call it a pass (nor a fail): it asks for more."""
    path = write_process(tmp_path, EXAMPLE_TEXT.replace("max: 4 hours", "max: 10 min"))
    result = CliRunner().invoke(
        main,
        [
            "optimize", str(path), "--pool", "qc_reviewer=7:7", "--horizon", "1 day",
            "--warmup", "2h", "-r", "4", "--executor", "serial", "--format", "json",
        ],
    )  # fmt: skip
    assert result.exit_code == 1  # no plan is known to meet every SLA
    document = json.loads(result.output)
    assert document["best"] is None
    (plan,) = document["undecided"]
    assert plan["counts"] == {"qc_reviewer": 7} and plan["decision"] == "undecided"
    low, high = plan["slas"][0]["attained"]["ci95"]
    assert low < 0.9 <= high
