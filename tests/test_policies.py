"""Org policies as code: path, element, SLA and capacity rules, located where the SOP breaks them.

The small processes here are drawn by hand; each expectation (which items break the
rule, which path is named, at which line:col) was worked out on paper first.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from models import ROOT
from procflow.cli import main
from procflow.diagnostics import Finding, LoadError
from procflow.lint.config import LintConfig
from procflow.lint.policy import Policy, load_policy
from procflow.lint.runner import lint_paths

EXAMPLE_POLICY = ROOT / "docs" / "examples" / "moderation-policy.yaml"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def policy_of(folder: Path, rules: str) -> Policy:
    text = "policy: test\nrules:\n" + textwrap.indent(textwrap.dedent(rules).strip("\n"), "  ")
    path = write(folder, "procflow-policy.yaml", text + "\n")
    return load_policy(path)


def policy_findings(process: Path, policy: Policy) -> list[Finding]:
    report = lint_paths([process], LintConfig(policy=policy))
    codes = {rule.code for rule in policy.rules}
    return [f for f in report.findings if f.code in codes]


def where(findings: list[Finding]) -> set[tuple[str, int, int]]:
    return {(f.code, f.location.line, f.location.col) for f in findings}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# --- attribute decisions: a path only some items can take --------------------------------

DECISION = """
process: decision
time_unit: minute
arrivals:
  - name: reports
    rate: 10 per hour
    attributes:
      severity: {low: 0.9, high: 0.1}
      market: {US: 0.7, ID: 0.3}
resources:
  moderator: {count: 5, cost_per_hour: 10}
  specialist: {count: 2, cost_per_hour: 30}
stages:
  triage:
    next:
      - to: closed
        when: market == "ID"
      - to: specialist_review
        when: severity == "high"
      - to: moderate
  moderate:
    resource: moderator
    duration: {lognormal: {mean: 4, sd: 2}}
    next: closed
  specialist_review:
    resource: specialist
    duration: {lognormal: {mean: 10, sd: 4}}
    next: closed
  closed:
    end: true
"""


def test_a_path_only_some_attribute_values_take_is_named_with_them(tmp_path: Path) -> None:
    """High-severity US reports reach the specialist; high-severity ID reports are closed at
    triage: the rule is broken only for market ID, at the branch that closes them."""
    process = write(tmp_path, "p.yaml", DECISION)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG001
          message: high severity passes a specialist
          check:
            when: severity == "high"
            visits: {pool: specialist}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert where([finding]) == {("ORG001", 15, 13)}  # triage.next[0].to: closed
    assert finding.args["path"] == ["triage", "closed"]
    assert finding.args["values"] == {"market": "ID", "severity": "high"}
    assert finding.severity.value == "error"


def test_a_condition_no_item_meets_on_a_path_passes(tmp_path: Path) -> None:
    """Low-severity US reports are moderated; nothing routes them to the specialist, and the
    rule (about high severity) does not ask it."""
    process = write(tmp_path, "p.yaml", DECISION.replace('market == "ID"', 'market == "BR"'))
    policy = policy_of(
        tmp_path,
        """
        - id: ORG001
          message: high severity passes a specialist
          check:
            when: severity == "high"
            visits: {pool: specialist}
        """,
    )
    assert policy_findings(process, policy) == []


def test_never_visits_is_located_at_the_route_into_the_stage(tmp_path: Path) -> None:
    process = write(tmp_path, "p.yaml", DECISION)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG002
          message: low severity never reaches the specialist
          check:
            when: severity == "low"
            never_visits: {stage: specialist_review}
        - id: ORG003
          message: ID reports are moderated
          check:
            when: market == "ID"
            never_visits: {pool: moderator}
        """,
    )
    assert policy_findings(process, policy) == []
    policy = policy_of(
        tmp_path,
        """
        - id: ORG002
          message: US reports are never moderated
          check:
            when: market == "US"
            never_visits: {pool: moderator}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert where([finding]) == {("ORG002", 19, 13)}  # triage.next[2].to: moderate
    assert finding.args["values"] == {"market": "US", "severity": "low"}


def test_ends_only_in(tmp_path: Path) -> None:
    text = DECISION.replace(
        "    next: closed\n  closed:", "    next: escalated\n  escalated:\n    end: true\n  closed:"
    )
    process = write(tmp_path, "p.yaml", text)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG004
          message: everything ends closed
          check: {ends_only_in: [closed]}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert finding.args["path"] == ["triage", "specialist_review", "escalated"]
    assert where([finding]) == {("ORG004", 27, 11)}  # specialist_review.next


# --- loops: rework and loops through two pools --------------------------------------------

REWORK = """
process: rework
time_unit: minute
arrivals:
  - {name: tasks, rate: 10 per hour}
resources:
  annotator: {count: 5, cost_per_hour: 10}
  qc: {count: 2, cost_per_hour: 20}
stages:
  label:
    resource: annotator
    duration: {lognormal: {mean: 4, sd: 2}}
    error_rate: 0.1
    next: review
  review:
    resource: qc
    duration: {lognormal: {mean: 3, sd: 1}}
    detection_rate: 0.9
    on_defect: label
    next: appeal
  appeal:
    next:
      - to: label
        probability: 0.05
      - to: done
  done:
    end: true
"""


def test_rework_loops_count_no_new_handoffs_but_other_loops_do(tmp_path: Path) -> None:
    """label → review is one handoff; the rework back to label repeats it (not counted);
    the appeal loop back to label can hand the item over again and again."""
    no_appeal = REWORK.replace("      - to: label\n        probability: 0.05\n", "")
    process = write(tmp_path, "p.yaml", no_appeal)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG005
          message: at most one handoff
          check: {max_handoffs: 1}
        - id: ORG006
          message: every task passes QC
          check: {visits: {pool: qc}}
        """,
    )
    assert policy_findings(process, policy) == []
    process = write(tmp_path, "p.yaml", REWORK)
    (finding,) = policy_findings(process, policy)
    assert finding.code == "ORG005"
    assert finding.args["path"] == ["label", "review", "appeal", "label"]
    assert where([finding]) == {("ORG005", 22, 13)}  # appeal.next[0].to: label


def test_never_visits_finds_the_stage_through_a_loop(tmp_path: Path) -> None:
    process = write(tmp_path, "p.yaml", REWORK)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG007
          message: nothing is labeled twice from an appeal
          check: {never_visits: {stage: appeal}}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert where([finding]) == {("ORG007", 19, 11)}  # review.next: appeal


# --- split and join ------------------------------------------------------------------------

SPLIT = """
process: split
time_unit: minute
arrivals:
  - name: tasks
    rate: 10 per hour
    attributes:
      severity: {low: 0.9, high: 0.1}
resources:
  annotator: {count: 5, cost_per_hour: 10}
  expert: {count: 5, cost_per_hour: 10}
  specialist: {count: 2, cost_per_hour: 20}
stages:
  fork:
    split: [label_a, check_b]
    join: merge
  label_a:
    resource: annotator
    duration: {lognormal: {mean: 4, sd: 2}}
    next: merge
  check_b:
    next:
      - to: expert_b
        when: severity == "high"
      - to: merge
  expert_b:
    resource: expert
    duration: {lognormal: {mean: 4, sd: 2}}
    next: merge
  merge:
    next: done
  done:
    end: true
"""


def test_a_split_visits_what_any_of_its_copies_visits(tmp_path: Path) -> None:
    """Every item's copy a visits the annotators, whichever way copy b goes; high-severity
    items' copy b visits the experts, low-severity ones' skips them at check_b."""
    process = write(tmp_path, "p.yaml", SPLIT)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG008
          message: every task is labeled
          check: {visits: {pool: annotator}}
        - id: ORG009
          message: high-severity tasks see an expert
          check:
            when: severity == "high"
            visits: {pool: expert}
        - id: ORG010
          message: every task sees an expert
          check: {visits: {pool: expert}}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert finding.code == "ORG010"
    assert finding.args["values"] == {"severity": "low"}
    assert finding.args["path"] == ["fork", "check_b", "merge", "done"]
    assert where([finding]) == {("ORG010", 24, 13)}  # check_b.next[1].to: merge


def test_never_visits_a_stage_of_one_branch_is_located_at_the_split(tmp_path: Path) -> None:
    process = write(tmp_path, "p.yaml", SPLIT)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG011
          message: nothing is labeled by annotators
          check: {never_visits: {pool: annotator}}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert where([finding]) == {("ORG011", 14, 13)}  # fork.split[0]


def test_before_with_copies(tmp_path: Path) -> None:
    """Copy b reaches the expert without the specialist: the specialist is not before it."""
    process = write(tmp_path, "p.yaml", SPLIT)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG012
          message: the annotators label before the expert looks
          check: {visits: {pool: expert}, before: {pool: annotator}}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert finding.args["path"] == ["fork", "check_b", "expert_b"]
    assert where([finding]) == {("ORG012", 22, 13)}  # check_b.next[0].to: expert_b


# --- escalation ----------------------------------------------------------------------------

ESCALATION = """
process: escalation
time_unit: minute
arrivals:
  - {name: reports, rate: 10 per hour}
resources:
  reviewer: {count: 5, cost_per_hour: 10}
  specialist: {count: 2, cost_per_hour: 20}
  backup: {count: 2, cost_per_hour: 20}
stages:
  review:
    resource: reviewer
    duration: {lognormal: {mean: 4, sd: 2}}
    escalate_after: 30 min
    escalate_to: backup_review
    next: specialist_review
  specialist_review:
    resource: specialist
    duration: {lognormal: {mean: 4, sd: 2}}
    next: done
  backup_review:
    resource: backup
    duration: {lognormal: {mean: 4, sd: 2}}
    next: done
  done:
    end: true
"""


def test_an_escalation_edge_is_a_path_and_located_at_escalate_to(tmp_path: Path) -> None:
    process = write(tmp_path, "p.yaml", ESCALATION)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG013
          message: every report passes a specialist
          check: {visits: {pool: specialist}}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert finding.args["path"] == ["review", "backup_review", "done"]
    assert where([finding]) == {("ORG013", 14, 18)}  # review.escalate_to


# --- elements, SLAs, capacity --------------------------------------------------------------


def test_element_checks_are_located_at_the_value_they_read(tmp_path: Path) -> None:
    text = REWORK.replace("qc: {count: 2, cost_per_hour: 20}", "qc: {count: 2}").replace(
        "        probability: 0.05", "        probability: 0.01"
    )
    process = write(tmp_path, "p.yaml", text)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG014
          message: every pool has a cost
          check: {every: pool, require: cost_per_hour > 0}
        - id: ORG015
          message: no sample below 5%
          check: {every: stage, where: kind == "work", require: sample_rate >= 0.05}
        """,
    )
    findings = policy_findings(process, policy)
    assert where(findings) == {("ORG014", 7, 3), ("ORG015", 23, 22)}


def test_an_sla_covers_the_values_of_the_items_that_reach_its_stage(tmp_path: Path) -> None:
    text = DECISION + textwrap.dedent(
        """
        slas:
          - name: specialists pick up within 1 hour
            metric: waiting_time
            stage: specialist_review
            max: 1 hour
        """
    )
    process = write(tmp_path, "p.yaml", text)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG016
          message: an SLA for every severity
          check: {sla_for_each: severity}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert finding.args["missing"] == ["low"]
    assert where([finding]) == {("ORG016", 31, 1)}  # slas:
    covered = text + "  - {name: all, metric: cycle_time, max: 4 hours}\n"
    assert policy_findings(write(tmp_path, "p.yaml", covered), policy) == []


def test_capacity_threshold_on_the_analytic_estimate(tmp_path: Path) -> None:
    process = write(
        tmp_path, "p.yaml", ROOT.joinpath("processes/image_moderation_qc.yaml").read_text()
    )
    policy = policy_of(
        tmp_path,
        """
        - id: ORG017
          message: pools planned at most 80% busy
          severity: warning
          check: {max_utilization: 0.8}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert where([finding]) == {("ORG017", 17, 3)}  # resources.annotator
    assert finding.args["pool"] == "annotator"
    assert finding.severity.value == "warning"


# --- the policy file itself ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "code", "line", "col"),
    [
        ("- {id: ORG001, message: m, check: {visit: {pool: qc}}}", "PF010", 3, 38),
        (
            "- {id: ORG001, message: m, check: {never_visits: {pool: qc}, when: 'a =='}}",
            "PF013",
            3,
            75,
        ),
        ("- {id: ORG001, message: m, check: {every: pool, require: costs > 0}}", "PF013", 3, 60),
        ("- {id: ORG001, message: m, check: {every: room, require: x > 0}}", "PF012", 3, 45),
        ("- {id: PF101, message: m, check: {max_handoffs: 2}}", "PF012", 3, 10),
        (
            "- {id: ORG001, message: m, check: {max_handoffs: 2}}\n"
            "- {id: ORG001, message: n, check: {max_handoffs: 1}}",
            "PF012",
            4,
            10,
        ),
        ("- {id: ORG001, message: m, check: {}}", "PF012", 3, 37),
    ],
)
def test_a_policy_that_cannot_be_used_is_a_located_error_in_it(
    tmp_path: Path, rules: str, code: str, line: int, col: int
) -> None:
    with pytest.raises(LoadError) as caught:
        policy_of(tmp_path, rules)
    assert [(f.code, f.location.line, f.location.col) for f in caught.value.findings] == [
        (code, line, col)
    ]
    assert all(f.location.file.endswith("procflow-policy.yaml") for f in caught.value.findings)


def test_cli_exits_2_on_a_broken_policy_without_a_traceback(tmp_path: Path) -> None:
    write(
        tmp_path, "pol.yaml", "policy: p\nrules:\n  - {id: ORG001, message: m, check: {visit: x}}\n"
    )
    result = run("lint", "--policy", str(tmp_path / "pol.yaml"), "processes/")
    assert result.exit_code == 2
    assert f"{tmp_path / 'pol.yaml'}:3:38: PF010" in result.output


def test_a_broken_policy_is_reported_in_the_format_asked_for(tmp_path: Path) -> None:
    """`--format sarif -o lint.sarif`: the policy's own errors are the SARIF CI uploads,
    located in the policy file; exit 2."""
    write(
        tmp_path, "pol.yaml", "policy: p\nrules:\n  - {id: ORG001, message: m, check: {visit: x}}\n"
    )
    sarif = tmp_path / "lint.sarif"
    result = run(
        "lint", "--policy", str(tmp_path / "pol.yaml"), "--format", "sarif", "-o", str(sarif),
        "processes/",
    )  # fmt: skip
    assert result.exit_code == 2
    (found,) = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert found["ruleId"] == "PF010"
    region = found["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 38)


def test_unknown_names_are_pf030_at_the_name_in_the_policy(tmp_path: Path) -> None:
    fixture = ROOT / "tests" / "fixtures" / "rules" / "PF030"
    process = ROOT / "processes" / "image_moderation_qc.yaml"
    for name, expected in (
        ("bad.policy.yml", {("PF030", 7, 28), ("PF030", 11, 13)}),
        ("good.policy.yml", set()),
    ):
        policy = load_policy(fixture / name)
        report = lint_paths([process], LintConfig(policy=policy))
        assert where(report.findings) == expected  # and the rules with typos report nothing
        assert (report.exit_code == 2) == bool(expected)


# --- the lint machinery: formats, suppression, select/ignore --------------------------------

RULE_ON_DECISION = """
- id: ORG001
  name: specialist-on-high
  message: high severity passes a specialist
  rationale: Legal asks for a specialist's sign-off.
  url: https://wiki.example.org/policies/ORG001
  check:
    when: severity == "high"
    visits: {pool: specialist}
"""


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_every_output_format_carries_the_policy_finding(tmp_path: Path, fmt: str) -> None:
    process = write(tmp_path, "p.yaml", DECISION)
    policy_of(tmp_path, RULE_ON_DECISION)
    result = run(
        "lint", "--policy", str(tmp_path / "procflow-policy.yaml"), "--format", fmt, str(process)
    )
    assert result.exit_code == 1
    assert "ORG001" in result.output
    if fmt == "sarif":
        log = json.loads(result.output)
        (rule,) = [r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "ORG001"]
        assert rule["name"] == "specialist-on-high"
        assert "Legal asks" in rule["help"]["text"]
        assert rule["helpUri"] == "https://wiki.example.org/policies/ORG001"
        (found,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "ORG001"]
        region = found["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (15, 13)
    if fmt == "json":
        (found,) = json.loads(result.output)["findings"]
        assert (found["line"], found["column"]) == (15, 13)
        assert found["doc"].endswith("procflow-policy.yaml")


def test_select_ignore_and_suppression_comments(tmp_path: Path) -> None:
    policy_of(tmp_path, RULE_ON_DECISION)
    pol = str(tmp_path / "procflow-policy.yaml")
    process = write(tmp_path, "p.yaml", DECISION)
    assert run("lint", "--policy", pol, "--ignore", "ORG001", str(process)).exit_code == 0
    assert (
        run("lint", "--policy", pol, "--ignore", "specialist-on-high", str(process)).exit_code == 0
    )
    assert run("lint", "--policy", pol, "--select", "ORG", str(process)).exit_code == 1
    assert run("lint", "--policy", pol, "--select", "PF1", str(process)).exit_code == 0
    unknown = run("lint", "--policy", pol, "--select", "ORG002", str(process))
    assert unknown.exit_code == 2 and "did you mean ORG001?" in unknown.output
    silenced = DECISION.replace(
        "      - to: closed\n", "      - to: closed  # procflow: ignore[ORG001]\n", 1
    )
    process = write(tmp_path, "p.yaml", silenced)
    assert run("lint", "--policy", pol, str(process)).exit_code == 0
    typo = silenced.replace("ignore[ORG001]", "ignore[ORG01]")
    process = write(tmp_path, "p.yaml", typo)
    result = run("lint", "--policy", pol, "--format", "json", str(process))
    codes = {(f["code"], f["line"]) for f in json.loads(result.output)["findings"]}
    assert codes == {("PF014", 15), ("ORG001", 15)}


def test_the_policy_is_found_from_the_current_folder_upwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_of(tmp_path, RULE_ON_DECISION)
    write(tmp_path, "p.yaml", DECISION)
    inner = tmp_path / "sub"
    inner.mkdir()
    monkeypatch.chdir(inner)
    result = run("lint", "--format", "json", "../p.yaml")
    assert result.exit_code == 1
    assert [f["code"] for f in json.loads(result.output)["findings"]] == ["ORG001"]


def test_a_policy_code_in_pyproject_ignore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy_of(tmp_path, RULE_ON_DECISION)
    write(tmp_path, "p.yaml", DECISION)
    write(tmp_path, "pyproject.toml", '[tool.procflow]\nignore = ["ORG001"]\n')
    monkeypatch.chdir(tmp_path)
    assert run("lint", "p.yaml").exit_code == 0


# --- policy test, the example policy, scenarios --------------------------------------------


def test_policy_test_passes_on_the_example_policy() -> None:
    result = run("policy", "test", "--policy", str(EXAMPLE_POLICY))
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == 19


def test_policy_test_fails_when_a_rule_stops_matching(tmp_path: Path) -> None:
    write(tmp_path, "p.yaml", DECISION)
    write(tmp_path, "good.yaml", DECISION.replace('market == "ID"', 'market == "BR"'))
    policy_of(
        tmp_path,
        RULE_ON_DECISION.replace("pool: specialist", "pool: moderator")
        + "  passes: [good.yaml]\n  fails: [p.yaml]\n",
    )
    result = run("policy", "test", "--policy", str(tmp_path / "procflow-policy.yaml"))
    assert result.exit_code == 1
    assert "FAILED  ORG001 passes" in result.output and "FAILED  ORG001 fails" not in result.output


def test_the_bundled_processes_follow_the_example_policy_but_two_warnings() -> None:
    policy = load_policy(EXAMPLE_POLICY)
    report = lint_paths([ROOT / "processes"], LintConfig(policy=policy))
    assert report.exit_code == 0
    assert where(report.findings) == {
        ("ORG005", 17, 3),  # image moderation: annotators planned at 87%
        ("ORG008", 156, 13),  # multilingual: 8% of the vendor's work is audited
    }


def test_a_scenario_that_breaks_a_policy_is_reported_at_its_change(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", DECISION.replace('market == "ID"', 'market == "BR"'))
    policy = policy_of(tmp_path, RULE_ON_DECISION)
    assert policy_findings(base, policy) == []
    scenario = write(
        tmp_path,
        "s.yaml",
        """
        scenario: close-id-reports
        base: base.yaml
        changes:
          resources.moderator.count: 6
          stages.triage.next[0].when: market == "ID"
        """,
    )
    (finding,) = policy_findings(scenario, policy)
    assert finding.location.file == str(scenario)
    assert (finding.location.line, finding.location.col) == (5, 3)  # the when it changes


NUMERIC = """
process: numeric
time_unit: minute
arrivals:
  - name: posts
    rate: 10 per hour
    attributes:
      words: {lognormal: {mean: 180, sd: 160}}
resources:
  reader: {count: 5, cost_per_hour: 10}
  expert: {count: 5, cost_per_hour: 10}
stages:
  triage:
    next:
      - to: long_read
        when: words > 400
      - to: short_read
  long_read:
    resource: expert
    duration: {lognormal: {mean: 4, sd: 2}}
    next: done
  short_read:
    resource: reader
    duration: {lognormal: {mean: 4, sd: 2}}
    next: done
  done:
    end: true
"""


def test_a_numeric_attribute_is_cut_where_the_conditions_compare_it(tmp_path: Path) -> None:
    """Posts over 400 words go to the expert: a rule about posts of 1,000 words or more
    holds; one about posts over 100 words is broken by those of 101 to 400 words."""
    process = write(tmp_path, "p.yaml", NUMERIC)
    policy = policy_of(
        tmp_path,
        """
        - id: ORG018
          message: long posts are read by an expert
          check:
            when: words >= 1000
            visits: {pool: expert}
        """,
    )
    assert policy_findings(process, policy) == []
    policy = policy_of(
        tmp_path,
        """
        - id: ORG019
          message: posts over 100 words are read by an expert
          check:
            when: words > 100
            visits: {pool: expert}
        """,
    )
    (finding,) = policy_findings(process, policy)
    assert 100 < finding.args["values"]["words"] <= 400
    assert where([finding]) == {("ORG019", 16, 13)}  # triage.next[1].to: short_read


def test_rework_is_a_route_only_when_some_work_leaves_a_defect(tmp_path: Path) -> None:
    """The review sends caught defects to the fixers: a route, located at on_defect. With
    no error_rate anywhere there is nothing to catch, and no such route."""
    text = (
        REWORK.replace("      - to: label\n        probability: 0.05\n", "")
        .replace("    on_defect: label", "    on_defect: fix")
        .replace(
            "  done:\n",
            "  fix:\n    resource: annotator\n    duration: {lognormal: {mean: 4, sd: 2}}\n"
            "    next: review\n  done:\n",
        )
    )
    policy = policy_of(
        tmp_path,
        """
        - id: ORG020
          message: nothing needs fixing
          check: {never_visits: {stage: fix}}
        """,
    )
    (finding,) = policy_findings(write(tmp_path, "p.yaml", text), policy)
    assert finding.args["path"] == ["label", "review", "fix"]
    assert where([finding]) == {("ORG020", 18, 16)}  # review.on_defect
    flawless = text.replace("    error_rate: 0.1\n", "")
    assert policy_findings(write(tmp_path, "p.yaml", flawless), policy) == []


def test_the_policy_schema_accepts_the_example_and_refuses_an_unknown_check() -> None:
    import jsonschema
    import yaml

    result = run("schema", "--kind", "policy")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    example = yaml.safe_load(EXAMPLE_POLICY.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(example)) == []
    example["rules"][0]["check"] = {"visit": {"pool": "x"}}
    assert list(validator.iter_errors(example)) != []


SAMPLED = """
process: sampled
time_unit: minute
arrivals:
  - {name: tasks, rate: 10 per hour}
resources:
  vendor: {count: 5, cost_per_hour: 10}
  qa: {count: 2, cost_per_hour: 20}
stages:
  label:
    resource: vendor
    duration: {lognormal: {mean: 4, sd: 2}}
    next: sample
  sample:
    next:
      - to: audit
        probability: 0.2
      - to: done
  audit:
    resource: qa
    duration: {lognormal: {mean: 3, sd: 1}}
    next: done
  done:
    end: true
"""


def test_after_is_broken_where_the_item_leaves_the_audit_behind(tmp_path: Path) -> None:
    """80% of the vendor's work skips the audit: at sample.next[1]. Audit everything and
    the rule holds; an item that never meets the vendor is not asked about."""
    policy = policy_of(
        tmp_path,
        """
        - id: ORG024
          message: the vendor's work is always audited
          check: {visits: {pool: qa}, after: {pool: vendor}}
        """,
    )
    (finding,) = policy_findings(write(tmp_path, "p.yaml", SAMPLED), policy)
    assert finding.args["path"] == ["label", "sample", "done"]
    assert where([finding]) == {("ORG024", 17, 13)}  # sample.next[1].to: done
    always = SAMPLED.replace("        probability: 0.2\n      - to: done\n", "")
    assert policy_findings(write(tmp_path, "p.yaml", always), policy) == []
    first_qa = SAMPLED.replace("  label:\n    resource: vendor", "  label:\n    resource: qa")
    assert policy_findings(write(tmp_path, "p.yaml", first_qa), policy) == []


def test_a_long_path_is_named_by_its_ends_in_the_message() -> None:
    """A path through 600 stages would fill a CI log: the message shows its first and last
    stages and how many are left out (the finding's ``path`` argument keeps them all)."""
    from procflow.lint.policy.rule import SHOWN_STAGES, _shortened

    names = [f"s{k}" for k in range(600)]
    shown = _shortened(names)
    assert len(shown) == SHOWN_STAGES + 1
    assert shown[0] == "s0" and shown[-1] == "s599"
    assert f"… {600 - SHOWN_STAGES} more stages …" in shown
    assert _shortened(names[:SHOWN_STAGES]) == names[:SHOWN_STAGES]
