"""Fixtures every test file may ask for."""

from __future__ import annotations

import pytest

import procflow
from models import EXAMPLE


@pytest.fixture(scope="session")
def example() -> procflow.Process:
    """The bundled image moderation process, validated once (a Process is frozen)."""
    return procflow.load(EXAMPLE)
