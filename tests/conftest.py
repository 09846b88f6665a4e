from __future__ import annotations

from pathlib import Path

import pytest

from prevention_engine import Engine

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The bundled calendars, compiled once for the whole test session."""
    return Engine.default()


@pytest.fixture(scope="session")
def mini_engine() -> Engine:
    """A small calendar of our own plus the real product table: tests the mechanisms."""
    return Engine.from_paths([FIXTURES / "mini-calendar.yaml", ROOT / "rules" / "products"])
