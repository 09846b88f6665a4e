"""JSONL batch: one agenda per input line, bad lines to a rejects file, never a lost record.

Guarantee: lines read = agendas written + records rejected. Workers are separate processes,
each with its own compiled ``Engine``; output order follows input order.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .engine import Engine
from .errors import InputError, PreventionError
from .jsonin import loads
from .profile import Profile

#: The longest input line accepted (4 MiB, newline excluded): a profile is a few kilobytes; a line
#: beyond this is rejected without being loaded into memory.
MAX_LINE_BYTES = 4 * 1024 * 1024
#: The most worker processes ``--workers`` accepts.
MAX_WORKERS = 64
#: Lines handed to a worker at once, and chunks in flight per worker: what bounds memory.
CHUNK = 64
IN_FLIGHT_PER_WORKER = 2
#: Duplicate ids are looked for among this many first records (bounded memory); the summary
#: says so when the input is longer.
MAX_IDS_TRACKED = 1_000_000


@dataclass(frozen=True, slots=True)
class BatchSummary:
    read: int
    written: int
    rejected: int
    duplicate_ids: tuple[str, ...] = ()
    ids_checked: int = 0

    def warnings(self) -> list[str]:
        """Lines for stderr (English: for the operator), empty when all is well."""
        if not self.duplicate_ids:
            return []
        shown = ", ".join(repr(i) for i in self.duplicate_ids[:5])
        more = "" if len(self.duplicate_ids) <= 5 else f" and {len(self.duplicate_ids) - 5} more"
        scope = (f" (among the first {self.ids_checked} records)"
                 if self.ids_checked < self.read else "")
        return [f"warning: {len(self.duplicate_ids)} id(s) appear more than once{scope}: "
                f"{shown}{more}; their notifications share keys"]


Result = tuple[bool, str, str | None]  # (agenda written?, JSON text, person id)


def _evaluate_line(
    engine: Engine, line_no: int, line: str | None, as_of: dt.date
) -> Result:
    pid: Any = None
    try:
        if line is None:
            raise PreventionError("the line is not UTF-8 text")
        if line == _TOO_LONG:
            raise PreventionError(f"the line is longer than {MAX_LINE_BYTES} bytes")
        raw = loads(line)
        if isinstance(raw, dict):
            pid = raw.get("id")
        profile = Profile.model_validate(raw)
        agenda = engine.evaluate(profile, as_of)
        return True, agenda.to_json(), profile.id
    except (PreventionError, ValueError, OverflowError, RecursionError) as exc:
        # One bad record is reported and the run goes on (count in = out + rejected).
        pid = pid if isinstance(pid, str) else None
        reject = {"line": line_no, "id": pid, "error": str(exc)}
        return False, json.dumps(reject, ensure_ascii=False), pid


_WORKER_ENGINE: Engine | None = None


def _init_worker(paths: list[str] | None) -> None:
    global _WORKER_ENGINE
    _WORKER_ENGINE = Engine.from_paths(paths) if paths else Engine.default()


def _work(args: tuple[list[tuple[int, str | None]], dt.date]) -> list[Result]:
    if _WORKER_ENGINE is None:
        raise RuntimeError("the batch worker was started without its engine")
    chunk, as_of = args
    return [_evaluate_line(_WORKER_ENGINE, n, line, as_of) for n, line in chunk]


#: Stands for a line longer than ``MAX_LINE_BYTES`` (its text is never kept).
_TOO_LONG = "\x00<line too long>"


def _stream_lines(stream: IO[bytes]) -> Iterator[bytes | str]:
    """Lines of a binary stream, reading at most ``MAX_LINE_BYTES`` + 1 bytes of any line."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 2)
        if not line:
            return
        if len(line.rstrip(b"\r\n")) > MAX_LINE_BYTES:
            while line and not line.endswith(b"\n"):  # skip the rest of the line
                line = stream.readline(MAX_LINE_BYTES)
            yield _TOO_LONG
        else:
            yield line


def _numbered(lines: Iterable[str | bytes]) -> Iterator[tuple[int, str | None]]:
    """Non-blank lines with their numbers; bytes are decoded line by line (None if not UTF-8),
    so one damaged line is rejected instead of stopping the run. A leading BOM is dropped.
    Only spaces, tabs and line ends make a blank line: control characters are a record (and
    rejected), never silently dropped."""
    for n, raw in enumerate(lines, start=1):
        line: str | None
        if raw == _TOO_LONG or len(raw) > MAX_LINE_BYTES + 2:
            yield n, _TOO_LONG
            continue
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield n, None
                continue
        else:
            line = raw
        if n == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if line.strip(" \t\r\n"):
            yield n, line


def _chunks(items: Iterator[tuple[int, str | None]]) -> Iterator[list[tuple[int, str | None]]]:
    chunk: list[tuple[int, str | None]] = []
    for x in items:
        chunk.append(x)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parallel(
    lines: Iterator[tuple[int, str | None]], as_of: dt.date, workers: int,
    rule_paths: list[str] | None,
) -> Iterator[Result]:
    """Results in input order, with at most ``workers * IN_FLIGHT_PER_WORKER`` chunks submitted
    and not yet written: memory stays flat whatever the input size."""
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(rule_paths,)) as pool:
        pending: deque[Future[list[Result]]] = deque()
        for chunk in _chunks(lines):
            pending.append(pool.submit(_work, (chunk, as_of)))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def run_batch(
    infile: Iterable[str] | Iterable[bytes] | IO[str] | IO[bytes],
    out: IO[str],
    rejects: IO[str],
    as_of: dt.date,
    *,
    engine: Engine | None = None,
    workers: int = 1,
    rule_paths: list[str] | None = None,
    progress: bool = False,
) -> BatchSummary:
    """Evaluate every JSONL line of ``infile``; write agendas to ``out``, rejects to ``rejects``."""
    read = written = rejected = 0
    seen: set[str] = set()
    dups: dict[str, None] = {}
    if not 1 <= workers <= MAX_WORKERS:
        raise InputError(f"workers must be between 1 and {MAX_WORKERS}, not {workers}")
    source: Iterable[str | bytes]
    if hasattr(infile, "readline") and not isinstance(infile, io.TextIOBase):
        source = _stream_lines(infile)  # type: ignore[arg-type]
    else:
        source = infile
    lines = _numbered(source)
    if workers == 1:
        eng = engine or (Engine.from_paths(rule_paths) if rule_paths else Engine.default())
        results: Iterator[Result] = (_evaluate_line(eng, n, line, as_of) for n, line in lines)
    else:
        results = _parallel(lines, as_of, workers, rule_paths)
    for ok, text, pid in results:
        read += 1
        if ok:
            out.write(text + "\n")
            written += 1
        else:
            rejects.write(text + "\n")
            rejected += 1
        if pid is not None and read <= MAX_IDS_TRACKED:
            if pid in seen:
                dups[pid] = None
            seen.add(pid)
        if progress and read % 1000 == 0:
            print(f"\r{read} read", end="", file=sys.stderr, flush=True)
    if progress:
        print("", file=sys.stderr)
    return BatchSummary(read, written, rejected, tuple(dups), min(read, MAX_IDS_TRACKED))


def _same_file(a: Path, b: Path) -> bool:
    """Same file by identity (device and inode): catches hard links and symlinks too."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _check_paths(inpath: Path | None, outpath: Path, rejpath: Path) -> None:
    if inpath is not None and not inpath.is_file():
        raise InputError(f"{inpath}: no such input file")
    for target in (outpath, rejpath):
        if inpath is not None and target.exists() and _same_file(target, inpath):
            raise InputError(f"{target}: would overwrite the input file")
        if not target.parent.is_dir():
            raise InputError(f"{target}: the folder {target.parent} does not exist")
        if target.is_dir():
            raise InputError(f"{target}: is a folder, not a file")
    if _same_file(outpath, rejpath):
        raise InputError("--out and --rejects must be two different files")


def run_batch_files(
    inpath: Path, outpath: Path, rejpath: Path, as_of: dt.date, **kwargs: Any
) -> BatchSummary:
    """Files in and out (``-`` as input reads standard input); unusable paths are an
    ``InputError`` before anything is written. Both outputs are opened before either is
    truncated, so a refused second output never leaves the first one emptied."""
    stdin = str(inpath) == "-"
    _check_paths(None if stdin else inpath, outpath, rejpath)
    try:
        with (
            outpath.open("a", encoding="utf-8") as fout,
            rejpath.open("a", encoding="utf-8") as frej,
        ):
            for f in (fout, frej):
                if f.seekable():  # a regular file; a pipe or /dev/stdout has nothing to empty
                    f.truncate(0)
            if stdin:
                stream = getattr(sys.stdin, "buffer", sys.stdin)
                return run_batch(stream, fout, frej, as_of, **kwargs)
            with inpath.open("rb") as fin:
                return run_batch(fin, fout, frej, as_of, **kwargs)
    except BrokenPipeError:
        raise  # the reader went away (--out /dev/stdout | head): the CLI ends quietly
    except OSError as exc:
        where = exc.filename or outpath
        raise InputError(f"{where}: {exc.strerror or exc}") from None
