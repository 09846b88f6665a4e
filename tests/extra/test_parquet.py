"""Parquet batch output (extra ``[parquet]``): one table row per agenda row, the same statuses
and dates as the full output, fixed texts in the catalogue; skipped without pyarrow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pq = pytest.importorskip("pyarrow.parquet", reason="optional extra [parquet] not installed "
                         "(pip install '.[parquet]')")

from prevention_engine import Engine  # noqa: E402
from prevention_engine.batch import run_batch_files  # noqa: E402
from prevention_engine.compact import read_catalogue  # noqa: E402
from tests.snapshot.record import _benchmark_module  # noqa: E402


@pytest.mark.parametrize("workers", [1, 2])
def test_parquet_rows_match_the_full_output(tmp_path: Path, engine: Engine, workers: int) -> None:
    bench = _benchmark_module()
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join([*bench.population(40), "{}"]) + "\n", encoding="utf-8")
    full, pqt, cat = tmp_path / "full.jsonl", tmp_path / "out.parquet", tmp_path / "cat.jsonl"
    run_batch_files(inp, full, tmp_path / "r1", bench.AS_OF, engine=engine)
    s = run_batch_files(inp, pqt, tmp_path / "r2", bench.AS_OF, engine=engine,
                        output="parquet", catalogue_path=cat, workers=workers)
    assert (s.read, s.written, s.rejected) == (41, 40, 1)
    table = pq.read_table(pqt).to_pylist()
    expected = [(a["person_id"], r["id"], r["calendar"]["version"], r["status"], r["dose"],
                 r["recommended_date"], r["reason"])
                for a in map(json.loads, full.read_text(encoding="utf-8").splitlines())
                for r in a["items"]]
    got = [(t["person_id"], t["id"], t["version"], t["status"], t["dose"],
            t["recommended_date"] and t["recommended_date"].isoformat(), t["reason"])
           for t in table]
    assert got == expected
    catalogue = read_catalogue(cat.read_text(encoding="utf-8").splitlines())
    assert {(t["id"], t["version"]) for t in table} == set(catalogue)
    assert all(entry["title"] and entry["source"] for entry in catalogue.values())


def test_parquet_from_the_command_line(tmp_path: Path) -> None:
    from tests.robustness.conftest import cli

    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": "a", "birth_date": "2024-03-15"}) + "\n", encoding="utf-8")
    out = tmp_path / "o.parquet"
    r = cli("batch", str(inp), "--out", str(out), "--rejects", str(tmp_path / "r"),
            "--as-of", "2025-11-10", "--output", "parquet")
    assert r.exc is None and r.code == 0, r.err
    assert pq.read_table(out).num_rows > 0
    assert Path(f"{out}.catalogue.jsonl").stat().st_size > 0
