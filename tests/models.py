"""The processes the tests share, and the two ways a test turns YAML text into one.

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
