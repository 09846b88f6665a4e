"""CDSi chapter 8 scoring of in-process series (Table 8-9): the series that can be completed
and the one that can finish earliest gain points; without a forecast the old scoring holds."""

from __future__ import annotations

import datetime as dt

from prevention_engine.context import Dose
from prevention_engine.kinds.series.evaluation import DoseEval, SeriesResult
from prevention_engine.kinds.series.selection import select_series
from prevention_engine.kinds.series.spec import Ages, Series, TargetDose

D0 = dt.date(2020, 1, 1)


def _td(n: int) -> TargetDose:
    return TargetDose(n, Ages(), (), (), (), frozenset(), (), False)


def _result(name: str, n_doses: int, valid: int, preference: int) -> SeriesResult:
    series = Series(name, None, None, None, None, preference, False,
                    tuple(_td(i + 1) for i in range(n_doses)), None, None, type="risk")
    doses = [Dose(i, D0 + dt.timedelta(days=60 * i), "d", frozenset({"x"}), False, None, None,
                  False) for i in range(valid)]
    return SeriesResult(
        series=series,
        evals=[DoseEval(d, "valid", "valid", i) for i, d in enumerate(doses)],
        satisfied=dict(enumerate(doses)),
        skipped=set(),
        next_index=valid,
        complete=False,
        last_considered=doses[-1] if doses else None,
        valid_count=valid,
    )


def test_the_series_that_finishes_earliest_wins_a_tie() -> None:
    slow = _result("slow", 4, 1, preference=1)
    fast = _result("fast", 4, 1, preference=2)
    finish = {"slow": dt.date(2026, 7, 25), "fast": dt.date(2026, 6, 27)}
    assert select_series([slow, fast], lambda r: finish[r.series.name]) is fast
    # without a forecast, the tie goes to the preference
    assert select_series([slow, fast]) is slow


def test_a_series_that_cannot_be_completed_loses_to_one_that_can() -> None:
    stuck = _result("stuck", 4, 2, preference=1)  # more valid doses, but aged out on the way
    open_ = _result("open", 3, 1, preference=2)
    finish = {"stuck": None, "open": dt.date(2026, 1, 1)}
    assert select_series([stuck, open_], lambda r: finish[r.series.name]) is open_


def test_two_series_finishing_the_same_day_fall_back_to_the_other_points() -> None:
    more = _result("more", 4, 2, preference=2)
    fewer = _result("fewer", 4, 1, preference=1)
    same = dt.date(2026, 1, 1)
    assert select_series([more, fewer], lambda r: same) is more
