"""An engine loaded for some jurisdictions only (``Engine.default(["FR"])``, ``batch
--only-jurisdiction FR``): the same agendas for their residents, less memory (the US calendar
is never built), and a resident of another jurisdiction refused, never given other rules."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from prevention_engine import Engine
from prevention_engine.calendar.yamlsrc import top_level_scalars
from prevention_engine.engine import bundled_rules_dir
from prevention_engine.errors import CalendarError, InputError, ProfileError

AS_OF = dt.date(2026, 11, 29)
RULES = bundled_rules_dir()


@pytest.fixture(scope="module")
def fr_engine() -> Engine:
    return Engine.default(["FR"])


def test_only_the_jurisdictions_calendars_and_tables_are_loaded(fr_engine: Engine) -> None:
    assert {c.jurisdiction for c in fr_engine.registry.calendars} == {"FR"}
    assert {t.jurisdiction for t in fr_engine.registry.tables} == {"FR"}
    assert "fr-vaccination" in {c.id for c in fr_engine.registry.calendars}
    assert {j.code for j in fr_engine.registry.jurisdictions} == {"FR", "US"}  # still known
    assert fr_engine.registry.only == frozenset({"FR"})


@pytest.mark.parametrize("profile", [
    {"id": "infant", "birth_date": "2026-03-31", "sex": "male",
     "immunizations": [{"date": "2026-05-31", "product": "Vaxelis"}]},
    {"id": "woman", "birth_date": "1975-02-28", "sex": "female",
     "pregnancies": [{"lmp": "2026-06-01"}]},
    {"id": "guyane", "birth_date": "1990-07-14", "sex": "male",
     "residence": {"country": "FR", "department": "973"}},
    {"id": "abroad", "birth_date": "1950-01-01", "sex": "female",
     "residence": {"country": "DE"}},
])
def test_the_same_agendas_as_with_every_jurisdiction(engine: Engine, fr_engine: Engine,
                                                     profile: dict[str, object]) -> None:
    for trace in (False, True):
        assert fr_engine.evaluate(profile, AS_OF, trace=trace).to_json() == \
            engine.evaluate(profile, AS_OF, trace=trace).to_json()


def test_a_resident_of_a_jurisdiction_not_loaded_is_refused(fr_engine: Engine) -> None:
    us = {"id": "u", "birth_date": "2020-01-01", "sex": "male", "residence": {"country": "US"}}
    with pytest.raises(ProfileError, match=r"residence\.country.*jurisdiction US.*loaded: FR"):
        fr_engine.evaluate(us, AS_OF)
    with pytest.raises(InputError, match="jurisdiction 'US' is not loaded"):
        fr_engine.evaluate({"birth_date": "2020-01-01", "sex": "male"}, AS_OF,
                           jurisdiction="US")
    mother = {"birth_date": "1990-01-01", "sex": "female", "residence": {"country": "US"},
              "pregnancies": [{"lmp": "2025-01-01", "end_date": "2025-10-01",
                               "outcome": "live_birth"}]}
    with pytest.raises(ProfileError, match=r"residence\.country"):
        fr_engine.birth_record(mother)


def test_us_only_gives_the_us_calendar() -> None:
    us = Engine.default(["US"])
    assert {c.id for c in us.registry.calendars} == {"us-cdsi"}
    agenda = us.evaluate({"birth_date": "2025-01-01", "sex": "male",
                          "residence": {"country": "US"}}, AS_OF)
    assert {c.id for c in agenda.calendars} == {"us-cdsi"}
    with pytest.raises(ProfileError, match="jurisdiction FR"):
        us.evaluate({"birth_date": "2025-01-01", "sex": "male"}, AS_OF)


@pytest.mark.parametrize(("only", "message"), [
    (["XX"], "no calendar of jurisdiction 'XX'.*jurisdictions: FR, US"),
    (["fr"], "did you mean 'FR'"),
    ("FR", "not the string 'FR'"),
    ([], "non-empty list"),
])
def test_a_wrong_jurisdiction_list_is_a_clear_error(only: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        Engine.default(only)  # type: ignore[arg-type]


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


BROKEN_US = """\
    calendar: broken
    version: "1"
    jurisdiction: US
    in_force: {from: 2020-01-01}
    items: this is not a list
    """


def test_a_calendar_of_another_jurisdiction_is_not_even_built(tmp_path: Path) -> None:
    """Skipped from its declared jurisdiction, before the YAML is built: a broken US file does
    not stop an FR-only load (``validate`` and a full load still report it)."""
    _file(tmp_path, "broken-us.yaml", BROKEN_US)
    with pytest.raises(CalendarError, match=r"broken-us\.yaml"):
        Engine.from_paths([RULES, tmp_path])
    fr = Engine.from_paths([RULES, tmp_path], ["FR"])
    assert "broken" not in {c.id for c in fr.registry.calendars}


def test_a_calendar_without_jurisdiction_is_french_and_filtered_as_such(tmp_path: Path) -> None:
    """No ``jurisdiction:`` key is read as FR by the loader: such a file is built, then kept
    or left by that value."""
    mini = Path(__file__).resolve().parents[1] / "fixtures" / "mini-calendar.yaml"
    text = mini.read_text(encoding="utf-8").replace("jurisdiction: FR\n", "")
    assert (top_level_scalars(text) or {}).get("jurisdiction") is None
    plain = tmp_path / "plain.yaml"
    plain.write_text(text, encoding="utf-8")
    products = RULES / "products"
    fr = Engine.from_paths([plain, products], ["FR"])
    assert [c.id for c in fr.registry.calendars] == ["test-vacc"]
    with pytest.raises(InputError, match="no calendar of jurisdiction 'US'"):
        Engine.from_paths([plain, products / "fr-products-2025.yaml"], ["US"])


def test_a_declared_value_that_is_not_a_code_is_read_in_full(tmp_path: Path) -> None:
    """Only a plain code is trusted unread: anything else is built, and its error said."""
    _file(tmp_path, "odd.yaml", BROKEN_US.replace("jurisdiction: US", "jurisdiction: 'U S'"))
    with pytest.raises(CalendarError, match=r"odd\.yaml"):
        Engine.from_paths([RULES, tmp_path], ["FR"])


@pytest.mark.parametrize(("text", "value"), [
    ("calendar: x\njurisdiction: US\n", "US"),
    ("a: {jurisdiction: US}\njurisdiction: \"FR\"\n", "FR"),
    ("x: [1, {a: 2}]\nb:\n  - c: d\njurisdiction: US\n", "US"),
    ("- jurisdiction: US\n", None),
    ("jurisdiction: [US]\n", None),
    ("calendar: x\n", None),
    ("", None),
    ("jurisdiction: {\n", None),
])
def test_the_top_level_scalar_is_read_from_the_first_events(text: str,
                                                            value: str | None) -> None:
    assert (top_level_scalars(text) or {}).get("jurisdiction") == value


def test_a_calendar_left_out_is_said_not_loaded_rather_than_unknown(fr_engine: Engine) -> None:
    person = {"id": "p", "birth_date": "1990-01-01", "residence": {"country": "FR"}}
    with pytest.raises(InputError) as exc:
        fr_engine.evaluate(person, AS_OF, calendars=["us-cdsi"])
    assert str(exc.value) == ("calendar 'us-cdsi' (jurisdiction US) is not loaded in this "
                              "engine (loaded: FR)")
    assert ("us-cdsi", "US") in fr_engine.registry.unloaded_calendars
    with pytest.raises(InputError, match=r"unknown calendar 'fr-vacination'.*fr-vaccination"):
        fr_engine.evaluate(person, AS_OF, calendars=["fr-vacination"])


def test_a_calendar_left_out_after_a_full_read_is_named_too(tmp_path: Path) -> None:
    """A file whose jurisdiction is only known once built (the quick read takes plain
    upper-case codes only) is still remembered by its id."""
    for cal_id, code in (("us-x", "us"), ("fr-x", "FR")):
        (tmp_path / f"{cal_id}.yaml").write_text(
            f"calendar: {cal_id}\nversion: \"1\"\njurisdiction: {code}\n"
            "in_force: {from: 2020-01-01}\nsource: {title: t, url: \"https://example.org\"}\n"
            "items: []\n", encoding="utf-8")
    engine = Engine.from_paths([tmp_path], ["FR"])
    assert engine.registry.unloaded_calendars == (("us-x", "us"),)
