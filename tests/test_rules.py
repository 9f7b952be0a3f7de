"""Every lint code against its fixtures, in the style of yamllint and bpmnlint.

``tests/fixtures/rules/<CODE>/bad.yaml`` starts with a comment listing the
findings of that code it must produce, with positions::

    # expect: PF101@11:9 PF101@24:14

and ``good.yaml`` is a small, realistic process that lints clean. Extra failing
fixtures of a code are named ``bad_<what>.yaml``. The tests also check that every
registered code has fixtures, a documentation page and a documented docstring.
PF020's fixtures are event logs (``bad.csv``, ``good.xes``...): test_eventlog_reader.py
reads them; PF022's are backlog snapshots, which test_snapshot.py reads.
"""

from __future__ import annotations

import inspect
import io
import re
import textwrap
import tokenize
from pathlib import Path

import pytest

from models import ROOT
from procflow.diagnostics import Finding, Location, Severity
from procflow.diagnostics.checks import LOAD_CHECKS, UNKNOWN_KEY, LoadCheck
from procflow.lint import docs
from procflow.lint.config import LintConfig
from procflow.lint.registry import (
    RULES,
    UnknownRuleError,
    all_rule_info,
    documentation,
    lookup,
    resolve,
)
from procflow.lint.rule import Rule
from procflow.lint.runner import lint_file, lint_paths
from procflow.source import MAX_DEPTH, MAX_FILE_BYTES

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"
EXPECT = re.compile(r"# expect:((?: PF\d{3}@\d+:\d+)+)\s*")
LOAD_CODES = {check.code for check in LOAD_CHECKS}
#: Load checks that stop the file (exit 2); the others only report.
BLOCKING_CODES = {check.code for check in LOAD_CHECKS if check.blocking}

#: Fixtures that show a bug in src/ (see the reason); strict, so a fix makes them fail loudly.
KNOWN_BUGS: dict[str, pytest.MarkDecorator] = {}

Position = tuple[str, int, int]


def expected(path: Path) -> set[Position]:
    """The findings listed on the fixture's first line (read as bytes: PF001 is not UTF-8)."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    match = EXPECT.fullmatch(first)
    assert match, f"{path}: the first line must be '# expect: CODE@LINE:COL ...', got {first!r}"
    found: set[Position] = set()
    for item in match.group(1).split():
        code, position = item.split("@")
        line, col = position.split(":")
        found.add((code, int(line), int(col)))
    return found


def positions(findings: list[Finding], code: str) -> set[Position]:
    return {(f.code, f.location.line, f.location.col) for f in findings if f.code == code}


def _fixture_params(pattern: str) -> list[object]:
    params: list[object] = []
    for path in sorted(FIXTURES.glob(pattern)):
        key = f"{path.parent.name}/{path.name}"
        marks = [KNOWN_BUGS[key]] if key in KNOWN_BUGS else []
        params.append(pytest.param(path, id=key, marks=marks))
    return params


@pytest.mark.parametrize("path", _fixture_params("*/bad*.yaml"))
def test_bad_fixture_gives_exactly_the_expected_findings(path: Path) -> None:
    code = path.parent.name
    want = expected(path)
    assert {c for c, _, _ in want} == {code}, f"{path}: expectations of another code"
    findings = lint_file(path)
    assert positions(findings, code) == want, "\n".join(
        f"{f.location} {f.code} {f.message}" for f in findings
    )
    assert all(f.location.file == str(path) for f in findings if f.code == code)


@pytest.mark.parametrize("path", _fixture_params("*/good.yaml"))
def test_good_fixture_passes(path: Path) -> None:
    code = path.parent.name
    findings = lint_file(path)
    assert positions(findings, code) == set()
    # and, better, the whole file is clean: a good example for the docs and for PMs
    assert findings == [], "\n".join(f"{f.location} {f.code} {f.message}" for f in findings)


#: PF000 is procflow's own failure on a file: no file is known to cause one, so its test
#: makes a rule raise (test_internal_error.py) instead of linting a fixture.
WITHOUT_FIXTURES = {"PF000"}


def test_every_code_has_fixtures_and_a_docs_page() -> None:
    info = all_rule_info()
    assert set(info) == LOAD_CODES | {rule.code for rule in RULES}
    for code, rule in info.items():
        assert (ROOT / rule.doc_path).is_file(), f"{code}: no {rule.doc_path}"
        if code in WITHOUT_FIXTURES:
            continue
        assert list((FIXTURES / code).glob("bad.*")), f"{code}: no bad fixture"
        assert list((FIXTURES / code).glob("good.*")), f"{code}: no good fixture"
    # and no fixtures of codes that do not exist
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} == set(info) - WITHOUT_FIXTURES


def test_codes_and_names_are_well_formed_and_unique() -> None:
    rules = list(all_rule_info().values())
    assert len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert re.fullmatch(r"PF[0-7]\d{2}", rule.code), rule.code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), rule.name
        assert docs.family_of(rule.code) != docs.OTHER_FAMILY, rule.code


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_docstring_has_summary_and_examples(rule: type[Rule]) -> None:
    own = rule.__dict__.get("__doc__")
    assert own, f"{rule.__name__} has no docstring of its own"
    lines = inspect.cleandoc(own).splitlines()
    assert lines[0].strip() and lines[0].endswith("."), "the summary is one sentence"
    assert len(lines) == 1 or not lines[1].strip(), "the summary must fit on the first line"
    assert rule.summary() == lines[0]
    assert "Fails::" in own, "no 'Fails::' example"
    assert re.search(r"^\s*Passes(::|:)", own, re.MULTILINE), "no 'Passes' example"


@pytest.mark.parametrize("check", LOAD_CHECKS, ids=[c.code for c in LOAD_CHECKS])
def test_load_check_has_a_summary_and_its_docs_page(check: LoadCheck) -> None:
    """Like a rule's docstring, a load check's text is its summary and its page."""
    lines = check.documentation().splitlines()
    assert lines[0].strip() and lines[0].endswith("."), "the summary is one sentence"
    assert len(lines) == 1 or not lines[1].strip(), "the summary must fit on the first line"
    assert check.summary() == lines[0] == check.info().summary
    page = ROOT / check.info().doc_path
    assert page.is_file(), f"{check.code}: no {check.info().doc_path}"
    assert page.read_text(encoding="utf-8") == docs.rule_page(check.info(), check.documentation())


def test_a_load_check_builds_its_own_findings() -> None:
    where = Location("p.yaml", 3, 5)
    finding = UNKNOWN_KEY.finding("unknown key 'duraton'", where, "did you mean 'duration'?")
    assert finding == Finding(
        "PF010",
        "unknown-key",
        Severity.ERROR,
        "unknown key 'duraton'",
        where,
        "did you mean 'duration'?",
    )


def test_load_check_codes_are_written_only_in_the_catalogue() -> None:
    """Code that reports a load problem asks its check (``UNKNOWN_KEY.finding``), so no other
    module spells a load check's code or name as a string."""
    catalogue = ROOT / "src" / "procflow" / "diagnostics" / "checks.py"
    words = {f'"{c.code}"' for c in LOAD_CHECKS} | {f'"{c.name}"' for c in LOAD_CHECKS}
    found = []
    for path in sorted((ROOT / "src" / "procflow").rglob("*.py")):
        if path == catalogue:
            continue
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        found += [
            f"{path.relative_to(ROOT)}:{t.start[0]}: {t.string}"
            for t in tokens
            if t.type == tokenize.STRING and t.string in words
        ]
    assert found == []


# --------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("selector", "codes"),
    [
        ("PF106", {"PF106"}),
        ("unused-resource", {"PF106"}),
        ("PF003", {"PF003"}),
        ("duplicate-key", {"PF003"}),
        ("PF4", {"PF401", "PF402", "PF403", "PF404"}),
        ("PF60", {"PF601", "PF602"}),
    ],
)
def test_resolve_takes_codes_prefixes_and_names_of_rules_and_load_checks(
    selector: str, codes: set[str]
) -> None:
    assert resolve(selector) == codes


@pytest.mark.parametrize(
    ("selector", "suggestion"),
    [
        ("PF1O6", "PF106"),
        ("pf106", "PF106"),
        ("unused-resouce", "unused-resource"),
        ("duplicate-keys", "duplicate-key"),
        ("PF9999", None),
        ("", None),
    ],
)
def test_resolve_refuses_what_names_no_rule_and_suggests_the_closest(
    selector: str, suggestion: str | None
) -> None:
    with pytest.raises(UnknownRuleError) as info:
        resolve(selector)
    assert info.value.selector == selector
    assert info.value.suggestion == suggestion
    advice = f"did you mean {suggestion}?" if suggestion else "see docs/rules/README.md"
    assert str(info.value) == f"no such rule {selector!r}; {advice}"


def test_lookup_takes_whole_codes_and_names_only() -> None:
    assert lookup("PF106") == lookup("unused-resource") == all_rule_info()["PF106"]
    with pytest.raises(UnknownRuleError):
        lookup("PF1")


def test_a_lint_config_refuses_unknown_selectors() -> None:
    """From Python as from the command line: a typo is an error, not an empty selection."""
    with pytest.raises(UnknownRuleError, match="did you mean PF106"):
        LintConfig(ignore=("PF1O6",))
    with pytest.raises(UnknownRuleError, match="unused-resource"):
        LintConfig().merged(select=["unused-resouce"])


def test_lint_config_matches_the_codes_its_selectors_stand_for() -> None:
    def finding(code: str, name: str) -> Finding:
        return Finding(code, name, Severity.ERROR, "m", Location("p.yaml"))

    config = LintConfig(select=("PF1", "PF003"), ignore=("unused-resource",))
    assert config.wants(finding("PF101", "unknown-stage"))
    assert config.wants(finding("PF003", "duplicate-key"))
    assert not config.wants(finding("PF106", "unused-resource"))
    assert not config.wants(finding("PF201", "probability-out-of-range"))


# --------------------------------------------------------------------------- load checks


def test_pf001_directory_missing_file_and_too_large(tmp_path: Path) -> None:
    folder = tmp_path / "processes"
    folder.mkdir()
    missing = tmp_path / "nope.yaml"
    large = tmp_path / "large.yaml"
    large.write_text("process: big\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    for path in (folder, missing, large):
        findings = lint_file(path)
        assert [(f.code, f.location) for f in findings] == [("PF001", Location(str(path), 1, 1))]
    assert "directory" in lint_file(folder)[0].message


def test_pf004_extreme_nesting(tmp_path: Path) -> None:
    """The node one level too deep is reported: root mapping 0, then one level per bracket."""
    depth = MAX_DEPTH + 6
    path = tmp_path / "deep.yaml"
    path.write_text(f"process: deep\nnested: {'[' * depth}{']' * depth}\n")
    findings = lint_file(path)
    col = len("nested: ") + MAX_DEPTH + 1  # the bracket at depth MAX_DEPTH + 1
    assert positions(findings, "PF004") == {("PF004", 2, col)}


@pytest.mark.parametrize("code", sorted(all_rule_info()))
def test_exit_status_of_bad_fixture(code: str) -> None:
    """Load problems exit 2, error findings 1; a file with only warnings passes (0)."""
    report = lint_paths([FIXTURES / code / "bad.yaml"])
    if code in BLOCKING_CODES:
        assert report.exit_code == 2
    elif all_rule_info()[code].severity is Severity.WARNING:
        assert {f.severity for f in report.findings} == {Severity.WARNING}
        assert report.exit_code == 0
    else:
        assert report.exit_code == 1


# --------------------------------------------------------------------------- specific rules

OVERLOADED = re.compile(
    r"qc_reviewer: (?P<need>[\d.]+) busy staff needed on average, (?P<staff>\d+) available "
    r"\((?P<utilization>\d+)% utilization\)"
)


def test_pf401_numbers_for_image_moderation_with_20_percent_qc() -> None:
    """processes/image_moderation_qc.yaml with the QC sample raised from 10% to 20%.

    Per labeling pass QC sees the 8% high-severity items and 20% of the rest
    (0.08 + 0.92 * 0.20 = 26.4% of passes: 9 items/min * 0.264 * 4 min = 9.50
    Erlangs, the docstring's figure). Rework adds passes: a pass returns with
    probability e*d*q for an item whose QC chance is q (e = 0.06, d = 0.85),
    so QC visits per item = 0.08 / (1 - e d) + 0.92 * 0.20 / (1 - e d 0.20),
    about 0.2702, and the load is 9 * 4 * 0.2702 = 9.73 busy reviewers vs 9.
    """
    e, d = 0.06, 0.85
    qc_visits = 0.08 / (1 - e * d) + 0.92 * 0.20 / (1 - e * d * 0.20)
    need = 540 / 60 * qc_visits * (2 + 3 + 7) / 3
    assert 9.70 < need < 9.75

    (finding,) = [f for f in lint_file(FIXTURES / "PF401" / "bad.yaml") if f.code == "PF401"]
    match = OVERLOADED.search(finding.message)
    assert match, finding.message
    assert float(match["need"]) == pytest.approx(need, abs=0.05)
    assert int(match["staff"]) == 9
    assert int(match["utilization"]) == round(need / 9 * 100)
    assert finding.hint is not None
    assert "at least 10" in finding.hint
    assert f"about {int(need / 0.85) + 1} for 85%" in finding.hint


def test_pf401_good_fixture_is_the_same_load_on_eleven_reviewers() -> None:
    from procflow.analysis import analyze
    from procflow.model.validation import validate_process
    from procflow.source import load_document

    bad = validate_process(load_document(FIXTURES / "PF401" / "bad.yaml"))
    good = validate_process(load_document(FIXTURES / "PF401" / "good.yaml"))
    load_bad = analyze(bad).pools["qc_reviewer"].offered_load
    pool = analyze(good).pools["qc_reviewer"]
    assert pool.offered_load == pytest.approx(load_bad)
    assert pool.servers == 11
    assert pool.stable


def test_pf107_fails_without_max_attempts_and_passes_with_it(tmp_path: Path) -> None:
    """The good fixture (error_rate 1.0, detection_rate 1.0, max_attempts 3) minus its bound."""
    good = FIXTURES / "PF107" / "good.yaml"
    text = good.read_text(encoding="utf-8")
    assert "    max_attempts: 3\n" in text
    unbounded = tmp_path / "unbounded.yaml"
    unbounded.write_text(text.replace("    max_attempts: 3\n", ""), encoding="utf-8")
    assert [f.code for f in lint_file(good)] == []
    found = [f for f in lint_file(unbounded) if f.code == "PF107"]
    assert len(found) == 1
    assert "label → review → label" in found[0].message
    # the endless loop explains the load: no overloaded-pool finding on top of it
    assert [f.code for f in lint_file(unbounded)] == ["PF107"]


def test_pf108_branch_to_an_end_instead_of_the_join() -> None:
    findings = [f for f in lint_file(FIXTURES / "PF108" / "bad.yaml") if f.code == "PF108"]
    messages = {f.message for f in findings}
    assert "branch 'label_b' of split 'double_label' never reaches the join 'compare'" in messages
    assert "branch 'label_c' of split 'double_label' can bypass the join 'compare'" in messages


def test_pf108_join_listed_as_a_branch(tmp_path: Path) -> None:
    path = tmp_path / "join_as_branch.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            process: double-labeling
            arrivals: [{name: images, rate: 20 per hour}]
            resources: {annotator: {count: 4}}
            stages:
              double_label: {split: [label_a, compare], join: compare}
              label_a: {resource: annotator, duration: 4 min, next: compare}
              compare: {resource: annotator, duration: 2 min, next: delivered}
              delivered: {end: true}
            """
        )
    )
    findings = lint_file(path)
    assert positions(findings, "PF108") == {("PF108", 5, 35)}
    assert "has its join 'compare' as a branch" in findings[0].message


def test_inline_suppression_silences_a_rule(tmp_path: Path) -> None:
    text = (FIXTURES / "PF106" / "bad.yaml").read_text(encoding="utf-8")
    path = tmp_path / "suppressed.yaml"
    path.write_text(
        text.replace(
            "night_shift: {count: 6, cost_per_hour: 18}",
            "night_shift: {count: 6, cost_per_hour: 18}  # procflow: ignore[PF106]",
        ),
        encoding="utf-8",
    )
    assert positions(lint_file(path), "PF106") == {("PF106", 13, 3)}


STREAM_WITHOUT_ATTRIBUTE = """\
process: two-streams
arrivals:
  - {name: reports, rate: 30 per hour, attributes: {severity: {low: 0.9, high: 0.1}}}
  - {name: escalations, rate: 5 per hour, to: review}
resources: {agent: {count: 6}}
stages:
  triage: {resource: agent, duration: 3 min, next: review}
  review:
    resource: agent
    duration: 5 min
    next:
      - {to: urgent, when: 'severity == "high"'}
      - {to: routine, when: 'severity != "high"'}
  urgent: {resource: agent, duration: 5 min, next: closed}
  routine: {resource: agent, duration: 2 min, next: closed}
  closed: {end: true}
"""


def test_pf203_items_of_a_stream_without_the_attribute_have_nowhere_to_go(
    tmp_path: Path,
) -> None:
    path = tmp_path / "two_streams.yaml"
    path.write_text(STREAM_WITHOUT_ATTRIBUTE, encoding="utf-8")
    assert positions(lint_file(path), "PF203") == {("PF203", 12, 7)}


def test_pf203_complementary_numeric_conditions_need_no_default(tmp_path: Path) -> None:
    path = tmp_path / "numeric.yaml"
    path.write_text(
        (FIXTURES / "PF303" / "good.yaml")
        .read_text(encoding="utf-8")
        .replace(
            """      - {to: deep_read, when: 'market == "ID" and words > 300'}
      - to: published""",
            """      - {to: published, when: 'words <= 500'}""",
        ),
        encoding="utf-8",
    )
    assert "words <= 500" in path.read_text(encoding="utf-8")
    assert lint_file(path) == []


def test_pf401_message_for_a_pool_without_staff(tmp_path: Path) -> None:
    path = tmp_path / "no_staff.yaml"
    path.write_text(
        (FIXTURES / "PF102" / "good.yaml")
        .read_text(encoding="utf-8")
        .replace("lead: {count: 1,", "lead: {count: 0,"),
        encoding="utf-8",
    )
    (finding,) = [f for f in lint_file(path) if f.code == "PF401"]
    assert "inf" not in finding.message


# --------------------------------------------------------------------------- references in docs

DOC_FILE = re.compile(r"docs/[\w./-]+\.md")
COMMAND = re.compile(r"`+procflow (\w+)")


def _texts() -> list[str]:
    """Every rule's documentation and every hint procflow prints while loading."""
    texts = [text for _, text in documentation().values()]
    for path in sorted((ROOT / "src" / "procflow" / "source").glob("*.py")):
        texts.append(path.read_text(encoding="utf-8"))
    texts.append((ROOT / "src" / "procflow" / "model" / "validation.py").read_text("utf-8"))
    return texts


def test_documents_referenced_by_rules_and_hints_exist() -> None:
    referenced = {m for text in _texts() for m in DOC_FILE.findall(text)}
    assert referenced
    assert sorted(r for r in referenced if not (ROOT / r).is_file()) == []


def test_commands_referenced_by_rules_and_hints_exist() -> None:
    from procflow.cli import main

    commands = set(getattr(main, "commands", {}))
    assert commands
    referenced = {m for text in _texts() for m in COMMAND.findall(text)}
    assert sorted(referenced - commands) == []


# --------------------------------------------------------------------------- generated docs


def test_committed_rule_pages_are_up_to_date() -> None:
    stale = docs.stale_pages(docs.rules_dir(ROOT))
    assert stale == [], f"run `python -m procflow.lint.docs`: {stale}"


def test_rule_page_renders_examples_as_yaml_blocks() -> None:
    info, text = documentation()["PF101"]
    page = docs.rule_page(info, text)
    assert page.startswith("# PF101 unknown-stage\n")
    assert "**Severity:** error" in page
    assert "A route, split, join or arrival names a stage that does not exist." in page
    assert "Fails:\n\n```yaml\nlabel:\n  resource: annotator\n" in page
    assert "Passes:\n\n```yaml\n" in page
    assert "::" not in page


def test_rst_to_markdown() -> None:
    text = textwrap.dedent(
        """\
        Summary with ``code`` and a <tag>.

        Fails::

            a: 1
              b: 2

            c: 3

        Passes: ``a: 2``.

        An expanded form ::

            x: y

        ::

            lone: block
        """
    )
    assert docs.rst_to_markdown(text) == textwrap.dedent(
        """\
        Summary with `code` and a \\<tag>.

        Fails:

        ```yaml
        a: 1
          b: 2

        c: 3
        ```

        Passes: `a: 2`.

        An expanded form

        ```yaml
        x: y
        ```

        ```yaml
        lone: block
        ```
        """
    )


def test_index_groups_codes_by_family() -> None:
    index = docs.render_pages()[docs.INDEX]
    headings = [line for line in index.splitlines() if line.startswith("## ")]
    assert headings == [
        "## PF0xx Loading and schema",
        "## PF1xx Structure and names",
        "## PF2xx Probabilities",
        "## PF3xx Conditions",
        "## PF4xx Capacity",
        "## PF5xx SLAs and due dates",
        "## PF6xx Scenarios",
        "## PF7xx Quality",
    ]
    assert "| [PF401](PF401.md) | `overloaded-pool` | error |" in index
    assert "| [PF106](PF106.md) | `unused-resource` | warning |" in index
    for code in all_rule_info():
        assert f"[{code}]({code}.md)" in index


def test_docs_main_writes_checks_and_removes_obsolete_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "rules"
    assert docs.main(["--check", "--dir", str(folder)]) == 1
    assert docs.main(["--dir", str(folder)]) == 0
    assert docs.main(["--check", "--dir", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(docs.render_pages())

    (folder / "PF101.md").write_text("edited by hand\n", encoding="utf-8")
    (folder / "PF999.md").write_text(f"# PF999 retired\n\n{docs.MARKER}\n", encoding="utf-8")
    (folder / "PF998.md").write_text("# not generated: left alone\n", encoding="utf-8")
    capsys.readouterr()
    assert docs.main(["--check", "--dir", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "PF101.md (out of date)" in err
    assert "PF999.md (obsolete)" in err
    assert "PF998" not in err
    assert docs.main(["--dir", str(folder)]) == 0
    assert not (folder / "PF999.md").exists()
    assert (folder / "PF998.md").exists()
    assert docs.main(["--check", "--dir", str(folder)]) == 0


def test_a_loop_at_one_instant_is_reported_once() -> None:
    """Escalating back and forth after 0 leaves the analysis no way out either: PF109 says
    why (nothing takes time), and PF107 does not repeat it as a matter of chances."""
    findings = lint_file(FIXTURES / "PF109" / "bad_escalates_back.yaml")
    assert [f.code for f in findings] == ["PF109"]
