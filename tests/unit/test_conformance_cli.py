"""`prevention-engine conformance cdsi CASES.json`: output shape and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prevention_engine.cli import main

CASE = {
    "cdc_test_id": "T-0001",
    "test_case_name": "HepB birth dose given, forecast dose 2",
    "dob": "2025-09-01",
    "gender": "F",
    "assessment_date": "2025-11-10",
    "vaccine_group": "HepB",
    "series_status": "Not complete",
    "doses": [
        {
            "date_administered": "2025-09-01",
            "vaccine_name": "HepB",
            "cvx": "08",
            "mvx": "",
            "evaluation_status": "Valid",
            "evaluation_reason": None,
        }
    ],
    # HepB 3-dose series, dose 2 (CDSi supporting data 4.64): earliest 4 weeks after dose 1,
    # recommended at 1 month of age, past due at 3 months + 4 weeks of age - 1 day
    "forecast": {
        "forecast_num": "2",
        "earliest_date": "2025-09-29",
        "recommended_date": "2025-10-01",
        "past_due_date": "2025-12-28",
    },
}


def test_pass_rates_and_last_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = dict(CASE, cdc_test_id="T-0002", series_status="Complete")
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": [CASE, wrong]}), encoding="utf-8")
    assert main(["conformance", "cdsi", str(path), "--verbose"]) == 1  # a failure exits 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "1 passed, 1 failed"
    assert any(line.startswith("HepB") and "1/2" in line for line in out)
    assert any(line.startswith("FAIL T-0002") for line in out)


def test_unreadable_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["conformance", "cdsi", str(bad)]) == 1
    assert "error" in capsys.readouterr().err
