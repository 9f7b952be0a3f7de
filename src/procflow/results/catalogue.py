"""The KPI catalogue: every number a simulation reports, defined once.

Each KPI has a stable key (``cycle_time.p90``, ``resources.<pool>.utilization``),
a label in a PM's words, the kind of unit it is shown in, which direction is
better, its family (the whole process, one pool, one stage, one SLA), whether it
is a headline (shown in every table), the values it can take (its bounds: none
below zero, or a share in 0..1, which decide how its interval is computed, see
:mod:`procflow.results.estimate`), and a one-sentence definition. The engine
writes its values under these keys; the terminal, Markdown, HTML, workbook, CSV
and JSON all take labels, units and directions from here; and the KPI table of
docs/simulation.md is generated from it (``python -m procflow.results.docs`` writes
:func:`markdown_table` there; a test checks it is current), so code and docs cannot
drift.

Two kinds of measurement: *window* KPIs are averaged over the measured time (from
the end of the warm-up to the horizon); *item* KPIs follow every item that
arrived in that window until it is delivered (the run goes on past the horizon,
without new arrivals, until they are), so that slow items are not left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from procflow.results.estimate import Bounds

UnitKind = Literal["duration", "share", "money", "number"]
Better = Literal["lower", "higher", "neither"]
Family = Literal["process", "pool", "stage", "sla", "due", "decision", "class", "confusion"]
Measured = Literal["window", "item"]

#: The subject of a family's keys: ``resources.<pool>.…``, ``stages.<stage>.…``, ``slas.<k>.…``,
#: ``due_dates.<value>.…`` (a value of the attribute that sets the due dates),
#: ``decisions.<value>.…`` (a value of the attribute ``truth.by`` names), ``classes.<class>.…``
#: (a class of ``truth.classes``), ``confusion.<true> as <decided>.…`` (a pair of them).
PREFIXES: dict[Family, str] = {
    "pool": "resources",
    "stage": "stages",
    "sla": "slas",
    "due": "due_dates",
    "decision": "decisions",
    "class": "classes",
    "confusion": "confusion",
}


#: The quality of the final decisions (processes with truth): what a QC plan trades against
#: cost, which verdicts name, sweeps tabulate and ``truth.target`` may bound.
DECISION_QUALITY = (
    "false_negatives_per_1000",
    "false_positives_per_1000",
    "wrong_reason_per_1000",
)


@dataclass(frozen=True)
class Kpi:
    """One KPI: its key (``{name}`` stands for the pool, stage or SLA), label and meaning."""

    key: str
    label: str
    unit: UnitKind
    better: Better
    family: Family
    measured: Measured
    definition: str
    headline: bool = False
    #: the values it can take: every KPI of a run is a count, time or cost (none below
    #: zero) or a share; only differences between runs take any value
    bounds: Bounds = "nonnegative"
    #: shown in every summary table beside the headlines, without being a headline (the
    #: headlines also decide precision and the verdict; a backlog's oldest item is too
    #: noisy a number to hold every run to)
    summary: bool = False

    def key_for(self, name: str | int = "") -> str:
        """The concrete key, e.g. ``resources.annotator.utilization``."""
        return self.key.format(name=name)

    def label_for(self, name: str | int = "") -> str:
        """The concrete label, e.g. ``annotator utilization``."""
        return self.label.format(name=name)


def _process(
    key: str,
    label: str,
    unit: UnitKind,
    better: Better,
    measured: Measured,
    definition: str,
    *,
    headline: bool = False,
    summary: bool = False,
) -> Kpi:
    bounds: Bounds = "share" if unit == "share" else "nonnegative"
    return Kpi(key, label, unit, better, "process", measured, definition, headline, bounds, summary)


_CYCLE = "Time from an item's arrival to its delivery at an end stage"
_BREACHED = (
    "delivered after their due date, or still in the system past it at the end of the run "
    "(processes with due_dates)"
)
_BACKLOG = "the items in the system at the end of the window (the horizon)"
_TRUTH = "(processes with truth)"
_CLASSES = "(processes with truth.classes)"
_FINAL = "delivered items whose final decision (the latest of a stage that decides; none: kept up)"
_REVIEWED = (
    "of the items this review reviewed (processes with truth, or a review with false_flag_rate)"
)
CATALOGUE: tuple[Kpi, ...] = (
    _process(
        "throughput_per_hour", "throughput / hour", "number", "higher", "window",
        "Items delivered per hour of the measured window.", headline=True,
    ),
    _process(
        "arrivals_per_hour", "arrivals / hour", "number", "neither", "window",
        "Items arriving per hour of the measured window.",
    ),
    _process(
        "cycle_time.mean", "cycle time mean", "duration", "lower", "item",
        f"{_CYCLE}, averaged over the items that arrived in the window.", headline=True,
    ),
    *(
        _process(
            f"cycle_time.p{q}", f"cycle time p{q}", "duration", "lower", "item",
            f"{_CYCLE}: {q}% of the items that arrived in the window took at most this long.",
            headline=True,
        )
        for q in (50, 90, 95, 99)
    ),
    _process(
        "wip", "work in progress", "number", "lower", "window",
        "Items in the system (waiting or being worked on), averaged over the window.",
        headline=True,
    ),
    _process(
        "backlog", "backlog at end", "number", "lower", "window",
        "Items in the system at the end of the window (the horizon).", headline=True,
    ),
    _process(
        "cost_per_hour", "cost / hour", "money", "lower", "window",
        "Paid staff cost per hour: people on duty times their cost per hour.", headline=True,
    ),
    _process(
        "cost_per_item", "cost / item", "money", "lower", "window",
        "Staff cost of the window divided by the items delivered in it.", headline=True,
    ),
    _process(
        "rework_rate", "reworks / item", "number", "lower", "item",
        "Times a delivered item was sent back to rework by a review, on average (an item "
        "reworked twice counts twice).",
        headline=True,
    ),
    _process(
        "reworked_share", "items reworked", "share", "lower", "item",
        "Share of delivered items that a review sent back to rework at least once.",
    ),
    _process(
        "escaped_defect_rate", "escaped defects", "share", "lower", "item",
        "Share of delivered items that still carry a defect: errors no review caught.",
        headline=True,
    ),
    _process(
        "rework_exhausted_rate", "rework exhausted / item", "number", "lower", "item",
        "Defects a review caught on its last allowed attempt (max_attempts) and let go on, "
        "per delivered item.",
    ),
    _process(
        "escalated_share", "items escalated", "share", "lower", "item",
        "Share of arriving items that waited escalate_after (a fixed time, or their own "
        "patience) in some queue and left it for its escalate_to stage, unserved (only "
        "processes with escalation; escalation to an end stage is abandonment).",
        headline=True,
    ),
    _process(
        "breached_items", "items breached", "number", "lower", "item",
        f"Items that arrived in the window and were {_BREACHED}.", summary=True,
    ),
    _process(
        "breached_share", "share breached", "share", "lower", "item",
        f"Share of the items with a due date that arrived in the window and were {_BREACHED}.",
        headline=True,
    ),
    _process(
        "backlog_age.p50", "backlog age p50", "duration", "lower", "window",
        f"Half of {_BACKLOG} had waited at most this long since they arrived (0 when empty).",
    ),
    _process(
        "backlog_age.p90", "backlog age p90", "duration", "lower", "window",
        f"90% of {_BACKLOG} had waited at most this long since they arrived (0 when empty).",
        summary=True,
    ),
    _process(
        "oldest_item_age", "oldest item age", "duration", "lower", "window",
        f"The age of the oldest of {_BACKLOG}: how long it had been in the system.",
        summary=True,
    ),
    _process(
        "backlog_overdue", "backlog past due", "number", "lower", "window",
        f"How many of {_BACKLOG} were already past their due date (processes with due_dates).",
        headline=True,
    ),
    *(
        _process(
            f"time_to_breach.p{q}", f"time to breach p{q}", "duration", "higher", "window",
            f"Of {_BACKLOG} not yet past their due date, {q}% breach within this time unless "
            "they are done first (processes with due_dates).",
            summary=q == 10,
        )
        for q in (10, 50, 90)
    ),
    _process(
        "violating_share", "violating items", "share", "neither", "item",
        f"Share of delivered items that truly violate {_TRUTH}.",
    ),
    _process(
        "false_negatives_per_1000", "false negatives / 1,000", "number", "lower", "item",
        f"Harmful items left up: {_FINAL} kept a violating item, per 1,000 delivered items "
        f"{_TRUTH}.",
        headline=True,
    ),
    _process(
        "false_positives_per_1000", "false positives / 1,000", "number", "lower", "item",
        f"Wrongful removals: {_FINAL} removed a benign item, per 1,000 delivered items "
        f"{_TRUTH}.",
        headline=True,
    ),
    _process(
        "wrong_reason_per_1000", "wrong reason / 1,000", "number", "lower", "item",
        f"Violating items removed under the wrong policy: {_FINAL} removed an item of one "
        f"violating class as another, per 1,000 delivered items (processes with "
        f"truth.classes).",
        headline=True,
    ),
    _process(
        "decision_precision", "precision of removals", "share", "higher", "item",
        f"Share of the delivered items finally removed that truly violate {_TRUTH}.",
    ),
    _process(
        "decision_recall", "recall of violations", "share", "higher", "item",
        f"Share of the delivered violating items that were finally removed {_TRUTH}.",
    ),
    Kpi(
        "resources.{name}.utilization", "{name} utilization", "share", "neither", "pool",
        "window", "Busy people divided by people working (on duty less shrinkage), both "
        "averaged over the window.", headline=True, bounds="share",
    ),
    Kpi(
        "resources.{name}.busy", "{name} busy", "number", "neither", "pool", "window",
        "People busy with a task, averaged over the window.",
    ),
    Kpi(
        "resources.{name}.working", "{name} working", "number", "neither", "pool", "window",
        "People taking work (on duty less shrinkage, whole people), averaged over the window.",
    ),
    Kpi(
        "resources.{name}.staff", "{name} on duty", "number", "neither", "pool", "window",
        "People on duty (paid), averaged over the window: what the cost is computed from.",
    ),
    Kpi(
        "stages.{name}.visits", "{name} visits / item", "number", "neither", "stage", "item",
        "Times an item that arrived in the window entered this stage, on average (rework and "
        "samples included).",
    ),
    Kpi(
        "stages.{name}.waiting_time", "{name} mean wait", "duration", "lower", "stage",
        "item", "Time a task waited in the queue before someone took it, averaged over the "
        "stage's tasks (waits that ended in escalation included).", headline=True,
    ),
    Kpi(
        "stages.{name}.waiting_time_p90", "{name} p90 wait", "duration", "lower", "stage",
        "item", "90% of the stage's tasks waited at most this long.",
    ),
    Kpi(
        "stages.{name}.queue_length", "{name} mean queue", "number", "lower", "stage",
        "window", "Tasks waiting in the stage's queue, averaged over the window.",
    ),
    Kpi(
        "stages.{name}.queue_length_max", "{name} longest queue", "number", "lower", "stage",
        "window", "The most tasks waiting in the stage's queue at once during the window.",
    ),
    Kpi(
        "stages.{name}.escalated", "{name} escalated", "share", "lower", "stage", "item",
        "Share of arriving items that left this stage's queue unserved after waiting "
        "escalate_after, a fixed time or their own patience (stages with escalate_after): "
        "its abandonment rate when escalate_to is an end stage.",
        headline=True,
        bounds="share",
    ),
    Kpi(
        "stages.{name}.lot_acceptance", "{name} lots accepted", "share", "higher", "stage",
        "item", "Share of the lots this lot stage decided that it accepted: at most the plan's "
        "accept defects found in the lot's sample (stages with lots).", headline=True,
        bounds="share",
    ),
    Kpi(
        "stages.{name}.outgoing_quality", "{name} outgoing quality", "share", "lower",
        "stage", "item", "Average outgoing quality (AOQ): share of the items leaving this lot "
        "stage that carry a defect; a caught defect leaves repaired, to rework (stages with "
        "lots).", headline=True, bounds="share",
    ),
    Kpi(
        "stages.{name}.inspection_load", "{name} inspected / item", "number", "lower",
        "stage", "item", "Items this lot stage inspected per item reaching it: the sample, and "
        "every item of the rejected lots it inspects in full (stages with lots).",
    ),
    Kpi(
        "stages.{name}.labels_per_item", "{name} labels / item", "number", "lower", "stage",
        "item", "Labels per item at this consensus stage, on average: each one a task of its "
        "pool (a dynamic overlap asks for more on hard items).", headline=True,
    ),
    Kpi(
        "stages.{name}.consensus_accuracy", "{name} consensus accuracy", "share", "higher",
        "stage", "item", "Of the items this consensus stage settled (not sent to adjudicate), "
        "the share whose answer was right.", headline=True, bounds="share",
    ),
    Kpi(
        "stages.{name}.disagreement", "{name} disagreement", "share", "lower", "stage", "item",
        "Share of the items at this consensus stage that its labels did not settle, sent to "
        "adjudicate (a tie, a disagreement under unanimity, or too little confidence).",
        bounds="share",
    ),
    Kpi(
        "stages.{name}.gold_per_item", "{name} gold tasks / item", "number", "lower", "stage",
        "item", "Gold (honeypot) tasks per real task at this stage: the load its gold adds "
        "to its pool (stages with gold).", headline=True,
    ),
    Kpi(
        "stages.{name}.gold_accuracy", "{name} measured accuracy", "share", "higher", "stage",
        "item", "The share of gold tasks answered right, per person, averaged over the people "
        "who answered any: the accuracy the stage's gold measures.", headline=True,
        bounds="share",
    ),
    Kpi(
        "stages.{name}.gold_annotators", "{name} people measured", "number", "higher",
        "stage", "item", "People who answered at least one gold task at this stage.",
    ),
    Kpi(
        "stages.{name}.true_accuracy", "{name} true accuracy", "share", "higher", "stage",
        "item", "The chance that the stage's work answers a gold task right: its decision's "
        "sensitivity and specificity over the gold set's classes, or 1 - error_rate.",
        headline=True, bounds="share",
    ),
    Kpi(
        "stages.{name}.new_hires_sampled", "{name} new hires' work sampled", "share", "neither",
        "stage", "item", "Share of the items a new hire worked on last that this review's "
        "sample picked (reviews whose sample can read new_hire).", bounds="share",
    ),
    Kpi(
        "stages.{name}.others_sampled", "{name} others' work sampled", "share", "neither",
        "stage", "item", "Share of the other items (not worked on last by a new hire) that this "
        "review's sample picked (reviews whose sample can read new_hire).", bounds="share",
    ),
    Kpi(
        "stages.{name}.flagged_share", "{name} measured defect rate", "share", "lower", "stage",
        "item", f"Share {_REVIEWED} that it flagged as defective: what its QC sample "
        "measures, caught defects and false flags together.", bounds="share",
    ),
    Kpi(
        "stages.{name}.defective_share", "{name} true defect rate", "share", "lower", "stage",
        "item", f"Share {_REVIEWED} that truly carried a defect (a wrong decision, with "
        "truth).", bounds="share",
    ),
    Kpi(
        "stages.{name}.corrected_defective_share", "{name} corrected defect rate", "share",
        "lower", "stage", "item", "The measured defect rate corrected for the review's "
        "misses and false flags (Rogan–Gladen: (measured - false_flag_rate) / "
        "(detection_rate - false_flag_rate), kept within 0..1): an estimate of the true "
        "defect rate.", bounds="share",
    ),
    Kpi(
        "slas.{name}.attained", "SLA {name} attained", "share", "higher", "sla", "item",
        "Share of the items that arrived in the window that were within the SLA's max "
        "(cycle time, or the wait at its stage).", bounds="share",
    ),
    Kpi(
        "due_dates.{name}.breached", "{name} items breached", "number", "lower", "due", "item",
        f"Items with this value of the due-date attribute that arrived in the window and were "
        f"{_BREACHED}.",
    ),
    Kpi(
        "due_dates.{name}.breached_share", "{name} share breached", "share", "lower", "due",
        "item", f"Share of the items with this value that arrived in the window and were "
        f"{_BREACHED}.", headline=True, bounds="share",
    ),
    Kpi(
        "decisions.{name}.false_negatives_per_1000", "{name} false negatives / 1,000",
        "number", "lower", "decision", "item", f"Among the delivered items with this value "
        f"of truth.by: {_FINAL} kept a violating item, per 1,000 of them.", headline=True,
    ),
    Kpi(
        "decisions.{name}.false_positives_per_1000", "{name} false positives / 1,000",
        "number", "lower", "decision", "item", f"Among the delivered items with this value "
        f"of truth.by: {_FINAL} removed a benign item, per 1,000 of them.", headline=True,
    ),
    Kpi(
        "classes.{name}.recall", "{name} recall", "share", "higher", "class", "item",
        f"Share of the delivered items of this true class whose final decision is this class "
        f"(removed under its own policy; for a keep class: kept) {_CLASSES}.", bounds="share",
    ),
    Kpi(
        "classes.{name}.precision", "{name} precision", "share", "higher", "class", "item",
        f"Share of the delivered items finally decided as this class that truly are of it "
        f"{_CLASSES}.", bounds="share",
    ),
    Kpi(
        "confusion.{name}.share", "{name}", "share", "neither", "confusion", "item",
        f"The confusion of the final decisions: of the delivered items of the first class, the "
        f"share finally decided as the second ('hate as spam') {_CLASSES}.", bounds="share",
    ),
)  # fmt: skip

_BY_KEY = {kpi.key: kpi for kpi in CATALOGUE}
_PATTERN = re.compile(
    r"^(resources|stages|slas|due_dates|decisions|classes|confusion)\.(.+)\.([a-z_0-9]+)$"
)


@dataclass(frozen=True)
class KpiValue:
    """A concrete key read against the catalogue: its KPI and the pool, stage or SLA it is of."""

    key: str
    kpi: Kpi
    subject: str

    @property
    def label(self) -> str:
        """The label a PM reads, e.g. ``annotator utilization``."""
        return self.kpi.label_for(self.subject)


def lookup(key: str) -> KpiValue:
    """The catalogue entry of a concrete key; raises ``KeyError`` for a key it does not define."""
    if key in _BY_KEY:
        return KpiValue(key, _BY_KEY[key], "")
    match = _PATTERN.match(key)
    if match:
        prefix, subject, metric = match.groups()
        kpi = _BY_KEY.get(f"{prefix}.{{name}}.{metric}")
        if kpi is not None:
            return KpiValue(key, kpi, subject)
    raise KeyError(f"{key!r} is not a KPI of the catalogue")


def defines(key: str) -> bool:
    """Whether ``key`` is a KPI of the catalogue."""
    try:
        lookup(key)
    except KeyError:
        return False
    return True


def family(name: Family) -> Iterator[Kpi]:
    """The KPIs of one family, in catalogue order."""
    return (kpi for kpi in CATALOGUE if kpi.family == name)


def headline_keys(
    available: Iterable[str], pools: Iterable[str], stages: Iterable[str]
) -> list[KpiValue]:
    """The headline KPIs a table shows, in catalogue order, among the ``available`` keys.

    Process KPIs first, then each pool's, then each stage's (pools and stages in the
    order given), then each due-date value's (in the order first seen); SLAs have
    tables of their own.
    """
    keys = list(dict.fromkeys(available))  # in the order given, not a set's (hash) order
    have = set(keys)
    rows = [lookup(kpi.key) for kpi in family("process") if kpi.headline and kpi.key in have]
    for kpi in (k for k in family("pool") if k.headline):
        rows += [lookup(kpi.key_for(p)) for p in pools if kpi.key_for(p) in have]
    for kpi in (k for k in family("stage") if k.headline):
        rows += [lookup(kpi.key_for(s)) for s in stages if kpi.key_for(s) in have]
    for group in ("due", "decision"):
        values = list(dict.fromkeys(v.subject for v in map(lookup, keys) if v.kpi.family == group))
        for kpi in (k for k in family(group) if k.headline):
            rows += [lookup(kpi.key_for(v)) for v in values if kpi.key_for(v) in have]
    return rows


_BOUNDS: dict[Bounds, str] = {"any": "any", "nonnegative": "≥ 0", "share": "0..1"}


def markdown_table() -> str:
    """The catalogue as the Markdown table of docs/simulation.md."""
    lines = [
        "| key | label | unit | bounds | better | measured | definition |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kpi in CATALOGUE:
        subject = {
            "sla": "k", "due": "value", "decision": "value", "confusion": "true> as <decided",
        }.get(kpi.family, kpi.family)  # fmt: skip
        key = kpi.key.replace("{name}", f"<{subject}>")
        by_value = kpi.family in ("due", "decision", "confusion")
        label = kpi.label.replace("{name}", f"<{subject if by_value else kpi.family}>")
        headline = " (headline)" if kpi.headline else " (summary)" if kpi.summary else ""
        lines.append(
            f"| `{key}` | {label}{headline} | {kpi.unit} | {_BOUNDS[kpi.bounds]} | {kpi.better} "
            f"| {kpi.measured} "
            f"| {kpi.definition} |"
        )
    return "\n".join(lines) + "\n"
