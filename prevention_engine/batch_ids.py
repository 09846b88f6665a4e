"""Duplicate person ids of a batch run, counted exactly at any input size in bounded memory.

A nightly run reads tens of millions of lines: a set of the ids seen would grow by about
90 MB per million. The ids go instead to a temporary SQLite index on disk (standard library;
its page cache stays near 2 MB), deleted when the run ends. Adapter code: the engine never
sees it.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

#: Ids listed by name in the summary (all of them are counted).
MAX_LISTED = 1_000
#: Inserts per transaction (one transaction per record would write the disk each time).
BATCH = 10_000


class IdIndex:
    """The ids seen so far, and those seen more than once (counted, the first ones listed)."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="prevention-engine-ids-")
        self._db = sqlite3.connect(str(Path(self._dir.name) / "ids.sqlite"),
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE seen (id BLOB PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("CREATE TABLE twice (id BLOB PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("BEGIN")
        self._pending = 0
        #: distinct ids seen more than once, and the first ``MAX_LISTED`` of them by name
        self.duplicates = 0
        self.listed: list[str] = []

    def add(self, pid: str) -> None:
        # kept as bytes: an id with a lone surrogate (escaped "\ud800" in the JSON line) is not
        # UTF-8 text, which SQLite's TEXT needs; "surrogatepass" keeps every id distinct
        key = pid.encode("utf-8", "surrogatepass")
        new = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (key,)).rowcount
        if not new and self._db.execute("INSERT OR IGNORE INTO twice VALUES (?)",
                                        (key,)).rowcount:
            self.duplicates += 1  # the second sighting of this id; later ones add nothing
            if len(self.listed) < MAX_LISTED:
                self.listed.append(pid)
        self._pending += 1
        if self._pending >= BATCH:
            self._db.execute("COMMIT")
            self._db.execute("BEGIN")
            self._pending = 0

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()
