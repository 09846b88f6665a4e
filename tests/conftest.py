from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

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


@pytest.fixture
def bug_on_id(monkeypatch: pytest.MonkeyPatch) -> Callable[[ModuleType, str], None]:
    """``bug_on_id(module, pid)``: the module's profile conversion (``to_profile``) raises an
    unexpected ``KeyError`` for the record with that id, standing for a bug the engine meets
    on one record (the batch and the Spark adapter must reject that record and go on)."""

    def patch(module: ModuleType, pid: str) -> None:
        real = module.to_profile

        def failing(data: object) -> object:
            if isinstance(data, dict) and data.get("id") == pid:
                raise KeyError("a bug")
            return real(data)

        monkeypatch.setattr(module, "to_profile", failing)

    return patch
