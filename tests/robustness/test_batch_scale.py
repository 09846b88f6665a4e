"""Batch at national scale (issue 15): a bounded window of work in flight, a progress line an
operator can watch (quiet off a terminal), the summary's accounting, and the compact output
that expands back to the full one byte for byte."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from prevention_engine.batch import (
    CHUNK,
    IN_FLIGHT_PER_WORKER,
    _parallel,
    cpus,
    run_batch,
    workers_warning,
)
from prevention_engine.compact import CompactWriter, expand, read_catalogue
from prevention_engine.progress import Progress
from tests.snapshot.record import _benchmark_module

from .conftest import AS_OF, cli, default_engine


def good(pid: str, birth: str = "2024-03-15") -> str:
    return json.dumps({"id": pid, "birth_date": birth})


def test_parallel_submits_a_bounded_window_not_the_whole_input() -> None:
    consumed = 0

    def lines() -> Iterator[tuple[int, str | None]]:
        nonlocal consumed
        for n in range(1, 50_001):
            consumed += 1
            yield n, good(f"p{n}")

    workers = 2
    results = _parallel(lines(), AS_OF, workers, None)
    try:
        first = next(results)
        assert first[0] and json.loads(first[1])["person_id"] == "p1"
        # the chunks in flight, plus the one being built when the first result came back
        assert consumed <= (workers * IN_FLIGHT_PER_WORKER + 1) * CHUNK, consumed
    finally:
        results.close()


def test_progress_line_has_rate_share_and_eta() -> None:
    now = [0.0]
    pos = [0]
    err = io.StringIO()
    bar = Progress(err, total_bytes=1000, position=lambda: pos[0], clock=lambda: now[0])
    now[0], pos[0] = 10.0, 250
    bar.update(500)
    text = err.getvalue()
    assert "25%" in text and "50 records/s" in text and "ETA 0:00:30" in text, text
    bar.close(500)
    assert err.getvalue().endswith("\n")


def test_progress_without_size_shows_the_rate_only() -> None:
    err = io.StringIO()
    bar = Progress(err, clock=iter([0.0, 2.0, 2.0]).__next__)
    bar.update(10)
    assert "5 records/s" in err.getvalue() and "ETA" not in err.getvalue()


def test_no_progress_off_a_terminal_and_the_summary_counts_duplicates(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join([good("a"), good("b"), good("a"), "{}", good("b")]) + "\n",
                   encoding="utf-8")
    r = cli("batch", str(inp), "--out", str(tmp_path / "o"), "--rejects", str(tmp_path / "r"),
            "--as-of", AS_OF.isoformat())
    assert r.exc is None and r.code == 0
    assert r.out.strip().splitlines()[-1] == "read 5, written 4, rejected 1"
    assert "duplicate ids: 2" in r.err
    assert "records/s" not in r.err and "\r" not in r.err


def test_progress_when_asked_on_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from prevention_engine import progress
    from prevention_engine.batch import run_batch_files

    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(good(f"p{i}") for i in range(5)) + "\n", encoding="utf-8")
    s = run_batch_files(inp, tmp_path / "o", tmp_path / "r", AS_OF, engine=default_engine(),
                        progress=True)
    assert s.read == 5
    err = capsys.readouterr().err
    assert "100%" in err and "records/s" in err and "ETA" in err, err


def _population(n: int) -> list[str]:
    lines: list[str] = _benchmark_module().population(n)
    return lines


def test_compact_output_expands_to_the_full_one(tmp_path: Path) -> None:
    lines = [*_population(80), "{}", good("x")]
    text = "\n".join(lines) + "\n"
    full, rej1 = io.StringIO(), io.StringIO()
    run_batch(io.StringIO(text), full, rej1, AS_OF, engine=default_engine())
    compact, cat, rej2 = io.StringIO(), io.StringIO(), io.StringIO()
    run_batch(io.StringIO(text), compact, rej2, AS_OF, engine=default_engine(),
              output="compact", catalogue=cat)
    assert rej1.getvalue() == rej2.getvalue()
    catalogue = read_catalogue(cat.getvalue().splitlines())
    expanded = "".join(x + "\n" for x in expand(compact.getvalue().splitlines(), catalogue))
    assert expanded == full.getvalue()
    # each (row id, version) is in the catalogue once, and the compact output is smaller
    keys = [(e["id"], e["version"]) for e in map(json.loads, cat.getvalue().splitlines())]
    assert len(keys) == len(set(keys))
    assert len(compact.getvalue()) + len(cat.getvalue()) < len(full.getvalue()) / 2


def test_compact_output_is_the_same_with_any_number_of_workers() -> None:
    """Workers send each agenda's pieces; the parent alone keeps the catalogue, in input order:
    the lines and the catalogue do not depend on how many workers ran (nor on which worker
    met a row first), and they are those of the JSON of each agenda compacted in order."""
    lines = [*_population(70), "{}", good("x")]
    text = "\n".join(lines) + "\n"
    outputs = []
    for workers in (1, 2, 3):
        out, cat, rej = io.StringIO(), io.StringIO(), io.StringIO()
        s = run_batch(io.StringIO(text), out, rej, AS_OF, engine=default_engine(),
                      workers=workers, output="compact", catalogue=cat)
        assert (s.read, s.written, s.rejected) == (72, 71, 1)
        outputs.append((out.getvalue(), cat.getvalue(), rej.getvalue()))
    assert outputs[1] == outputs[0] and outputs[2] == outputs[0]
    full = io.StringIO()
    run_batch(io.StringIO(text), full, io.StringIO(), AS_OF, engine=default_engine())
    out, cat = io.StringIO(), io.StringIO()
    writer = CompactWriter(out, cat)
    for agenda_json in full.getvalue().splitlines():
        writer.write(agenda_json)
    assert (out.getvalue(), cat.getvalue()) == outputs[0][:2]


def test_compact_from_the_command_line(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(_population(20)) + "\n", encoding="utf-8")
    out, rej = tmp_path / "o.jsonl", tmp_path / "r.jsonl"
    r = cli("batch", str(inp), "--out", str(out), "--rejects", str(rej), "--as-of",
            AS_OF.isoformat(), "--output", "compact")
    assert r.exc is None and r.code == 0, r.err
    cat = Path(f"{out}.catalogue.jsonl")
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 20 and cat.is_file()
    items = [i for row in rows for i in row["items"]]
    assert all({"id", "v", "status", "reason"} <= set(i) for i in items)
    # texts fixed per rule are in the catalogue: few rows carry their own title or source
    assert sum("title" in i for i in items) < len(items) / 4
    assert not any("source" in i for i in items)


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "prevention_engine.extra.parquet", None)
    inp = tmp_path / "in.jsonl"
    inp.write_text(good("a") + "\n", encoding="utf-8")
    r = cli("batch", str(inp), "--out", str(tmp_path / "o"), "--rejects", str(tmp_path / "r"),
            "--as-of", AS_OF.isoformat(), "--output", "parquet")
    assert r.exc is None and r.code == 1
    assert "pip install 'prevention-engine[parquet]'" in r.err


def test_more_workers_than_cpus_are_named_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers beyond the CPUs make a run no faster and cost memory: the operator is told, and
    the run goes on with the workers asked for."""
    assert workers_warning(2, 2) is None and workers_warning(1, 4) is None
    assert workers_warning(8, 2) == ("warning: --workers 8 on 2 CPU(s): no faster than "
                                     "--workers 2, and each worker holds about 15 MB of its own")
    assert cpus() >= 1
    import prevention_engine.batch as batch

    monkeypatch.setattr(batch, "cpus", lambda: 1)
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(_population(3)) + "\n", encoding="utf-8")
    r = cli("batch", str(inp), "--out", str(tmp_path / "o"), "--rejects", str(tmp_path / "r"),
            "--as-of", AS_OF.isoformat(), "--workers", "2")
    assert r.code == 0 and "--workers 2 on 1 CPU(s)" in r.err
    assert r.out.strip().endswith("read 3, written 3, rejected 0")


def test_a_record_that_meets_a_bug_is_rejected_and_the_run_goes_on(
    bug_on_id: Callable[[ModuleType, str], None],
) -> None:
    """An unexpected exception while reading one record (here the profile conversion made to
    fail on one id, standing for a bug) is that record's reject, named 'internal error', and
    counted apart; the other records are written (count in = out + rejected)."""
    import prevention_engine.batch as batch

    bug_on_id(batch, "b-1")
    lines = _population(3)
    out, rej = io.StringIO(), io.StringIO()
    s = run_batch(io.StringIO("\n".join(lines) + "\n"), out, rej, AS_OF, engine=default_engine())
    assert (s.read, s.written, s.rejected, s.internal_errors) == (3, 2, 1, 1)
    reject = json.loads(rej.getvalue())
    assert reject["line"] == 2 and reject["id"] == "b-1"
    assert reject["error"].startswith("internal error") and "KeyError" in reject["error"]
    assert any("1 record(s) rejected on an internal error" in w for w in s.warnings())
    plain = run_batch(io.StringIO("{}\n"), io.StringIO(), io.StringIO(), AS_OF,
                      engine=default_engine())
    assert (plain.rejected, plain.internal_errors, plain.warnings()) == (1, 0, [])
