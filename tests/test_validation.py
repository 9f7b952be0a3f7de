"""Tests for procflow.model.validation: from a document to a Process, every error located."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import EXAMPLE, EXAMPLE_TEXT, load_text
from procflow.diagnostics import LoadError
from procflow.expr import Expr, parse
from procflow.model.distributions import Lognormal, Triangular
from procflow.model.process import Process
from procflow.model.validation import validate_process
from procflow.source import load_document


def errors(text: str) -> list[tuple[str, int, int]]:
    """(code, line, col) of every finding validating ``text`` raises, in file order."""
    with pytest.raises(LoadError) as info:
        load_text(text)
    return [(f.code, f.location.line, f.location.col) for f in info.value.findings]


def only_error(text: str) -> tuple[str, int, int]:
    found = errors(text)
    assert len(found) == 1, found
    return found[0]


def example_with(old: str, new: str) -> str:
    """The bundled example with one exact piece of text replaced."""
    assert EXAMPLE_TEXT.count(old) == 1, old
    return EXAMPLE_TEXT.replace(old, new)


MINIMAL = """\
process: minimal
arrivals:
  - name: in
    rate: 1
resources:
  r: {count: 1}
stages:
  work: {resource: r, duration: 1, next: done}
  done: {end: true}
"""


# --------------------------------------------------------------------------- the example


def test_bundled_example_loads_as_written(example: Process) -> None:
    """processes/image_moderation_qc.yaml validates with its name, pools and stages."""
    assert example.name == "image-moderation-qc"
    assert example.time_unit == "minute"
    assert list(example.stages) == ["label", "sample_for_qc", "qc_review", "delivered"]
    assert example.resources["annotator"].count == 44
    assert example.resources["qc_reviewer"].cost_per_hour == 22
    assert example.source is not None and example.source.path == str(EXAMPLE)


def test_example_rate_540_per_hour_is_9_per_minute(example: Process) -> None:
    """``rate: 540 per hour`` in a minute-based process is 9 arrivals per minute."""
    assert example.arrivals[0].rate == pytest.approx(9.0)
    assert example.arrivals[0].rate_per_unit == pytest.approx(9.0)


def test_example_sla_of_4_hours_is_240_minutes(example: Process) -> None:
    """``max: 4 hours`` is 240 minutes at the 90th percentile of cycle time."""
    (sla,) = example.slas
    assert sla.max == pytest.approx(240.0)
    assert sla.percentile == 90
    assert sla.metric == "cycle_time"


def test_example_distributions_keep_their_parameters(example: Process) -> None:
    """The label lognormal has mean 4.2 and sd 1.6; the QC triangular its three points."""
    stages = example.stages
    label = stages["label"].duration
    assert isinstance(label, Lognormal)
    assert label.mean == pytest.approx(4.2)
    assert label.sd == pytest.approx(1.6)
    assert label.variance == pytest.approx(1.6**2)
    qc = stages["qc_review"].duration
    assert isinstance(qc, Triangular)
    assert (qc.low, qc.mode, qc.high) == (2, 3, 7)


def test_example_branches_have_a_condition_a_probability_and_a_default(example: Process) -> None:
    """sample_for_qc routes by a parsed ``when``, then 10%, then a default branch."""
    stages = example.stages
    branches = stages["sample_for_qc"].next
    assert branches is not None and len(branches) == 3
    assert isinstance(branches[0].when, Expr)
    assert branches[0].when == parse('severity == "high"')
    assert branches[1].probability == pytest.approx(0.10)
    assert branches[2].is_default and branches[2].to == "delivered"
    assert [b.to for b in stages["label"].next or []] == ["sample_for_qc"]
    assert stages["sample_for_qc"].kind == "decision"
    assert stages["qc_review"].is_review and stages["qc_review"].on_defect == "label"
    assert stages["delivered"].kind == "end"


def test_example_attributes_are_categorical_shares(example: Process) -> None:
    """Arrival attributes are read as value -> share mappings."""
    arrival = example.arrivals[0]
    severity = arrival.attributes["severity"]
    assert getattr(severity, "values", None) == {"low": 0.92, "high": 0.08}


def test_bare_numbers_are_in_the_process_time_unit() -> None:
    """With ``time_unit: hour``, 540 per hour is 540 and '30 min' is 0.5."""
    text = MINIMAL.replace("rate: 1", "rate: 540 per hour").replace(
        "duration: 1", "duration: 30 min"
    )
    process = load_text("time_unit: hour\n" + text)
    assert process.arrivals[0].rate == pytest.approx(540)
    work = process.stages["work"].duration
    assert work is not None and work.mean == pytest.approx(0.5)


def test_time_unit_accepts_spellings_of_a_unit() -> None:
    """``time_unit: hours`` or ``min`` is normalised to the canonical unit."""
    assert load_text("time_unit: hours\n" + MINIMAL).time_unit == "hour"
    assert load_text("time_unit: min\n" + MINIMAL).time_unit == "minute"


def test_every_is_the_inverse_of_rate() -> None:
    """``every: 5 min`` is a rate of 0.2 per minute."""
    process = load_text(MINIMAL.replace("rate: 1", "every: 5 min"))
    assert process.arrivals[0].every == pytest.approx(5)
    assert process.arrivals[0].rate_per_unit == pytest.approx(0.2)


# --------------------------------------------------------------------------- located errors


def test_unknown_key_is_pf010_at_the_key_with_did_you_mean() -> None:
    """A misspelt stage key is PF010 at the key, and the hint names the right key."""
    text = example_with("    duration: {lognormal", "    duraton: {lognormal")
    with pytest.raises(LoadError) as info:
        load_text(text)
    (finding,) = info.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("PF010", 27, 5)
    assert finding.hint is not None and "'duration'" in finding.hint


@pytest.mark.parametrize(
    ("old", "new", "where", "right"),
    [
        ("time_unit: minute", "time_unti: minute", (7, 1), "time_unit"),
        ("    rate: 540 per hour", "    rate: 540 per hour\n    rte: 2", (12, 5), "rate"),
        ("    cost_per_hour: 14", "    cost_per_hr: 14", (19, 5), "cost_per_hour"),
        ("        probability: 0.10", "        probabilty: 0.10", (35, 9), "probability"),
        ("mode: 3, high: 7}}", "mode: 3, high: 7, hihg: 8}}", (39, 55), "high"),
        ("    percentile: 90", "    percentil: 90", (49, 5), "percentile"),
    ],
    ids=["top-level", "arrival", "resource", "branch", "distribution", "sla"],
)
def test_did_you_mean_names_the_key_of_that_place(
    old: str, new: str, where: tuple[int, int], right: str
) -> None:
    """The did-you-mean hint comes from the keys allowed where the typo is."""
    with pytest.raises(LoadError) as info:
        load_text(example_with(old, new))
    unknown = [f for f in info.value.findings if f.code == "PF010"]
    assert len(unknown) == 1
    assert (unknown[0].location.line, unknown[0].location.col) == where
    assert unknown[0].hint == f"did you mean {right!r}?"


def test_unknown_key_far_from_any_known_key_hints_at_the_docs() -> None:
    """Without a close match, the PF010 hint points to the format documentation."""
    with pytest.raises(LoadError) as info:
        load_text(example_with("    cost_per_hour: 14", "    zzzz: 14"))
    (finding,) = info.value.findings
    assert finding.code == "PF010"
    assert finding.hint is not None and "did you mean" not in finding.hint


def test_missing_key_is_pf011_at_the_key_of_its_parent() -> None:
    """A pool without ``count`` is PF011 at the pool's name."""
    assert only_error(example_with("    count: 44\n", "")) == ("PF011", 17, 3)


def test_missing_distribution_parameter_is_pf011_at_the_kind() -> None:
    """A lognormal without ``sd`` is PF011 at the ``lognormal`` key."""
    text = example_with("{lognormal: {mean: 4.2, sd: 1.6}}", "{lognormal: {mean: 4.2}}")
    assert only_error(text) == ("PF011", 27, 16)


def test_missing_top_level_key_is_pf011() -> None:
    """A process without ``stages`` is PF011 at the start of the file."""
    text = "process: x\narrivals: [{name: a, rate: 1}]\n"
    assert only_error(text) == ("PF011", 1, 1)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("count: 44", "count: nine", (18, 12)),
        ("count: 44", "count: 4.5", (18, 12)),
        ("count: 44", "count: -1", (18, 12)),
        ("process: image-moderation-qc", "process: [a, b]", (2, 10)),
        ("        probability: 0.10", "        probability: ten", (35, 22)),
        ("    metric: cycle_time", "    metric: 5", (48, 13)),
        ("    percentile: 90", "    percentile: 0", (49, 17)),
        ("severity: {low: 0.92, high: 0.08}", "severity: 5", (13, 17)),
        ("next: sample_for_qc", "next: 5", (29, 11)),
    ],
    ids=[
        "count-text",
        "count-float",
        "count-negative",
        "name-list",
        "probability-text",
        "metric-number",
        "percentile-zero",
        "attribute-number",
        "next-number",
    ],
)
def test_wrong_type_or_range_is_pf012_at_the_value(
    old: str, new: str, where: tuple[int, int]
) -> None:
    """A value of the wrong type or out of range is PF012 at the value."""
    assert only_error(example_with(old, new)) == ("PF012", *where)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("count: 44", "count: true", (18, 12)),
        ("error_rate: 0.06", "error_rate: yes", (28, 17)),
        ("probability: 0.10", "probability: true", (35, 22)),
    ],
    ids=["count", "error-rate", "probability"],
)
def test_boolean_for_a_number_is_pf012(old: str, new: str, where: tuple[int, int]) -> None:
    """``count: true`` or ``error_rate: yes`` is a type error, not 1 person or 100 %."""
    assert only_error(example_with(old, new)) == ("PF012", *where)


@pytest.mark.parametrize(
    ("old", "new", "where", "write"),
    [
        ("probability: 0.10", "probability: 10%", (35, 22), "write 0.10"),
        ("error_rate: 0.06", "error_rate: 6%", (28, 17), "write 0.06"),
        ("detection_rate: 0.85", "detection_rate: 85 %", (40, 21), "write 0.85"),
        ("high: 0.08}", "high: 8%}", (13, 35), "write 0.08"),
        ("percentile: 90", "percentile: 90%", (49, 17), "write 90"),
        ("percentile: 90", "percentile: 0.9", (49, 17), "write 90 for the 90th"),
        ("percentile: 90", "percentile: 0.995", (49, 17), "write 99.5 for the 99.5th"),
    ],
    ids=[
        "probability-percent",
        "error-rate-percent",
        "detection-rate-percent",
        "attribute-share-percent",
        "percentile-percent",
        "percentile-as-share",
        "percentile-as-share-decimals",
    ],
)
def test_percent_and_share_slips_say_how_to_write_them(
    old: str, new: str, where: tuple[int, int], write: str
) -> None:
    """``10%`` for a probability, ``90%`` or ``0.9`` for a percentile: PF012 at the value, with
    the number to write in the hint (shares from 0 to 1, percentiles in percent)."""
    with pytest.raises(LoadError) as info:
        load_text(example_with(old, new))
    (finding,) = info.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("PF012", *where)
    assert finding.hint is not None and write in finding.hint


@pytest.mark.parametrize("rate", ["0", "0 per hour", "0/min", "-3", "-3 per hour", "5 per 0 hours"])
def test_zero_or_negative_rate_is_pf012_at_the_rate_with_a_hint(rate: str) -> None:
    """A stream that sends no items is a slip, not a process: PF012 at its rate."""
    with pytest.raises(LoadError) as info:
        load_text(MINIMAL.replace("rate: 1", f"rate: {rate}"))
    (finding,) = info.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("PF012", 4, 11)
    assert finding.hint is not None and "remove" in finding.hint


def test_a_schedule_may_stop_arrivals_for_some_hours() -> None:
    """rate 0 outside the schedule's windows, or 0 in one window, is a quiet time: fine."""
    text = MINIMAL.replace(
        "rate: 1",
        'rate: 0\n    schedule:\n      - {hours: "08:00-16:00", rate: 2}\n'
        '      - {hours: "16:00-18:00", rate: 0}',
    )
    assert load_text(text).arrivals[0].rate_per_unit == pytest.approx(2 * 8 / 24)


def test_shrinkage_as_a_percentage_says_how_to_write_it() -> None:
    with pytest.raises(LoadError) as info:
        load_text(MINIMAL.replace("r: {count: 1}", "r: {count: 1, shrinkage: 30%}"))
    (finding,) = info.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("PF012", 6, 28)
    assert finding.hint is not None and "write 0.30" in finding.hint


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("max: 4 hours", "max: 4 parsecs", (50, 10)),
        ("rate: 540 per hour", "rate: 540 per parsec", (11, 11)),
        ("time_unit: minute", "time_unit: fortnight", (7, 12)),
        ("mean: 4.2, sd: 1.6", "mean: 4.2 lightyears, sd: 1.6", (27, 34)),
    ],
    ids=["sla-max", "rate", "time-unit", "distribution-parameter"],
)
def test_bad_unit_is_pf012_at_the_value(old: str, new: str, where: tuple[int, int]) -> None:
    """An unknown time unit is PF012 at the value that uses it."""
    assert only_error(example_with(old, new)) == ("PF012", *where)


def test_unknown_distribution_is_pf012_with_did_you_mean() -> None:
    """A misspelt distribution kind is PF012 at the value, naming the closest kind."""
    text = example_with("{lognormal: {mean: 4.2", "{lognormall: {mean: 4.2")
    with pytest.raises(LoadError) as info:
        load_text(text)
    (finding,) = info.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("PF012", 27, 15)
    assert "'lognormal'" in finding.message


# --------------------------------------------------------------------------- conditions


WHEN_LINE = 33  # `        when: severity == "high"` in the example; the value starts at col 15


@pytest.mark.parametrize(
    ("value", "col"),
    [
        ('severity === "high"', 15 + 11),
        ("'severity === \"high\"'", 16 + 11),
        ("\"severity === 'high'\"", 16 + 11),
        ('severity == "high" and and', 15 + 23),
        ('severity == "high" orr market == "ID"', 15 + 19),
    ],
    ids=["unquoted", "single-quoted", "double-quoted", "and-and", "orr"],
)
def test_bad_condition_is_pf013_inside_the_string(value: str, col: int) -> None:
    """A condition that does not parse is PF013 at the offending character, quoted or not."""
    text = example_with('when: severity == "high"', f"when: {value}")
    with pytest.raises(LoadError) as info:
        load_text(text)
    (finding,) = info.value.findings
    assert (finding.code, finding.location.line, finding.location.col) == ("PF013", WHEN_LINE, col)


def test_bad_condition_keeps_the_parser_hint() -> None:
    """PF013 carries the expression parser's hint (``===`` -> use ``==``)."""
    with pytest.raises(LoadError) as info:
        load_text(example_with('when: severity == "high"', 'when: severity === "high"'))
    (finding,) = info.value.findings
    assert finding.hint is not None and "==" in finding.hint


@pytest.mark.parametrize("value", ["5", '""', "[a, b]"], ids=["number", "empty", "list"])
def test_non_text_or_empty_condition_is_pf013_at_the_value(value: str) -> None:
    """A ``when`` that is not text, or is empty, is PF013 on the condition's line."""
    code, line, _ = only_error(example_with('when: severity == "high"', f"when: {value}"))
    assert (code, line) == ("PF013", WHEN_LINE)


@pytest.mark.parametrize(
    "value",
    [r'"severity == \"high\" and x === 1"', "'severity == ''high'' and x === 1'"],
    ids=["double-quoted-escapes", "single-quoted-escapes"],
)
def test_condition_column_counts_escapes_in_the_source(value: str) -> None:
    """With escapes before the error, the column still points at the third '=' in the file."""
    text = example_with('when: severity == "high"', f"when: {value}")
    line = text.splitlines()[WHEN_LINE - 1]
    assert only_error(text) == ("PF013", WHEN_LINE, line.index("===") + 3)


@pytest.mark.parametrize(
    "value",
    [
        'severity == "high" and\n          x === 1',
        '>-\n          severity == "high" and\n          x === 1',
        "|-\n          x === 1",
    ],
    ids=["plain", "folded", "literal"],
)
def test_multi_line_condition_error_is_on_its_own_line(value: str) -> None:
    """An error on the second line of a multi-line condition is located on that line."""
    text = example_with('when: severity == "high"', f"when: {value}")
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, start=1) if "x === 1" in t)
    assert only_error(text) == ("PF013", line, lines[line - 1].index("===") + 3)


# --------------------------------------------------------------------------- several at once


def test_several_errors_are_reported_at_once_in_file_order() -> None:
    """A wrong type, an unknown key, a bad unit and a bad condition are all reported."""
    text = (
        EXAMPLE_TEXT.replace("count: 44", "count: nine")
        .replace("    duration: {lognormal", "    duraton: {lognormal")
        .replace('when: severity == "high"', 'when: severity === "high"')
        .replace("max: 4 hours", "max: 4 parsecs")
    )
    assert errors(text) == [
        ("PF012", 18, 12),
        ("PF010", 27, 5),
        ("PF013", 33, 26),
        ("PF012", 50, 10),
    ]


def test_duplicate_keys_are_reported_with_schema_errors() -> None:
    """PF003 from loading is reported together with the schema errors of the same file."""
    text = example_with(
        "  delivered:\n    end: true", "  delivered:\n    end: true\n  label:\n    end: true"
    )
    text = text.replace("count: 44", "count: nine")
    assert errors(text) == [("PF012", 18, 12), ("PF003", 45, 3)]


def test_a_list_at_the_top_is_pf012_at_the_start() -> None:
    """A file whose top level is not a mapping is one PF012 at line 1."""
    assert only_error("- a\n- b\n") == ("PF012", 1, 1)


# --------------------------------------------------------------------------- stage consistency


def test_end_stage_with_next_is_pf012_at_the_stage() -> None:
    """``end: true`` together with ``next`` is PF012 at the end stage."""
    text = example_with("    end: true", "    end: true\n    next: label")
    assert only_error(text) == ("PF012", 44, 5)


def test_work_stage_without_duration_is_pf012() -> None:
    """A stage with a resource but no duration is PF012 at the stage."""
    text = example_with("    duration: {triangular: {low: 2, mode: 3, high: 7}}\n", "")
    assert only_error(text) == ("PF012", 38, 5)


def test_duration_without_resource_is_pf012() -> None:
    """A stage with a duration but no resource is PF012 at the stage."""
    text = example_with("    resource: qc_reviewer\n", "")
    assert only_error(text) == ("PF012", 38, 5)


def test_split_without_join_is_pf012_at_the_split() -> None:
    """A split needs a join: without one it is PF012 at the split stage."""
    text = """\
process: p
arrivals: [{name: a, rate: 1}]
resources: {r: {count: 1}}
stages:
  fork:
    split: [x, y]
  x: {resource: r, duration: 1, next: done}
  y: {resource: r, duration: 1, next: done}
  done: {end: true}
"""
    assert only_error(text) == ("PF012", 6, 5)
    joined = load_text(text.replace("split: [x, y]", "split: [x, y]\n    join: done"))
    assert joined.stages["fork"].kind == "split"


def test_rate_and_every_together_is_pf012_at_the_arrival() -> None:
    """An arrival with both ``rate`` and ``every`` (or neither) is PF012 at the arrival."""
    both = example_with("    rate: 540 per hour\n", "    rate: 540 per hour\n    every: 5 min\n")
    neither = example_with("    rate: 540 per hour\n", "")
    assert only_error(both) == ("PF012", 10, 5)
    assert only_error(neither) == ("PF012", 10, 5)


def test_when_and_probability_on_one_branch_is_pf012() -> None:
    """A branch with both ``when`` and ``probability`` is PF012 at the branch."""
    text = example_with(
        '        when: severity == "high"',
        '        when: severity == "high"\n        probability: 0.5',
    )
    assert only_error(text) == ("PF012", 32, 9)


def test_review_stage_needs_detection_rate_and_on_defect() -> None:
    """``on_defect`` without ``detection_rate`` is PF012 at the stage."""
    text = example_with("    detection_rate: 0.85\n", "")
    assert only_error(text) == ("PF012", 38, 5)


def test_empirical_csv_is_read_next_to_the_process_file(tmp_path: Path) -> None:
    """A relative empirical file is read from the process file's folder; a bad one is located."""
    (tmp_path / "aht.csv").write_text("aht\n3\n5\n", encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(MINIMAL.replace("duration: 1,", "duration: {empirical: {file: aht.csv}},"))
    work = validate_process(load_document(path)).stages["work"].duration
    assert work is not None and work.mean == pytest.approx(4)
    path.write_text(MINIMAL.replace("duration: 1,", "duration: {empirical: {file: nope.csv}},"))
    with pytest.raises(LoadError) as info:
        validate_process(load_document(path))
    assert [(f.code, f.location.line) for f in info.value.findings] == [("PF012", 8)]
