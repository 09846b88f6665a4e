"""``batch --out /dev/stdout`` (or ``--rejects /dev/stderr``) when the shell sent that stream
to a file: the agendas, then the summary, each whole (the summary was written at the
stream's own offset, over the first agenda), and ``>>`` appends as the shell asked (the file
was emptied). And a text stream on a binary file (``codecs.getwriter``) is written as text."""

from __future__ import annotations

import codecs
import io
import json
import subprocess
import sys
from pathlib import Path

from prevention_engine.batch import run_batch

from .conftest import AS_OF, ROOT, default_engine


def _input(tmp_path: Path) -> Path:
    inp = tmp_path / "in.jsonl"
    good = [json.dumps({"id": f"p{i}", "birth_date": f"{1950 + 9 * i}-03-15"}) for i in range(5)]
    inp.write_text("\n".join([*good, '{"id": "bad"}', "not json"]) + "\n", encoding="utf-8")
    return inp


def _batch(tmp_path: Path, redirect: str, *args: str) -> None:
    cmd = (f"{sys.executable} -m prevention_engine batch {_input(tmp_path)} "
           f"--as-of {AS_OF} {' '.join(args)} {redirect}")
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    assert r.returncode == 0, r.stderr


def test_out_to_stdout_sent_to_a_file_keeps_every_agenda_whole(tmp_path: Path) -> None:
    _batch(tmp_path, "", "--out", str(tmp_path / "ref.jsonl"), "--rejects",
           str(tmp_path / "r0.jsonl"))
    ref = (tmp_path / "ref.jsonl").read_bytes()
    _batch(tmp_path, f"> {tmp_path / 'out.txt'}", "--out", "/dev/stdout", "--rejects",
           str(tmp_path / "r1.jsonl"))
    assert (tmp_path / "out.txt").read_bytes() == ref + b"read 7, written 5, rejected 2\n"
    (tmp_path / "app.txt").write_bytes(b"before\n")
    _batch(tmp_path, f">> {tmp_path / 'app.txt'}", "--out", "/dev/stdout", "--rejects",
           str(tmp_path / "r2.jsonl"))
    assert (tmp_path / "app.txt").read_bytes() == \
        b"before\n" + ref + b"read 7, written 5, rejected 2\n"


def test_rejects_to_stderr_sent_to_a_file_keep_every_line_whole(tmp_path: Path) -> None:
    _batch(tmp_path, "", "--out", str(tmp_path / "o0.jsonl"), "--rejects",
           str(tmp_path / "ref.jsonl"))
    ref = (tmp_path / "ref.jsonl").read_bytes()
    _batch(tmp_path, f"2> {tmp_path / 'err.txt'}", "--out", str(tmp_path / "o1.jsonl"),
           "--rejects", "/dev/stderr")
    assert (tmp_path / "err.txt").read_bytes() == ref + b"duplicate ids: 0\n"


def test_a_codecs_text_writer_on_a_binary_file_is_written_as_text(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "a", "birth_date": "1980-01-01"})]
    ref = io.StringIO()
    run_batch(iter(lines), ref, io.StringIO(), AS_OF, engine=default_engine())
    with (tmp_path / "out.jsonl").open("wb") as f:
        run_batch(iter(lines), codecs.getwriter("utf-8")(f), io.StringIO(), AS_OF,
                  engine=default_engine())
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == ref.getvalue()
