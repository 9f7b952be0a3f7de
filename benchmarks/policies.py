"""How long an org's policy takes to check on a large SOP: 1,000 stages, 20 rules.

    python benchmarks/policies.py [--blocks 100] [--runs 3]

Writes a process of ``--blocks`` blocks of 10 stages (1,000 by default): each block
routes items by severity and market to three pools, samples a QC review with
rework on some, escalates on others, and forks a split into two branches that
meet at a join. Then writes a policy of 20 rules of every kind (paths with and
without conditions, before, handoffs, ends, elements, SLAs, capacity) and lints
the file with and without it, alternating, so that a busy machine slows both
alike, and times the 20 rules alone on a process whose analysis is done (the
analysis is shared with procflow's capacity rules). The target is under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from procflow.lint.config import LintConfig  # noqa: E402
from procflow.lint.context import LintContext  # noqa: E402
from procflow.lint.policy import load_policy  # noqa: E402
from procflow.lint.runner import lint_paths  # noqa: E402
from procflow.model.validation import validate_process  # noqa: E402
from procflow.source import load_document  # noqa: E402

POOLS = ("specialist", "vendor", "worker", "qc", "expert", "backup")


def process(blocks: int) -> str:
    """A valid process of ``blocks`` blocks of 10 stages each, and an end."""
    lines = [
        "process: large-moderation",
        "time_unit: minute",
        "arrivals:",
        "  - name: reports",
        "    rate: 60 per hour",
        "    attributes:",
        "      severity: {low: 0.7, medium: 0.2, high: 0.1}",
        "      market: {US: 0.5, ID: 0.3, BR: 0.2}",
        "resources:",
        *(f"  {pool}: {{count: {3 * blocks}, cost_per_hour: 20}}" for pool in POOLS),
        "stages:",
    ]
    for k in range(blocks):
        after = f"d{k + 1}" if k + 1 < blocks else "done"
        review = k % 5 == 0
        lines += [
            f"  d{k}:",
            "    next:",
            f'      - {{to: a{k}, when: severity == "high"}}',
            f'      - {{to: b{k}, when: market == "ID"}}',
            f"      - {{to: c{k}}}",
            f"  a{k}:",
            "    resource: specialist",
            "    duration: {lognormal: {mean: 1, sd: 0.5}}",
            *(["    escalate_after: 2 hours", f"    escalate_to: c{k}"] if k % 7 == 0 else []),
            f"    next: m{k}",
            f"  b{k}:",
            "    resource: vendor",
            "    duration: {lognormal: {mean: 1, sd: 0.5}}",
            "    error_rate: 0.05",
            f"    next: m{k}",
            f"  c{k}:",
            "    resource: worker",
            "    duration: {lognormal: {mean: 1, sd: 0.5}}",
            "    error_rate: 0.05",
            f"    next: m{k}",
            f"  m{k}:",
            "    next:",
            f"      - {{to: q{k}, probability: 0.1}}",
            f"      - {{to: n{k}}}",
            f"  q{k}:",
            "    resource: qc",
            "    duration: {lognormal: {mean: 1, sd: 0.5}}",
            *(["    detection_rate: 0.8", f"    on_defect: c{k}"] if review else []),
            f"    next: n{k}",
            f"  n{k}:",
            f"    split: [x{k}, y{k}]",
            f"    join: j{k}",
            f"  x{k}:",
            "    resource: expert",
            "    duration: {lognormal: {mean: 0.5, sd: 0.2}}",
            f"    next: j{k}",
            f"  y{k}:",
            "    resource: backup",
            "    duration: {lognormal: {mean: 0.5, sd: 0.2}}",
            f"    next: j{k}",
            f"  j{k}:",
            f"    next: {after}",
        ]
    lines += [
        "  done:",
        "    end: true",
        "slas:",
        "  - {name: 90% within 1 day, metric: cycle_time, percentile: 90, max: 1 day}",
        "",
    ]
    return "\n".join(lines)


RULES = [
    ('when: severity == "high"', "visits: {pool: specialist}"),
    ('when: market == "ID"', "visits: {pool: vendor}"),
    ("", "visits: {pool: expert}"),
    ("", "visits: {pool: qc}"),
    ('when: severity == "low"', "never_visits: {pool: specialist}"),
    ('when: market == "US"', "never_visits: {pool: vendor}"),
    ("", "never_visits: {stage: d0}"),
    ("", "visits: {pool: qc}\n      before: {pool: expert}"),
    ("", "visits: {pool: backup}\n      before: {pool: worker}"),
    ("", "max_handoffs: 3"),
    ('when: market == "ID"', "visits: {pool: qc}\n      after: {pool: vendor}"),
    ("", "ends_only_in: [done]"),
    ('when: market == "BR"', "ends_only_in: [done]"),
    ('when: severity == "medium" and market != "ID"', "visits: {pool: worker}"),
]
ELEMENTS = [
    "{every: pool, require: cost_per_hour > 0}",
    "{every: stage, where: is_review, require: sample_rate >= 0.05}",
    "{every: sla, require: max_hours <= 24}",
    "{every: arrival, require: rate_per_hour < 1000}",
    "{sla_for_each: severity}",
    "{max_utilization: 0.85}",
]


def policy() -> str:
    """A policy of 20 rules: 14 path rules and 6 element, SLA and capacity rules."""
    lines = ["policy: benchmark", "rules:"]
    for k, (when, check) in enumerate(RULES):
        lines += [f"  - id: ORG{k + 1:03d}", f"    message: path rule {k + 1}", "    check:"]
        if when:
            lines.append(f"      {when}")
        lines.append(f"      {check}")
    for k, check in enumerate(ELEMENTS, start=len(RULES)):
        lines += [f"  - id: ORG{k + 1:03d}", f"    message: rule {k + 1}", f"    check: {check}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sop = Path(folder) / "large.yaml"
        sop.write_text(process(args.blocks), encoding="utf-8")
        rules = Path(folder) / "procflow-policy.yaml"
        rules.write_text(policy(), encoding="utf-8")
        org = load_policy(rules)
        plain, with_policy = LintConfig(), LintConfig(policy=org)
        report = lint_paths([sop], plain)
        if report.errors:
            sys.exit(f"the generated process does not lint clean: {report.findings[:3]}")
        without, within = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            lint_paths([sop], plain)
            without.append(time.perf_counter() - start)
            start = time.perf_counter()
            report = lint_paths([sop], with_policy)
            within.append(time.perf_counter() - start)
        fired = sorted({f.code for f in report.findings if f.code.startswith("ORG")})
        alone = []
        for _ in range(args.runs):  # the rules alone, on a context whose analysis is done
            ctx = LintContext(validate_process(load_document(sop)))
            _ = ctx.capacity
            start = time.perf_counter()
            for rule in org.rules:
                list(rule().check(ctx))
            alone.append(time.perf_counter() - start)
        stages = 10 * args.blocks + 1
        print(f"{stages} stages, {len(org.rules)} policy rules ({len(fired)} report findings)")
        print(f"lint without the policy: {statistics.median(without):.2f} s (median)")
        print(f"lint with the policy:    {statistics.median(within):.2f} s (median)")
        print(f"the 20 rules alone:      {statistics.median(alone):.2f} s (median)")


if __name__ == "__main__":
    main()
