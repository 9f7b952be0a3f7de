"""Fixtures every test file may ask for, and the Hypothesis settings of the suite.

Hypothesis' per-example deadline is off: it is a limit on wall time, which a
busy machine breaks (see ``counting.py`` for how tests bound work instead); only the
fuzz suite (``test_fuzz.py``) sets a generous one, to catch a document that hangs.
``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``) runs 3,334 examples of each property.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

import procflow
from models import EXAMPLE

# make test draws the same examples on every run (CI never fails on a new draw); make fuzz
# explores new ones each time
settings.register_profile("procflow", deadline=None, derandomize=True)
settings.register_profile("fuzz", deadline=None, max_examples=3_334)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "procflow"))


@pytest.fixture(scope="session")
def example() -> procflow.Process:
    """The bundled image moderation process, validated once (a Process is frozen)."""
    return procflow.load(EXAMPLE)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test in an empty folder, so no pyproject.toml of the repo applies (a file
    asks for it in every test with ``pytestmark = pytest.mark.usefixtures("in_tmp")``)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
