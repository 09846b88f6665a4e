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

from .agenda import AgendaItem

#: Row fields written for every person (never in the catalogue).
PER_PERSON = frozenset({
    "id", "status", "dose", "earliest_date", "recommended_date", "past_due_date", "latest_date",
    "completed_date", "occurrence", "reason", "missing_data", "score", "trace",
})
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
    entry = catalogue.get(key)
    if entry is None:
        catalogue[key] = entry = {**fixed, "reason": row["reason"]}
        new_entry(key, entry)
    out: dict[str, Any] = {"id": key[0], "v": key[1]}
    out.update((k, v) for k, v in row.items() if k in PER_PERSON and k != "id")
    shared = _common_suffix(row["reason"], entry["reason"])
    if shared >= MIN_SHARED_REASON:
        out["reason"], out["rs"] = row["reason"][:-shared], shared
    out.update((k, v) for k, v in fixed.items() if entry.get(k, _MISSING) != v)
    dropped = [k for k in entry if k not in fixed and k != "reason"]
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
    """Writes agendas (their full JSON text) in the compact form, and the catalogue as it
    grows; the catalogue in memory holds one entry per row id and version (hundreds)."""

    def __init__(self, out: IO[str] | None, catalogue: IO[str]) -> None:
        self._out = out
        self._catalogue_file = catalogue
        self._catalogue: dict[Key, dict[str, Any]] = {}

    def _new_entry(self, key: Key, fields: dict[str, Any]) -> None:
        line = {"id": key[0], "version": key[1], "fields": fields}
        self._catalogue_file.write(_dumps(line) + "\n")

    def compact(self, agenda: dict[str, Any]) -> dict[str, Any]:
        """The compact form of an agenda (its JSON as a dict); new rows enter the catalogue."""
        items = [compact_row(r, self._catalogue, self._new_entry) for r in agenda["items"]]
        return {**agenda, "items": items}

    def write(self, agenda_json: str) -> None:
        if self._out is None:
            raise ValueError("this writer keeps the catalogue only")
        self._out.write(_dumps(self.compact(json.loads(agenda_json))) + "\n")


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
