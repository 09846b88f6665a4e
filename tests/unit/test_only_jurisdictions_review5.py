"""Review of the jurisdiction filter (``Engine.from_paths(paths, ["FR"])``): a rule folder
without ``jurisdictions.yaml`` resolves a residence over every calendar in the folder, loaded
or not (never another jurisdiction's rules for a resident of one not loaded), and a file whose
declared jurisdiction is not a plain text code is built, never skipped unread."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from prevention_engine import Engine
from prevention_engine.calendar.yamlsrc import top_level_scalars
from prevention_engine.engine import bundled_rules_dir
from prevention_engine.errors import CalendarError, ProfileError

AS_OF = dt.date(2026, 11, 29)
RULES = bundled_rules_dir()
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-calendar.yaml"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French and US calendars and tables, without ``jurisdictions.yaml``."""
    out = tmp_path_factory.mktemp("no-jurisdictions")
    for f in ("vaccination/fr-vaccination-2025-12.yaml", "us-cdsi/us-cdsi-4.64.yaml",
              "products/fr-products-2025.yaml", "products/us-cvx-4.64.yaml"):
        shutil.copy(RULES / f, out)
    return out


def _person(country: str) -> dict[str, object]:
    return {"id": "p", "birth_date": "2020-01-01", "sex": "male",
            "residence": {"country": country}}


@pytest.mark.parametrize(("only", "country"), [
    (["US"], "FR"), (["US"], "DE"), (["FR"], "US")])
def test_without_jurisdictions_file_a_resident_elsewhere_is_refused(
        folder: Path, only: list[str], country: str) -> None:
    """All loaded: FR and US residents get their own calendar, DE the French one by default.
    Loading one must refuse the others, not give them its calendar."""
    every = Engine.from_paths([folder])
    assert every.registry.jurisdiction_for(country)[0] not in only
    with pytest.raises(ProfileError, match=r"residence\.country"):
        Engine.from_paths([folder], only).evaluate(_person(country), AS_OF)


@pytest.mark.parametrize("country", ["FR", "DE"])
def test_without_jurisdictions_file_the_loaded_residents_are_unchanged(
        folder: Path, country: str) -> None:
    every, fr = Engine.from_paths([folder]), Engine.from_paths([folder], ["FR"])
    assert fr.evaluate(_person(country), AS_OF).to_json() == \
        every.evaluate(_person(country), AS_OF).to_json()


@pytest.mark.parametrize("value", ["null", "Null", "NULL", "~", "", "!!null US",
                                   "!!str FR", "'FR'"])
def test_a_french_calendar_whose_jurisdiction_reads_as_fr_is_kept(tmp_path: Path,
                                                                   value: str) -> None:
    """``jurisdiction: null`` is read as FR by the loader (no value): it must not be skipped
    unread as a calendar of a jurisdiction called 'null'."""
    text = MINI.read_text(encoding="utf-8").replace("jurisdiction: FR", f"jurisdiction: {value}")
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    paths = [tmp_path, RULES / "products" / "fr-products-2025.yaml"]
    every = Engine.from_paths(paths)
    assert [c.jurisdiction for c in every.registry.calendars] == ["FR"]
    assert [c.id for c in Engine.from_paths(paths, ["FR"]).registry.calendars] == ["test-vacc"]


@pytest.mark.parametrize(("value", "error"), [
    ("NO", "expected text"), ("true", "expected text"), ("*j", "alias"),
    ("US\njurisdiction: FR", "duplicate key"), ("[FR]", "expected text")])
def test_a_calendar_whose_jurisdiction_is_wrong_is_never_skipped_unread(
        tmp_path: Path, value: str, error: str) -> None:
    """What a full load refuses (a boolean, an alias, a key given twice), a filtered load
    refuses too: it could be a French calendar, dropped without a word."""
    text = MINI.read_text(encoding="utf-8").replace("jurisdiction: FR", f"jurisdiction: {value}")
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    for only in (None, ["FR"]):
        with pytest.raises(CalendarError, match=error):
            Engine.from_paths([RULES, tmp_path], only)


@pytest.mark.parametrize(("text", "value"), [
    ("calendar: x\njurisdiction: null\n", None),
    ("calendar: x\njurisdiction: NO\n", None),
    ("calendar: x\njurisdiction: *j\nversion: '1'\n", None),
    ("calendar: x\njurisdiction: !!null US\n", None),
    ("calendar: x\njurisdiction: US\njurisdiction: FR\n", None),
    ("calendar: x\njurisdiction: US\n---\ncalendar: y\n", None),
    ("calendar: x\njurisdiction: !!str US\n", "US"),
    ("\ufeffcalendar: x\r\njurisdiction: 'US'\r\n", "US"),
    ("%YAML 1.1\n---\n{calendar: x, jurisdiction: US}\n...\n", "US"),
])
def test_the_top_level_scalar_is_a_text_value_given_once(text: str, value: str | None) -> None:
    assert (top_level_scalars(text) or {}).get("jurisdiction") == value
