"""CDC CDSi healthy test cases (v4.45) against our import of the supporting data 4.64.

Every case must pass, except the ones listed in ``disputed.yaml``: ``disputed`` (the case
disagrees with the 4.64 data, reason cited) and ``xfail`` (not yet implemented, said so). The
cases and the XML are vendored under ``tests/data/cdsi`` (CDC public-domain data, see its
``SOURCE.md``), so a fresh clone runs every case.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest
import yaml

from prevention_engine import Engine
from prevention_engine.conformance import check_case, load_cases

ROOT = Path(__file__).resolve().parents[2]
CDSI = ROOT / "tests" / "data" / "cdsi"
CASES = CDSI / "test-cases" / "cdsi-healthy-childhood-and-adult-test-cases-v4.45.json"
SUPPORTING = CDSI / "supporting-data-4.64"
LISTS = yaml.safe_load((Path(__file__).parent / "disputed.yaml").read_text(encoding="utf-8"))
DISPUTED: dict[str, str] = {str(e["id"]): e["reason"] for e in LISTS.get("disputed") or []}
XFAIL: dict[str, str] = {str(e["id"]): e["reason"] for e in LISTS.get("xfail") or []}



def _cases() -> list[Any]:
    out = []
    for c in load_cases(CASES):
        cid = str(c["cdc_test_id"])
        marks = []
        if cid in DISPUTED:
            marks.append(pytest.mark.xfail(reason="disputed: " + DISPUTED[cid], strict=True))
        elif cid in XFAIL:
            marks.append(pytest.mark.xfail(reason=XFAIL[cid], strict=True))
        out.append(pytest.param(c, id=f"{cid}-{c['vaccine_group']}", marks=marks))
    return out


@pytest.mark.parametrize("case", _cases())
def test_cdsi_case(engine: Engine, case: dict[str, Any]) -> None:
    result = check_case(engine, case)
    assert result.passed, "; ".join(result.mismatches)


def test_lists_are_reviewed() -> None:
    """Each listed case exists, has a reason, and is in one list only."""
    ids = {str(c["cdc_test_id"]) for c in load_cases(CASES)}
    assert not set(DISPUTED) & set(XFAIL)
    for cid, reason in {**DISPUTED, **XFAIL}.items():
        assert cid in ids, cid
        assert reason and len(reason) > 20, cid
    for reason in XFAIL.values():
        assert reason.startswith("not yet implemented: ")


def test_importer_reproduces_committed_rules(tmp_path: Path) -> None:
    from prevention_engine.cdsi_import import main

    assert main([str(SUPPORTING), str(tmp_path)]) == 0
    for rel in ("us-cdsi/us-cdsi-4.64.yaml", "products/us-cvx-4.64.yaml"):
        fresh = (tmp_path / rel).read_text(encoding="utf-8")
        committed = (ROOT / "rules" / rel).read_text(encoding="utf-8")
        if fresh != committed:
            diff = "".join(
                list(difflib.unified_diff(committed.splitlines(True), fresh.splitlines(True)))[:40]
            )
            pytest.fail(f"rules/{rel} differs from a fresh import; re-run the importer:\n{diff}")


def test_us_calendar_not_used_for_french_profile(engine: Engine) -> None:
    import datetime as dt

    agenda = engine.evaluate({"birth_date": "2025-01-01"}, as_of=dt.date(2025, 11, 10))
    assert all(c.id != "us-cdsi" for c in agenda.calendars)
    us = engine.evaluate(
        {"birth_date": "2025-01-01"}, as_of=dt.date(2025, 11, 10), jurisdiction="US"
    )
    assert [c.id for c in us.calendars] == ["us-cdsi"]
