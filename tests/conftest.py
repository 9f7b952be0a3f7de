"""Fixtures every test file may ask for, and the Hypothesis settings of the suite.

Hypothesis' per-example deadline is off: it is a limit on wall time, which a
busy machine breaks (see ``counting.py`` for how tests bound work instead).
"""

from __future__ import annotations

import pytest
from hypothesis import settings

import procflow
from models import EXAMPLE

settings.register_profile("procflow", deadline=None)
settings.load_profile("procflow")


@pytest.fixture(scope="session")
def example() -> procflow.Process:
    """The bundled image moderation process, validated once (a Process is frozen)."""
    return procflow.load(EXAMPLE)
