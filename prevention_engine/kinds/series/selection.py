"""CDSi chapter 8: which of an item's alternative series describes the person best."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from ...context import Context
from .evaluation import (
    SeriesResult,
)
from .spec import (
    Series,
)


def ordinal(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


def series_admits(series: Series, ctx: Context, first: dt.date) -> bool:
    if series.start_min is not None and first < series.start_min.add_to(ctx.birth):
        return False
    return not (series.start_max is not None and first >= series.start_max.add_to(ctx.birth))


def _tie_break(r: SeriesResult) -> tuple[int, str]:
    return (r.series.preference, r.series.priority or "")


#: When a series can be finished (its open doses each given on their earliest date), or None
#: when it cannot (a dose would fall after its maximum age).
Finish = Callable[[SeriesResult], "dt.date | None"]
#: When a series' next dose can first be given, or None when no date anchors it (CDSi 7.5
#: leaves an earliest date with no minimum age, interval or earlier dose empty).
Start = Callable[[SeriesResult], "dt.date | None"]


def _score(pool: list[SeriesResult], complete: bool, bonus: dict[int, int] | None = None
           ) -> SeriesResult:
    """CDSi 8.4-8.5: points for a product series whose doses are all valid, the most valid
    doses and the fewest doses left, and (in process, Table 8-9, when the forecast is known)
    a series that can be completed and the one that can finish earliest; ties by
    preference."""
    most = max(r.valid_count for r in pool)
    least_left = min(len(r.series.doses) - r.next_index for r in pool)
    bonus = bonus or {}

    def points(r: SeriesResult) -> int:
        p = bonus.get(id(r), 0)
        all_valid = all(e.status == "valid" for e in r.evals)
        if r.series.product_path:
            p += (1 if complete else 2) if all_valid else (0 if complete else -2)
        p += (1 if complete else 2) if r.valid_count == most else (0 if complete else -2)
        if not complete:
            p += 2 if len(r.series.doses) - r.next_index == least_left else -2
        return p

    return min(pool, key=lambda r: (-points(r), *_tie_break(r)))


def _finish_points(pool: list[SeriesResult], finish: Finish) -> dict[int, int]:
    """CDSi Table 8-9: +3 / -3 for a series that can be completed, +1 for the one that can
    finish earliest (0 when several can), -1 for the others."""
    ends = {id(r): finish(r) for r in pool}
    done = [e for e in ends.values() if e is not None]
    first = min(done, default=None)
    tie = sum(1 for e in done if e == first) > 1
    return {
        k: -3 - 1 if e is None else 3 + ((0 if tie else 1) if e == first else -1)
        for k, e in ends.items()
    }


def _no_valid_points(pool: list[SeriesResult], start: Start, finish: Finish
                     ) -> SeriesResult:
    """CDSi 8.6, Table 8-11 (series with no valid dose, none of them the default): +1 for the
    one that can start earliest (0 when several can, -1 for the others and for a series with
    no start date, SELECTB-14), +1 / -1 for a series that can be completed (SELECTB-3), -1 /
    +1 for a product series; ties by preference."""
    starts = {id(r): start(r) for r in pool}
    dated = [d for d in starts.values() if d is not None]
    first = min(dated, default=None)
    tie = sum(1 for d in dated if d == first) > 1

    def points(r: SeriesResult) -> int:
        s = starts[id(r)]
        p = (0 if tie else 1) if s is not None and s == first else -1
        p += 1 if s is not None and finish(r) is not None else -1
        return p + (-1 if r.series.product_path else 1)

    return min(pool, key=lambda r: (-points(r), *_tie_break(r)))


def _aged_out(r: SeriesResult, ctx: Context) -> bool:
    if r.complete or r.next_index >= len(r.series.doses):
        return False
    mx = r.series.doses[r.next_index].ages_on(ctx.as_of).max
    return mx is not None and ctx.as_of >= mx.add_to(ctx.birth)


def select_across_groups(
    results: list[SeriesResult], ctx: Context, finish: Finish | None = None,
    start: Start | None = None,
) -> SeriesResult:
    """The best series of each series ``group``, then the best group (CDSi 8.8): a complete
    one, else one in process, else one that can still start; ties go to the first group.
    With a risk series among them, several series may be best at once (``_with_risk``)."""
    groups: dict[str, list[SeriesResult]] = {}
    for r in results:
        groups.setdefault(r.series.group or "", []).append(r)
    if len(groups) == 1:
        return select_series(results, finish, start)
    if any(r.series.type == "risk" for r in results):
        bests = {g: select_series(_top_priority(rs), finish, start)
                 for g, rs in groups.items()}
        return _with_risk(bests, ctx)
    bests = {g: select_series(rs, finish, start) for g, rs in groups.items()}
    return min(bests.values(), key=lambda r: _rank(r, ctx))


def _top_priority(results: list[SeriesResult]) -> list[SeriesResult]:
    """CDSi 8 pre-filter: within a series group, only the series of the highest priority
    (``A`` before ``B``) among those that apply compete."""
    top = min((r.series.priority or "") for r in results)
    return [r for r in results if (r.series.priority or "") == top]


def _rank(r: SeriesResult, ctx: Context) -> int:
    """CDSi 8.8 order of groups: complete, in process, can start now, aged out, and last a
    series that cannot start before a minimum age the person has not reached."""
    if r.complete:
        return 0
    if _aged_out(r, ctx):
        return 3
    if r.satisfied:
        return 1
    start = r.series.start_min
    return 4 if start is not None and ctx.as_of < start.add_to(ctx.birth) else 2


def _with_risk(bests: dict[str, SeriesResult], ctx: Context) -> SeriesResult:
    """CDSi 8.8 with risk series: a group is done when a group it names as equivalent is
    complete; between equivalent groups a risk series outranks a standard one; the groups
    left are all best series at once: the one still needing a dose leads, and a dose valid
    in any best series stays valid."""
    done = {g for g, r in bests.items() if r.complete}
    left = {
        g: r for g, r in bests.items() if r.complete or not (r.series.equivalent_groups & done)
    }
    risky = {g for g, r in left.items() if r.series.type == "risk" and not r.complete}

    def outranked(g: str, r: SeriesResult) -> bool:
        return r.series.type != "risk" and any(
            g in left[k].series.equivalent_groups or k in r.series.equivalent_groups
            for k in risky
        )

    kept = {g: r for g, r in left.items() if not outranked(g, r)} or left
    open_ = [r for r in kept.values() if not r.complete and not _aged_out(r, ctx)]
    lead = min(
        open_ or list(kept.values()),
        key=lambda r: (_rank(r, ctx), r.series.type != "risk"),  # the risk series first
    )
    return _merge_valid(lead, list(bests.values()))


def _merge_valid(lead: SeriesResult, others: list[SeriesResult]) -> SeriesResult:
    """``lead`` with each of its doses read as valid when another best series counts it."""
    valid = {
        e.dose.index: e for r in others if r is not lead for e in r.evals if e.status == "valid"
    }
    if not any(e.status != "valid" and e.dose.index in valid for e in lead.evals):
        return lead
    evals = [valid.get(e.dose.index, e) if e.status != "valid" else e for e in lead.evals]
    return dataclasses.replace(lead, evals=evals)


def select_series(
    results: list[SeriesResult],
    finish: Finish | None = None,
    start: Start | None = None,
) -> SeriesResult:
    """CDSi chapter 8: one complete series, else one in-process series, else the default
    series; several complete or in-process series are scored, and so are several series
    with no valid dose when none is the default (Table 8-11); ties go to ``preference``.
    An ``evaluation_only`` series is only chosen when it is complete."""
    usable = [r for r in results if r.series.type != "evaluation_only" or r.complete]
    results = usable or results
    complete = [r for r in results if r.complete]
    if complete:
        return complete[0] if len(complete) == 1 else _score(complete, True)
    in_process = [r for r in results if r.satisfied]
    if in_process:
        if len(in_process) == 1:
            return in_process[0]
        points = _finish_points(in_process, finish) if finish is not None else None
        return _score(in_process, False, points)
    defaults = [r for r in results if r.series.default]
    if not defaults and len(results) > 1 and start is not None and finish is not None:
        return _no_valid_points(results, start, finish)
    pool = defaults or results
    return min(pool, key=_tie_break)
