"""Golden agendas for the French pregnancy pathway, written from the public sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prevention_engine import Engine

from .golden import check_case, load_cases

CASES = load_cases(Path(__file__).parent / "golden" / "pregnancy")


def test_enough_cases() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES)
def test_golden(engine: Engine, case: dict[str, Any]) -> None:
    check_case(engine, case, "fr-pregnancy")
