"""Golden agendas for the French adult screening calendar, written from the fact sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prevention_engine import Engine

from .golden import check_case, load_cases

CASES = load_cases(Path(__file__).parent / "golden" / "screening")


def test_enough_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_golden(engine: Engine, case: dict[str, Any]) -> None:
    check_case(engine, case, "fr-screening")
