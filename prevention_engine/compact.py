"""Compact batch output: what differs per person on each line, fixed texts once in a catalogue.

A full agenda repeats, on every row, texts that are fixed per rule and calendar version (title,
source, review reason, domain, targets...). For a nightly run over millions of people the
compact output writes, per person, the row id, the calendar version, the status, the dose
number, the dates and whatever else differs; the fixed fields of a row go once per run to the
catalogue, keyed by row id and calendar version, the first time the row is met.

Compact line (the agenda's keys, with compact ``items``)::

    {"person_id": ..., "as_of": ..., "calendars": [...],
     "items": [{"id": "fr-vaccination/menb/2", "v": "2025.1", "status": "overdue", ...}],
     "notifications": [...], "warnings": [...]}

Catalogue line: ``{"id": "fr-vaccination/menb/2", "version": "2025.1", "fields": {...}}``;
its ``reason`` is the first person's, a reference text: a row's reason that ends like it
carries only its own beginning and ``"rs": n``, the number of characters taken from the end of
the catalogue's reason.

A row whose value differs from its catalogue entry carries that value on its own line (and
``"drop": [...]`` names a catalogue field the row does not have), so ``expand`` always gives
back the full agenda, byte for byte (``Agenda.to_json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from . import agenda_parts
from .agenda import AgendaItem
from .agenda_parts import Parts, Row

#: Row fields written for every person (never in the catalogue).
PER_PERSON = frozenset(agenda_parts.PER_PERSON)
#: The field order of a full row (the order of ``Agenda.to_json``).
ORDER = {name: i for i, name in enumerate(AgendaItem.model_fields)}

Key = tuple[str, str]


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def compact_row(
    row: dict[str, Any], catalogue: dict[Key, dict[str, Any]],
    new_entry: Callable[[Key, dict[str, Any]], None],
) -> dict[str, Any]:
    """The compact form of one full row; a row met for the first time enters the catalogue."""
    key = (row["id"], row["calendar"]["version"])
    fixed = {k: v for k, v in row.items() if k not in PER_PERSON}
    person = {k: v for k, v in row.items() if k in PER_PERSON and k != "id"}
    entry = _entry(key, fixed, row["reason"], catalogue, new_entry)
    return _compact(key, person, entry, _differences(fixed, entry))


def _entry(
    key: Key, fixed: dict[str, Any], reason: str, catalogue: dict[Key, dict[str, Any]],
    new_entry: Callable[[Key, dict[str, Any]], None],
) -> dict[str, Any]:
    """The catalogue entry of a row: its fixed fields and the first person's reason."""
    entry = catalogue.get(key)
    if entry is None:
        catalogue[key] = entry = {**fixed, "reason": reason}
        new_entry(key, entry)
    return entry


Differences = tuple[list[tuple[str, Any]], list[str]]


def _differences(fixed: dict[str, Any], entry: dict[str, Any]) -> Differences:
    """The fixed fields a row has other than its catalogue entry, and those it lacks."""
    changed = [(k, v) for k, v in fixed.items() if entry.get(k, _MISSING) != v]
    dropped = [k for k in entry if k not in fixed and k != "reason"]
    return changed, dropped


def _compact(
    key: Key, person: dict[str, Any], entry: dict[str, Any], differences: Differences
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": key[0], "v": key[1]}
    out.update(person)
    reason = person["reason"]
    shared = _common_suffix(reason, entry["reason"])
    if shared >= MIN_SHARED_REASON:
        out["reason"], out["rs"] = reason[:-shared], shared
    changed, dropped = differences
    out.update(changed)
    if dropped:
        out["drop"] = dropped
    return out


#: A reason shares its end with the catalogue's reason of its row when at least this many
#: characters are alike (the rule's own sentences); only the person's beginning is written.
MIN_SHARED_REASON = 16


def _common_suffix(a: str, b: str) -> int:
    """The length of the longest common end of ``a`` and ``b``, found by halving with string
    comparisons (a reason is a few hundred characters: a loop over them was most of the time
    of the compact output). Ends of one length alike means every shorter end alike too."""
    lo, hi = 0, min(len(a), len(b))  # ends of lo characters alike, of more than hi not
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


_MISSING = object()


def expand_row(row: dict[str, Any], catalogue: dict[Key, dict[str, Any]]) -> dict[str, Any]:
    """The full row of a compact one (``KeyError`` if its catalogue entry is missing)."""
    entry = catalogue[(row["id"], row["v"])]
    merged = dict(entry)
    for k in row.get("drop", ()):
        merged.pop(k, None)
    merged.update((k, v) for k, v in row.items() if k not in ("v", "drop", "rs"))
    if "rs" in row:
        merged["reason"] = row["reason"] + entry["reason"][-row["rs"]:]
    return dict(sorted(merged.items(), key=lambda kv: ORDER.get(kv[0], len(ORDER))))


class CompactWriter:
    """Writes agendas in the compact form, and the catalogue as it grows; the catalogue in
    memory holds one entry per row id and version (hundreds)."""

    def __init__(self, out: IO[str] | None, catalogue: IO[str]) -> None:
        self._out = out
        self._catalogue_file = catalogue
        self._catalogue: dict[Key, dict[str, Any]] = {}
        #: (id of a shared fixed mapping, row key) -> (that mapping, entry, differences)
        self._known: dict[tuple[int, Key], tuple[dict[str, Any], dict[str, Any],
                                                 Differences]] = {}

    def _new_entry(self, key: Key, fields: dict[str, Any]) -> None:
        line = {"id": key[0], "version": key[1], "fields": fields}
        self._catalogue_file.write(_dumps(line) + "\n")

    def compact(self, agenda: dict[str, Any]) -> dict[str, Any]:
        """The compact form of an agenda (its JSON as a dict); new rows enter the catalogue."""
        items = [compact_row(r, self._catalogue, self._new_entry) for r in agenda["items"]]
        return {**agenda, "items": items}

    def compact_parts(self, parts: Parts) -> dict[str, Any]:
        """The compact form of an agenda read by ``agenda_parts`` (the same as ``compact`` of
        its JSON); new rows enter the catalogue."""
        head, rows = parts
        return {"person_id": head["person_id"], "as_of": head["as_of"],
                "calendars": head["calendars"], "items": [self._row(r) for r in rows],
                "notifications": head["notifications"], "warnings": head["warnings"]}

    def enter(self, rows: list[Row]) -> None:
        """Enters the rows met for the first time into the catalogue (the Parquet output
        writes the rows itself)."""
        for key, fixed, person in rows:
            _entry(key, fixed, person["reason"], self._catalogue, self._new_entry)

    def _row(self, row: Row) -> dict[str, Any]:
        """A row's comparison with its entry is made once per shared fixed mapping (kept, so
        its id is not reused while known; the memory starts again past ``MAX_KNOWN``)."""
        key, fixed, person = row
        known = self._known.get((id(fixed), key))
        if known is None or known[0] is not fixed:
            entry = _entry(key, fixed, person["reason"], self._catalogue, self._new_entry)
            if len(self._known) >= MAX_KNOWN:
                self._known.clear()
            known = self._known[(id(fixed), key)] = (fixed, entry, _differences(fixed, entry))
        return _compact(key, person, known[1], known[2])

    def write(self, agenda: str | Parts) -> None:
        """Writes one agenda: its full JSON text, or its parts (``agenda_parts``)."""
        if self._out is None:
            raise ValueError("this writer keeps the catalogue only")
        if isinstance(agenda, str):  # a full agenda's JSON
            line = self.compact(json.loads(agenda))
        else:
            line = self.compact_parts(agenda)
        self._out.write(_dumps(line) + "\n")


#: Comparisons of shared fixed mappings kept by a writer at most.
MAX_KNOWN = 8192


def read_catalogue(lines: Iterable[str]) -> dict[Key, dict[str, Any]]:
    """The catalogue file's entries by (row id, calendar version)."""
    out: dict[Key, dict[str, Any]] = {}
    for line in lines:
        if line.strip():
            entry = json.loads(line)
            out[(entry["id"], entry["version"])] = entry["fields"]
    return out


def expand(lines: Iterable[str], catalogue: dict[Key, dict[str, Any]]) -> Iterator[str]:
    """The full agenda JSON (as ``Agenda.to_json`` writes it) of each compact line."""
    for line in lines:
        if not line.strip():
            continue
        agenda = json.loads(line)
        agenda["items"] = [expand_row(r, catalogue) for r in agenda["items"]]
        yield _dumps(agenda)
