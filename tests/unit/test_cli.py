"""The command line: outputs, exit codes (0 ok, 1 bad input, 2 usage), batch accounting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prevention_engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "infant-2024.json"
MINI = [str(ROOT / "tests" / "fixtures" / "mini-calendar.yaml"), str(ROOT / "rules" / "products")]


def rules_args() -> list[str]:
    out = []
    for p in MINI:
        out += ["--rules", p]
    return out


def test_agenda_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agenda", str(EXAMPLE), "--as-of", "2025-11-10", *rules_args()]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["person_id"] == "p-001"
    assert data["as_of"] == "2025-11-10"
    assert {"id", "item", "status", "reason", "source", "calendar"} <= set(data["items"][0])


def test_agenda_text_and_ics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agenda", str(EXAMPLE), "--as-of", "2025-11-10", "--format", "text",
                 *rules_args()]) == 0
    assert "en retard" in capsys.readouterr().out
    assert main(["agenda", str(EXAMPLE), "--as-of", "2025-11-10", "--format", "ics",
                 *rules_args()]) == 0
    out = capsys.readouterr().out
    assert out.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in out


def test_bad_profile_exits_1_without_traceback(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "p.json"
    bad.write_text('{"birth_date": "2024-13-01"}')
    assert main(["agenda", str(bad), "--as-of", "2025-11-10", *rules_args()]) == 1
    err = capsys.readouterr().err
    assert "birth_date" in err and "Traceback" not in err
    bad.write_text("{not json")
    assert main(["agenda", str(bad), "--as-of", "2025-11-10", *rules_args()]) == 1


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["agenda", str(EXAMPLE)])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["agenda", str(EXAMPLE), "--as-of", "10/11/2025"])
    assert exc.value.code == 2


def test_validate_reports_file_and_line(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "tests" / "fixtures" / "mini-calendar.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("mandatory: true", "mandatroy: true"))
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:" in err and "dtp" in err and "mandatory" in err
    assert main(["validate", *MINI]) == 0


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(EXAMPLE), "--as-of", "2025-11-10", "menb", *rules_args()]) == 0
    out = capsys.readouterr().out
    assert "Bexsero" in out and "mini-calendar.yaml" in out


def test_batch_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        json.dumps({"id": "a", "birth_date": "2024-01-01"}),
        "{broken",
        json.dumps({"id": "c", "birth_date": "2030-01-01"}),
        json.dumps({"id": "d", "birth_date": "2020-05-01", "unknown": 1}),
        json.dumps({"id": "e", "birth_date": "1950-05-01"}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n")
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    code = main(["batch", str(src), "--out", str(out), "--rejects", str(rej),
                 "--as-of", "2025-11-10", *rules_args()])
    assert code == 0
    assert "read 5, written 2, rejected 3" in capsys.readouterr().out
    rejects = [json.loads(x) for x in rej.read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2, 3, 4]
    assert rejects[1]["id"] == "c"
    assert len(out.read_text().splitlines()) == 2
    assert main(["batch", str(src), "--out", str(out), "--rejects", str(rej),
                 "--as-of", "2025-11-10", "--strict", *rules_args()]) == 1


def test_batch_with_workers_keeps_order(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"p{i}", "birth_date": "2024-01-01"})
                             for i in range(30)) + "\n")
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    assert main(["batch", str(src), "--out", str(out), "--rejects", str(rej),
                 "--as-of", "2025-11-10", "--workers", "2", *rules_args()]) == 0
    ids = [json.loads(x)["person_id"] for x in out.read_text().splitlines()]
    assert ids == [f"p{i}" for i in range(30)]


def test_calendars_lists_versions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendars", *rules_args()]) == 0
    out = capsys.readouterr().out
    assert "test-vacc" in out and "fr-products" in out


def test_validate_one_folder_uses_bundled_products(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "rules" / "vaccination")]) == 0
    assert "product tables" in capsys.readouterr().out
