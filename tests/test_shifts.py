"""From heads to shifts: shift templates, the covering program, and ``procflow shifts``.

The program is checked on problems solved by hand: the classic days-off problem of the
operations research textbooks (five consecutive days on: 23 people), a half-hour morning
with one unique cheapest answer, breaks, caps and a shortfall cost. The command is
checked end to end: the calendar it writes into a copy of a bundled process lints clean
and, analysed, has at least the required heads working in every interval.
"""

from __future__ import annotations

import csv
import io
import math
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from models import PROCESSES
from procflow.analysis.shifts import CoverError, cover
from procflow.cli import main
from procflow.decide.shifts import calendar_entries
from procflow.diagnostics import LoadError
from procflow.model.calendar import DAY_MINUTES, days_text, parse_days
from procflow.model.requirements import read_requirements
from procflow.model.shifts import ShiftTemplate, load_templates
from procflow.model.staffing import scheduled_heads, working_people
from procflow.scenario import load_any
from procflow.source import load_document
from procflow.source.edit import EditError, replace_key

CONSENSUS = PROCESSES / "consensus_labeling.yaml"


def _at(day: int, clock: str) -> int:
    hours, minutes = clock.split(":")
    return day * DAY_MINUTES + int(hours) * 60 + int(minutes)


def test_the_classic_days_off_problem_takes_23_people() -> None:
    """Requirements Mon-Sun 17, 13, 15, 19, 14, 16, 11 with five consecutive days on: the
    textbook optimum is 23 people, and every day has its heads."""
    template = ShiftTemplate(name="five on", start="09:00", length="8 hours", days_on=5)
    needed = {_at(d, "09:00"): n for d, n in enumerate([17, 13, 15, 19, 14, 16, 11])}
    found = cover(needed, 8 * 60, [template])
    assert found.people == 23
    assert found.optimal
    assert all(i.short == 0 for i in found.intervals)
    assert all(len(s.option.days) == 5 for s in found.shifts)


def test_a_half_hour_morning_checked_by_hand() -> None:
    """Need 2, 3, 1 from 09:00 by half-hours; one-hour shifts start on the half-hour.
    The 09:30 slot needs 3, so 3 people at least; the only way with 3 is two at 09:00
    and one at 09:30, which leaves 09:00 and 10:00 exactly covered."""
    template = ShiftTemplate(
        name="hour", start={"from": "08:30", "to": "10:00", "every": "30 min"},
        length="1 hour", days="mon", cost=1,
    )  # fmt: skip
    needed = {_at(0, "09:00"): 2, _at(0, "09:30"): 3, _at(0, "10:00"): 1}
    found = cover(needed, 30, [template])
    assert {s.option.start: s.count for s in found.shifts} == {9 * 60: 2, 9 * 60 + 30: 1}
    assert [(i.needed, i.on_duty, i.short, i.over) for i in found.intervals] == [
        (2, 2, 0, 0),
        (3, 3, 0, 0),
        (1, 1, 0, 0),
    ]
    assert found.cost_per_week == 3
    assert found.slot == 30


def test_a_shift_that_starts_mid_interval_does_not_cover_all_of_it() -> None:
    """An hour-long interval from 09:00 is covered only by shifts on duty all of it: a
    shift from 09:30 leaves 09:00-09:30 bare, so the 09:00 start is the answer."""
    template = ShiftTemplate(name="s", start=["09:00", "09:30"], length="2 hours", days="mon")
    found = cover({_at(0, "09:00"): 1}, 60, [template])
    assert [s.option.start for s in found.shifts] == [9 * 60]


def test_breaks_are_off_the_floor_and_unpaid() -> None:
    """A 09:00 shift of 4.5 hours with a 30-minute break after 2 hours is on the floor
    09:00-11:00 and 11:30-13:30, paid 4 hours, and written as two calendar entries."""
    template = ShiftTemplate(
        name="day", start="09:00", length="4.5 hours", days="mon-fri",
        breaks=[{"after": "2 hours", "length": "30 min"}], cost_per_hour=10,
    )  # fmt: skip
    needed = {_at(d, "09:00"): 1 for d in range(5)}
    found = cover(needed, 30, [template])
    assert found.cost_per_week == 5 * 4 * 10
    assert template.paid_hours == 4
    entries = calendar_entries(found)
    assert [e["hours"] for e in entries] == ["09:00-11:00", "11:30-13:30"]
    assert {e["days"] for e in entries} == {"mon-fri"}
    with pytest.raises(CoverError):  # 11:00-11:30 needs one, and everybody is on a break
        cover({_at(0, "11:00"): 1}, 30, [template])


def test_an_overnight_stretch_after_a_break_is_written_on_the_next_days() -> None:
    """A 22:00 shift with a break after 4 hours resumes at 02:30 the next morning."""
    template = ShiftTemplate(
        name="night", start="22:00", length="8.5 hours", days="fri-sat",
        breaks=[{"after": "4 hours", "length": "30 min"}],
    )  # fmt: skip
    found = cover({_at(5, "03:00"): 2}, 30, [template])
    entries = calendar_entries(found)
    assert [(e["days"], e["hours"], e["count"]) for e in entries] == [
        ("fri-sat", "22:00-02:00", 2),
        ("sat-sun", "02:30-06:30", 2),
    ]


def test_max_counts_make_it_infeasible_unless_a_shortfall_has_a_cost() -> None:
    """Four needed, at most three on the template: no plan, unless short heads have a
    price; then the plan is three people and one head short, reported per interval."""
    template = ShiftTemplate(name="s", start="09:00", length="1 hour", days="mon", max=3)
    needed = {_at(0, "09:00"): 4}
    with pytest.raises(CoverError, match="max"):
        cover(needed, 60, [template])
    found = cover(needed, 60, [template], shortfall_cost_per_hour=100)
    assert found.people == 3
    assert [(i.short, i.over) for i in found.intervals] == [(1, 0)]


def test_an_interval_no_template_reaches_is_named() -> None:
    template = ShiftTemplate(name="s", start="09:00", length="1 hour", days="mon")
    with pytest.raises(CoverError, match="tue 09:00"):
        cover({_at(1, "09:00"): 1}, 60, [template])


def test_min_counts_and_the_cheaper_template_win() -> None:
    """Two templates cover the same hour; the cheaper is taken, beyond the other's min."""
    cheap = ShiftTemplate(name="cheap", start="09:00", length="1 hour", days="mon", cost=1)
    dear = ShiftTemplate(name="dear", start="09:00", length="1 hour", days="mon", cost=5, min=1)
    found = cover({_at(0, "09:00"): 4}, 60, [cheap, dear])
    assert {s.template: s.count for s in found.shifts} == {"cheap": 3, "dear": 1}


@pytest.mark.parametrize("working", range(0, 60))
@pytest.mark.parametrize("shrinkage", [0.0, 0.15, 0.18, 0.3])
def test_scheduled_heads_are_the_planners_ceiling_and_enough_for_the_simulator(
    working: int, shrinkage: float
) -> None:
    """⌈working / (1 − shrinkage)⌉ in decimal, and never fewer than the simulator needs."""
    people = scheduled_heads(working, shrinkage)
    assert people == math.ceil(Fraction(working) / (1 - Fraction(str(shrinkage))))
    assert working_people(people, shrinkage) >= working


def test_days_are_written_back_as_parse_days_reads_them() -> None:
    assert days_text((0, 3, 4, 5, 6)) == "thu-mon"
    assert days_text(range(7)) == "all"
    assert days_text((0, 2)) == "mon, wed"
    for days in [(0,), (5, 6), (0, 1, 2, 3, 4), (0, 1, 6), (1, 3, 5)]:
        assert parse_days(days_text(days)) == days


TEMPLATES = """\
# the shifts the vendor allows
shift_templates:
  - name: early
    start: ["06:00", "07:00"]
    length: 8.5 hours
    breaks: [{after: 4 hours, length: 30 min}]
    days: mon-fri
    days_on: 5
  - name: late
    start: "14:00"
    length: 8 hours
    breaks: [{after: 8 hours, length: 30 min}]
  - name: late
    start: "25:00"
    length: 8 hours
  - name: night
    start: "22:00"
    lenght: 8 hours
"""


def test_template_errors_are_located(tmp_path: Path) -> None:
    """Each problem at its file:line:col: days with days_on, a break past the end, a time
    of day that is none, a typo of a key (with what it should be)."""
    path = tmp_path / "shifts.yaml"
    path.write_text(TEMPLATES, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_templates(path)
    found = [(f.code, f.location.line, f.location.col) for f in caught.value.findings]
    assert found == [
        ("PF012", 8, 14),
        ("PF012", 12, 14),
        ("PF012", 14, 12),
        ("PF011", 16, 5),  # night has no length...
        ("PF010", 18, 5),  # ...as it is spelt lenght
    ]


def test_duplicate_template_names_are_located(tmp_path: Path) -> None:
    path = tmp_path / "shifts.yaml"
    path.write_text(
        "shift_templates:\n  - {name: a, start: '06:00', length: 8h}\n"
        "  - {name: a, start: '07:00', length: 8h}\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as caught:
        load_templates(path)
    (finding,) = caught.value.findings
    assert (finding.location.line, finding.location.col) == (3, 12)


def test_a_file_without_shift_templates_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shifts.yaml"
    path.write_text("templates: []\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_templates(path)
    assert caught.value.findings[0].code == "PF012"


def test_requirements_read_the_week_form_and_iso_times() -> None:
    """``mon 09:00`` and an ISO time on a Monday are the same minute; the interval is
    the shortest step between starts; an unknown start is located at its cell."""
    text = "pool,start,required,method\na,mon 09:00,3,erlang_c\na,2026-12-07T09:30,2,x\n"
    found = read_requirements("needs.csv", text)
    assert found.pools == {"a": {9 * 60: 3, 9 * 60 + 30: 2}}
    assert found.interval == 30
    with pytest.raises(LoadError) as caught:
        read_requirements("needs.csv", "pool,start,required\na,monday nine,3\n")
    where = caught.value.findings[0].location
    assert (where.line, where.col) == (2, 3)
    with pytest.raises(LoadError) as caught:
        read_requirements("needs.csv", "pool,start,required\na,mon 09:00,2.5\n")
    where = caught.value.findings[0].location
    assert (where.line, where.col) == (2, 13)
    with pytest.raises(LoadError) as caught:
        read_requirements("needs.csv", "pool,start,required\na,mon 09:00,2\na,mon 09:00,2\n")
    assert caught.value.findings[0].location.line == 3


def test_replace_key_keeps_the_rest_and_refuses_flow_style(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        resources:
          a:   # the day team
            calendar:
            - {days: all, hours: "09:00-17:00", count: 3}
            - {days: all, hours: "17:00-21:00", count: 1}
            # keep me
            shrinkage: 0.1
          b: {count: 2}
        """
    )
    doc = load_document(tmp_path / "p.yaml", text)
    new = replace_key(doc, ("resources", "a", "calendar"), ["count: 4"])
    assert new == text.replace(
        '    calendar:\n    - {days: all, hours: "09:00-17:00", count: 3}\n'
        '    - {days: all, hours: "17:00-21:00", count: 1}\n',
        "    count: 4\n",
    )
    with pytest.raises(EditError, match=r"p\.yaml:8:7"):
        replace_key(doc, ("resources", "b", "count"), ["count: 4"])


def _today_as_requirements(process_path: Path, pool: str) -> str:
    """A requirements CSV asking, per half-hour, for the people working in ``pool`` today."""
    process, _ = load_any(process_path)
    working = process.resources[pool].working
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["pool", "start", "required"])
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for start in range(0, 7 * DAY_MINUTES, 30):
        day, minute = divmod(start, DAY_MINUTES)
        clock = f"{days[day]} {minute // 60:02d}:{minute % 60:02d}"
        writer.writerow([pool, clock, int(working.at(start))])
    return out.getvalue()


ROUND_THE_CLOCK = """\
shift_templates:
  - name: day
    start: {from: "07:00", to: "10:00", every: 1 hour}
    length: 8.5 hours
    breaks: [{after: 4 hours, length: 30 min}]
    days_on: 5
  - name: evening
    start: ["15:00", "16:00"]
    length: 8 hours
    days_on: 5
  - name: night
    start: "23:00"
    length: 8 hours
    days_on: 5
"""


def test_the_written_calendar_lints_clean_and_covers_every_interval(tmp_path: Path) -> None:
    """``procflow shifts`` writes the adjudicators' calendar into a copy of the consensus
    process: everything else as written, lint clean, and analysed, at least the required
    people working in every half-hour (shrinkage included)."""
    needs = tmp_path / "needs.csv"
    needs.write_text(_today_as_requirements(CONSENSUS, "adjudicator"), encoding="utf-8")
    templates = tmp_path / "shifts.yaml"
    templates.write_text(ROUND_THE_CLOCK, encoding="utf-8")
    out = tmp_path / "consensus_shifts.yaml"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["shifts", str(needs), "--templates", str(templates), "--process", str(CONSENSUS),
         "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "adjudicator" in result.stdout
    written = out.read_text(encoding="utf-8")
    original = CONSENSUS.read_text(encoding="utf-8")
    before, after = original.split("  adjudicator:\n")
    assert written.startswith(before)
    assert written.endswith(after.split("    shrinkage: 0.15\n", 1)[1])
    assert runner.invoke(main, ["lint", str(out)]).exit_code == 0
    process, _ = load_any(out)
    working = process.resources["adjudicator"].working
    required = read_requirements(needs).pools["adjudicator"]
    for start, heads in required.items():
        assert min(working.at(start + k) for k in range(30)) >= heads, start


def test_the_command_reads_standard_input_and_writes_a_resources_block(tmp_path: Path) -> None:
    templates = tmp_path / "shifts.yaml"
    templates.write_text(
        "shift_templates:\n  - {name: hour, start: '09:00', length: 1 hour, days: mon}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["shifts", "-", "--templates", str(templates)],
        input="pool,start,required\nqc,mon 09:00,2\n",
    )
    assert result.exit_code == 0, result.output
    assert "    calendar:" in result.stdout
    assert 'hours: "09:00-10:00", count: 2}' in result.stdout


def test_the_command_refuses_to_write_over_an_input_and_locates_bad_input(
    tmp_path: Path,
) -> None:
    needs = tmp_path / "needs.csv"
    needs.write_text("pool,start,required\nqc,mon 09:00,x\n", encoding="utf-8")
    templates = tmp_path / "shifts.yaml"
    templates.write_text(ROUND_THE_CLOCK, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        main, ["shifts", str(needs), "--templates", str(templates), "-o", str(templates)]
    )
    assert result.exit_code == 2
    assert templates.read_text(encoding="utf-8") == ROUND_THE_CLOCK
    result = runner.invoke(main, ["shifts", str(needs), "--templates", str(templates)])
    assert result.exit_code == 2
    assert f"{needs}:2:14:" in result.stderr
    needs.write_text("pool,start,required\nqc,mon 09:00,1\n", encoding="utf-8")
    result = runner.invoke(
        main,
        ["shifts", str(needs), "--templates", str(templates), "--process", str(CONSENSUS)],
    )
    assert result.exit_code == 2  # the process has no pool qc
    assert "qc" in result.stderr


def test_a_short_interval_is_exit_status_1(tmp_path: Path) -> None:
    needs = tmp_path / "needs.csv"
    needs.write_text("pool,start,required\nqc,mon 09:00,3\n", encoding="utf-8")
    templates = tmp_path / "shifts.yaml"
    templates.write_text(
        "shift_templates:\n  - {name: hour, start: '09:00', length: 1 hour, days: mon, max: 2}\n"
        "shortfall_cost_per_hour: 50\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["shifts", str(needs), "--templates", str(templates)])
    assert result.exit_code == 1
    assert "mon 09:00: 2 on duty, 3 needed" in result.stdout


def test_the_shift_templates_in_the_docs_load(tmp_path: Path) -> None:
    """Every ```yaml block of docs/format.md that starts with shift_templates: loads."""
    from test_docs_examples import yaml_blocks

    blocks = [
        b
        for b in yaml_blocks("docs/format.md")
        if any(line.startswith("shift_templates:") for line in b.text.splitlines())
    ]
    assert blocks
    for block in blocks:
        path = tmp_path / "shifts.yaml"
        path.write_text(block.text, encoding="utf-8")
        assert load_templates(path).shift_templates
