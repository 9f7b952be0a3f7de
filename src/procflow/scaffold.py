"""``procflow init``: a commented starting point, a process file and a scenario over it.

The files lint clean and simulate stable as written, so a PM starts from something that
works and changes one number at a time::

    processes/<name>.yaml            label -> sampled QC with rework -> delivered, an SLA
    scenarios/<name>_more_qc.yaml    review more, with one more QC reviewer
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from procflow.files import make_folder, refuse_existing, write_atomic

#: Letters (any script), digits, ``-`` and ``_``; a letter or digit first.
NAME = re.compile(r"[^\W_][\w-]*")
MAX_NAME = 64
_KEYWORDS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}

PROCESS_TEMPLATE = """\
# {name}: a starting point written by `procflow init`. Replace the numbers with your own
# (volumes from your intake dashboard, handling times and error rates from QA reports),
# then check and try it:
#
#   procflow lint processes/{name}.yaml
#   procflow simulate processes/{name}.yaml
#   procflow compare processes/{name}.yaml scenarios/{name}_more_qc.yaml
#
# Every key is described in the format reference (docs/format.md in procflow).
process: {quoted}
description: >
  Annotators label incoming items. Every high-severity item and a 10% sample of
  the rest get a QC review; QC sends the wrong labels it finds back for rework.
time_unit: minute                    # bare numbers below are minutes

arrivals:
  - name: incoming
    rate: 60 per hour                # at night, 20:00-08:00
    schedule:                        # simulated weeks start on Monday at 00:00
      - {{days: all, hours: "08:00-20:00", rate: 150 per hour}}   # daytime peak
    attributes:                      # drawn for every item; `when` conditions read them
      severity: {{low: 0.9, high: 0.1}}
      language: {{en: 0.7, es: 0.3}}

resources:
  annotator:
    calendar:                        # shifts: who is on duty when
      - {{name: day, days: all, hours: "08:00-20:00", count: 15}}
      - {{name: night, days: all, hours: "20:00-08:00", count: 7}}
    shrinkage: 0.15                  # breaks, meetings, training: on duty but not working
    cost_per_hour: 15
  qc_reviewer:
    count: 3                         # on duty around the clock
    shrinkage: 0.1
    cost_per_hour: 24

stages:
  label:
    resource: annotator
    duration: {{lognormal: {{mean: 4, sd: 1.5}}}}   # handling time (AHT): 4 minutes on average
    error_rate: 0.05                 # 5% of labels are wrong
    next: sample_for_qc

  sample_for_qc:                     # a decision: the first route that matches wins
    next:
      - to: qc_review
        when: severity == "high"     # every high-severity item
      - to: qc_review
        probability: 0.10            # a 10% sample of the rest
      - to: delivered

  qc_review:
    resource: qc_reviewer
    duration: {{triangular: {{low: 2, mode: 3, high: 6}}}}
    detection_rate: 0.85             # QC catches 85% of the wrong labels it sees
    on_defect: label                 # ...and sends them back for rework
    max_attempts: 2                  # at the second review a caught defect goes on
    next: delivered

  delivered:
    end: true

slas:
  - name: 90% delivered within 2 hours
    metric: cycle_time               # from arrival to delivered
    percentile: 90
    max: 2 hours
"""

SCENARIO_TEMPLATE = """\
# A proposed change to {name}, written by `procflow init`. See what it does:
#
#   procflow compare processes/{name}.yaml scenarios/{name}_more_qc.yaml
#
# `changes` maps paths in the base process to new values: keys joined by dots, list
# positions in brackets (next[1] is the second route of sample_for_qc).
scenario: {name}-more-qc
base: ../processes/{name}.yaml       # relative to this file
description: Review 25% of low-severity items instead of 10%, with one more QC reviewer.
changes:
  stages.sample_for_qc.next[1].probability: 0.25
  resources.qc_reviewer.count: 4
# settings:                          # run settings for this comparison (the command line wins)
#   horizon: 3 days
#   replications: 10
"""


def check_name(name: str) -> str:
    """``name`` if it can name the files (letters, digits, ``-``, ``_``), else ValueError."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or len(name) > MAX_NAME:
        raise ValueError(
            f"cannot use {name!r} as a process name: use letters, digits, '-' and '_' "
            f"(starting with a letter or digit, at most {MAX_NAME} characters), "
            "e.g. image_review"
        )
    return name


def _yaml_text(text: str) -> str:
    """``text`` as a YAML string: bare unless YAML would read it as something else (``yes``,
    ``null``, ``123``)."""
    plain = (
        not text[0].isdigit() and text.casefold() not in _KEYWORDS and yaml.safe_load(text) == text
    )
    return text if plain else f'"{text}"'


def scaffold_files(name: str) -> dict[str, str]:
    """Relative path -> text of the files :func:`scaffold` writes for ``name``."""
    check_name(name)
    return {
        f"processes/{name}.yaml": PROCESS_TEMPLATE.format(name=name, quoted=_yaml_text(name)),
        f"scenarios/{name}_more_qc.yaml": SCENARIO_TEMPLATE.format(name=name),
    }


def scaffold(folder: Path, name: str, *, force: bool = False) -> list[Path]:
    """Write ``processes/<name>.yaml`` and ``scenarios/<name>_more_qc.yaml`` under ``folder``.

    Returns the paths written. Raises :class:`ValueError` for a bad name and
    :class:`~procflow.files.OutputExists` naming the files that exist (before writing
    anything) unless ``force``. Each file is written atomically.
    """
    files = {Path(folder) / rel: text for rel, text in scaffold_files(name).items()}
    if not force:
        refuse_existing(files)
    for path, text in files.items():
        make_folder(path.parent)
        write_atomic(path, text)
    return list(files)
