"""The processes the tests share, the two ways a test turns YAML text into one, and
the one way a test runs a command.

Most tests start from the bundled example, the image moderation process with
sampled QC (:data:`EXAMPLE`, and the scenarios over it), or from a few lines of
YAML written in the test itself. :func:`load_text` validates such text into a
:class:`Process`; :func:`write_process` puts it in a file, for the commands and
the loaders that read files (relative ``base:`` and ``file:`` references).

:data:`JACKSON` is the open queueing network with a rework loop that the
fidelity tests check against theory; ``benchmarks/jackson.py`` runs the same
network (it keeps its own copy, to run without the tests on its path).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from procflow.cli import main
from procflow.model.process import Process
from procflow.model.validation import validate_process
from procflow.source import load_document

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
SCENARIOS = ROOT / "scenarios"
#: The bundled example: image moderation with a QC sample and rework.
EXAMPLE = PROCESSES / "image_moderation_qc.yaml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
#: The bundled scenarios over it: a 20% QC sample, and that with three more reviewers.
QC_20 = SCENARIOS / "qc_sample_20pct.yaml"
QC_20_PLUS_3 = SCENARIOS / "qc_sample_20pct_plus_3.yaml"

#: Arrivals at 1 a minute; two annotators label (exponential, mean 1.2 min, 40% defective);
#: one reviewer checks (exponential, mean 0.6 min), catches half the defects and sends them
#: back to labelling.
JACKSON = """
process: jackson
time_unit: minute
arrivals: [{name: jobs, rate: 1}]
resources: {annotators: {count: 2}, reviewer: {count: 1}}
stages:
  label:
    resource: annotators
    duration: {exponential: 1.2}
    error_rate: 0.4
    next: review
  review:
    resource: reviewer
    duration: {exponential: 0.6}
    detection_rate: 0.5
    on_defect: label
    next: done
  done: {end: true}
"""


def load_text(text: str, path: str = "p.yaml") -> Process:
    """The process a test wrote as YAML text (indented or not); raises ``LoadError``.

    ``path`` only names the text in locations: nothing is read from disk, so text
    with relative ``file:`` references needs :func:`write_process` instead.
    """
    return validate_process(load_document(path, text=textwrap.dedent(text)))


def write_process(folder: Path, text: str, name: str = "p.yaml") -> Path:
    """Write YAML text (indented or not) to ``folder / name`` and return that path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def write(name: str, text: str) -> str:
    """Write a process in the current folder (a test's ``in_tmp``); its relative path."""
    return str(write_process(Path(), text, name))


def run(*args: str) -> Result:
    """``procflow ARGS`` in this process; an exception is raised, not caught as an exit."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def review_chain(reviews: int, stages: int = 0, max_attempts: int = 3) -> str:
    """A line of ``reviews`` rework loops, each ``work{i}`` checked by ``review{i}``.

    Each review catches 90% of the 30% of defective items and sends them back to its
    own work (at most ``max_attempts`` times). ``stages`` plain work stages (``step{j}``)
    are spread between the loops, for a file of that many more stages.
    """
    lines = [
        "process: review_chain",
        "time_unit: minute",
        "arrivals: [{name: jobs, rate: 60 per hour}]",
        "resources: {people: {count: 2000}}",
        "stages:",
    ]
    names = [f"work{i}" for i in range(reviews)]
    spread = [stages * (i + 1) // reviews - stages * i // reviews for i in range(reviews)]
    steps = iter(range(stages))
    for i, extra in enumerate(spread):
        after = [f"step{next(steps)}" for _ in range(extra)]
        following = [*after, names[i + 1] if i + 1 < reviews else "done"]
        lines.append(
            f"  work{i}: {{resource: people, duration: 1 min, error_rate: 0.3, next: review{i}}}"
        )
        lines.append(
            f"  review{i}: {{resource: people, duration: 1 min, detection_rate: 0.9, "
            f"on_defect: work{i}, max_attempts: {max_attempts}, next: {following[0]}}}"
        )
        for step, nxt in zip(after, following[1:], strict=True):
            lines.append(f"  {step}: {{resource: people, duration: 1 min, next: {nxt}}}")
    lines.append("  done: {end: true}")
    return "\n".join(lines) + "\n"
