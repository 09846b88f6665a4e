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


#: ``json.dumps(data, ensure_ascii=False, separators=(",", ":"))`` without building an encoder
#: per call (a compact line is written from many small pieces).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


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


def _common_suffix(a: str, b: str, hints: Iterable[int] = ()) -> int:
    """The length of the longest common end of ``a`` and ``b``, found by halving with string
    comparisons (a reason is a few hundred characters: a loop over them was most of the time
    of the compact output). Ends of one length alike means every shorter end alike too.
    ``hints``, the answers for the row's last reasons, are tried first: people's reasons for
    one row differ in a beginning of a few lengths (over the benchmark population the last
    four answers hold the next one more than 9 times in 10)."""
    la, lb = len(a), len(b)
    shortest = min(la, lb)
    for hint in hints:
        if 0 < hint <= shortest and a[la - hint:] == b[lb - hint:] and (
                hint == shortest or a[la - hint - 1] != b[lb - hint - 1]):
            return hint
    lo, hi = 0, shortest  # ends of lo characters alike, of more than hi not
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


#: A row made ready for its compact line in a batch worker: its key, its fixed fields' JSON
#: text (to find or make its catalogue entry), the JSON text before its reason, the reason, the
#: text after it.
PreparedRow = tuple[Key, str, str, str, str]
#: An agenda made ready: the JSON text of its line before the rows, the rows, the text after.
Prepared = tuple[str, list[PreparedRow], str]
#: The per-person fields written before the reason (``agenda_parts`` gives them in this order).
_BEFORE = ("dose", "status", "earliest_date", "recommended_date", "past_due_date", "latest_date")


def prepare(parts: Parts) -> Prepared:
    """All of an agenda's compact line that does not depend on the catalogue, as JSON text:
    a batch worker writes it, and the parent, which alone keeps the catalogue (in input order,
    so the output does not depend on the workers), only compares each reason with its entry's
    and joins the texts. ``CompactWriter.write`` then gives the line ``compact`` gives."""
    head, rows = parts
    start = _dumps({k: head[k] for k in ("person_id", "as_of", "calendars")})[:-1]
    end = _dumps({k: head[k] for k in ("notifications", "warnings")})[1:]
    return start + ',"items":[', [_prepare_row(r) for r in rows], "]," + end


def _prepare_row(row: Row) -> PreparedRow:
    key, _, fixed, person = row
    before = _dumps({"id": key[0], "v": key[1], **{k: person[k] for k in _BEFORE}})[:-1]
    after = {k: v for k, v in person.items() if k not in _BEFORE and k != "reason"}
    return key, fixed, before, person["reason"], "," + _dumps(after)[1:-1] if after else ""


#: What a writer knows of a row's fixed fields: its entry, and the JSON text of how they
#: differ from it.
_Known = tuple[dict[str, Any], str]


class CompactWriter:
    """Writes agendas in the compact form, and the catalogue as it grows; the catalogue in
    memory holds one entry per row id and version (hundreds)."""

    def __init__(self, out: IO[str] | None, catalogue: IO[str]) -> None:
        self._out = out
        self._catalogue_file = catalogue
        self._catalogue: dict[Key, dict[str, Any]] = {}
        self._known: dict[tuple[Key, str], _Known] = {}
        #: the common ends of each row's last reasons with its entry's, the latest first
        #: (``_common_suffix``; at most ``HINTS``)
        self._shared: dict[Key, list[int]] = {}

    def _new_entry(self, key: Key, fields: dict[str, Any]) -> None:
        line = {"id": key[0], "version": key[1], "fields": fields}
        self._catalogue_file.write(_dumps(line) + "\n")

    def compact(self, agenda: dict[str, Any]) -> dict[str, Any]:
        """The compact form of an agenda (its JSON as a dict); new rows enter the catalogue."""
        items = [compact_row(r, self._catalogue, self._new_entry) for r in agenda["items"]]
        return {**agenda, "items": items}

    def enter(self, rows: list[Row]) -> None:
        """Enters the rows met for the first time into the catalogue (the Parquet output
        writes the rows itself)."""
        for key, fixed, _, person in rows:
            _entry(key, fixed, person["reason"], self._catalogue, self._new_entry)

    def _known_of(self, key: Key, fixed_text: str, reason: str) -> _Known:
        """A row's entry and how its fixed fields differ from it, found once per row and
        fixed fields (the memory starts again past ``MAX_KNOWN``)."""
        known = self._known.get((key, fixed_text))
        if known is None:
            fixed = json.loads(fixed_text)
            entry = _entry(key, fixed, reason, self._catalogue, self._new_entry)
            changed, dropped = _differences(fixed, entry)
            tail = ("," + _dumps(dict(changed))[1:-1] if changed else "") + (
                ',"drop":' + _dumps(dropped) if dropped else "")
            if len(self._known) >= MAX_KNOWN:
                self._known.clear()
            known = self._known[(key, fixed_text)] = (entry, tail)
        return known

    def _row_text(self, row: PreparedRow) -> str:
        """A row's compact JSON (``_compact`` of its full row, written)."""
        key, fixed, before, reason, after = row
        entry, tail = self._known_of(key, fixed, reason)
        shared = self._common_end(key, reason, entry["reason"])
        if shared >= MIN_SHARED_REASON:
            return f'{before},"reason":{_dumps(reason[:-shared])}{after},"rs":{shared}{tail}}}'
        return f'{before},"reason":{_dumps(reason)}{after}{tail}}}'

    def _common_end(self, key: Key, reason: str, reference: str) -> int:
        hints = self._shared.setdefault(key, [])
        shared = _common_suffix(reason, reference, hints)
        if not hints or hints[0] != shared:
            if shared in hints:
                hints.remove(shared)
            hints.insert(0, shared)
            del hints[HINTS:]
        return shared

    def write(self, agenda: str | Prepared) -> None:
        """Writes one agenda: its full JSON text, or its pieces made ready by ``prepare``."""
        if self._out is None:
            raise ValueError("this writer keeps the catalogue only")
        if isinstance(agenda, str):  # a full agenda's JSON
            self._out.write(_dumps(self.compact(json.loads(agenda))) + "\n")
            return
        start, rows, end = agenda
        self._out.write(start + ",".join([self._row_text(r) for r in rows]) + end + "\n")


#: Common reason ends remembered per row (``CompactWriter._common_end``).
HINTS = 4
#: Comparisons of fixed fields with their entries kept by a writer at most (one per row id and
#: distinct fixed fields: a few hundred; each key holds the fields' text, about 2 KB).
MAX_KNOWN = 2048


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
