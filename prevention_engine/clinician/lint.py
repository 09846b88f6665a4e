"""Checks on valid rule files that the loader cannot make alone: rules that load but cannot
work as written, and the list of items a clinician must sign off.

Each finding is ``file:line: calendar@version: item: message`` (English, for rule authors):

- ``overlap``: two windows of a ``window`` item overlap (unless it is ``exclusive``, a
  procedure then counting for one window only), or two seasons of a campaign (or of a
  series) overlap with the same conditions (a person would get two rows for one need);
- ``unreachable``: a dose or window that no birth date can reach (its minimum age, or the
  minimum intervals since the earlier doses, fall after its maximum age; a start age range, a
  recurring age range or an ``age`` predicate range that is empty);
- ``order``: the ages of a dose or an interval out of order (``min`` after ``earliest_rec``,
  ``latest_rec`` before ``earliest_rec``, ``max`` not after ``min``): a dose recommended
  before it counts, or overdue before it is due;
- ``shadowed``: a dose recommended (``earliest_rec``) before the youngest age the item or
  its series applies to (``applies_when``): the item is not shown before that age, so the
  dose appears only from that age, already due or overdue (moving a dose's age below the
  item's silently changes nothing before it);
- ``empty``: a calendar version without rules (in force, it replaces the previous one by
  nothing);
- ``source``: an item source without a ``section`` (the house rule: title, URL and section;
  the loader already requires the title and URL, and a reason for ``review: needed``);
- ``vocabulary``: a target named in a predicate that is not in the target vocabulary;
- ``review``: a ``review_reason`` without ``review: needed`` (the doubt is written, yet the
  agenda does not flag the rule).

Between the versions of one calendar (``lint_versions``):

- ``gap``: days between the end of a version and the start of the next, when no version is
  in force (every agenda of those days lacks the calendar);
- ``changes``: an item added, removed or changed since the previous version (as ``diff``
  finds it) that the new version's ``changes:`` list does not name;
- ``calendar``: a calendar id a letter or two away from another one (``fr-vacination``): a
  typo makes a calendar of its own, whose versions never follow the other's.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..dates import parse_duration
from ..errors import InputError
from ..vocabulary import TARGETS
from .diff import diff, uncovered
from .render import CalendarFile

#: Ages are compared as dates after this birth date (CDSi date arithmetic, so "12 months" and
#: "1 year" compare equal).
BIRTH = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    calendar: str
    item: str
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.calendar}: {self.item}: {self.check}: " \
               f"{self.message}"


def _age(text: Any) -> dt.date | None:
    if not isinstance(text, str):
        return None
    try:
        return parse_duration(text).add_to(BIRTH)
    except InputError:
        return None


def _line(node: Any, key: str | None = None) -> int:
    lines = getattr(node, "key_lines", {})
    return int(lines.get(key, getattr(node, "line", 0)) if key else getattr(node, "line", 0))


def lint(cal: CalendarFile) -> list[Finding]:
    out: list[Finding] = []
    name = f"{cal.id}@{cal.version}"
    if not cal.data.get("items"):
        out.append(Finding(str(cal.file), _line(cal.data, "items"), name, "-", "empty",
                           "the calendar has no rules: in force, it replaces the previous "
                           "version by nothing"))
    for item in cal.data.get("items") or []:
        for line, check, message in _item_findings(item):
            out.append(Finding(str(cal.file), line, name, item["id"], check, message))
    return out


def lint_versions(files: list[CalendarFile]) -> list[Finding]:
    """The checks between consecutive versions of each calendar (``files`` in the order of
    ``calendar_files``: by id, then date in force)."""
    out: list[Finding] = []
    for a, b in itertools.pairwise(files):
        if a.id == b.id:
            out += _gap(a, b)
            out += _uncovered(a, b)
    ids = sorted({f.id for f in files})
    for f in files:
        near = difflib.get_close_matches(f.id, [i for i in ids if i != f.id], n=1, cutoff=0.9)
        if near:
            out.append(Finding(str(f.file), _line(f.data, "calendar"), f"{f.id}@{f.version}",
                               "-", "calendar", f"calendar id '{f.id}' is close to "
                               f"'{near[0]}': a different id makes a separate calendar"))
    return out


def _gap(a: CalendarFile, b: CalendarFile) -> list[Finding]:
    end, start = (a.data.get("in_force") or {}).get("to"), b.data["in_force"]["from"]
    if not isinstance(end, dt.date) or not isinstance(start, dt.date):
        return []
    first, last = end + dt.timedelta(days=1), start - dt.timedelta(days=1)
    if first > last:
        return []
    return [Finding(str(a.file), _line(a.data, "in_force"), f"{a.id}@{a.version}", "-", "gap",
                    f"no version is in force from {first} to {last} (agendas of those days "
                    f"lack this calendar): end {a.version} with to: {last} if {b.version} "
                    f"follows it")]


def _uncovered(a: CalendarFile, b: CalendarFile) -> list[Finding]:
    d = diff(a, b)
    how = {**{i: "added" for i, _ in d.added}, **{i: "removed" for i, _ in d.removed},
           **{i: "changed" for i in d.changed}}
    return [Finding(str(b.file), _line(b.data, "changes"), f"{b.id}@{b.version}", i, "changes",
                    f"the changes: list does not name `{i}` ({how[i]} since {a.version})")
            for i in uncovered(d)]


def _item_findings(item: dict[str, Any]) -> Iterator[tuple[int, str, str]]:
    yield from _sources(item)
    yield from _empty_ages(item)
    if "review_reason" in item and item.get("review") != "needed":
        yield _line(item, "review_reason"), "review", \
            "review_reason without 'review: needed': the rule is not flagged for review " \
            "(add review: needed, or remove the reason once the doubt is settled)"
    yield from _vocabulary(item)
    kind = item.get("kind", "series")
    if kind == "window":
        yield from _windows(item.get("windows") or [], bool(item.get("exclusive")))
    elif kind == "campaign":
        yield from _seasons(item.get("seasons") or [])
    elif kind == "recurring":
        start, stop = _age(item.get("start_age")), _age(item.get("stop_age"))
        if start and stop and start >= stop:
            yield _line(item, "stop_age"), "unreachable", "stop_age is not after start_age"
    elif kind == "series":
        for s in item.get("series") or []:
            yield from _series(s)
            yield from _shadowed(s, _youngest(item.get("applies_when")))
            yield from _seasons(s.get("seasons") or [])


def _empty_ages(node: Any) -> Iterator[tuple[int, str, str]]:
    """``age: {min: "12 years", max: "10 years"}`` in a predicate: nobody is ever that age."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("age", "gestational_age") and isinstance(v, dict):
                lo, hi = _age(v.get("min")), _age(v.get("max"))
                if lo and hi and lo >= hi:
                    yield _line(node, k), "unreachable", \
                        f"{k}: min {v.get('min')} is not below max {v.get('max')}"
            else:
                yield from _empty_ages(v)
    elif isinstance(node, list):
        for v in node:
            yield from _empty_ages(v)


#: (earlier, later, strictly): pairs of a dose's ages, or of an interval's, that must be in
#: this order (CDSi: absolute minimum <= minimum <= earliest recommended <= latest recommended).
_ORDER = (("abs_min", "min", False), ("min", "earliest_rec", False),
          ("earliest_rec", "latest_rec", False), ("min", "max", True),
          ("earliest_rec", "max", True))


def _order(spec: Any, what: str) -> Iterator[tuple[int, str, str]]:
    if not isinstance(spec, dict):
        return
    for a, b, strict in _ORDER:
        lo, hi = _age(spec.get(a)), _age(spec.get(b))
        if lo and hi and (lo >= hi if strict else lo > hi):
            yield _line(spec, b), "order", \
                f"{what}: {b} {spec.get(b)} is {'not after' if strict else 'before'} " \
                f"{a} {spec.get(a)}"


def _sources(item: dict[str, Any]) -> Iterator[tuple[int, str, str]]:
    src = item.get("source")
    if isinstance(src, dict) and not src.get("section"):
        yield _line(item, "source"), "source", "the source has no section"


def _targets_in(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("target", "immune_to", "contraindicated") and isinstance(v, str | list):
                yield from (v if isinstance(v, list) else [v])
            else:
                yield from _targets_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from _targets_in(v)


def _vocabulary(item: dict[str, Any]) -> Iterator[tuple[int, str, str]]:
    keys = ("applies_when", "mandatory", "contraindicated_when", "not_recommended_when",
            "exclusions", "precautions")
    for key in keys:
        for t in _targets_in(item.get(key)):
            if isinstance(t, str) and t not in TARGETS:
                yield _line(item, key), "vocabulary", f"target '{t}' is not in the vocabulary"


def _windows(windows: list[Any], exclusive: bool) -> Iterator[tuple[int, str, str]]:
    """Empty windows; overlapping ones unless the item says ``exclusive: true`` (a procedure
    then completes one window only, so official windows that overlap are counted apart)."""
    spans = []
    for w in windows:
        lo, hi = _age(w.get("from")), _age(w.get("to"))
        if lo and hi and lo >= hi:
            yield _line(w), "unreachable", f"window {w.get('id')}: 'to' is not after 'from'"
        elif lo and hi:
            spans.append((lo, hi, w))
    if exclusive:
        return
    spans.sort(key=lambda x: x[0])
    for (_, hi, a), (lo, _, b) in itertools.pairwise(spans):
        if lo < hi:
            yield _line(b), "overlap", f"windows {a.get('id')} and {b.get('id')} overlap"


def _seasons(seasons: list[Any]) -> Iterator[tuple[int, str, str]]:
    """Overlapping seasons with the same conditions (different departments or predicates are
    different people: not an overlap)."""
    for i, a in enumerate(seasons):
        for b in seasons[i + 1:]:
            same = all(a.get(k) == b.get(k) for k in ("applies_when", "departments"))
            if same and _dates_overlap(a, b):
                yield _line(b), "overlap", f"seasons {a.get('id')} and {b.get('id')} overlap"


def _dates_overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    days = [a.get("start"), b.get("start"), a.get("end"), b.get("end")]
    dates = [d for d in days if isinstance(d, dt.date)]
    if len(dates) < 4:
        return False
    return max(dates[0], dates[1]) <= min(dates[2], dates[3])


def _series(s: dict[str, Any]) -> Iterator[tuple[int, str, str]]:
    start = s.get("start_age")
    if isinstance(start, dict):
        lo, hi = _age(start.get("min")), _age(start.get("max"))
        if lo and hi and lo >= hi:
            yield _line(s, "start_age"), "unreachable", \
                f"series {s.get('name')}: start_age min is not below max"
    earliest = BIRTH  # the earliest age (as a date) the previous dose can be given
    for n, d in enumerate(s.get("doses") or [], 1):
        ages = d.get("ages") if isinstance(d.get("ages"), dict) else {}
        yield from _order(ages, f"series {s.get('name')} dose {n} ages")
        for iv in d.get("intervals") or []:
            yield from _order(iv, f"series {s.get('name')} dose {n} interval")
        floor = [x for x in (_age(ages.get("abs_min")), _age(ages.get("min"))) if x]
        reach = max([earliest, *floor[:1]])
        for iv in d.get("intervals") or []:
            gap = iv.get("abs_min") or iv.get("min")
            if iv.get("from", "previous") == "previous" and isinstance(gap, str) and n > 1:
                reach = max(reach, parse_duration(gap).add_to(earliest))
        limit = _age(ages.get("max"))
        if limit and reach >= limit:
            yield _line(d), "unreachable", (
                f"series {s.get('name')} dose {n}: its minimum age and intervals reach "
                f"{_years(reach)} but the dose ends at {ages.get('max')}")
        earliest = reach


def _youngest(pred: Any) -> tuple[dt.date, str] | None:
    """The youngest age a predicate can hold at (as a date after ``BIRTH``, and as written),
    when every way of meeting it has one: ``all`` takes the oldest of its parts, ``any`` the
    youngest of its branches (none if a branch has no age); other predicates say nothing
    about age. An ``if_unknown`` test keeps its age (an age is never unknown and a false part
    makes ``all`` false, so the fallback never lets a younger person in), and ``not`` an age
    below a maximum is that maximum: the bundled rules write both."""
    if not isinstance(pred, dict):
        return None
    ages: list[tuple[dt.date, str] | None] = []
    for key, v in pred.items():
        if key == "age" and isinstance(v, dict):
            day = _age(v.get("min"))
            ages.append((day, str(v["min"])) if day else None)
        elif key == "test" and "if_unknown" in pred:
            ages.append(_youngest(v))
        elif key == "not" and isinstance(v, dict) and set(v) == {"age"} \
                and isinstance(v["age"], dict) and set(v["age"]) == {"max"}:
            day = _age(v["age"]["max"])
            ages.append((day, str(v["age"]["max"])) if day else None)
        elif key == "all" and isinstance(v, list):
            ages += [_youngest(x) for x in v]
        elif key == "any" and isinstance(v, list):
            branch = [_youngest(x) for x in v]
            ages.append(min(b for b in branch if b) if branch and None not in branch else None)
    known = [a for a in ages if a]
    return max(known) if known else None


def _shadowed(
    s: dict[str, Any], item_min: tuple[dt.date, str] | None
) -> Iterator[tuple[int, str, str]]:
    youngest = max([a for a in (item_min, _youngest(s.get("applies_when"))) if a],
                   default=None)
    if youngest is None:
        return
    for n, d in enumerate(s.get("doses") or [], 1):
        ages = d.get("ages") if isinstance(d.get("ages"), dict) else {}
        rec = _age(ages.get("earliest_rec"))
        if rec and rec < youngest[0]:
            yield _line(ages, "earliest_rec"), "shadowed", (
                f"series {s.get('name')} dose {n}: earliest_rec {ages.get('earliest_rec')} is "
                f"before {youngest[1]}, the youngest age the item applies to "
                f"(applies_when): the dose appears only from then, already due or overdue")


def _years(day: dt.date) -> str:
    months = (day.year - BIRTH.year) * 12 + day.month - BIRTH.month
    return f"{months // 12} years {months % 12} months" if months % 12 else f"{months // 12} years"


def review_list(cal: CalendarFile) -> list[tuple[int, str, str, str]]:
    """(line, item id, title, reason) of every item marked ``review: needed``."""
    return [(_line(it), it["id"], str(it.get("title", "")), str(it.get("review_reason", "")))
            for it in cal.data.get("items") or [] if it.get("review") == "needed"]
