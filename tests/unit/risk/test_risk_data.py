"""The score data files: they parse, they carry sources, and bad data fails clearly."""

from __future__ import annotations

import ast
import copy
import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml

from prevention_engine.errors import CalendarError
from prevention_engine.risk import (
    Score2Family,
    load_findrisc,
    parse_findrisc,
    parse_score2_family,
    score2_op,
)
from prevention_engine.risk.bundled import FINDRISC_FILE, SCORE2_FILE, load_score2_family

RISK_DIR = Path(__file__).resolve().parents[3] / "prevention_engine" / "risk"


def _score2_data() -> dict[str, Any]:
    return yaml.safe_load(SCORE2_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _findrisc_data() -> dict[str, Any]:
    return yaml.safe_load(FINDRISC_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_model_and_band_table_has_a_source(family: Score2Family) -> None:
    assert set(family.models) == {"SCORE2", "SCORE2-OP", "SCORE2-Diabetes"}
    for model in family.models.values():
        assert model.source.url.startswith("https://doi.org/10.1093/eurheartj/")
        assert model.bands.source.url.startswith("https://doi.org/10.1093/eurheartj/")
        for flag, reason in (
            (model.review, model.review_reason),
            (model.bands.review, model.bands.review_reason),
        ):
            assert (reason is not None) == flag


def test_uncertain_points_are_marked_for_review(family: Score2Family) -> None:
    assert family.model("SCORE2-OP").review  # age limit, old low-region scales
    assert family.model("SCORE2-Diabetes").review  # women's last digits
    assert family.model("SCORE2").bands.review  # thresholds read second-hand
    assert "0.2288" in (family.model("SCORE2-OP").review_reason or "")


def _fails(data: dict[str, Any], field: str, *words: str) -> CalendarError:
    with pytest.raises(CalendarError) as exc:
        parse_score2_family(data, "scores.yaml")
    assert exc.value.file == "scores.yaml" and exc.value.field == field
    for word in words:
        assert word in str(exc.value)
    return exc.value


def test_unknown_key_is_named_with_a_suggestion() -> None:
    data = _score2_data()
    data["models"]["SCORE2"]["coefficients"]["male"]["smokin"] = 0.6
    _fails(data, "models.SCORE2.coefficients.male.smokin", "unknown variable", "smoking")
    data = _score2_data()
    data["models"]["SCORE2"]["baseline_survivl"] = data["models"]["SCORE2"].pop("baseline_survival")
    error = _fails(data, "models.SCORE2", "baseline_survivl")
    assert error.suggestion == "baseline_survival"


@pytest.mark.parametrize(
    ("path", "value", "field", "word"),
    [
        (
            ("models", "SCORE2", "baseline_survival", "male"),
            1.2,
            "baseline_survival.male",
            "between 0 and 1",
        ),
        (
            ("models", "SCORE2", "baseline_survival", "female"),
            "0.97",
            "baseline_survival.female",
            "finite number",
        ),
        (
            ("models", "SCORE2", "scales", "low", "male"),
            [-0.57],
            "scales.low.male",
            "scale1, scale2",
        ),
        (("models", "SCORE2", "ages"), {"min": 70, "max": 40}, "ages", "min < max"),
        (
            ("models", "SCORE2", "centring", "age", "scale"),
            0,
            "centring.age.scale",
            "greater than 0",
        ),
        (("models", "SCORE2-OP", "review_reason"), None, "review_reason", "text"),
    ],
)
def test_bad_values_name_the_field(
    path: tuple[str, ...], value: Any, field: str, word: str
) -> None:
    data = _score2_data()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    _fails(data, f"models.{path[1]}.{field}", word)


def test_bands_must_increase_and_start_at_zero() -> None:
    data = _score2_data()
    rows = data["models"]["SCORE2"]["bands"]["by_age"]
    rows[0]["at_least"] = {"low_to_moderate": 0, "high": 7.5, "very_high": 2.5}
    _fails(data, "models.SCORE2.bands.by_age[0].at_least", "increase")
    rows[0]["at_least"] = {"low_to_moderate": 1, "high": 2.5}
    _fails(data, "models.SCORE2.bands.by_age[0].at_least", "starts at 0")


def test_review_needs_a_reason() -> None:
    data = _score2_data()
    del data["models"]["SCORE2-OP"]["review_reason"]
    _fails(data, "models.SCORE2-OP.review", "review_reason")


def test_country_must_map_to_a_known_region() -> None:
    data = _score2_data()
    data["regions"]["countries"]["FR"] = "lowest"
    _fails(data, "regions.countries.FR", "unknown region")


def test_missing_key_is_named() -> None:
    data = _score2_data()
    del data["models"]["SCORE2"]["scales"]
    _fails(data, "models.SCORE2", "missing key 'scales'")


def test_findrisc_data_errors() -> None:
    data = _findrisc_data()
    data["numeric"]["bmi"][2] = {"points": 3, "above": 30, "at_least": 30}
    with pytest.raises(CalendarError, match="exactly one"):
        parse_findrisc(data, "f.yaml")
    data = _findrisc_data()
    data["answers"]["family_history_diabetes"]["third_degree"] = 1
    with pytest.raises(CalendarError) as exc:
        parse_findrisc(data, "f.yaml")
    assert exc.value.field == "answers.family_history_diabetes"
    data = copy.deepcopy(_findrisc_data())
    data["numeric"]["age"][0] = {"points": 0, "above": 0}
    with pytest.raises(CalendarError, match="at_least: 0"):
        parse_findrisc(data, "f.yaml")


def test_bad_yaml_file_is_a_calendar_error(tmp_path: Path) -> None:
    bad = tmp_path / "scores.yaml"
    bad.write_text("scores: x\n  version: [\n", encoding="utf-8")
    with pytest.raises(CalendarError) as exc:
        load_score2_family(bad)
    assert exc.value.file == str(bad) and exc.value.line is not None


def test_the_data_is_out_of_the_rule_loader_s_sight() -> None:
    """rules/** is loaded by `validate`; the score data must not live there (see README)."""
    rules = RISK_DIR.parents[1] / "rules"
    assert not any(
        "scores:" in p.read_text(encoding="utf-8").split("\n", 1)[0] for p in rules.rglob("*.y*ml")
    )
    assert SCORE2_FILE.parent == RISK_DIR / "data"


def test_risk_is_a_leaf_package() -> None:
    """It imports nothing from the engine, the kinds or the calendar loader (only errors)."""
    for path in RISK_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 1:
                assert node.level == 1 or node.module == "errors", (path.name, node.module)
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert not node.module.startswith("prevention_engine"), path.name


def test_model_names_and_inputs_are_those_the_functions_know() -> None:
    data = _score2_data()
    data["models"]["SCORE3"] = data["models"].pop("SCORE2")
    error = _fails(data, "models.SCORE3", "unknown model")
    assert error.suggestion == "SCORE2"
    data = _score2_data()
    data["models"]["SCORE2"]["coefficients"]["female"]["diabetes"] = 0.8096
    _fails(data, "models.SCORE2.coefficients.female", "no input 'diabetes'")


def test_band_age_groups_cover_the_model_ages() -> None:
    data = _score2_data()
    data["models"]["SCORE2"]["bands"]["by_age"][1]["ages"]["min"] = 55
    _fails(data, "models.SCORE2.bands", "gap or overlap at 50")
    data["models"]["SCORE2"]["bands"]["by_age"][1]["ages"]["min"] = 45
    _fails(data, "models.SCORE2.bands", "gap or overlap")
    del data["models"]["SCORE2"]["bands"]["by_age"][1]
    _fails(data, "models.SCORE2.bands", "no band age group from 50")


def test_results_carry_the_review_flag_of_their_data(family: Score2Family) -> None:
    table = load_findrisc()
    assert table.review and "35-44" in (table.review_reason or "")
    result = score2_op(
        family,
        sex="female",
        age=75,
        smoker=False,
        diabetes=False,
        systolic_bp=130,
        total_cholesterol=5.0,
        hdl_cholesterol=1.6,
        region="low",
    )
    assert result.review


def test_parsed_data_is_read_only_and_pickles(family: Score2Family) -> None:
    again = pickle.loads(pickle.dumps(family))
    assert again == family
    assert again.model("SCORE2").coefficients == family.model("SCORE2").coefficients
    with pytest.raises(TypeError):
        family.models["SCORE2"] = family.models["SCORE2-OP"]  # type: ignore[index]
