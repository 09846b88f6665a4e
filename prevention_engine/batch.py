"""JSONL batch: one agenda per input line, bad lines to a rejects file, never a lost record.

Guarantee: lines read = agendas written + records rejected. Workers are separate processes,
each with its own compiled ``Engine``; output order follows input order.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .engine import Engine
from .errors import InputError, PreventionError
from .jsonin import loads
from .profile import Profile


@dataclass(frozen=True, slots=True)
class BatchSummary:
    read: int
    written: int
    rejected: int


def _evaluate_line(
    engine: Engine, line_no: int, line: str | None, as_of: dt.date
) -> tuple[bool, str]:
    pid: Any = None
    try:
        if line is None:
            raise PreventionError("the line is not UTF-8 text")
        raw = loads(line)
        if isinstance(raw, dict):
            pid = raw.get("id")
        profile = Profile.model_validate(raw)
        agenda = engine.evaluate(profile, as_of)
        return True, agenda.to_json()
    except (PreventionError, ValueError, OverflowError, RecursionError) as exc:
        # One bad record is reported and the run goes on (count in = out + rejected).
        reject = {"line": line_no, "id": pid if isinstance(pid, str) else None, "error": str(exc)}
        return False, json.dumps(reject, ensure_ascii=False)


_WORKER_ENGINE: Engine | None = None


def _init_worker(paths: list[str] | None) -> None:
    global _WORKER_ENGINE
    _WORKER_ENGINE = Engine.from_paths(paths) if paths else Engine.default()


def _work(args: tuple[int, str | None, dt.date]) -> tuple[bool, str]:
    assert _WORKER_ENGINE is not None
    return _evaluate_line(_WORKER_ENGINE, *args)


def _numbered(lines: Iterable[str | bytes]) -> Iterator[tuple[int, str | None]]:
    """Non-blank lines with their numbers; bytes are decoded line by line (None if not UTF-8),
    so one damaged line is rejected instead of stopping the run. A leading BOM is dropped."""
    for n, raw in enumerate(lines, start=1):
        line: str | None
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
        if line.strip():
            yield n, line


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

    def emit(ok: bool, text: str) -> None:
        nonlocal written, rejected
        if ok:
            out.write(text + "\n")
            written += 1
        else:
            rejects.write(text + "\n")
            rejected += 1

    if workers <= 1:
        eng = engine or (Engine.from_paths(rule_paths) if rule_paths else Engine.default())
        for n, line in _numbered(infile):
            read += 1
            emit(*_evaluate_line(eng, n, line, as_of))
            if progress and read % 1000 == 0:
                print(f"\r{read} lus", end="", file=sys.stderr, flush=True)
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(rule_paths,)) as pool:
            jobs = ((n, line, as_of) for n, line in _numbered(infile))
            for ok, text in pool.map(_work, jobs, chunksize=256):
                read += 1
                emit(ok, text)
                if progress and read % 1000 == 0:
                    print(f"\r{read} lus", end="", file=sys.stderr, flush=True)
    if progress:
        print("", file=sys.stderr)
    return BatchSummary(read, written, rejected)


def run_batch_files(
    inpath: Path, outpath: Path, rejpath: Path, as_of: dt.date, **kwargs: Any
) -> BatchSummary:
    """Files in and out; unusable paths are an ``InputError`` before anything is written."""
    if not inpath.is_file():
        raise InputError(f"{inpath}: no such input file")
    for target in (outpath, rejpath):
        if target.exists() and target.resolve() == inpath.resolve():
            raise InputError(f"{target}: would overwrite the input file")
        if not target.parent.is_dir():
            raise InputError(f"{target}: the folder {target.parent} does not exist")
    if outpath.resolve() == rejpath.resolve():
        raise InputError("--out and --rejects must be two different files")
    try:
        with (
            inpath.open("rb") as fin,
            outpath.open("w", encoding="utf-8") as fout,
            rejpath.open("w", encoding="utf-8") as frej,
        ):
            return run_batch(fin, fout, frej, as_of, **kwargs)
    except OSError as exc:
        raise InputError(f"{exc.filename}: {exc.strerror}") from None
