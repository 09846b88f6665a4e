"""Item gates: a cheap test, read once from an item's ``applies_when``, that sets aside the
items which cannot concern a person before any predicate runs.

About nine in ten items of a profile return nothing, most because their ``applies_when`` is
false for an age, a sex or a pregnancy the profile settles at once. A gate keeps only what is
*necessary* for ``applies_when`` not to be false: an age window in whole days (each limit
widened to the shortest or longest a duration can be, whatever the birth date, so that a gate
never sets aside a person the predicate would keep), the sex and the pregnancy it requires.
Near a limit the gate lets the item through and the predicate decides, so the agenda is the
same with or without gates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .dates import Duration, parse_duration

#: no upper age limit, in days
NO_LIMIT = 1 << 40


def _month_spans(feb: int) -> tuple[list[int], list[int]]:
    """The fewest and the most days ``r`` consecutive months (r = 0..11) can hold."""
    lengths = [31, feb, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    sums = [[sum(lengths[(s + i) % 12] for i in range(r)) for s in range(12)] for r in range(12)]
    return [min(x) for x in sums], [max(x) for x in sums]


#: 29 February is counted apart (``most_days``)
_FEWEST, _MOST = _month_spans(28)


def fewest_days(d: Duration) -> int | None:
    """A lower bound of ``(d.add_to(b) - b).days`` over every birth date ``b`` (None: none).

    Months first (years are twelve months), then days: ``k`` years and ``r`` months hold at
    least ``365 k`` days plus the fewest of ``r`` consecutive months; a day missing from the
    month reached (31 April) moves to the 1st of the next month, at most 2 days earlier."""
    months = d.years * 12 + d.months
    if months < 0:
        return None
    k, r = divmod(months, 12)
    return 365 * k + _FEWEST[r] - (2 if months else 0) + d.days


def most_days(d: Duration) -> int | None:
    """An upper bound of ``(d.add_to(b) - b).days`` over every birth date ``b`` (None: none):
    the months spanned hold at most one 29 February in four years, counted generously."""
    months = d.years * 12 + d.months
    if months < 0:
        return None
    k, r = divmod(months, 12)
    return 365 * k + _MOST[r] + (k + 4) // 4 + d.days


@dataclass(frozen=True, slots=True)
class Gate:
    """What a person must be for an item's ``applies_when`` not to be false: an age in days
    within ``[lo, hi)``, ``pregnant`` (when not None) and ``sex`` (when not None, and when the
    profile says the sex: an unknown sex asks, it is never set aside)."""

    lo: int = 0
    hi: int = NO_LIMIT
    pregnant: bool | None = None
    sex: str | None = None

    def admits(self, age_days: int, pregnant: bool, sex: str | None) -> bool:
        return (
            self.lo <= age_days < self.hi
            and (self.pregnant is None or self.pregnant == pregnant)
            and (self.sex is None or sex is None or self.sex == sex)
        )


OPEN = Gate()


def gate_of(node: Any) -> Gate:
    """The gate of a predicate's YAML (as the loader validated it): ``all`` needs each of its
    parts, ``any`` at least one, ``if_unknown`` its test; anything else gates nothing."""
    if not isinstance(node, dict) or len(node) != 1:
        if isinstance(node, dict) and "if_unknown" in node:
            return gate_of(node.get("test"))
        return OPEN
    ((op, arg),) = node.items()
    if op in ("all", "any") and isinstance(arg, list) and arg:
        parts = [gate_of(x) for x in arg]
        return _both(parts) if op == "all" else _either(parts)
    if op == "age" and isinstance(arg, dict):
        return _ages(arg.get("min"), arg.get("max"))
    if op == "pregnant" and isinstance(arg, bool):
        return Gate(pregnant=arg)
    if op == "sex" and arg in ("female", "male"):
        return Gate(sex=arg)
    return OPEN


def _ages(lo: object, hi: object) -> Gate:
    low = fewest_days(parse_duration(lo)) if isinstance(lo, str) else None
    high = most_days(parse_duration(hi)) if isinstance(hi, str) else None
    return Gate(lo=max(low or 0, 0), hi=NO_LIMIT if high is None else high)


def _same(values: list[Any]) -> Any:
    """The one value all parts agree on, else None (no requirement)."""
    return values[0] if all(v == values[0] for v in values) else None


def _both(parts: list[Gate]) -> Gate:
    """Every part must hold: the narrowest window and each requirement (two that contradict
    each other are dropped: the predicate, false for everyone, decides)."""
    pregnant = {g.pregnant for g in parts} - {None}
    sex = {g.sex for g in parts} - {None}
    return Gate(
        lo=max(g.lo for g in parts),
        hi=min(g.hi for g in parts),
        pregnant=pregnant.pop() if len(pregnant) == 1 else None,
        sex=sex.pop() if len(sex) == 1 else None,
    )


def _either(parts: list[Gate]) -> Gate:
    """One part must hold: the widest window, and a requirement only when every part has it."""
    return Gate(
        lo=min(g.lo for g in parts),
        hi=max(g.hi for g in parts),
        pregnant=_same([g.pregnant for g in parts]),
        sex=_same([g.sex for g in parts]),
    )
