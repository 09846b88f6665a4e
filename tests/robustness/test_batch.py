"""Batch (CONTRACT.md section 2, DESIGN.md section 10): count in = count out + rejected whatever
the lines; rejects carry line number, id and error; --workers keeps order; --strict exits 1."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from prevention_engine.batch import run_batch
from prevention_engine.errors import InputError

from .conftest import AS_OF, assert_bad_input, cli


def good(pid: str, birth: str = "2024-03-15") -> str:
    return json.dumps({"id": pid, "birth_date": birth})


def run_cli_batch(tmp_path: Path, content: str | bytes, *extra: str):  # type: ignore[no-untyped-def]
    inp = tmp_path / "in.jsonl"
    if isinstance(content, bytes):
        inp.write_bytes(content)
    else:
        inp.write_text(content, encoding="utf-8", newline="")
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    r = cli("batch", str(inp), "--out", str(out), "--rejects", str(rej), "--as-of",
            AS_OF.isoformat(), *extra)
    return r, out, rej


def read_jsonl(p: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]


def summary(r) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    last = r.out.strip().splitlines()[-1]
    parts = last.replace(",", "").split()
    assert parts[0] == "read" and parts[2] == "written" and parts[4] == "rejected", last
    return int(parts[1]), int(parts[3]), int(parts[5])


# --------------------------------------------------------------------------- passing checks
def test_odd_lines_are_all_accounted_for(tmp_path: Path) -> None:
    lines = [
        good("a"),
        "",
        "   ",
        "[1, 2]",
        "42",
        "null",
        '"text"',
        "{",
        json.dumps({"id": "long", "birth_date": "2024-03-15", "medications": ["x" * 100] * 20000}),
        json.dumps({"id": "bad", "birth_date": "2024-02-30"}),
        json.dumps({"id": 7, "birth_date": "nope"}),
        json.dumps({"id": "fut", "birth_date": "2030-01-01"}),
        good("z"),
    ]
    r, out, rej = run_cli_batch(tmp_path, "\r\n".join(lines) + "\r\n")
    assert r.exc is None and r.code == 0, (r.exc, r.err)
    read, written, rejected = summary(r)
    outs, rejs = read_jsonl(out), read_jsonl(rej)
    assert read == written + rejected == len(outs) + len(rejs)
    assert read == 11  # blank lines are not records
    assert [o["person_id"] for o in outs] == ["a", "long", "z"]
    assert [x["line"] for x in rejs] == [4, 5, 6, 7, 8, 10, 11, 12]
    assert all(set(x) == {"line", "id", "error"} and x["error"] for x in rejs)
    assert {x["line"]: x["id"] for x in rejs}[10] == "bad"
    assert {x["line"]: x["id"] for x in rejs}[12] == "fut"


def test_workers_keep_order_and_counts(tmp_path: Path) -> None:
    lines = [good(f"p{i}") if i % 5 else json.dumps({"id": f"p{i}", "birth_date": "x"})
             for i in range(700)]
    r, out, rej = run_cli_batch(tmp_path, "\n".join(lines) + "\n", "--workers", "2")
    assert r.exc is None and r.code == 0
    assert summary(r) == (700, 560, 140)
    assert [o["person_id"] for o in read_jsonl(out)] == [f"p{i}" for i in range(700) if i % 5]
    assert [x["line"] for x in read_jsonl(rej)] == [i + 1 for i in range(700) if not i % 5]


def test_workers_output_identical_to_sequential(tmp_path: Path) -> None:
    lines = "\n".join(good(f"p{i}", f"{1930 + i % 95}-0{1 + i % 9}-1{i % 10}")
                      for i in range(300)) + "\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, out1, _ = run_cli_batch(tmp_path / "a", lines)
    _, out2, _ = run_cli_batch(tmp_path / "b", lines, "--workers", "2")
    assert out1.read_bytes() == out2.read_bytes()


def test_strict(tmp_path: Path) -> None:
    r, _, _ = run_cli_batch(tmp_path, good("a") + "\n")
    assert r.code == 0
    r, _, _ = run_cli_batch(tmp_path, good("a") + "\n", "--strict")
    assert r.code == 0
    r, _, _ = run_cli_batch(tmp_path, good("a") + "\n{}\n", "--strict")
    assert r.exc is None and r.code == 1
    assert summary(r) == (2, 1, 1)


def test_run_batch_api_counts() -> None:
    from .conftest import default_engine

    fin = io.StringIO("\n".join([good("a"), "", "[]", good("b")]))
    fout, frej = io.StringIO(), io.StringIO()
    s = run_batch(fin, fout, frej, AS_OF, engine=default_engine())
    assert (s.read, s.written, s.rejected) == (3, 2, 1)


# ---------------------------------------- problems found (xfail: open; "Regression test": fixed)
# Regression test: failed at HEAD 34e17a9 (one deeply nested JSON line raises RecursionError (not
# a PreventionError) and kills the whole batch: traceback, no summary, records after it neither
# written nor rejected); fixed by e79f70d.
def test_deeply_nested_line_is_rejected_not_fatal(tmp_path: Path) -> None:
    content = good("a") + "\n" + "[" * 100_000 + "]" * 100_000 + "\n" + good("b") + "\n"
    r, _, _ = run_cli_batch(tmp_path, content)
    assert r.exc is None and r.code == 0
    assert summary(r) == (3, 2, 1)


# Regression test: failed at HEAD 34e17a9 (one non-UTF-8 line raises UnicodeDecodeError while
# reading and kills the whole batch (traceback)); fixed by e79f70d.
def test_non_utf8_line_is_rejected_not_fatal(tmp_path: Path) -> None:
    content = (good("a") + "\n").encode() + b'{"id": "\xff", "birth_date": "2024-03-15"}\n' + (
        good("b") + "\n").encode()
    r, _, _ = run_cli_batch(tmp_path, content)
    assert r.exc is None and r.code == 0
    assert summary(r) == (3, 2, 1)


# Regression test: failed at HEAD 34e17a9 (any record whose computed dates pass year 9999 raises
# ValueError and kills the whole batch (e.g. --as-of 9999-12-31)); fixed by e79f70d.
def test_date_overflow_is_rejected_not_fatal(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(good("a") + "\n" + good("b") + "\n", encoding="utf-8")
    r = cli("batch", str(inp), "--out", str(tmp_path / "o"), "--rejects", str(tmp_path / "r"),
            "--as-of", "9999-12-31")
    assert r.exc is None and r.code in (0, 1)


# Regression test: failed at HEAD 34e17a9 (missing/unreadable input or output path: uncaught
# FileNotFoundError / IsADirectoryError traceback instead of exit 1); fixed by e79f70d.
@pytest.mark.parametrize("which", ["missing-in", "dir-in", "out-in-missing-dir"])
def test_bad_paths_exit_1(tmp_path: Path, which: str) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(good("a") + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    if which == "missing-in":
        inp = tmp_path / "nope.jsonl"
    elif which == "dir-in":
        inp = tmp_path
    else:
        out = tmp_path / "no" / "such" / "o.jsonl"
    r = cli("batch", str(inp), "--out", str(out), "--rejects", str(tmp_path / "r.jsonl"),
            "--as-of", "2025-11-10")
    assert_bad_input(r)


# Regression test: failed at HEAD 34e17a9 (--out pointing at the input file truncates it before
# reading: the input is destroyed and the run says 'read 0' with exit 0); fixed by e79f70d.
def test_out_same_as_input_does_not_destroy_input(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    original = good("a") + "\n" + good("b") + "\n"
    inp.write_text(original, encoding="utf-8")
    r = cli("batch", str(inp), "--out", str(inp), "--rejects", str(tmp_path / "r.jsonl"),
            "--as-of", "2025-11-10")
    assert inp.read_text(encoding="utf-8") == original or (r.code == 0 and summary(r)[0] == 2)


# Regression test: failed at HEAD 34e17a9 (--workers 0 and negative values are accepted silently
# (should be a usage error, exit 2)); fixed by e79f70d.
@pytest.mark.parametrize("n", ["0", "-3"])
def test_workers_must_be_positive(tmp_path: Path, n: str) -> None:
    r, _, _ = run_cli_batch(tmp_path, good("a") + "\n", "--workers", n)
    assert r.code == 2


# Regression test: failed at HEAD 34e17a9 (a UTF-8 BOM (common from Windows/Excel exports) makes
# the first record a reject ('Unexpected UTF-8 BOM'): input is read as utf-8, not utf-8-sig);
# fixed by e79f70d.
def test_bom_first_line_is_evaluated(tmp_path: Path) -> None:
    r, _, _ = run_cli_batch(tmp_path, "\ufeff" + good("a") + "\n" + good("b") + "\n")
    assert summary(r) == (2, 2, 0)


def test_huge_integer_line_is_rejected_not_fatal(tmp_path: Path) -> None:
    content = good("a") + "\n" + '{"id": ' + "9" * 5000 + ', "birth_date": "2024-03-15"}\n'
    r, _, rej = run_cli_batch(tmp_path, content + good("b") + "\n")
    assert r.exc is None and r.code == 0
    assert summary(r) == (3, 2, 1)
    assert read_jsonl(rej)[0]["line"] == 2


@pytest.mark.parametrize("workers", ["1", "2"])
def test_only_jurisdiction_gives_the_same_agendas_and_rejects_other_residents(
    tmp_path: Path, workers: str
) -> None:
    """``--only-jurisdiction FR``: the same agenda lines for French residents (and residents
    of countries with no calendar, which get the French one), and a US resident rejected with
    why, counted, never given an agenda of other rules."""
    lines = [good("a"), json.dumps({"id": "us", "birth_date": "2020-01-01",
                                    "residence": {"country": "US"}}),
             json.dumps({"id": "de", "birth_date": "1950-06-30", "sex": "female",
                         "residence": {"country": "DE"}}), good("b", "1970-02-28")]
    content = "\n".join(lines) + "\n"
    (tmp_path / "all").mkdir()
    (tmp_path / "fr").mkdir()
    r_all, out_all, _ = run_cli_batch(tmp_path / "all", content, "--workers", workers)
    r_fr, out_fr, rej_fr = run_cli_batch(tmp_path / "fr", content, "--workers", workers,
                                         "--only-jurisdiction", "FR")
    assert r_all.code == 0 and r_fr.code == 0 and not r_fr.traceback
    assert summary(r_fr) == (4, 3, 1)
    kept = [line for line in out_all.read_text(encoding="utf-8").splitlines()
            if json.loads(line)["person_id"] != "us"]
    assert out_fr.read_text(encoding="utf-8").splitlines() == kept
    [reject] = read_jsonl(rej_fr)
    assert reject["line"] == 2 and reject["id"] == "us"
    assert "residence.country" in reject["error"] and "loaded: FR" in reject["error"]


def test_only_jurisdiction_unknown_code_exits_1(tmp_path: Path) -> None:
    r, _, _ = run_cli_batch(tmp_path, good("a") + "\n", "--only-jurisdiction", "XX")
    assert r.code == 1 and not r.traceback
    assert "no calendar of jurisdiction 'XX'" in r.err


def test_the_full_output_is_the_same_to_a_binary_or_a_text_file() -> None:
    """A binary ``out`` takes each agenda's bytes as they are (what ``batch`` opens); a text
    one the same text; the compact output wants text, and says so."""
    lines = [good("a"), "not json", json.dumps({"id": "é", "birth_date": "1960-02-29",
                                                "sex": "female"})]
    text, binary = io.StringIO(), io.BytesIO()
    run_batch(iter(lines), text, io.StringIO(), AS_OF)
    run_batch(iter(lines), binary, io.StringIO(), AS_OF)
    assert binary.getvalue() == text.getvalue().encode("utf-8")
    assert text.getvalue().count("\n") == 2 and "é" in text.getvalue()
    with pytest.raises(InputError, match="compact output needs a text file"):
        run_batch(iter(lines), io.BytesIO(), io.StringIO(), AS_OF, output="compact",
                  catalogue=io.StringIO())
