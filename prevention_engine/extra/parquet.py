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
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

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


class ParquetAgendaWriter:
    """``write(agenda_json)`` per agenda, ``close()`` once at the end (writes the footer)."""

    def __init__(self, out: IO[bytes], catalogue: IO[str]) -> None:
        self._writer = pq.ParquetWriter(out, SCHEMA, compression="zstd")
        self._catalogue = CompactWriter(None, catalogue)
        self._rows: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}

    def write(self, agenda_json: str) -> None:
        agenda = json.loads(agenda_json)
        self._catalogue.compact(agenda)  # enters new rows into the catalogue
        as_of = _date(agenda["as_of"])
        for row in agenda["items"]:
            cols = self._rows
            cols["person_id"].append(agenda["person_id"])
            cols["as_of"].append(as_of)
            cols["id"].append(row["id"])
            cols["version"].append(row["calendar"]["version"])
            cols["status"].append(row["status"])
            cols["dose"].append(row["dose"])
            for name in _DATES:
                cols[name].append(_date(row.get(name)))
            cols["reason"].append(row["reason"])
        if len(self._rows["id"]) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._rows["id"]:
            self._writer.write_table(pa.table(self._rows, schema=SCHEMA))
            self._rows = {name: [] for name in SCHEMA.names}

    def close(self) -> None:
        self._flush()
        self._writer.close()
