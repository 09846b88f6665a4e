"""An independent oracle: our eligibility predicates re-expressed as durable-rules rulesets.

durable-rules is not the core (DESIGN.md section 11: slower, global host, fragile), but as a
second implementation it checks that the predicate compiler says what the YAML says. Only
predicates built from sex, age, birth date, conditions, pregnancy and residence are
translated; an item using anything else is left out (``translated`` lists what was kept).
Install with ``pip install '.[oracle]'``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from typing import Any

from ..calendar.model import Calendar, Item
from ..dates import Duration, parse_duration
from ..profile import Profile
from ..vocabulary import CONDITIONS

_COUNTER = itertools.count()


class Untranslatable(Exception):
    """The predicate uses a fact the oracle's fact model does not carry."""


def _latest_birth(age: Duration, as_of: dt.date) -> int:
    """The latest birth date (ordinal) whose person has reached ``age`` on ``as_of``."""
    lo, hi = as_of.toordinal() - 366 * (age.years + 2) - 31 * (age.months + 2) - abs(age.days) \
        - 10, as_of.toordinal()
    while lo < hi:  # binary search: add(b, age) <= as_of is monotone in b
        mid = (lo + hi + 1) // 2
        if age.add_to(dt.date.fromordinal(mid)) <= as_of:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _translate(node: Any, as_of: dt.date, negate: bool = False) -> Any:
    from durable.lang import m

    def both(a: Any, b: Any) -> Any:
        return a & b

    def either(a: Any, b: Any) -> Any:
        return a | b

    def fold(parts: list[Any], conj: bool) -> Any:
        op: Callable[[Any, Any], Any] = both if conj else either
        out = parts[0]
        for p in parts[1:]:
            out = op(out, p)
        return out

    if isinstance(node, bool):
        raise Untranslatable("constant")
    if not isinstance(node, dict) or len(node) != 1:
        raise Untranslatable(str(node))
    ((op, arg),) = node.items()
    if op in ("all", "any"):
        parts = [_translate(x, as_of, negate) for x in arg]
        return fold(parts, (op == "all") != negate)
    if op == "not":
        return _translate(arg, as_of, not negate)
    if op == "sex":
        return (m.sex != arg) if negate else (m.sex == arg)
    if op == "condition":
        names = [c for c in ([arg] if isinstance(arg, str) else arg) if c in CONDITIONS]
        parts = [(getattr(m, "c_" + c) == 0) if negate else (getattr(m, "c_" + c) == 1)
                 for c in names]
        return fold(parts, negate)
    if op == "pregnant":
        want = 1 if arg else 0
        return (m.pregnant != want) if negate else (m.pregnant == want)
    if op in ("age", "born"):
        parts = []
        if op == "age":
            if arg.get("min"):  # age >= min  <=>  birth <= latest birth for min
                t = _latest_birth(parse_duration(arg["min"]), as_of)
                parts.append((m.birth > t) if negate else (m.birth <= t))
            if arg.get("max"):  # age < max  <=>  birth > latest birth for max
                t = _latest_birth(parse_duration(arg["max"]), as_of)
                parts.append((m.birth <= t) if negate else (m.birth > t))
        else:
            if arg.get("from"):
                t = _as_date(arg["from"]).toordinal()
                parts.append((m.birth < t) if negate else (m.birth >= t))
            if arg.get("to"):
                t = _as_date(arg["to"]).toordinal()
                parts.append((m.birth > t) if negate else (m.birth <= t))
        if not parts:
            raise Untranslatable(op)
        return fold(parts, not negate)
    raise Untranslatable(op)


def _as_date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def facts(profile: Profile, as_of: dt.date) -> dict[str, Any]:
    """The flat fact a durable-rules ruleset sees for one profile."""
    active = profile.condition_names(as_of)
    fact: dict[str, Any] = {
        "pid": profile.id or "",
        "sex": profile.sex or "unknown",
        "birth": profile.birth_date.toordinal(),
        "pregnant": 1 if profile.current_pregnancy(as_of) is not None else 0,
    }
    for c in CONDITIONS:
        fact["c_" + c] = 1 if c in active else 0
    return fact


class DurableOracle:
    """durable-rules rulesets for the translatable ``applies_when`` of some calendars."""

    def __init__(self, calendars: Iterable[Calendar], as_of: dt.date) -> None:
        from durable.lang import ruleset, when_all

        self.as_of = as_of
        self.translated: list[tuple[str, str]] = []  # (ruleset name, item id)
        self.skipped: list[str] = []
        self._hits: set[str] = set()
        for cal in calendars:
            for item in cal.items:
                if item.applies_when_src is None:
                    continue
                try:
                    expr = _translate(item.applies_when_src, as_of)
                except Untranslatable:
                    self.skipped.append(item.id)
                    continue
                name = f"pe_{next(_COUNTER)}_{item.id}"
                with ruleset(name):
                    when_all(expr)(self._recorder(name))
                self.translated.append((name, item.id))

    def _recorder(self, name: str) -> Callable[[Any], None]:
        def record(c: Any) -> None:
            self._hits.add(name)

        return record

    def eligible(self, profile: Profile) -> set[str]:
        """Item ids whose ``applies_when`` durable-rules finds true for ``profile``."""
        from durable.engine import MessageNotHandledException
        from durable.lang import post

        fact = facts(profile, self.as_of)
        self._hits.clear()
        for name, _ in self.translated:
            with contextlib.suppress(MessageNotHandledException):  # no rule matched
                post(name, dict(fact))
        return {item for name, item in self.translated if name in self._hits}


def our_eligibility(items: Iterable[Item[object]], profile: Profile, as_of: dt.date,
                    calendar: Calendar) -> dict[str, bool | None]:
    """The compiled predicates' answer for the same items (None when a fact is missing)."""
    from ..context import Context

    ctx = Context(profile=profile, as_of=as_of, doses=(),
                  conditions=profile.condition_names(as_of),
                  pregnancy=profile.current_pregnancy(as_of), procedures=(),
                  risk_groups=calendar.risk_groups)
    out: dict[str, bool | None] = {}
    for item in items:
        if item.applies_when is not None:
            out[item.id] = item.applies_when(ctx)[0]
    return out
