"""FHIR bundles as a fuzzing pass mutated them: an entry whose resourceType is unknown, not
text or missing raised KeyError or TypeError from inside the FHIR models (a traceback in
``agenda --input fhir``); each is a ProfileError naming the entry."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prevention_engine import Engine, ProfileError

pytest.importorskip(
    "fhir.resources", reason="optional extra [fhir] not installed (pip install '.[fhir]')"
)

from prevention_engine.extra.fhir import read_bundle

BUNDLES = Path(__file__).resolve().parent / "fhir_bundles"
ADULT = json.loads((BUNDLES / "adult.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["Patientx", "", 5, None, ["Patient"]])
@pytest.mark.parametrize("entry", [0, 1])
def test_an_entry_of_an_unknown_resource_type_is_an_error_naming_it(
    engine: Engine, kind: Any, entry: int
) -> None:
    bundle = copy.deepcopy(ADULT)
    bundle["entry"][entry]["resource"]["resourceType"] = kind
    with pytest.raises(ProfileError) as err:
        read_bundle(json.dumps(bundle), engine)
    assert err.value.field is not None and f"entry[{entry}]" in err.value.field
    assert "resourceType" in err.value.field


def test_an_entry_without_a_resource_type_is_an_error_naming_it(engine: Engine) -> None:
    bundle = copy.deepcopy(ADULT)
    del bundle["entry"][1]["resource"]["resourceType"]
    with pytest.raises(ProfileError) as err:
        read_bundle(json.dumps(bundle), engine)
    assert err.value.field is not None and "entry[1]" in err.value.field


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


WEIRD = [None, True, 0, -1, 1e300, "", "x", "0001-01-01", "9999-12-31", "2023-02-29", [], {},
         [None], {"a": 1}, "2024-01-01T25:00:00Z", "2024", "Patient/zzz", "not-done", "other"]
PATHS = [p for p in _paths(ADULT) if p]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(WEIRD)), min_size=1,
                max_size=3))
def test_a_mutated_bundle_is_read_or_refused_never_a_crash(
    engine: Engine, edits: list[tuple[tuple[Any, ...], Any]]
) -> None:
    bundle = copy.deepcopy(ADULT)
    for path, value in edits:
        node = bundle
        try:
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced this branch
    try:
        read = read_bundle(json.dumps(bundle), engine)
    except ProfileError as exc:
        assert exc.field, str(exc)  # the message names where in the bundle
        return
    assert read.profile.birth_date <= dt.date(2300, 12, 31)


@pytest.mark.parametrize(("postal", "department"), [("98800", "988"), ("97300", "973"),
                                                    ("75011", "75")])
def test_an_overseas_postal_code_gives_its_three_digit_department(
    engine: Engine, postal: str, department: str
) -> None:
    # 98800 (Nouméa) gave "98", which is no department
    bundle = copy.deepcopy(ADULT)
    patient = bundle["entry"][0]["resource"]
    patient["address"] = [{"use": "home", "postalCode": postal, "country": "FR"}]
    assert read_bundle(json.dumps(bundle), engine).profile.residence.department == department
