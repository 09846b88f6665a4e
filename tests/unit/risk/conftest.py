from __future__ import annotations

import pytest

from prevention_engine.risk import FindriscTable, Score2Family, load_findrisc, load_score2_family


@pytest.fixture(scope="session")
def family() -> Score2Family:
    """The bundled SCORE2-family data, parsed once."""
    return load_score2_family()


@pytest.fixture(scope="session")
def table() -> FindriscTable:
    """The bundled FINDRISC points table, parsed once."""
    return load_findrisc()
