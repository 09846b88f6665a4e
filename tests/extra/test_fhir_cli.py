"""`prevention-engine agenda --input fhir --format fhir`: a Bundle in, a Bundle out, errors as
one line naming the resource."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prevention_engine.cli import main

pytest.importorskip(
    "fhir.resources", reason="optional extra [fhir] not installed (pip install '.[fhir]')"
)

BUNDLES = Path(__file__).parent / "fhir_bundles"


def test_bundle_in_bundle_out(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["agenda", str(BUNDLES / "infant.json"), "--as-of", "2025-11-10",
                 "--input", "fhir", "--format", "fhir"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    kinds = {e["resource"]["resourceType"] for e in out["entry"]}
    assert out["resourceType"] == "Bundle"
    assert "ImmunizationRecommendation" in kinds


def test_bundle_in_agenda_json_out(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["agenda", str(BUNDLES / "infant.json"), "--as-of", "2025-11-10",
                 "--input", "fhir"])
    agenda = json.loads(capsys.readouterr().out)
    assert code == 0
    assert any(i["domain"] == "vaccination" for i in agenda["items"])


def test_malformed_bundle_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = json.loads((BUNDLES / "infant.json").read_text(encoding="utf-8"))
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["birthDate"] = "not-a-date"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    code = main(["agenda", str(path), "--as-of", "2025-11-10", "--input", "fhir"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Patient" in err and "birthDate" in err
    assert len(err.strip().splitlines()) == 1
