"""JSONL batch: one agenda per input line, bad lines to a rejects file, never a lost record.

Guarantee: lines read = agendas written + records rejected (checked at the end of each run).
Workers are separate processes: forked ones share the parent's compiled ``Engine``, others
compile their own; output order follows input order, and only a bounded window of chunks is in
flight, so memory does not grow with the input.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import io
import json
import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from .agenda import Agenda
from .agenda_parts import Parts, Splitter
from .batch_ids import IdIndex
from .batch_workers import Workers
from .calendar.yamlsrc import forget_parsed
from .compact import CompactWriter, Prepared, prepare
from .engine import Engine, check_as_of
from .errors import InputError, PreventionError
from .progress import Progress
from .records import RECORD_ERRORS, internal_error, parsed, record_id, to_profile

#: The longest input line accepted (4 MiB, newline excluded): a profile is a few kilobytes; a line
#: beyond this is rejected without being loaded into memory.
MAX_LINE_BYTES = 4 * 1024 * 1024
#: The most worker processes ``--workers`` accepts.
MAX_WORKERS = 64
#: Lines handed to a worker at once, and chunks in flight per worker: what bounds memory (an
#: agenda is about 40 KB of JSON: 16 lines keep the results in flight at 4 workers near 5 MB
#: in the parent, 64 lines about 20 MB, for the same throughput).
CHUNK = 16
IN_FLIGHT_PER_WORKER = 2


#: What a forked worker holds of its own (PSS, benchmark population: 13.5 to 20 MB).
WORKER_MB = 15


def cpus() -> int:
    """The CPUs this process may run on (a container's share, where the system says it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_warning(workers: int, cpus: int) -> str | None:
    """A line for stderr when more workers than CPUs were asked: they are no faster, and each
    one holds memory of its own (English: for the operator)."""
    if workers <= cpus:
        return None
    return (f"warning: --workers {workers} on {cpus} CPU(s): no faster than --workers {cpus}, "
            f"and each worker holds about {WORKER_MB} MB of its own")


@dataclass(frozen=True, slots=True)
class BatchSummary:
    read: int
    written: int
    rejected: int
    #: the first ``batch_ids.MAX_LISTED`` ids seen more than once (all are counted)
    duplicate_ids: tuple[str, ...] = ()
    duplicate_count: int = 0
    #: records rejected because the engine failed on them (a bug, not bad input)
    internal_errors: int = 0

    def line(self) -> str:
        """The summary line of the CLI (CONTRACT.md section 2; English, for the operator)."""
        return f"read {self.read}, written {self.written}, rejected {self.rejected}"

    def duplicates_line(self) -> str:
        """How many distinct ids appear more than once (every record is checked)."""
        return f"duplicate ids: {self.duplicate_count}"

    def warnings(self) -> list[str]:
        """Lines for stderr (English: for the operator), empty when all is well."""
        out = []
        if self.internal_errors:
            out.append(f"warning: {self.internal_errors} record(s) rejected on an internal "
                       "error of the engine (a bug, not bad input): their reject lines say "
                       "'internal error'; please report them")
        if self.duplicate_count:
            shown = ", ".join(repr(i) for i in self.duplicate_ids[:5])
            more = "" if self.duplicate_count <= 5 else f" and {self.duplicate_count - 5} more"
            out.append(f"warning: {self.duplicate_count} id(s) appear more than once: "
                       f"{shown}{more}; their notifications share keys")
        return out


#: An agenda as the writer takes it (``_shape``): no JSON written to be read back.
Payload = bytes | Parts | Prepared
#: (agenda written?, agenda or reject line (text), person id, rejected on an internal error?)
Result = tuple[bool, Payload | str, str | None, bool]


def _shape(output: str, splitter: Splitter) -> Callable[[Agenda], Payload]:
    """What is made of an agenda where it is evaluated (a worker, for the parent): its JSON
    as UTF-8 bytes for the full output (never decoded, only copied on its way to the file),
    its compact line but for the catalogue (``compact.prepare``), its parts for Parquet
    (``agenda_parts``)."""
    if output == "full":
        return Agenda.to_json_bytes
    if output == "compact":
        return lambda agenda: prepare(splitter.parts(agenda))
    return splitter.parts


def _evaluate_line(
    engine: Engine, line_no: int, line: str | None, as_of: dt.date,
    shape: Callable[[Agenda], Payload] = Agenda.to_json_bytes,
) -> Result:
    pid: Any = None
    try:
        if line is None:
            raise PreventionError("the line is not UTF-8 text")
        if line == _TOO_LONG:
            raise PreventionError(f"the line is longer than {MAX_LINE_BYTES} bytes")
        data = parsed(line)
        pid = record_id(data)
        profile = to_profile(data)
        agenda = engine.evaluate(profile, as_of)
        return True, shape(agenda), profile.id, False
    except RECORD_ERRORS as exc:
        # One bad record is reported and the run goes on (count in = out + rejected).
        return _reject(line_no, pid, str(exc), internal=False)
    except MemoryError:
        raise
    except Exception as exc:  # a bug met by one record must not stop the whole night
        return _reject(line_no, pid, internal_error(exc), internal=True)


def _reject(line_no: int, pid: Any, error: str, internal: bool) -> Result:
    pid = pid if isinstance(pid, str) else None
    reject = {"line": line_no, "id": pid, "error": error}
    text = json.dumps(reject, ensure_ascii=False)
    if not _utf8(text):
        # a lone surrogate escaped in the line ("\ud800"): written raw, it cannot be UTF-8
        # and stopped the whole run; escaped again, the reject line reads back the same
        text = json.dumps(reject)
    return False, text, pid, internal


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_WORKER_ENGINE: Engine | None = None
#: The worker's splitter (its fixed row fields are built once per worker, not per chunk).
_WORKER_SPLITTER = Splitter()


def _init_worker(paths: list[str] | None, engine: Engine | None = None,
                 only: frozenset[str] | None = None) -> None:
    global _WORKER_ENGINE
    if engine is not None:  # inherited from the parent by fork: nothing to build or copy
        _WORKER_ENGINE = engine
    else:
        _WORKER_ENGINE = Engine.from_paths(paths, only) if paths else Engine.default(only)


def _workers(workers: int, rule_paths: list[str] | None, engine: Engine | None) -> Workers:
    """Workers that share the parent's compiled engine where processes are forked (its pages
    are shared until written: memory per worker stays small); elsewhere each worker compiles
    its own from ``rule_paths``."""
    if engine is not None and "fork" in mp.get_all_start_methods():
        forget_parsed()
        return Workers(workers, _work, _init_worker, (rule_paths, engine), mp.get_context("fork"))
    if engine is not None and not rule_paths:
        # the workers would compile the bundled rules, not the engine's: a silently other agenda
        raise InputError("here batch workers cannot share the engine (no fork): give the "
                         "rule_paths it was built from, or run with workers=1")
    only = engine.registry.only if engine is not None else None  # the same jurisdictions
    return Workers(workers, _work, _init_worker, (rule_paths, None, only), mp.get_context())


def _work(args: tuple[list[tuple[int, str | None]], dt.date, str]) -> list[Result]:
    if _WORKER_ENGINE is None:
        raise RuntimeError("the batch worker was started without its engine")
    chunk, as_of, output = args
    shape = _shape(output, _WORKER_SPLITTER)
    return [_evaluate_line(_WORKER_ENGINE, n, line, as_of, shape) for n, line in chunk]


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
    rule_paths: list[str] | None, engine: Engine | None = None, output: str = "full",
) -> Iterator[Result]:
    """Results in input order, with at most ``workers * IN_FLIGHT_PER_WORKER`` chunks sent and
    not yet written: memory stays flat whatever the input size. Chunks go to the workers in
    turn, and their results are read back in the same turn (chunks cost about the same)."""
    with _workers(workers, rule_paths, engine) as pool:
        pending: deque[int] = deque()
        for n, chunk in enumerate(_chunks(lines)):
            pool.send(n % workers, (chunk, as_of, output))
            pending.append(n % workers)
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from pool.receive(pending.popleft())
        while pending:
            yield from pool.receive(pending.popleft())


class _Tally:
    """Counts of a run and the ids seen (on disk: bounded memory at any input size)."""

    def __init__(self) -> None:
        self.read = self.written = self.rejected = self.internal = 0
        self.ids = IdIndex()

    def count(self, ok: bool, pid: str | None, internal: bool = False) -> None:
        self.read += 1
        if ok:
            self.written += 1
        else:
            self.rejected += 1
            self.internal += internal
        if pid is not None:
            self.ids.add(pid)

    def summary(self) -> BatchSummary:
        if self.read != self.written + self.rejected:  # the guarantee of the module
            raise RuntimeError(f"batch accounting: read {self.read} != written {self.written} "
                               f"+ rejected {self.rejected}")
        return BatchSummary(self.read, self.written, self.rejected, tuple(self.ids.listed),
                            self.ids.duplicates, self.internal)


def _results(
    infile: Iterable[str] | Iterable[bytes] | IO[str] | IO[bytes], as_of: dt.date,
    engine: Engine | None, workers: int, rule_paths: list[str] | None, output: str,
) -> Iterator[Result]:
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
        shape = _shape(output, Splitter())
        return (_evaluate_line(eng, n, line, as_of, shape) for n, line in lines)
    return _parallel(lines, as_of, workers, rule_paths, engine, output)


def run_batch(
    infile: Iterable[str] | Iterable[bytes] | IO[str] | IO[bytes],
    out: IO[str] | IO[bytes],
    rejects: IO[str],
    as_of: dt.date,
    *,
    engine: Engine | None = None,
    workers: int = 1,
    rule_paths: list[str] | None = None,
    progress: bool | Progress = False,
    output: str = "full",
    catalogue: IO[str] | None = None,
) -> BatchSummary:
    """Evaluate every JSONL line of ``infile``; write agendas to ``out``, rejects to ``rejects``.

    The full output's ``out`` may be binary (each agenda's UTF-8 bytes written as they are:
    faster) or text. ``output="compact"`` writes each agenda without its fixed texts, which
    go once to ``catalogue`` (``prevention_engine.compact``; ``out`` a text file);
    ``output="parquet"`` writes one table row per agenda row (``out`` a binary file, or a text
    one opened on a binary one; extra ``[parquet]``);
    ``progress`` draws a progress line on stderr
    (``True``: records and rate; a ``Progress``: with the share of the input read and an ETA).
    """
    write, close = _writer(out, output, catalogue)
    bar = Progress(sys.stderr) if progress is True else progress or None
    tally = _Tally()
    try:
        results = _results(infile, as_of, engine, workers, rule_paths, output)
        for ok, payload, pid, internal in results:
            if isinstance(payload, str):  # a reject's line
                rejects.write(payload + "\n")
            else:
                write(payload)
            tally.count(ok, pid, internal)
            if bar is not None:
                bar.update(tally.read)
        close()
        if bar is not None:
            bar.close(tally.read)
        return tally.summary()
    finally:
        tally.ids.close()


def _writer(
    out: IO[str] | IO[bytes], output: str, catalogue: IO[str] | None
) -> tuple[Callable[[Payload], None], Callable[[], None]]:
    """How one agenda is written, and what ends the output: its JSON text as is, its compact
    line with the catalogue, or its rows in Parquet (extra ``[parquet]``) with the catalogue.
    Each takes the payload ``_shape`` makes for the same output (the two are chosen by the
    same ``output`` name, one in the workers, one in the parent: hence the casts)."""
    if output == "full":
        return _full_writer(out), lambda: None
    if output not in ("compact", "parquet"):
        raise InputError(f"unknown output {output!r}: full, compact or parquet")
    if catalogue is None:
        raise InputError(f"the {output} output needs a catalogue file")
    if output == "compact":
        if _binary(out):
            raise InputError("the compact output needs a text file")
        return cast(Callable[[Payload], None],
                    CompactWriter(cast(IO[str], out), catalogue).write), lambda: None
    try:
        from .extra.parquet import ParquetAgendaWriter
    except ImportError:
        raise InputError("the parquet output needs pyarrow: pip install "
                         "'prevention-engine[parquet]'") from None
    binary = cast(IO[bytes], out) if _binary(out) else getattr(out, "buffer", None)
    if binary is None:
        raise InputError("the parquet output needs a binary file")
    writer = ParquetAgendaWriter(binary, catalogue)
    return cast(Callable[[Payload], None], writer.write), writer.close


def _binary(out: IO[str] | IO[bytes]) -> bool:
    """A binary file; a text one otherwise (a ``codecs`` writer is text whatever the mode of
    the file under it, which its attributes answer for)."""
    if isinstance(out, io.TextIOBase | codecs.StreamWriter | codecs.StreamReaderWriter):
        return False
    return isinstance(out, io.BufferedIOBase | io.RawIOBase) or "b" in getattr(out, "mode", "")


def _full_writer(out: IO[str] | IO[bytes]) -> Callable[[Payload], None]:
    """Each agenda's JSON and a newline: the bytes as they are to a binary file (what
    ``run_batch_files`` opens), decoded for a text one."""
    binary = _binary(out)

    def full(payload: Payload) -> None:
        if not isinstance(payload, bytes):
            raise TypeError("the full output writes an agenda's JSON")
        if binary:
            cast(IO[bytes], out).write(payload + b"\n")
        else:
            cast(IO[str], out).write(payload.decode() + "\n")
    return full


def _same_file(a: Path, b: Path) -> bool:
    """Same file by identity (device and inode): catches hard links and symlinks too."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _check_paths(
    inpath: Path | None, outpath: Path, rejpath: Path, catalogue: Path | None = None
) -> None:
    if inpath is not None and not inpath.is_file():
        raise InputError(f"{inpath}: no such input file")
    targets = [t for t in (outpath, rejpath, catalogue) if t is not None]
    for target in targets:
        if inpath is not None and target.exists() and _same_file(target, inpath):
            raise InputError(f"{target}: would overwrite the input file")
        if not target.parent.is_dir():
            raise InputError(f"{target}: the folder {target.parent} does not exist")
        if target.is_dir():
            raise InputError(f"{target}: is a folder, not a file")
    for i, a in enumerate(targets):
        if any(_same_file(a, b) for b in targets[i + 1:]):
            raise InputError("--out, --rejects and --catalogue must be different files")


def _standard_stream(path: Path) -> int | None:
    """1 or 2 when ``path`` is this process's standard output or error (``/dev/stdout``, or
    the very file the shell sent it to)."""
    try:
        target = path.stat()
    except OSError:
        return None
    for fd in (1, 2):
        try:
            st = os.fstat(fd)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
            return fd
    return None


def _open_output(path: Path, binary: bool) -> tuple[IO[Any], bool]:
    """An output file opened to append, and whether it is one of its own to empty. The
    process's standard output or error is written through its own open file (a copy of the
    descriptor) and never emptied (the shell's ``>`` or ``>>`` decides): opened anew, the
    file it was sent to (``> out.txt``) had two offsets, and the summary printed at the end
    of the run was written over the first agenda."""
    fd = _standard_stream(path)
    if fd is None:
        return (path.open("ab") if binary else path.open("a", encoding="utf-8")), True
    (sys.stdout if fd == 1 else sys.stderr).flush()  # what was printed before comes first
    return open(os.dup(fd), "ab" if binary else "a", encoding=None if binary else "utf-8"), \
        False


def run_batch_files(
    inpath: Path, outpath: Path, rejpath: Path, as_of: dt.date, *,
    catalogue_path: Path | None = None, **kwargs: Any
) -> BatchSummary:
    """Files in and out (``-`` as input reads standard input); unusable paths are an
    ``InputError`` before anything is written. The outputs are opened before any is
    truncated, so a refused output never leaves another one emptied. ``progress=True`` on a
    regular input file shows the share read and an ETA."""
    stdin = str(inpath) == "-"
    check_as_of(as_of)  # else each record is rejected and the run "succeeds"; before any
    # output is emptied
    _check_paths(None if stdin else inpath, outpath, rejpath, catalogue_path)
    try:
        with contextlib.ExitStack() as stack:
            full = kwargs.get("output", "full") == "full"  # written as bytes, never decoded
            opened = [(stack.enter_context(f), own) for f, own in (
                _open_output(p, binary=p == outpath and full)
                for p in (outpath, rejpath, catalogue_path) if p is not None)]
            for f, own in opened:  # a regular file is replaced; a pipe has nothing to empty
                if own and f.seekable():
                    f.truncate(0)
            files = [f for f, _ in opened]
            if catalogue_path is not None:
                kwargs["catalogue"] = files[2]
            if stdin:
                stream = getattr(sys.stdin, "buffer", sys.stdin)
                return run_batch(stream, files[0], files[1], as_of, **kwargs)
            fin = stack.enter_context(inpath.open("rb"))
            if kwargs.get("progress") is True:
                kwargs["progress"] = Progress(sys.stderr, inpath.stat().st_size, fin.tell)
            return run_batch(fin, files[0], files[1], as_of, **kwargs)
    except BrokenPipeError:
        raise  # the reader went away (--out /dev/stdout | head): the CLI ends quietly
    except OSError as exc:
        where = exc.filename or outpath
        raise InputError(f"{where}: {exc.strerror or exc}") from None
