"""Filling a PM's own process file with the numbers of a log (``calibrate --skeleton``).

The PM's file already says how the work flows: its stages, names, routing
conditions and comments are theirs, and stay exactly as written
(:func:`~procflow.source.edit.replace_key` changes only the lines of the keys it
fills). Only numbers are filled in, each with its comment:

- a work stage's ``duration``, from the activity of the same name (compared
  without case, spaces or punctuation: ``Label image`` is the stage
  ``label_image``);
- a branch's ``probability``, from how often the stage's activity was followed
  by the branch's target (conditions, and branches without a probability, stay);
- the first arrival stream's ``rate`` (its mean over the log);
- a pool's ``count``, where the log names pools rather than people.

Activities of the log that no stage matches, and work stages the log never
visited, are reported: their numbers are left as they were; so is a key written
inside ``{...}`` (``triager: {count: 6}``), which cannot be replaced alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from procflow.calibrate.fit import Fit
from procflow.calibrate.observe import Observed
from procflow.calibrate.write import duration_lines, few, number
from procflow.source import Document, load_document
from procflow.source.document import DocPath
from procflow.source.edit import EditError, replace_key


def key_of(name: str) -> str:
    """A name compared loosely: lower case, runs of anything but letters and digits as ``_``."""
    return re.sub(r"[\W_]+", "_", name.casefold()).strip("_")


def fill_skeleton(
    path: str | Path, observed: Observed, fits: dict[str, Fit], warnings: list[str]
) -> str:
    """The text of the skeleton at ``path`` with the numbers of ``observed`` filled in;
    appends to ``warnings`` what it could not map or replace (a key written inside
    ``{...}``). Raises :class:`~procflow.diagnostics.LoadError` for a skeleton that
    cannot be read."""
    doc = load_document(path)
    stages = doc.data.get("stages") or {}
    by_key = {key_of(name): name for name in stages}
    stage_of = {a: by_key[key_of(a)] for a in observed.order if key_of(a) in by_key}
    activity_of = {s: a for a, s in stage_of.items()}
    for activity in observed.order:
        if activity not in stage_of and activity not in observed.ends:
            warnings.append(
                f"activity {activity!r} of the log is no stage of {path}: not filled in"
            )
    for name, stage in stages.items():
        if isinstance(stage, dict) and "resource" in stage and name not in activity_of:
            warnings.append(f"stage {name!r} has no visits in the log: its numbers are as written")
    for name, activity in sorted(activity_of.items()):
        stage = stages[name]
        if isinstance(stage, dict) and "duration" in stage and activity in fits:
            lines = duration_lines(fits[activity], activity, warnings)
            doc = _replace(doc, ("stages", name, "duration"), lines, warnings)
        doc = _routing(doc, name, activity, observed, stage_of, warnings)
    doc = _rate(doc, observed, warnings)
    return _counts(doc, observed, warnings).text


def _replace(doc: Document, path: DocPath, lines: list[str], warnings: list[str]) -> Document:
    """``doc`` with one key replaced; a key written inside ``{...}`` stays, with a warning."""
    try:
        return load_document(doc.path, replace_key(doc, path, lines))
    except EditError as exc:
        warnings.append(f"{exc} (left as written)")
        return doc


def _routing(
    doc: Document,
    name: str,
    activity: str,
    observed: Observed,
    stage_of: dict[str, str],
    warnings: list[str],
) -> Document:
    branches = doc.data["stages"][name].get("next")
    if not isinstance(branches, list):
        return doc
    following = {b: n for (a, b), n in observed.routes.items() if a == activity}
    total = sum(following.values())
    reached = {stage_of.get(b, b): n for b, n in following.items()}
    for index, branch in enumerate(branches):
        if isinstance(branch, dict) and "probability" in branch and branch.get("to") in reached:
            n = reached[branch["to"]]
            note = few(total, f"the routing after {name}", warnings)
            line = f"probability: {round(n / total, 4)}   # {n:,} of {total:,}{note}"
            doc = _replace(doc, ("stages", name, "next", index, "probability"), [line], warnings)
    return doc


def _rate(doc: Document, observed: Observed, warnings: list[str]) -> Document:
    arrivals = doc.data.get("arrivals")
    if not (isinstance(arrivals, list) and arrivals and "rate" in arrivals[0]):
        return doc
    hours = float(observed.arrival_hours.sum())
    line = f"rate: {number(observed.cases / hours)} per hour   # {observed.cases:,} arrivals"
    return _replace(doc, ("arrivals", 0, "rate"), [line], warnings)


def _counts(doc: Document, observed: Observed, warnings: list[str]) -> Document:
    resources = doc.data.get("resources") or {}
    by_key = {key_of(name): name for name in resources}
    for pool in observed.pools.values():
        name = by_key.get(key_of(pool.name))
        if pool.named and name is not None and "count" in (resources[name] or {}):
            line = f"count: {int(np.max([pool.peak, 1]))}   # the most visits at once"
            doc = _replace(doc, ("resources", name, "count"), [line], warnings)
    return doc
