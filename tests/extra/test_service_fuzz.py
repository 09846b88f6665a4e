"""The service example's body as a fuzzing pass wrote it: an input the risk scores cannot use
(a RiskInputError, neither a ProfileError nor an InputError) and a key that is a lone
surrogate gave a 500 instead of the 422 naming the field."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="optional extra [service] not installed")
pytest.importorskip("httpx", reason="optional extra [service] not installed")

with warnings.catch_warnings():  # recent Starlette prefers httpx2; httpx works the same
    warnings.filterwarnings("ignore", message="Using `httpx`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]


def _service() -> Any:
    spec = importlib.util.spec_from_file_location("service_app_fuzz",
                                                  ROOT / "examples" / "service" / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLIENT = TestClient(_service().app, raise_server_exceptions=False)
CARDIO = ('{"birth_date": "1965-05-05", "sex": "male", "lifestyle": {"smoker": false}, '
          '"observations": [{"code": "systolic_bp", "value": 1e6, "date": "2025-01-01"}, '
          '{"code": "total_cholesterol", "value": 5.5, "date": "2025-01-01"}, '
          '{"code": "hdl_cholesterol", "value": 1.3, "date": "2025-01-01"}]}')


@pytest.mark.parametrize(("body", "field"), [
    (CARDIO, "systolic_bp"),
    ('{"birth_date": "2020-01-01", "\\udc80": 1}', None),
    ('{"id": "\\ud800", "birth_date": "2020-01-01"}', "id"),
])
def test_unusable_input_is_a_422_naming_the_field(body: str, field: str | None) -> None:
    r = CLIENT.post("/agenda", params={"as_of": "2025-11-10"}, content=body.encode())
    assert r.status_code == 422, r.text
    detail = r.json()["detail"][0]
    assert detail["msg"]
    if field is not None:
        assert detail["field"] == field
