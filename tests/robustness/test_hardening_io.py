"""Batch, CLI and rendering defects of issue 9, each with the behaviour now expected."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from prevention_engine import Agenda
from prevention_engine.batch import CHUNK, MAX_LINE_BYTES, MAX_WORKERS, run_batch
from prevention_engine.render import to_ics, to_text

from .conftest import AS_OF, EXAMPLE, ROOT, assert_bad_input, cli, default_engine


def good(pid: str, birth: str = "2024-03-15") -> str:
    return json.dumps({"id": pid, "birth_date": birth})


def batch(tmp_path: Path, inp: str, *extra: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    return cli("batch", inp, "--out", str(out), "--rejects", str(rej), "--as-of",
               AS_OF.isoformat(), *extra, stdin=stdin), out, rej


# ------------------------------------------------------------------------------ batch
class _CountingLines:
    """An input that counts the lines taken from it, to see how far ahead the batch reads."""

    def __init__(self, n: int) -> None:
        self.n, self.taken = n, 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for i in range(self.n):
            self.taken += 1
            yield good(f"p{i}")


class _Out(io.StringIO):
    def __init__(self, source: _CountingLines) -> None:
        super().__init__()
        self.source, self.lines, self.max_ahead = source, 0, 0

    def write(self, s: str) -> int:
        self.lines += 1
        self.max_ahead = max(self.max_ahead, self.source.taken - self.lines)
        return len(s)


def test_workers_hold_a_bounded_amount_of_work_in_flight() -> None:
    source = _CountingLines(3000)
    out = _Out(source)
    summary = run_batch(source, out, io.StringIO(), AS_OF, workers=2)
    assert summary.read == summary.written == 3000
    # at most workers * 2 chunks (plus the chunk being filled) ahead of the output, not the
    # whole input as before
    assert out.max_ahead <= 2 * 2 * CHUNK + CHUNK, out.max_ahead


@pytest.mark.parametrize("n", ["65", "100000"])
def test_workers_are_capped(tmp_path: Path, n: str) -> None:
    (tmp_path / "in.jsonl").write_text(good("a") + "\n", encoding="utf-8")
    r, _, _ = batch(tmp_path, str(tmp_path / "in.jsonl"), "--workers", n)
    assert r.code == 2 and str(MAX_WORKERS) in r.err


def test_out_hard_linked_to_input_is_refused(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(good("a") + "\n", encoding="utf-8")
    os.link(inp, tmp_path / "out.jsonl")
    r, _, _ = batch(tmp_path, str(inp))
    assert_bad_input(r, "would overwrite the input")
    assert inp.read_text(encoding="utf-8") == good("a") + "\n"


def test_rejects_hard_linked_to_input_truncates_nothing(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(good("a") + "\n", encoding="utf-8")
    (tmp_path / "out.jsonl").write_text("previous run\n", encoding="utf-8")
    os.link(inp, tmp_path / "rej.jsonl")
    r, out, _ = batch(tmp_path, str(inp))
    assert_bad_input(r, "would overwrite the input")
    assert out.read_text(encoding="utf-8") == "previous run\n"  # not truncated first


def test_unopenable_rejects_leaves_out_untouched(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(good("a") + "\n", encoding="utf-8")
    (tmp_path / "out.jsonl").write_text("previous run\n", encoding="utf-8")
    (tmp_path / "rej.jsonl").mkdir()
    r, out, _ = batch(tmp_path, str(inp))
    assert_bad_input(r, "rej.jsonl")
    assert out.read_text(encoding="utf-8") == "previous run\n"


def test_dash_reads_standard_input(tmp_path: Path) -> None:
    r, out, _ = batch(tmp_path, "-", stdin=good("a") + "\n" + good("b") + "\n")
    assert r.exc is None and r.code == 0, (r.err, r.exc)
    assert r.out.strip().splitlines()[-1] == "read 2, written 2, rejected 0"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize("line", ["\x1c", "\x00", "\x1f\x1e", "\x0b\x0c"])
def test_control_character_line_is_a_rejected_record(tmp_path: Path, line: str) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(good("a") + "\n" + line + "\n" + good("b") + "\n", encoding="utf-8",
                   newline="")
    r, _, rej = batch(tmp_path, str(inp))
    assert r.out.strip().splitlines()[-1] == "read 3, written 2, rejected 1"
    assert json.loads(rej.read_text(encoding="utf-8"))["line"] == 2


def test_over_long_line_is_rejected_without_stopping(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    long = json.dumps({"id": "big", "birth_date": "2024-03-15", "medications": ["x" * 1000] *
                       (MAX_LINE_BYTES // 1000 + 10)})
    inp.write_text(good("a") + "\n" + long + "\n" + good("b") + "\n", encoding="utf-8")
    r, out, rej = batch(tmp_path, str(inp))
    assert r.out.strip().splitlines()[-1] == "read 3, written 2, rejected 1"
    reject = json.loads(rej.read_text(encoding="utf-8"))
    assert reject["line"] == 2 and "longer than" in reject["error"]
    assert [json.loads(x)["person_id"] for x in out.read_text().splitlines()] == ["a", "b"]


def test_duplicate_ids_are_warned_in_the_summary(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join([good("a"), good("b"), good("a"), good("c")]) + "\n",
                   encoding="utf-8")
    r, _, _ = batch(tmp_path, str(inp))
    assert r.code == 0
    assert r.out.strip().splitlines()[-1] == "read 4, written 4, rejected 0"
    assert "1 id(s) appear more than once" in r.err and "'a'" in r.err


# ------------------------------------------------------------------------------ CLI
def test_closed_pipe_ends_quietly() -> None:
    cmd = (f"{sys.executable} -m prevention_engine agenda {EXAMPLE} --as-of 2025-11-10 "
           "--format json | head -c 10")
    r = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True,
                       text=True, cwd=ROOT, timeout=120)
    assert r.stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_unwritable_output_is_a_one_line_error() -> None:
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "prevention_engine", "agenda", str(EXAMPLE),
                            "--as-of", "2025-11-10"], stdout=full, stderr=subprocess.PIPE,
                           text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


@pytest.mark.parametrize("value", ["20251110", "2025-W46-1", "2025-314", "2025-11-10T00:00"])
def test_as_of_takes_exactly_the_profile_date_format(value: str) -> None:
    r = cli("agenda", str(EXAMPLE), "--as-of", value)
    assert r.code == 2 and "YYYY-MM-DD" in r.err


def test_version() -> None:
    r = cli("--version")
    assert r.code == 0 and r.out.startswith("prevention-engine ")


def test_every_option_has_a_help_line() -> None:
    import argparse

    from prevention_engine.cli import build_parser

    parser = build_parser()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    parsers = [parser, *subs[0].choices.values()]
    missing = [
        f"{p.prog} {a.dest}" for p in parsers for a in p._actions
        if not isinstance(a, argparse._SubParsersAction | argparse._HelpAction) and not a.help
    ]
    assert missing == []


# ------------------------------------------------------------------------------ rendering
def _agenda_for(pid: str) -> Agenda:
    return default_engine().evaluate({"id": pid, "birth_date": "2024-03-15"}, as_of=AS_OF)


def test_text_output_escapes_profile_control_characters() -> None:
    text = to_text(_agenda_for("p\r\nFAUX: injecté\x1b[31m"))
    assert "\x1b" not in text and "\r" not in text
    assert "FAUX: injecté" in text.splitlines()[0]  # still on the header line
    assert "\\x0d\\x0a" in text


def test_ics_output_escapes_an_id_with_cr_lf() -> None:
    ics = to_ics(_agenda_for("p-1\r\nATTENDEE:mailto:x@example.org"))
    lines = ics.split("\r\n")
    assert not any(line.startswith("ATTENDEE") for line in lines)
    assert all("\n" not in line and "\r" not in line for line in lines)
    uids = [line for line in lines if line.startswith("UID:")]
    assert uids and all("%0D%0A" in u for u in uids)


def test_validate_refuses_a_folder_without_calendars(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")
    assert_bad_input(cli("validate", str(tmp_path)), "no calendar")


def test_agenda_with_an_empty_rules_folder_warns(tmp_path: Path) -> None:
    r = cli("agenda", str(EXAMPLE), "--as-of", "2025-11-10", "--rules", str(tmp_path))
    assert r.code == 0
    assert "aucun calendrier en vigueur" in r.out


def test_printable_keeps_lines_and_escapes_controls() -> None:
    from prevention_engine.render import printable

    assert printable("a\x1b[2J\rb\nc\u2028d\n") == "a\\x1b[2J\\x0db\nc\\u2028d\n"


def test_cli_extreme_date_is_a_one_line_error(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text(json.dumps({"birth_date": "1990-01-01", "pregnancies": [
        {"conception_date": "0001-01-01"}]}), encoding="utf-8")
    assert_bad_input(cli("agenda", str(f), "--as-of", "2025-11-10"),
                     "pregnancies[0].conception_date")


def test_batch_to_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(good(f"p{i}") for i in range(300)) + "\n", encoding="utf-8")
    cmd = (f"{sys.executable} -m prevention_engine batch {inp} --out /dev/stdout "
           f"--rejects {tmp_path / 'rej.jsonl'} --as-of 2025-11-10 | head -c 10 > /dev/null")
    r = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True,
                       text=True, cwd=ROOT, timeout=120)
    assert r.stderr == ""


def test_duplicate_ids_are_counted_over_the_whole_input_on_disk() -> None:
    """Every record is checked (no first-million limit), an id seen three times is one
    duplicate, and the index leaves nothing behind."""
    import tempfile

    from prevention_engine.batch_ids import MAX_LISTED, IdIndex

    index = IdIndex()
    # its own folder (other batch runs on the machine may make and remove theirs meanwhile)
    own = Path(index._dir.name)
    assert own.parent == Path(tempfile.gettempdir()) and own.is_dir()
    for i in range(25_000):
        index.add(f"p{i % 20_000}")  # 5,000 ids seen twice
    for _ in range(3):
        index.add("p7")  # a third, fourth, fifth sighting adds no duplicate
    assert index.duplicates == 5_000
    assert len(index.listed) == MAX_LISTED and index.listed[0] == "p0"
    index.close()
    assert not own.exists()
