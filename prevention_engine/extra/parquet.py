"""Parquet batch output for the data platform (extra ``[parquet]``: ``pyarrow``).

One table row per agenda row: the person, the assessment date, the row id and calendar version,
status, dose, dates and the reason (Parquet's dictionary encoding and compression take care of
its repetitions). Texts fixed per rule and version (title, source, review reason...) go, as for
``--output compact``, once to the catalogue (``prevention_engine.compact``). Rows are written
in row groups of ``ROW_GROUP`` rows, so memory stays bounded. A person whose agenda has no row
has no line in the table.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..agenda_parts import Parts
from ..compact import CompactWriter

#: Agenda rows buffered before a row group is written.
ROW_GROUP = 50_000
_DATES = ("earliest_date", "recommended_date", "past_due_date", "latest_date", "completed_date")

SCHEMA = pa.schema([
    ("person_id", pa.string()), ("as_of", pa.date32()), ("id", pa.string()),
    ("version", pa.string()), ("status", pa.string()), ("dose", pa.int32()),
    *((name, pa.date32()) for name in _DATES), ("reason", pa.string()),
])


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def append_parts(cols: dict[str, list[Any]], parts: Parts) -> None:
    """Appends the table rows of one agenda read by ``agenda_parts`` to ``cols``."""
    head, rows = parts
    append_rows(cols, head["person_id"], head["as_of"], ((k, p) for k, _, _, p in rows))


def append_rows(cols: dict[str, list[Any]], person_id: str | None, as_of_text: str,
                rows: Iterable[tuple[tuple[str, str], dict[str, Any]]]) -> None:
    """Appends the table rows of one person to ``cols`` (``SCHEMA``'s columns): each row's
    key (row id, calendar version) and its per-person fields, in their JSON form."""
    as_of = _date(as_of_text)
    for (row_id, version), fields in rows:
        cols["person_id"].append(person_id)
        cols["as_of"].append(as_of)
        cols["id"].append(row_id)
        cols["version"].append(version)
        cols["status"].append(fields["status"])
        cols["dose"].append(fields["dose"])
        for name in _DATES:
            cols[name].append(_date(fields.get(name)))
        cols["reason"].append(fields["reason"])


class ParquetAgendaWriter:
    """``write(agenda)`` per agenda, ``close()`` once at the end (writes the footer)."""

    def __init__(self, out: IO[bytes], catalogue: IO[str]) -> None:
        self._writer = pq.ParquetWriter(out, SCHEMA, compression="zstd")
        self._catalogue = CompactWriter(None, catalogue)
        self._rows: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}

    def write(self, agenda: str | Parts) -> None:
        """One agenda: its full JSON text, or its parts (``agenda_parts``, as the batch
        gives them)."""
        if isinstance(agenda, str):
            data = json.loads(agenda)
            self._catalogue.compact(data)  # enters new rows into the catalogue
            append_rows(self._rows, data["person_id"], data["as_of"],
                        (((r["id"], r["calendar"]["version"]), r) for r in data["items"]))
        else:
            self._catalogue.enter(agenda[1])
            append_parts(self._rows, agenda)
        if len(self._rows["id"]) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._rows["id"]:
            self._writer.write_table(pa.table(self._rows, schema=SCHEMA))
            self._rows = {name: [] for name in SCHEMA.names}

    def close(self) -> None:
        self._flush()
        self._writer.close()
