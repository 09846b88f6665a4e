"""CDSi chapter 8 scoring of in-process series (Table 8-9): the series that can be completed
and the one that can finish earliest gain points; without a forecast the old scoring holds.
With no valid dose and no default series, Table 8-11 (start earliest, completable, product)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

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


# CDSi 8.6, Table 8-11: several series with no valid dose and no default series.
def _unstarted(name: str, preference: int = 1, product: bool = False) -> SeriesResult:
    r = _result(name, 2, 0, preference)
    return replace(r, series=replace(r.series, product_path=product))


def test_with_no_valid_dose_the_series_that_can_start_earliest_wins() -> None:
    late = _unstarted("late", preference=1)
    early = _unstarted("early", preference=2)
    start = {"late": dt.date(1994, 4, 18), "early": dt.date(1992, 6, 18)}
    done = dt.date(2030, 1, 1)
    assert select_series([late, early], lambda r: done, lambda r: start[r.series.name]) is early
    # without the Table 8-11 points (no start callback), the preference decides
    assert select_series([late, early], lambda r: done) is late


def test_a_series_with_no_start_date_does_not_start_earliest() -> None:
    # a next dose with no minimum age, interval or earlier dose has no earliest date
    # (CDSi 7.5): it neither starts earliest nor can be shown to be completed
    undated = _unstarted("undated", preference=1)
    dated = _unstarted("dated", preference=2)
    start = {"undated": None, "dated": dt.date(1994, 4, 18)}
    done = dt.date(2030, 1, 1)
    assert select_series([undated, dated], lambda r: done,
                         lambda r: start[r.series.name]) is dated


def test_a_product_series_loses_a_point_and_the_default_series_is_not_scored() -> None:
    product = _unstarted("product", preference=1, product=True)
    plain = _unstarted("plain", preference=2)
    same = dt.date(2020, 3, 1)
    assert select_series([product, plain], lambda r: same, lambda r: same) is plain
    default = replace(product, series=replace(product.series, default=True))
    assert select_series([default, plain], lambda r: same, lambda r: same) is default


def test_a_series_not_startable_yet_does_not_outrank_an_aged_out_one() -> None:
    """Issue 14 / CDSi 8.8: between series groups, one whose minimum start age the person has
    not reached (an RSV 75+ series for a 28-year-old) ranks after an aged-out one (the infant
    series), never before it."""
    from prevention_engine.context import Context
    from prevention_engine.dates import parse_duration
    from prevention_engine.kinds.series.selection import select_across_groups
    from prevention_engine.profile import Profile

    ctx = Context(Profile.model_validate({"birth_date": "1997-05-20"}), dt.date(2025, 9, 30),
                  (), frozenset(), None, ())
    infant_td = replace(_td(1), ages=Ages(max=parse_duration("20 months")))
    infant = replace(_result("infant", 1, 0, preference=1), series=replace(
        _result("infant", 1, 0, 1).series, doses=(infant_td,), group="1", type="standard"))
    older = _result("older", 1, 0, preference=1)
    older = replace(older, series=replace(older.series, group="2", type="standard",
                                          start_min=parse_duration("75 years")))
    assert select_across_groups([older, infant], ctx).series.name == "infant"
    reachable = replace(older, series=replace(older.series, start_min=None))
    assert select_across_groups([reachable, infant], ctx).series.name == "older"
