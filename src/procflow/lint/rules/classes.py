"""Truth with more classes that adds up: a keep class, prevalences within 1, confusion rows
that add up to 1, and only the truth's classes in matrices, prevalences and decisions."""

from __future__ import annotations

import math
from collections.abc import Iterator

from procflow.diagnostics import Finding
from procflow.lint.context import LintContext
from procflow.lint.rule import Rule
from procflow.model.quality import Truth

#: how far a row's shares may be from adding up to 1 (written with two decimals each)
_TOLERANCE = 1e-6


def prevalence_path(ctx: LintContext, i: int) -> tuple[object, ...]:
    """Where the shares of prevalence rule ``i`` are written: in the rule, or bare
    (``prevalence: {hate: 0.02}``, one rule for every item)."""
    source = ctx.process.source
    path = ("truth", "prevalence", i, "prevalence")
    return path if source is None or source.has(path) else ("truth", "prevalence")


class ConfusionRowNotOne(Rule):
    """A row of a confusion matrix does not add up to 1.

    A row says, for the items of one true class, the share decided as each class;
    every item gets exactly one decision, so the shares add up to 1.

    Fails::

        decision:
          confusion:
            hate: {hate: 0.85, spam: 0.05}      # 0.90: where do the other 10% go?

    Passes::

        decision:
          confusion:
            hate: {hate: 0.85, spam: 0.05, benign: 0.10}
    """

    code = "PF215"
    name = "confusion-row-not-one"
    reads = frozenset({"numbers"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for name, stage in ctx.process.stages.items():
            confusion = stage.decision.confusion if stage.decision is not None else None
            for true, row in (confusion or {}).items():
                total = math.fsum(row.values())
                if abs(total - 1) <= _TOLERANCE:
                    continue
                yield self.finding(
                    f"the {true!r} row of {name!r}'s confusion matrix adds up to {total:g}, not 1",
                    ctx.locate(("stages", name, "decision", "confusion", true), key=True),
                    "give the share of these items decided as each class, so that they add "
                    "up to 1 (the decision to keep included)",
                    stage=name,
                    true=true,
                    total=total,
                )


class UnknownClass(Rule):
    """A confusion matrix, prevalence or decision names a class the truth does not have.

    With ``truth.classes``, every class a matrix, a prevalence, a score or ``decides`` names
    must be one of them, and every class needs its row in each confusion matrix;
    ``decides: remove`` says no class (remove as which policy?). Without classes, a
    decision is ``sensitivity`` and ``specificity`` and a prevalence one share.

    Fails::

        truth: {attribute: policy, classes: [hate, spam, benign], keep: benign, ...}
        stages:
          auto_remove: {decides: remove, next: done}       # as hate or as spam?
          review:
            decision:
              confusion:
                hate: {hate: 0.9, spamm: 0.1}              # no class spamm

    Passes: ``decides: spam``, and ``hate: {hate: 0.9, spam: 0.1}`` with rows for spam
    and benign as well.
    """

    code = "PF219"
    name = "unknown-class"
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        truth = ctx.process.truth
        if truth is None:
            return
        classes = truth.classes
        yield from self._prevalences(ctx, truth)
        for kind in (truth.score.classes or {}) if truth.score is not None else {}:
            if classes is None or kind not in classes:
                where = ("truth", "score", "classes", kind)
                yield self._unknown(ctx, where, kind, "the score", classes or [])
        if classes is not None:
            for k, kept in enumerate(truth.kept()):
                if kept not in classes:
                    path = (
                        ("truth", "keep", k) if isinstance(truth.keep, list) else ("truth", "keep")
                    )
                    yield self._unknown(ctx, path, str(kept), "keep", classes)
        for name, stage in ctx.process.stages.items():
            if stage.decides is not None:
                allowed = ["keep", *(classes or ["remove"])]
                if stage.decides not in allowed:
                    yield self.finding(
                        f"{name!r} decides {stage.decides!r}, which is not a decision here",
                        ctx.locate(("stages", name, "decides")),
                        f"write one of {', '.join(allowed)}"
                        + (" (the class it removes items as)" if classes else ""),
                        stage=name,
                        value=stage.decides,
                    )
            confusion = stage.decision.confusion if stage.decision is not None else None
            if confusion is None:
                if stage.decision is not None and classes is not None:
                    yield self.finding(
                        f"{name!r} decides by sensitivity and specificity, but the truth has "
                        f"{len(classes)} classes",
                        ctx.locate(("stages", name, "decision"), key=True),
                        "give a confusion matrix: {confusion: {hate: {hate: 0.9, benign: "
                        "0.1}, ...}}, a row per class",
                        stage=name,
                    )
                continue
            if classes is None:
                yield self.finding(
                    f"{name!r} has a confusion matrix, but the truth has no classes",
                    ctx.locate(("stages", name, "decision", "confusion"), key=True),
                    "list the classes in truth.classes (and the keep class in truth.keep), "
                    "or give sensitivity and specificity",
                    stage=name,
                )
                continue
            base = ("stages", name, "decision", "confusion")
            for true, row in confusion.items():
                if true not in classes:
                    yield self._unknown(ctx, (*base, true), true, f"{name!r}", classes)
                for decided in row:
                    if decided not in classes:
                        cell = (*base, true, decided)
                        yield self._unknown(ctx, cell, decided, f"{name!r}", classes)
            for missing in (c for c in classes if c not in confusion):
                yield self.finding(
                    f"the confusion matrix of {name!r} has no row for the class {missing!r}",
                    ctx.locate(base, key=True),
                    f"add {missing}: {{...}}, the shares of its items decided as each class",
                    stage=name,
                    value=missing,
                )

    def _prevalences(self, ctx: LintContext, truth: Truth) -> Iterator[Finding]:
        classes = truth.classes
        for i, rule in enumerate(truth.prevalence):
            path = prevalence_path(ctx, i)
            shares = rule.prevalence
            if classes is None and isinstance(shares, dict):
                yield self.finding(
                    "the prevalence gives shares by class, but the truth has no classes",
                    ctx.locate(path),
                    "list the classes in truth.classes (and the keep class in truth.keep), "
                    "or give one share of violating items",
                )
            elif classes is not None and not isinstance(shares, dict):
                yield self.finding(
                    f"the truth has {len(classes)} classes, but the prevalence is one share",
                    ctx.locate(path),
                    "give the share of each class: {hate: 0.02, spam: 0.05} (the keep class "
                    "has the rest)",
                )
            elif classes is not None and isinstance(shares, dict):
                for kind in shares:
                    if kind not in classes:
                        yield self._unknown(ctx, (*path, kind), kind, "the prevalence", classes)

    def _unknown(
        self,
        ctx: LintContext,
        path: tuple[object, ...],
        value: str,
        where: str,
        classes: list[str],
    ) -> Finding:
        return self.finding(
            f"{where} names the class {value!r}, which is not one of truth.classes",
            ctx.locate(path, key=True),
            f"use one of {', '.join(classes)}, or add it to truth.classes"
            if classes
            else "list the classes in truth.classes (and the keep class in truth.keep)",
            value=value,
        )


class KeepClassMissing(Rule):
    """The truth has classes but no ``keep`` class.

    Every item stays up unless a stage removes it, and a false negative is a
    violating item kept: with classes, procflow must know which class (or classes)
    stay up, such as benign.

    Fails::

        truth: {attribute: policy, classes: [hate, spam, benign], prevalence: {hate: 0.02}}

    Passes: ``keep: benign`` in the truth.
    """

    code = "PF217"
    name = "keep-class-missing"
    reads = frozenset({"structure"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        truth = ctx.process.truth
        if truth is None or truth.classes is None or truth.keep:
            return
        yield self.finding(
            "the truth has classes but no keep class (the items that stay up)",
            ctx.locate(("truth", "classes"), key=True),
            "add keep: benign (the class whose items are not removed)",
        )


class PrevalencesExceedOne(Rule):
    """A prevalence rule's shares by class add up to more than 1.

    The keep class takes the share the others leave: the violating classes
    together can be at most every item.

    Fails::

        prevalence: {hate: 0.5, spam: 0.6}

    Passes::

        prevalence: {hate: 0.05, spam: 0.10}
    """

    code = "PF218"
    name = "prevalences-exceed-one"
    reads = frozenset({"numbers"})

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        truth = ctx.process.truth
        for i, rule in enumerate(truth.prevalence if truth is not None else []):
            if not isinstance(rule.prevalence, dict):
                continue
            total = math.fsum(rule.prevalence.values())
            if total <= 1 + _TOLERANCE:
                continue
            yield self.finding(
                f"the prevalences of this rule add up to {total:g}, more than every item",
                ctx.locate(prevalence_path(ctx, i), key=True),
                "give each class its share of the items: together at most 1 (the keep class "
                "has the rest)",
                total=total,
            )
