"""The FastAPI service example (examples/service, extra [service]), through its test client."""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import Engine, Profile

pytest.importorskip("fastapi", reason="optional extra [service] not installed")
pytest.importorskip("httpx", reason="optional extra [service] not installed")
with warnings.catch_warnings():  # recent Starlette prefers httpx2; httpx works the same
    warnings.filterwarnings("ignore", message="Using `httpx`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "infant-2024.json"
BUNDLES = Path(__file__).parent / "fhir_bundles"


def _service() -> Any:
    spec = importlib.util.spec_from_file_location("service_app",
                                                  ROOT / "examples" / "service" / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SERVICE = _service()
CLIENT = TestClient(SERVICE.app)


def test_profile_in_agenda_json_out_as_the_library_gives() -> None:
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10"},
                    content=EXAMPLE.read_bytes())
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    expected = Engine.default().evaluate(
        Profile.model_validate_json(EXAMPLE.read_text()), SERVICE.dt.date(2025, 11, 10))
    assert r.text == expected.to_json()  # byte for byte


def test_engine_is_built_once_per_process() -> None:
    SERVICE.engine.cache_clear()
    for _ in range(3):
        assert CLIENT.post("/agenda", params={"as_of": "2025-11-10"},
                           content=EXAMPLE.read_bytes()).status_code == 200
    info = SERVICE.engine.cache_info()
    assert info.misses == 1 and info.hits >= 2


@pytest.mark.parametrize(("body", "loc", "words"), [
    ({"birth_date": "2020-01-01", "immunizations": [{"date": "2019-01-01", "product": "X"}]},
     ["body", "immunizations", 0, "date"], "before the birth date"),
    ({"birth_date": "2020-01-01", "consent": {"opt_out_domains": ["vacination"]}},
     ["body", "consent", "opt_out_domains"], "vaccination"),
    ({"birth_date": "2020-01-01", "pets": 2}, ["body", "pets"], "unknown field"),
    ({}, ["body", "birth_date"], "required"),
])
def test_bad_profile_is_422_with_the_field_path(body: dict[str, Any], loc: list[Any],
                                                 words: str) -> None:
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10"}, content=json.dumps(body))
    assert r.status_code == 422
    detail = r.json()["detail"][0]
    assert detail["loc"] == loc, detail
    assert words in detail["msg"].lower() or words in str(detail.get("input")), detail


def test_bad_json_bad_date_and_missing_as_of_are_422() -> None:
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10"}, content=b"{not json")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body"]
    r = CLIENT.post("/agenda", content=EXAMPLE.read_bytes())
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "as_of"]
    r = CLIENT.post("/agenda", params={"as_of": "2025-13-40"}, content=EXAMPLE.read_bytes())
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "as_of"]
    r = CLIENT.post("/agenda", params={"as_of": "1800-01-01"},
                    content=b'{"birth_date": "1799-01-01"}')
    assert r.status_code == 422


def test_fhir_bundle_in_fhir_out() -> None:
    pytest.importorskip("fhir.resources", reason="optional extra [fhir] not installed")
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10", "format": "fhir"},
                    content=(BUNDLES / "infant.json").read_bytes())
    assert r.status_code == 200 and r.headers["content-type"] == "application/fhir+json"
    out = r.json()
    assert out["resourceType"] == "Bundle"
    assert "ImmunizationRecommendation" in {e["resource"]["resourceType"] for e in out["entry"]}
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10"},
                    content=(BUNDLES / "infant.json").read_bytes())
    assert r.status_code == 200 and r.json()["items"]


def test_malformed_bundle_is_422_naming_the_resource() -> None:
    pytest.importorskip("fhir.resources", reason="optional extra [fhir] not installed")
    bundle = json.loads((BUNDLES / "infant.json").read_text())
    imm = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Immunization")
    imm["resource"]["occurrenceDateTime"] = "not-a-date"
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10"}, content=json.dumps(bundle))
    assert r.status_code == 422
    detail = r.json()["detail"][0]
    assert "Immunization/" in detail["field"] and detail["loc"][0] == "body"


def test_health_lists_the_calendars() -> None:
    r = CLIENT.get("/health")
    assert r.status_code == 200 and "fr-vaccination@2025.1" in r.json()["calendars"]


def test_ics_and_trace_formats() -> None:
    pytest.importorskip("icalendar", reason="optional extra [ical] not installed")
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10", "format": "ics"},
                    content=EXAMPLE.read_bytes())
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert r.text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in r.text
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10", "trace": "true"},
                    content=EXAMPLE.read_bytes())
    assert any("trace" in item for item in r.json()["items"])
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10", "format": "pdf"},
                    content=EXAMPLE.read_bytes())
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "format"]
