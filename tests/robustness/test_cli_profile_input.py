"""CLI and Profile: bad input is exit 1 + one-paragraph message naming the field, never a
traceback and never a silently wrong agenda (CONTRACT.md sections 2 and 3)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

import pytest

from prevention_engine import Engine, PreventionError, Profile, ProfileError

from .conftest import AS_OF, EXAMPLE, assert_bad_input, cli, cli_subprocess, write_json

BASE = {"id": "p-1", "birth_date": "2024-03-15"}


# --------------------------------------------------------------------------- passing checks
@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"birth_date": 20240315}, "birth_date"),
        ({"birth_date": "2024-02-30"}, "birth_date"),
        ({"birth_date": "15/03/2024"}, "birth_date"),
        ({**BASE, "immunizations": {"date": "2024-05-15", "product": "Hexyon"}}, "immunizations"),
        ({**BASE, "immunizations": [{"date": "2024-05-15"}]}, "immunizations[0]"),
        ({**BASE, "immunizations": [{"date": "2024-01-01", "product": "Hexyon"}]},
         "immunizations[0].date"),
        ({**BASE, "observations": [{"code": "hba1c", "value": "abc", "date": "2025-01-01"}]},
         "observations[0].value"),
        ({**BASE, "observations": [{"code": "weight", "value": -1, "date": "2025-01-01"}]},
         "observations[0].value"),
        ({**BASE, "procedures": [{"target": "child_health_exam", "date": "2024-01-01"}]},
         "procedures[0].date"),
        ({**BASE, "conditions": [{"code": "asthma", "since": "2020-01-01"}]},
         "conditions[0].since"),
        ({**BASE, "pregnancies": [{"lmp": "2020-01-01"}]}, "pregnancies[0].lmp"),
        ({**BASE, "unknown_field": 1}, "unknown_field"),
        ({**BASE, "sex": "f"}, "sex"),
        ({**BASE, "lifestyle": {"sleep_hours": 30}}, "lifestyle.sleep_hours"),
        ({"birth_date": "2030-01-01"}, "birth_date"),  # after --as-of
        ([BASE], "profile"),
        (42, "profile"),
        (None, "profile"),
    ],
)
def test_bad_profile_is_exit_1_naming_the_field(tmp_path: Path, profile: object,
                                                field: str) -> None:
    f = write_json(tmp_path / "p.json", profile)
    assert_bad_input(cli("agenda", str(f), "--as-of", "2025-11-10"), field)


@pytest.mark.parametrize(
    "content", ["", "   \n", "{", "{'birth_date': '2024-01-01'}", '{"birth_date": "2024-01-01",}']
)
def test_malformed_json_is_exit_1(tmp_path: Path, content: str) -> None:
    f = tmp_path / "p.json"
    f.write_text(content, encoding="utf-8")
    assert_bad_input(cli("agenda", str(f), "--as-of", "2025-11-10"), "JSON")


def test_missing_file_and_directory_are_exit_1(tmp_path: Path) -> None:
    assert_bad_input(cli("agenda", str(tmp_path / "nope.json"), "--as-of", "2025-11-10"),
                     "nope.json")
    assert_bad_input(cli("agenda", str(tmp_path), "--as-of", "2025-11-10"))
    assert_bad_input(cli("explain", str(tmp_path), "--as-of", "2025-11-10", "menb"))


@pytest.mark.parametrize(
    "argv",
    [
        ["agenda", str(EXAMPLE)],  # --as-of is required
        ["agenda", str(EXAMPLE), "--as-of", "2025-13-01"],
        ["agenda", str(EXAMPLE), "--as-of", "tomorrow"],
        ["agenda", str(EXAMPLE), "--as-of", "2025-11-10", "--format", "pdf"],
        ["batch", str(EXAMPLE), "--as-of", "2025-11-10"],  # --out/--rejects required
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    r = cli(*argv)
    assert r.exc is None and r.code == 2, (r.code, r.exc)


def test_as_of_before_1900_and_in_2200(tmp_path: Path) -> None:
    assert_bad_input(cli("agenda", str(EXAMPLE), "--as-of", "1899-12-31"))
    r = cli("agenda", str(EXAMPLE), "--as-of", "2200-01-01")
    assert r.exc is None and r.code == 0
    json.loads(r.out)


def test_huge_lists_and_unicode_are_fine(engine: Engine) -> None:
    p = Profile.model_validate({
        **BASE,
        "immunizations": [{"date": "2024-05-15", "product": "Hexyon"}] * 5000
        + [{"date": "2024-05-15", "product": "Vaccin 💉 ñandú 東京"}],
        "procedures": [{"target": "child_health_exam", "date": "2024-04-20"}] * 5000,
    })
    a = engine.evaluate(p, as_of=AS_OF)
    assert any("💉" in w for w in a.warnings)  # unknown product reported, not counted
    json.loads(a.to_json())


def test_real_entry_point_bad_profile(tmp_path: Path) -> None:
    f = write_json(tmp_path / "p.json", {"birth_date": "2024-03-15", "sex": 3})
    r = cli_subprocess("agenda", str(f), "--as-of", "2025-11-10")
    assert r.returncode == 1 and "Traceback" not in r.stderr and "sex" in r.stderr


# ---------------------------------------- problems found (xfail: open; "Regression test": fixed)
# Regression test: failed at HEAD 34e17a9 (non-UTF-8 profile file: UnicodeDecodeError traceback
# (cli._read_profile only catches OSError)); fixed by e79f70d.
@pytest.mark.parametrize("command", ["agenda", "explain"])
def test_non_utf8_profile_file(tmp_path: Path, command: str) -> None:
    f = tmp_path / "p.json"
    f.write_bytes(b'\xff\xfe{"birth_date": "2024-03-15"}')
    extra = ["menb"] if command == "explain" else []
    assert_bad_input(cli(command, str(f), "--as-of", "2025-11-10", *extra))


# Regression test: failed at HEAD 34e17a9 (deeply nested JSON: RecursionError traceback from
# json.loads in cli._load_profile); fixed by e79f70d.
def test_deeply_nested_json_profile(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert_bad_input(cli("agenda", str(f), "--as-of", "2025-11-10"))


# Regression test: failed at HEAD 34e17a9 (--as-of near date.max: ValueError 'year 10000 is out of
# range' from dates.Duration.add_to, uncaught (traceback)); fixed by e79f70d.
@pytest.mark.parametrize("command", ["agenda", "explain"])
def test_as_of_far_future_no_traceback(command: str) -> None:
    extra = ["menb"] if command == "explain" else []
    r = cli(command, str(EXAMPLE), "--as-of", "9999-12-31", *extra)
    assert r.exc is None, f"uncaught {type(r.exc).__name__}: {r.exc}"
    assert r.code in (0, 1)


# Regression test: failed at HEAD 34e17a9 (Engine.evaluate raises a bare ValueError (not a
# PreventionError) when a computed date passes year 9999); fixed by e79f70d.
def test_evaluate_date_overflow_is_a_prevention_error(engine: Engine) -> None:
    with contextlib.suppress(PreventionError):  # since issue 9: refused by the profile itself
        p = Profile.model_validate({"birth_date": "9990-01-01"})
        engine.evaluate(p, as_of=dt.date(9999, 12, 31))


# Regression test: failed at HEAD 34e17a9 (a JSON number is accepted as a date (pydantic lax mode:
# Unix timestamp): birth_date 0 silently becomes 1970-01-01; the contract says dates are ISO
# 8601); fixed by e79f70d.
@pytest.mark.parametrize("value", [0, 1710460800, "1710460800", 1710460800.0])
def test_numeric_birth_date_is_rejected(value: object) -> None:
    with pytest.raises(ProfileError, match="birth_date"):
        Profile.model_validate({"birth_date": value})


# Regression test: failed at HEAD 34e17a9 (a number as immunization date is silently read as a
# Unix timestamp); fixed by e79f70d.
def test_numeric_dose_date_is_rejected() -> None:
    with pytest.raises(ProfileError, match=r"immunizations\[0\]\.date"):
        Profile.model_validate({**BASE, "immunizations": [
            {"date": 1715731200, "product": "Hexyon"}]})


# Regression test: failed at HEAD 34e17a9 (dates before birth are only checked for immunizations,
# procedures, observations, conditions.since and pregnancy start); fixed by e79f70d.
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"contraindications": [{"target": "pertussis", "since": "2000-01-01"}]},
         "contraindications[0].since"),
        ({"immunity": [{"target": "varicella", "date": "2000-01-01"}]}, "immunity[0].date"),
        ({"declined": [{"item": "hpv", "date": "2000-01-01"}]}, "declined[0].date"),
        ({"conditions": [{"code": "asthma", "until": "2000-01-01"}]}, "conditions[0].until"),
    ],
)
def test_other_dates_before_birth(extra: dict[str, object], field: str) -> None:
    with pytest.raises(ProfileError) as ei:
        Profile.model_validate({**BASE, **extra})
    assert ei.value.field == field


# Regression test: failed at HEAD 34e17a9 (a condition ending before it starts is accepted);
# fixed by e79f70d.
def test_condition_until_before_since() -> None:
    with pytest.raises(ProfileError, match=r"conditions\[0\]"):
        Profile.model_validate({**BASE, "conditions": [
            {"code": "asthma", "since": "2025-01-01", "until": "2024-06-01"}]})


# Regression test: failed at HEAD 34e17a9 (pregnancy dated by conception_date before birth is
# reported as 'pregnancies[0].lmp', a field the input does not have); fixed by e79f70d.
def test_conception_date_before_birth_names_conception_date() -> None:
    with pytest.raises(ProfileError) as ei:
        Profile.model_validate({"birth_date": "1990-01-01", "pregnancies": [
            {"conception_date": "1990-01-05"}]})
    assert ei.value.field == "pregnancies[0].conception_date"


# Regression test: failed at HEAD 34e17a9 (unknown values in vocabularies the contract defines are
# accepted silently (a typo in opt_out_domains still sends notifications; a typo in a
# contraindication target contraindicates nothing)); fixed by e79f70d.
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"consent": {"opt_out_domains": ["vacination"]}}, "consent.opt_out_domains"),
        ({"contraindications": [{"target": "pertusis"}]}, "contraindications[0].target"),
        ({"immunity": [{"target": "varicela"}]}, "immunity[0].target"),
    ],
)
def test_unknown_vocabulary_is_a_profile_error(extra: dict[str, object], field: str) -> None:
    with pytest.raises(ProfileError, match=field.replace("[", r"\[").replace("]", r"\]")):
        Profile.model_validate({**BASE, **extra})


# Regression test: failed at HEAD 34e17a9 (a declined item id that no calendar knows is ignored
# without a warning (the person believes the refusal is recorded)); fixed by e79f70d.
def test_unknown_declined_item_is_reported(engine: Engine) -> None:
    a = engine.evaluate(Profile.model_validate({**BASE, "declined": [{"item": "menbb"}]}),
                        as_of=AS_OF)
    assert any("menbb" in w for w in a.warnings)


# Regression test: failed at HEAD 34e17a9 (NaN/Infinity pass the 'negative value' check and are
# stored as observations); fixed by e79f70d.
@pytest.mark.parametrize("raw", ["NaN", "Infinity"])
def test_non_finite_observation_rejected(raw: str) -> None:
    text = ('{"birth_date": "1960-01-01", "observations": '
            f'[{{"code": "systolic_bp", "value": {raw}, "date": "2025-01-01"}}]}}')
    with pytest.raises(ProfileError, match=r"observations\[0\]\.value"):
        Profile.model_validate_json(text)


# Regression test: failed at HEAD 34e17a9 (the offending value is echoed whole: a 10 MB string
# gives a 10 MB error message (stderr, rejects file)); fixed by e79f70d.
def test_error_message_stays_short_for_huge_value(tmp_path: Path) -> None:
    f = write_json(tmp_path / "p.json", {**BASE, "sex": "x" * 10_000_000})
    assert_bad_input(cli("agenda", str(f), "--as-of", "2025-11-10"), "sex")


# Regression test: failed at HEAD 34e17a9 (--calendar with an unknown id gives an empty agenda,
# exit 0 and a misleading warning ('no calendar in force')); fixed by e79f70d.
def test_unknown_calendar_id_is_an_error() -> None:
    r = cli("agenda", str(EXAMPLE), "--as-of", "2025-11-10", "--calendar", "fr-vacination")
    assert r.exc is None and r.code in (1, 2)


# Regression test: failed at HEAD 34e17a9 (future-dated procedures are dropped silently while
# future-dated immunizations are reported in warnings); fixed by e79f70d.
def test_future_procedure_is_reported(engine: Engine) -> None:
    a = engine.evaluate(Profile.model_validate({**BASE, "procedures": [
        {"target": "child_health_exam", "date": "2030-01-01"}]}), as_of=AS_OF)
    assert any("procedures[0]" in w for w in a.warnings)


# Regression test: failed before this session's robustness fixes.
def test_duplicated_json_key_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text('{"id": "d", "birth_date": "2024-03-15", "immunizations": '
                 '[{"date": "2024-05-15", "product": "Hexyon"}], "immunizations": []}',
                 encoding="utf-8")
    assert_bad_input(cli("agenda", str(f), "--as-of", "2025-11-10"), "immunizations")


# Regression test: failed before this session's robustness fixes.
@pytest.mark.parametrize("where", ["id", "observation"])
def test_huge_json_integer(tmp_path: Path, where: str) -> None:
    big = "9" * 5000
    f = tmp_path / "p.json"
    if where == "id":
        f.write_text('{"birth_date": "2024-03-15", "id": ' + big + "}", encoding="utf-8")
    else:
        f.write_text('{"birth_date": "2024-03-15", "observations": [{"code": "weight", '
                     '"value": ' + big + ', "date": "2025-01-01"}]}', encoding="utf-8")
    assert_bad_input(cli("agenda", str(f), "--as-of", "2025-11-10"))


# Regression test: failed before this session's robustness fixes.
@pytest.mark.parametrize("country", ["us", "USA", "DE"])
def test_unknown_or_miscased_country_is_not_silently_french(engine: Engine, country: str) -> None:
    try:
        a = engine.evaluate(Profile.model_validate(
            {**BASE, "residence": {"country": country}}), as_of=AS_OF)
    except ProfileError:
        return
    assert a.warnings or all(not c.id.startswith("fr-") for c in a.calendars)


# Regression test: failed before this session's robustness fixes.
def test_future_observation_is_reported(engine: Engine) -> None:
    a = engine.evaluate(Profile.model_validate({**BASE, "observations": [
        {"code": "weight", "value": 10, "date": "2030-01-01"}]}), as_of=AS_OF)
    assert any("observations[0]" in w for w in a.warnings)


# Regression test: failed before this session's robustness fixes.
def test_unknown_notification_channel_is_rejected() -> None:
    with pytest.raises(ProfileError, match=r"consent\.channels"):
        Profile.model_validate({**BASE, "consent": {"channels": {"pigeon": True}}})
