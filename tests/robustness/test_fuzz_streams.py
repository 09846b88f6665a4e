"""Batch lines and standard input as a fuzzing pass fed them: a lone UTF-16 surrogate escaped in
a JSON line stopped a whole batch with a traceback; standard input refused the byte order mark
a file may carry and read bytes that are not UTF-8 as something else."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import AS_OF, ROOT, cli

GOOD = '{"id": "ok-%d", "birth_date": "2020-01-01"}'


@pytest.mark.parametrize("bad", [
    '{"id": "\\ud800", "birth_date": "2020-01-01"}',           # the id
    '{"id": "x", "\\udc80": 1, "birth_date": "2020-01-01"}',   # an unknown key, named
    '{"id": "\\ud800", "birth_date": "bad"}',                  # both
])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_lone_surrogate_is_a_reject_and_the_run_goes_on(
    tmp_path: Path, bad: str, workers: str
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join([GOOD % 1, bad, bad, GOOD % 2]) + "\n", encoding="utf-8")
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    r = cli("batch", str(inp), "--out", str(out), "--rejects", str(rej),
            "--as-of", AS_OF.isoformat(), "--workers", workers)
    assert r.exc is None, repr(r.exc)
    assert r.code == 0 and r.out.strip().splitlines()[-1] == "read 4, written 2, rejected 2"
    rejects = [json.loads(x) for x in rej.read_text(encoding="utf-8").splitlines()]
    assert [x["line"] for x in rejects] == [2, 3]
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def _stdin(data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "prevention_engine", "agenda", "-", "--as-of",
         AS_OF.isoformat()], input=data, capture_output=True, timeout=120, cwd=ROOT)


def test_standard_input_may_start_with_a_byte_order_mark() -> None:
    # a file with a BOM was read, the same bytes on standard input were "invalid JSON"
    r = _stdin(b'\xef\xbb\xbf{"id": "p", "birth_date": "2020-01-01"}')
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["person_id"] == "p"


@pytest.mark.parametrize("data", [b'\x80{"birth_date": "2020-01-01"}',
                                  b'\xff\xfe{\x00}\x00'])
def test_standard_input_that_is_not_utf8_says_so(data: bytes) -> None:
    r = _stdin(data)
    assert r.returncode == 1 and b"Traceback" not in r.stderr
    assert b"not UTF-8" in r.stderr, r.stderr


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_batch_with_an_unusable_assessment_date_stops_before_reading(
    tmp_path: Path, as_of: str
) -> None:
    # every record was rejected one by one, and the run ended with exit 0
    inp = tmp_path / "in.jsonl"
    inp.write_text(GOOD % 1 + "\n", encoding="utf-8")
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    r = cli("batch", str(inp), "--out", str(out), "--rejects", str(rej), "--as-of", as_of)
    assert r.exc is None and r.code == 1, (r.code, r.err)
    assert f"assessment date {as_of}" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize("command", [["notify"], ["calendars"]])
def test_notify_and_calendars_refuse_an_unusable_assessment_date(
    tmp_path: Path, command: list[str]
) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(GOOD % 1, encoding="utf-8")
    args = [*command, *([str(profile)] if command == ["notify"] else [])]
    r = cli(*args, "--as-of", "0001-01-01")
    assert r.exc is None and r.code == 1, (r.code, r.err)
    assert "assessment date 0001-01-01" in r.err


def test_an_unusable_assessment_date_leaves_the_outputs_untouched(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(GOOD % 1 + "\n", encoding="utf-8")
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    out.write_text("last night's agendas\n", encoding="utf-8")
    r = cli("batch", str(inp), "--out", str(out), "--rejects", str(rej), "--as-of", "0001-01-01")
    assert r.code == 1
    assert out.read_text(encoding="utf-8") == "last night's agendas\n"


def test_notify_reports_a_line_that_is_not_utf8_and_goes_on(tmp_path: Path) -> None:
    # the JSONL file was decoded as a whole stream: one bad byte stopped the run (traceback)
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(b"\xef\xbb\xbf" + (GOOD % 1).encode() + b"\n\xff\xfe\n" + (GOOD % 2).encode()
                    + b"\n")
    r = cli("notify", str(inp), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "o"))
    assert r.exc is None, repr(r.exc)
    assert r.code == 0, r.err
    reject = json.loads(next(x for x in r.err.splitlines() if x.startswith("{")))
    assert reject["line"] == 2 and "not UTF-8" in reject["error"]
    assert r.err.strip().splitlines()[-1].startswith("profiles 3,")
    assert r.err.strip().splitlines()[-1].endswith("rejected 1")
