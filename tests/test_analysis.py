"""The analytic solver (:mod:`procflow.analysis`) against hand computations.

Each test builds a small process, derives the expected visits, loads and waits
on paper (the derivation is in the test's docstring), and checks the solver.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import load_text, review_chain
from procflow.analysis import (
    SAMPLED_ITEMS,
    Arrivals,
    Capacity,
    WaitModel,
    analyze,
    erlang_c,
    mmc_wait,
    stage_visits,
)
from procflow.analysis.traffic import Chain, State, _groups_in_order
from procflow.flow import compile_flow
from procflow.flow.routing import Outcome, Row
from procflow.lint.runner import lint_file
from procflow.model.process import Process


def visits(p: Process) -> dict[str, float]:
    """Expected visits per stage per item; fails the test on an endless loop."""
    found = stage_visits(p)
    assert found is not None, "the solver reported an endless loop"
    return found


def rework(error_rate: float, detection_rate: float, *, max_attempts: int | None = None) -> Process:
    """label (error_rate) -> review of every item (detection_rate, on_defect: label) -> done."""
    bound = f"max_attempts: {max_attempts}, " if max_attempts is not None else ""
    return load_text(
        f"""
        process: rework
        arrivals: [{{name: items, rate: 60 per hour}}]
        resources: {{annotator: {{count: 20}}, reviewer: {{count: 20}}}}
        stages:
          label: {{resource: annotator, duration: 4 min, error_rate: {error_rate}, next: review}}
          review: {{resource: reviewer, duration: 3 min, detection_rate: {detection_rate},
                    on_defect: label, {bound}next: done}}
          done: {{end: true}}
        """
    )


# --------------------------------------------------------------------------- rework loops


@pytest.mark.parametrize(
    ("e", "d"), [(0.1, 0.5), (0.06, 0.85), (0.3, 0.9), (0.5, 1.0), (0.9, 0.9), (0.0, 0.8)]
)
def test_rework_loop_visits(e: float, d: float) -> None:
    """Visits to label = 1 / (1 - e*d) when every item is reviewed.

    A labeling pass makes a defect with probability e (independently of earlier
    passes: rework starts from a clean item), and the review catches it with
    probability d and sends the item back. So each pass returns with
    probability e*d, the number of passes is geometric, and the expected visits
    are sum_k (e*d)^k = 1 / (1 - e*d). The review sees every pass.
    """
    found = visits(rework(e, d))
    expected = 1 / (1 - e * d)
    assert found["label"] == pytest.approx(expected, rel=1e-9)
    assert found["review"] == pytest.approx(expected, rel=1e-9)
    assert found["done"] == pytest.approx(1.0, rel=1e-9)


def test_two_reviews_in_series_catch_what_the_first_missed() -> None:
    """A defect passes r1 (d1) and is then caught by r2 (d2); both send it back to label.

    A pass returns if it is defective and caught by either review:
    e * (1 - (1 - d1)(1 - d2)). r2 sees the passes that r1 did not send back,
    a share 1 - e*d1 of them.
    """
    e, d1, d2 = 0.3, 0.5, 0.6
    found = visits(
        load_text(
            f"""
            process: two-reviews
            arrivals: [{{name: items, rate: 1 per hour}}]
            resources: {{staff: {{count: 10}}}}
            stages:
              label: {{resource: staff, duration: 1, error_rate: {e}, next: r1}}
              r1: {{resource: staff, duration: 1, detection_rate: {d1}, on_defect: label,
                    next: r2}}
              r2: {{resource: staff, duration: 1, detection_rate: {d2}, on_defect: label,
                    next: done}}
              done: {{end: true}}
            """
        )
    )
    label = 1 / (1 - e * (1 - (1 - d1) * (1 - d2)))
    assert found["label"] == pytest.approx(label)
    assert found["r1"] == pytest.approx(label)
    assert found["r2"] == pytest.approx(label * (1 - e * d1))


@pytest.mark.parametrize("m", [1, 2, 3, 5])
def test_max_attempts_bounds_an_always_failing_loop(m: int) -> None:
    """error_rate 1 and detection_rate 1 would loop forever; max_attempts m allows m passes.

    The review sends an item back while fewer than m passes were made, so the
    label (and the review) are visited exactly m times, and the item leaves.
    """
    p = rework(1.0, 1.0, max_attempts=m)
    found = visits(p)
    assert found["label"] == pytest.approx(m)
    assert found["review"] == pytest.approx(m)
    assert found["done"] == pytest.approx(1.0)
    capacity = analyze(p)
    assert not capacity.endless
    # 1 item/min, m passes of 4 min at the annotators and 3 min at the reviewers
    assert capacity.pools["annotator"].offered_load == pytest.approx(4 * m)
    assert capacity.pools["reviewer"].offered_load == pytest.approx(3 * m)


def test_max_attempts_truncates_the_geometric_series() -> None:
    """With e*d < 1 and max_attempts m, visits = 1 + ed + ... + (ed)^(m-1) = (1-(ed)^m)/(1-ed)."""
    e, d, m = 0.5, 0.8, 3
    found = visits(rework(e, d, max_attempts=m))
    q = e * d
    assert found["label"] == pytest.approx((1 - q**m) / (1 - q))
    assert found["label"] < 1 / (1 - q)


def chain_states(reviews: int) -> int:
    """How many states the routing chain of :func:`review_chain` has (one outcome list each)."""
    flow = compile_flow(load_text(review_chain(reviews)))
    outcomes: dict[tuple[Row, State], list[Outcome]] = {}
    Chain(flow, (), {}, {}, outcomes).start(flow.index["work0"])
    return len(outcomes)


def test_bounded_reviews_in_a_row_cost_states_per_review_not_per_combination() -> None:
    """An item's counter of a review it has left behind is forgotten: the states grow with k.

    Each of the k loops has (work, review) x (clean, defective) x 3 counts at most,
    where keeping every counter would make 3**k combinations.
    """
    counts = {k: chain_states(k) for k in (1, 10, 40)}
    per_review = (counts[10] - counts[1]) / 9
    assert per_review <= 2 * 2 * 3
    assert counts[40] == counts[10] + 30 * per_review  # exactly linear


def test_forty_bounded_reviews_are_solved_exactly_without_an_endless_loop() -> None:
    """The first loop is the truncated geometric series; none is reported as endless."""
    capacity = analyze(load_text(review_chain(40)))
    assert not capacity.endless
    q, m = 0.3 * 0.9, 3
    assert capacity.stages["work0"].visits == pytest.approx((1 - q**m) / (1 - q))
    assert capacity.stages["done"].visits == pytest.approx(1.0)
    # every later loop sees the same mix once the defects carried in settle; all finite
    assert all(math.isfinite(s.visits) and s.visits > 0 for s in capacity.stages.values())


def test_a_thousand_stages_with_forty_bounded_reviews_lint_clean(tmp_path: Path) -> None:
    """The realistic file the issue names: 1,000 stages, 40 of them bounded reviews."""
    path = tmp_path / "big.yaml"
    path.write_text(review_chain(40, stages=1000 - 81), encoding="utf-8")
    assert len(load_text(path.read_text(encoding="utf-8")).stages) == 1000
    assert [f.code for f in lint_file(path)] == []


def test_splits_nested_deeper_than_the_call_stack_are_solved() -> None:
    """1,200 splits each inside the previous one's first branch: every stage is visited once."""
    depth = 1200
    lines = ["process: nested", "arrivals: [{name: jobs, rate: 1 per hour}]",
             "resources: {people: {count: 50}}", "stages:"]  # fmt: skip
    for i in range(depth):
        inner = f"s{i + 1}" if i + 1 < depth else "leaf"
        lines.append(f"  s{i}: {{split: [{inner}, a{i}], join: j{i}}}")
        lines.append(f"  a{i}: {{resource: people, duration: 1 min, next: j{i}}}")
        after = f"j{i - 1}" if i else "done"
        lines.append(f"  j{i}: {{resource: people, duration: 1 min, next: {after}}}")
    lines += [
        f"  leaf: {{resource: people, duration: 1 min, next: j{depth - 1}}}",
        "  done: {end: true}",
    ]
    found = visits(load_text("\n".join(lines)))
    assert all(v == pytest.approx(1.0) for v in found.values())


def test_endless_loop_is_reported_as_endless() -> None:
    """error_rate 1 + detection_rate 1 without max_attempts: infinitely many visits."""
    p = rework(1.0, 1.0)
    assert stage_visits(p) is None
    capacity = analyze(p)
    assert capacity.endless
    assert not capacity.stable
    assert capacity.pools == {}
    assert capacity.notes


def test_routing_that_always_loops_back_is_endless() -> None:
    """A probability-1 branch back into the loop leaves the default branch nothing."""
    p = load_text(
        """
        process: loop
        arrivals: [{name: items, rate: 1}]
        resources: {staff: {count: 10}}
        stages:
          review: {resource: staff, duration: 1, next: recheck}
          recheck:
            resource: staff
            duration: 1
            next: [{to: review, probability: 1.0}, {to: done}]
          done: {end: true}
        """
    )
    assert stage_visits(p) is None
    assert analyze(p).endless


# --------------------------------------------------------------------------- the example


def test_image_moderation_qc_visits_derived_exactly(example: Process) -> None:
    """QC visits of processes/image_moderation_qc.yaml, per severity group.

    Per labeling pass, a high-severity item (8%) always goes to QC; a low one
    (92%) is drawn with probability 0.10 — 0.08 + 0.92 * 0.10 = 17.2% of the
    passes. The rework factor depends on the group, because severity stays with
    the item across passes: a pass returns with probability e*d*q where q is the
    item's QC chance (e = 0.06, d = 0.85). So, exactly,

        label visits = 0.08 / (1 - e*d) + 0.92 / (1 - e*d*0.10)
        QC visits    = 0.08 / (1 - e*d) + 0.92 * 0.10 / (1 - e*d*0.10)

    Pooling the groups (0.172 / (1 - e*d*0.172)) would be wrong by about 0.003.
    """
    e, d = 0.06, 0.85
    label = 0.08 / (1 - e * d) + 0.92 / (1 - e * d * 0.10)
    qc = 0.08 / (1 - e * d) + 0.92 * 0.10 / (1 - e * d * 0.10)
    found = visits(example)
    assert found["label"] == pytest.approx(label, rel=1e-9)
    assert found["sample_for_qc"] == pytest.approx(label, rel=1e-9)
    assert found["qc_review"] == pytest.approx(qc, rel=1e-9)
    assert found["delivered"] == pytest.approx(1.0, rel=1e-9)
    pooled = 0.172 / (1 - e * d * 0.172)
    assert abs(found["qc_review"] - pooled) > 1e-3

    capacity = analyze(example)
    rate = 540 / 60  # items per minute
    annotator, qc_pool = capacity.pools["annotator"], capacity.pools["qc_reviewer"]
    assert capacity.arrival_rate == pytest.approx(rate)
    assert annotator.offered_load == pytest.approx(rate * label * 4.2)  # lognormal mean 4.2
    assert qc_pool.offered_load == pytest.approx(rate * qc * 4.0)  # triangular (2+3+7)/3
    assert qc_pool.arrival_rate == pytest.approx(rate * qc)
    assert qc_pool.utilization == pytest.approx(rate * qc * 4.0 / 9)
    assert capacity.stable
    assert capacity.stages["qc_review"].arrival_rate == pytest.approx(rate * qc)


# --------------------------------------------------------------------------- splits


def test_split_visits_each_branch_once_per_item() -> None:
    """A split forks every item into its branches, which meet once at the join."""
    p = load_text(
        """
        process: double-labeling
        arrivals: [{name: images, rate: 20 per hour}]
        resources: {annotator: {count: 4}, senior: {count: 1}}
        stages:
          double_label: {split: [label_a, label_b, label_c], join: compare}
          label_a: {resource: annotator, duration: 4 min, next: compare}
          label_b: {resource: annotator, duration: 4 min, next: check_b}
          check_b: {resource: senior, duration: 1 min, next: compare}
          label_c: {resource: annotator, duration: 4 min, next: compare}
          compare: {resource: senior, duration: 2 min, next: delivered}
          delivered: {end: true}
        """
    )
    found = visits(p)
    for stage in ("double_label", "label_a", "label_b", "check_b", "label_c", "compare"):
        assert found[stage] == pytest.approx(1.0), stage
    assert found["delivered"] == pytest.approx(1.0)
    capacity = analyze(p)
    # 1/3 item per minute; three 4-minute labels; a 1- and a 2-minute senior task
    assert capacity.pools["annotator"].offered_load == pytest.approx(20 / 60 * 3 * 4)
    assert capacity.pools["senior"].offered_load == pytest.approx(20 / 60 * 3)


def test_split_defects_merge_at_the_join() -> None:
    """The joined item is defective if any branch's copy is; a review at the join reworks it all.

    Branch errors eA and eB: the join sees a defect with probability
    1 - (1 - eA)(1 - eB); caught with probability d, the item goes back to the
    split. Each pass returns with probability d * (1 - (1 - eA)(1 - eB)).
    """
    e_a, e_b, d = 0.2, 0.1, 0.5
    found = visits(
        load_text(
            f"""
            process: split-rework
            arrivals: [{{name: items, rate: 1 per hour}}]
            resources: {{staff: {{count: 10}}}}
            stages:
              fork: {{split: [a, b], join: check}}
              a: {{resource: staff, duration: 1, error_rate: {e_a}, next: check}}
              b: {{resource: staff, duration: 1, error_rate: {e_b}, next: check}}
              check: {{resource: staff, duration: 1, detection_rate: {d}, on_defect: fork,
                       next: done}}
              done: {{end: true}}
            """
        )
    )
    passes = 1 / (1 - d * (1 - (1 - e_a) * (1 - e_b)))
    for stage in ("fork", "a", "b", "check"):
        assert found[stage] == pytest.approx(passes), stage


# --------------------------------------------------------------------------- queueing formulas


def erlang_c_closed_form(c: int, a: Fraction) -> Fraction:
    """Erlang C from its textbook formula, in exact arithmetic."""
    top = a**c / math.factorial(c) * Fraction(c) / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize("a", [0.1, 0.5, 0.9, 0.99])
def test_erlang_c_single_server_is_the_utilization(a: float) -> None:
    """With one server an arriving task waits exactly when the server is busy: P = rho."""
    assert erlang_c(1, a) == pytest.approx(a, rel=1e-12)


def test_erlang_c_textbook_values() -> None:
    """c=2, a=1: (1/2 * 2) / (1 + 1 + 1) = 1/3; c=3, a=2: 4 / (1 + 2 + 2 + 4) = 4/9."""
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-12)
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-12)


@pytest.mark.parametrize(
    ("c", "a"), [(2, "1/2"), (5, "4"), (9, "637/100"), (10, "19/2"), (44, "38"), (100, "90")]
)
def test_erlang_c_matches_the_closed_form(c: int, a: str) -> None:
    exact = erlang_c_closed_form(c, Fraction(a))
    assert erlang_c(c, float(Fraction(a))) == pytest.approx(float(exact), rel=1e-9)


def test_erlang_c_edges() -> None:
    assert erlang_c(3, 0.0) == 0.0
    assert erlang_c(3, 3.0) == 1.0  # at capacity: every task waits
    assert erlang_c(3, 4.5) == 1.0
    assert erlang_c(0, 0.5) == 1.0


@pytest.mark.parametrize(("lam", "mu"), [(0.5, 1.0), (0.9, 1.0), (1.0, 4.0), (3.0, 3.5)])
def test_mmc_wait_mm1_is_rho_over_mu_minus_lambda(lam: float, mu: float) -> None:
    """M/M/1: Wq = rho / (mu - lambda)."""
    rho = lam / mu
    assert mmc_wait(1, lam, 1 / mu) == pytest.approx(rho / (mu - lam), rel=1e-12)


def test_mmc_wait_mm2_and_overload() -> None:
    """M/M/2 with lambda = mu = 1: Wq = C(2, 1) / (2 mu - lambda) = 1/3."""
    assert mmc_wait(2, 1.0, 1.0) == pytest.approx(1 / 3, rel=1e-12)
    assert mmc_wait(1, 1.0, 1.0) == math.inf
    assert mmc_wait(2, 3.0, 1.0) == math.inf
    assert mmc_wait(0, 1.0, 1.0) == math.inf


def single_queue(duration: str, rate: float = 0.5, servers: int = 1) -> Capacity:
    return analyze(
        load_text(
            f"""
            process: single-queue
            arrivals: [{{name: items, rate: {rate}}}]
            resources: {{staff: {{count: {servers}}}}}
            stages:
              work: {{resource: staff, duration: {duration}, next: done}}
              done: {{end: true}}
            """
        )
    )


def test_analyze_mm1_wait_and_cycle_time() -> None:
    """lambda = 0.5, exponential mean 1: Wq = 0.5 / 0.5 = 1; cycle time 1 / (mu - lambda) = 2."""
    capacity = single_queue("{exponential: 1}")
    pool = capacity.pools["staff"]
    assert pool.offered_load == pytest.approx(0.5)
    assert pool.wait_probability == pytest.approx(0.5)
    assert pool.mean_wait == pytest.approx(1.0)
    assert capacity.stages["work"].mean_wait == pytest.approx(1.0)
    assert capacity.mean_cycle_time == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("duration", "scv"),
    [("1", 0.0), ("{uniform: {low: 0, high: 2}}", 1 / 3), ("{exponential: 1}", 1.0)],
)
def test_analyze_mg1_wait_is_pollaczek_khinchine(duration: str, scv: float) -> None:
    """M/G/1: Wq = (1 + cs^2) / 2 * rho / (mu - lambda), which Allen–Cunneen gives exactly."""
    capacity = single_queue(duration)
    wq = (1 + scv) / 2 * 0.5 / (1 - 0.5)
    assert capacity.stages["work"].mean_wait == pytest.approx(wq)
    assert capacity.mean_cycle_time == pytest.approx(wq + 1)


# --------------------------------------------------------------------------- arrivals and routing


def test_multiple_arrival_streams_are_weighted_by_rate() -> None:
    """30/h enter at triage, 10/h straight at review: per item, triage 30/40, review 1.

    Streams carry different attributes: half of the first stream and none of
    the second is high severity, so the senior sees 30/40 * 1/2 of the items.
    """
    p = load_text(
        """
        process: two-streams
        arrivals:
          - {name: reports, rate: 30 per hour, attributes: {severity: {low: 0.5, high: 0.5}}}
          - {name: escalations, rate: 10 per hour, to: review,
             attributes: {severity: {low: 1.0}}}
        resources: {agent: {count: 4}, senior: {count: 2}}
        stages:
          triage: {resource: agent, duration: 4 min, next: review}
          review:
            resource: agent
            duration: 6 min
            next: [{to: senior_review, when: 'severity == "high"'}, {to: closed}]
          senior_review: {resource: senior, duration: 10 min, next: closed}
          closed: {end: true}
        """
    )
    found = visits(p)
    assert found["triage"] == pytest.approx(0.75)
    assert found["review"] == pytest.approx(1.0)
    assert found["senior_review"] == pytest.approx(0.375)
    assert found["closed"] == pytest.approx(1.0)
    capacity = analyze(p)
    assert capacity.arrival_rate == pytest.approx(40 / 60)
    assert capacity.pools["agent"].offered_load == pytest.approx(30 / 60 * 4 + 40 / 60 * 6)
    assert capacity.pools["senior"].offered_load == pytest.approx(15 / 60 * 10)


def test_every_and_time_units() -> None:
    """One item every 5 minutes in an hour-based process is 12 per hour; 30 min is 0.5 h."""
    capacity = analyze(
        load_text(
            """
            process: hourly
            time_unit: hour
            arrivals: [{name: items, every: 5 min}]
            resources: {staff: {count: 10}}
            stages:
              work: {resource: staff, duration: 30 min, next: done}
              done: {end: true}
            """
        )
    )
    assert capacity.arrival_rate == pytest.approx(12.0)
    assert capacity.pools["staff"].offered_load == pytest.approx(6.0)


def test_condition_first_then_probability_then_default() -> None:
    """A 'when' that holds wins; otherwise the draw; otherwise the default branch."""
    found = visits(
        load_text(
            """
            process: routing
            arrivals: [{name: items, rate: 1, attributes: {vip: {true: 0.2, false: 0.8}}}]
            resources: {staff: {count: 10}}
            stages:
              route:
                next:
                  - {to: audit, probability: 0.25}
                  - {to: priority, when: vip}
                  - to: done
              audit: {resource: staff, duration: 1, next: done}
              priority: {resource: staff, duration: 1, next: done}
              done: {end: true}
            """
        )
    )
    assert found["priority"] == pytest.approx(0.2)
    assert found["audit"] == pytest.approx(0.8 * 0.25)
    assert found["done"] == pytest.approx(1.0)


def lognormal_tail(mean: float, sd: float, threshold: float) -> float:
    """P(X > threshold) for a lognormal with the given mean and sd of X itself."""
    s2 = math.log(1 + (sd / mean) ** 2)
    mu = math.log(mean) - s2 / 2
    z = (math.log(threshold) - mu) / math.sqrt(s2)
    return 0.5 * math.erfc(z / math.sqrt(2))


def test_conditions_on_numeric_attributes_are_sampled() -> None:
    """words ~ lognormal(mean 120, sd 60): P(words > 200) = 1 - Phi((ln 200 - mu) / sigma).

    The solver estimates it from a fixed sample of SAMPLED_ITEMS items, so the
    share is within a few standard errors of the exact value (and the same on
    every run). Severity is independent of words: P(high or long) = 1 - 0.9 (1 - p).
    """
    p = load_text(
        """
        process: long-posts
        arrivals:
          - name: posts
            rate: 1
            attributes:
              words: {lognormal: {mean: 120, sd: 60}}
              severity: {low: 0.9, high: 0.1}
        resources: {staff: {count: 10}}
        stages:
          triage:
            resource: staff
            duration: 1
            next: [{to: deep_read, when: 'words > 200'}, {to: second_look}]
          deep_read: {resource: staff, duration: 1, next: second_look}
          second_look:
            next: [{to: senior, when: 'severity == "high" or words > 200'}, {to: done}]
          senior: {resource: staff, duration: 1, next: done}
          done: {end: true}
        """
    )
    long_share = lognormal_tail(120, 60, 200)
    either = 1 - 0.9 * (1 - long_share)
    found = visits(p)
    for got, exact in ((found["deep_read"], long_share), (found["senior"], either)):
        standard_error = math.sqrt(exact * (1 - exact) / SAMPLED_ITEMS)
        assert abs(got - exact) < 4 * standard_error
    assert found["done"] == pytest.approx(1.0)
    assert visits(p) == found  # a fixed sample: the same answer every time


# --------------------------------------------------------------------------- stability


def test_overloaded_pool_is_marked_unstable() -> None:
    """2 items/min of 1 minute each on one person: 2 Erlangs on 1 server."""
    capacity = single_queue("1", rate=2.0)
    pool = capacity.pools["staff"]
    assert pool.offered_load == pytest.approx(2.0)
    assert pool.utilization == pytest.approx(2.0)
    assert not pool.stable
    assert pool.wait_probability == 1.0
    assert pool.mean_wait == math.inf
    assert pool.headroom == pytest.approx(-1.0)
    assert not capacity.stable
    assert capacity.bottlenecks()[0] is pool
    assert capacity.mean_cycle_time == math.inf


def test_pool_exactly_at_capacity_is_unstable() -> None:
    """Load equal to the staff count has no steady state either."""
    pool = single_queue("1", rate=3.0, servers=3).pools["staff"]
    assert pool.offered_load == pytest.approx(3.0)
    assert not pool.stable


def test_unused_pool_is_idle_and_stable() -> None:
    capacity = analyze(
        load_text(
            """
            process: idle
            arrivals: [{name: items, rate: 1}]
            resources: {staff: {count: 2}, spare: {count: 0}}
            stages:
              work: {resource: staff, duration: 1, next: done}
              done: {end: true}
            """
        )
    )
    spare = capacity.pools["spare"]
    assert spare.offered_load == 0.0
    assert spare.stable
    assert spare.mean_wait == 0.0
    assert capacity.stable


def test_split_with_a_misspelt_join_does_not_crash() -> None:
    """Lint reports the misspelt join (PF101); the solver must not crash before it can."""
    p = load_text(
        """
        process: double-labeling
        arrivals: [{name: images, rate: 20 per hour}]
        resources: {annotator: {count: 4}}
        stages:
          double_label: {split: [label_a, label_b], join: compre}
          label_a: {resource: annotator, duration: 4 min, next: compare}
          label_b: {resource: annotator, duration: 4 min, next: compare}
          compare: {resource: annotator, duration: 2 min, next: delivered}
          delivered: {end: true}
        """
    )
    found = stage_visits(p)
    assert found is not None
    assert found["label_a"] == pytest.approx(1.0)


def test_expected_maximum_of_parallel_branches() -> None:
    """Two exponential branches of mean 10 meet after 15 on average; one branch is itself."""
    from procflow.analysis import expected_maximum

    assert expected_maximum([10.0, 10.0]) == pytest.approx(15.0)
    assert expected_maximum([4.0]) == pytest.approx(4.0)
    # three branches of mean 1: 1 + 1/2 + 1/3
    assert expected_maximum([1.0, 1.0, 1.0]) == pytest.approx(1 + 1 / 2 + 1 / 3)
    assert expected_maximum([]) == 0.0


def test_a_reviews_own_errors_pass_it() -> None:
    """A review catches defects the item arrived with; the errors it makes itself go on."""
    p = load_text(
        """
        process: self-review
        arrivals: [{name: items, rate: 0.1}]
        resources: {staff: {count: 5}}
        stages:
          label: {resource: staff, duration: 1, next: review}
          review:
            resource: staff
            duration: 1
            error_rate: 0.5
            detection_rate: 1.0
            on_defect: label
            next: done
          done: {end: true}
        """
    )
    visits = stage_visits(p)
    assert visits is not None
    assert visits["label"] == pytest.approx(1.0)
    assert visits["review"] == pytest.approx(1.0)


def test_a_pool_overloaded_until_a_deadline_waits_to_the_deadline_without_overflow() -> None:
    """500x its capacity, every task escalating after 10: the virtual wait's density grows
    by e^4990 before the deadline (past any float), yet the answer is the limit the
    formula tends to: nearly every task waits, and waits nearly the whole 10."""
    model = WaitModel(2, 1.0, [Arrivals(rate=1000.0, patience=10.0)])
    assert model.stable
    assert model.wait_probability() == pytest.approx(1.0, abs=1e-9)
    assert model.mean_wait(10.0) == pytest.approx(10.0, rel=1e-2)
    assert model.beyond(9.0) == pytest.approx(1.0, abs=1e-3)


@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)))
        )
    )
)
def test_the_loops_of_states_are_networkx_s_in_an_order_items_can_pass_them(
    graph: tuple[int, list[tuple[int, int]]],
) -> None:
    """The chain's own strongly connected groups: the same groups as networkx finds,
    and every move between two groups goes from an earlier group to a later one."""
    n, edges = graph
    leaving: dict[int, list[tuple[int, float]]] = {}
    for i, j in edges:
        leaving.setdefault(i, []).append((j, 1.0))
    groups = _groups_in_order(n, leaving)
    reference = nx.DiGraph()
    reference.add_nodes_from(range(n))
    reference.add_edges_from(edges)
    expected = {frozenset(c) for c in nx.strongly_connected_components(reference)}
    assert {frozenset(g) for g in groups} == expected
    assert all(g == sorted(g) for g in groups)
    position = {i: k for k, g in enumerate(groups) for i in g}
    assert all(position[i] <= position[j] for i, j in edges)
