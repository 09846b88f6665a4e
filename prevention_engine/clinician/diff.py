"""``prevention-engine diff CAL@V1 CAL@V2``: what changed, item by item, between two versions of
a calendar, from the YAML as written (comments and layout do not count).

Each difference is a path to the value that changed (``series[standard].doses[2].ages.min``):
lists of mappings with an ``id`` or ``name`` are matched by it, other lists by position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .render import CalendarFile
from .text import value

#: Top-level keys describing the version itself, not its rules: a new version always changes
#: them, so they are not listed as differences.
VERSION_KEYS = frozenset({"version", "changes", "in_force", "source", "title"})
Change = tuple[str, Any, Any]  # (path, old value or None, new value or None)


@dataclass
class CalendarDiff:
    old: CalendarFile
    new: CalendarFile
    calendar: list[Change] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)      # (id, title)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: dict[str, list[Change]] = field(default_factory=dict)

    def new_named(self) -> set[str]:
        """The words of the new version's ``changes:`` list (an item is named by its id as a
        whole word, case included, best in backticks: `menb`)."""
        return set(re.findall(r"\w+", " ".join(str(c) for c in self.new.data.get("changes")
                                                 or [])))

    def item_ids(self) -> set[str]:
        """Every item added, removed or changed."""
        return {i for i, _ in self.added} | {i for i, _ in self.removed} | set(self.changed)


def _key(entry: Any, index: int) -> str:
    if isinstance(entry, dict):
        for k in ("id", "name", "label"):
            if isinstance(entry.get(k), str | int):
                return str(entry[k])
    return str(index + 1)


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    if not items or not all(isinstance(x, dict) for x in items):
        return None
    keyed = {_key(x, i): x for i, x in enumerate(items)}
    return keyed if len(keyed) == len(items) else None


def changes(old: Any, new: Any, path: str = "") -> Iterator[Change]:
    """The leaf differences between two YAML values."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for k in list(old) + [k for k in new if k not in old]:
            yield from changes(old.get(k), new.get(k), f"{path}.{k}" if path else str(k))
        return
    if isinstance(old, list) and isinstance(new, list):
        a, b = _keyed(old), _keyed(new)
        if a is not None and b is not None:
            for k in list(a) + [k for k in b if k not in a]:
                yield from changes(a.get(k), b.get(k), f"{path}[{k}]")
            return
        if all(isinstance(x, dict) for x in old + new) and len(old) == len(new):
            for i, (x, y) in enumerate(zip(old, new, strict=True)):
                yield from changes(x, y, f"{path}[{i + 1}]")
            return
    yield (path, old, new)


def diff(old: CalendarFile, new: CalendarFile) -> CalendarDiff:
    out = CalendarDiff(old, new)
    a = {k: v for k, v in old.data.items() if k not in VERSION_KEYS | {"items"}}
    b = {k: v for k, v in new.data.items() if k not in VERSION_KEYS | {"items"}}
    out.calendar = list(changes(a, b))
    old_items = {it["id"]: it for it in old.data.get("items") or []}
    new_items = {it["id"]: it for it in new.data.get("items") or []}
    out.added = [(i, str(it.get("title", ""))) for i, it in new_items.items()
                 if i not in old_items]
    out.removed = [(i, str(it.get("title", ""))) for i, it in old_items.items()
                   if i not in new_items]
    for i, it in new_items.items():
        if i in old_items:
            found = list(changes(old_items[i], it))
            if found:
                out.changed[i] = found
    return out


#: Values that are keywords of the rule format, said as the calendar documents say them.
KEYWORDS = {("latest_rec", "never"): "sans date de retard", ("review", "needed"): "à revoir"}


def _short(v: Any, path: str = "", limit: int = 160) -> str:
    word = KEYWORDS.get((path.rsplit(".", 1)[-1], v)) if isinstance(v, str) else None
    text = "(absent)" if v is None else word or value(v)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_text(d: CalendarDiff) -> str:
    """The differences for a reader (French, one line per changed value)."""
    lines = [f"{d.old.id} {d.old.version} → {d.new.version} "
             f"({len(d.added)} ajoutées, {len(d.removed)} retirées, {len(d.changed)} modifiées)"]
    if d.calendar:
        lines.append("Calendrier :")
        lines += [f"  {p} : {_short(a, p)} → {_short(b, p)}" for p, a, b in d.calendar]
    for title, rows, sign in (("Règles ajoutées", d.added, "+"),
                              ("Règles retirées", d.removed, "-")):
        if rows:
            lines.append(f"{title} :")
            lines += [f"  {sign} {i} — {t}" for i, t in rows]
    if d.changed:
        lines.append("Règles modifiées :")
        titles = {it["id"]: it.get("title", "") for it in d.new.data.get("items") or []}
        for i, found in d.changed.items():
            lines.append(f"  ~ {i} — {titles.get(i, '')}")
            lines += [f"      {p} : {_short(a, p)} → {_short(b, p)}" for p, a, b in found]
    return "\n".join(lines) + "\n"


def uncovered(d: CalendarDiff) -> list[str]:
    """Items added, removed or changed that the new version's ``changes:`` does not name (an
    item is named by its id as a whole word, case included, best in backticks: `menb`)."""
    named = d.new_named()
    return sorted(i for i in d.item_ids() if i not in named)
