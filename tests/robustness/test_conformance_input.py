"""`conformance cdsi CASES.json`: a malformed case fails on its own and the run goes on; a bad
file is exit 1 with a message, never a traceback (CONTRACT.md section 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import ROOT, assert_bad_input, cli

CASES = ROOT / "tests" / "data" / "cdsi" / "test-cases" / \
    "cdsi-healthy-childhood-and-adult-test-cases-v4.45.json"


def one_case() -> dict:  # type: ignore[type-arg]
    if CASES.exists():
        return json.loads(CASES.read_text(encoding="utf-8"))["cases"][0]
    return {"cdc_test_id": "2025-0038", "dob": "2025-05-10", "gender": "F",
            "assessment_date": "2025-11-10", "vaccine_group": "COVID-19",
            "series_status": "Not complete", "doses": [],
            "forecast": {"forecast_num": "1", "earliest_date": "2025-11-10",
                         "recommended_date": "2025-11-10", "past_due_date": None}}


def write(tmp_path: Path, data: object, name: str = "cases.json") -> Path:
    f = tmp_path / name
    f.write_text(json.dumps(data), encoding="utf-8")
    return f


@pytest.mark.parametrize("content", ["", "{", "[1, 2]", '{"cases": 5}', '{"cases": [1]}'])
def test_bad_cases_file_exit_1(tmp_path: Path, content: str) -> None:
    f = tmp_path / "c.json"
    f.write_text(content, encoding="utf-8")
    assert_bad_input(cli("conformance", "cdsi", str(f)))


def test_missing_and_directory(tmp_path: Path) -> None:
    assert_bad_input(cli("conformance", "cdsi", str(tmp_path / "nope.json")))
    assert_bad_input(cli("conformance", "cdsi", str(tmp_path)))


def test_malformed_case_fails_alone(tmp_path: Path) -> None:
    c = one_case()
    cases = [c, {**c, "dob": "2025-02-30"}, {**c, "doses": {"a": 1}}, {**c, "doses": ["x"]},
             {**c, "dob": None}, {k: v for k, v in c.items() if k != "dob"},
             {**c, "assessment_date": 5}, c]
    r = cli("conformance", "cdsi", str(write(tmp_path, {"cases": cases})))
    assert r.exc is None and r.code == 1, r.exc  # issue 9: any failure exits 1
    assert "missing field 'dob'" in r.out  # a malformed case is listed, naming the field
    last = r.out.strip().splitlines()[-1]
    passed, failed = int(last.split()[0]), int(last.split()[2])
    assert passed + failed == len(cases)
    assert failed >= 6


# ---------------------------------------- problems found (xfail: open; "Regression test": fixed)
# Regression test: failed at HEAD 34e17a9 (a case without assessment_date reaches `assert as_of is
# not None` in check_case: AssertionError is not caught by run_cases and aborts the whole run with
# a traceback); fixed by e79f70d.
def test_case_without_assessment_date_fails_alone(tmp_path: Path) -> None:
    c = one_case()
    r = cli("conformance", "cdsi", str(write(tmp_path, {"cases": [c, {**c,
                                                                      "assessment_date": None}]})))
    assert r.exc is None and r.code == 1
    assert r.out.strip().splitlines()[-1].endswith("1 failed")


# Regression test: failed at HEAD 34e17a9 (a case whose 'forecast' is not a mapping raises
# AttributeError, not caught by run_cases: the whole run aborts with a traceback); fixed by e79f70d.
@pytest.mark.parametrize("forecast", ["x", [1]], ids=["text", "list"])
def test_case_with_non_mapping_forecast_fails_alone(tmp_path: Path, forecast: object) -> None:
    c = one_case()
    r = cli("conformance", "cdsi", str(write(tmp_path, {"cases": [c, {**c,
                                                                      "forecast": forecast}]})))
    assert r.exc is None and r.code == 1
    assert r.out.strip().splitlines()[-1].endswith("1 failed")


# Regression test: failed at HEAD 34e17a9 (--disputed file that is valid YAML but not a list
# (`disputed: 5`) raises TypeError: traceback); fixed by e79f70d.
def test_disputed_wrong_type(tmp_path: Path) -> None:
    d = tmp_path / "d.yaml"
    d.write_text("disputed: 5\n", encoding="utf-8")
    r = cli("conformance", "cdsi", str(write(tmp_path, {"cases": [one_case()]})),
            "--disputed", str(d))
    assert r.exc is None and r.code in (0, 1)


# Regression test: failed at HEAD 34e17a9 (deeply nested cases JSON: RecursionError traceback
# (load_cases catches only JSONDecodeError/OSError/UnicodeDecodeError)); fixed by e79f70d.
def test_deeply_nested_cases_file(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text('{"cases": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert_bad_input(cli("conformance", "cdsi", str(f)))


# Regression test: failed at HEAD 34e17a9 (a JSON integer of more than 4300 digits in the cases
# file raises ValueError from json.loads, not caught by load_cases: traceback); fixed by e79f70d.
def test_huge_integer_in_cases_file(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text('{"cases": [' + "9" * 5000 + "]}", encoding="utf-8")
    assert_bad_input(cli("conformance", "cdsi", str(f)))


def test_all_cases_passing_exit_0(tmp_path: Path) -> None:
    c = one_case()
    r = cli("conformance", "cdsi", str(write(tmp_path, {"cases": [c]})))
    assert r.exc is None and r.code == 0, (r.out, r.err)
    assert r.out.strip().splitlines()[-1] == "1 passed, 0 failed"
