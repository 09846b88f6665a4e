"""A clinician publishing a new edition of a calendar: the mistakes they make get a message
naming the file, the line and the field, and the tools they read (validate, diff) speak one
language per channel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine
from prevention_engine.cli import main
from prevention_engine.clinician.diff import diff, to_text
from prevention_engine.clinician.lint import lint, lint_versions
from prevention_engine.clinician.render import calendar_files, render
from prevention_engine.clinician.text import immunity, predicate

ROOT = Path(__file__).resolve().parents[2]
PRODUCTS = ROOT / "rules" / "products"

OLD = """calendar: cal
version: "2026.1"
jurisdiction: FR
title: Essai
in_force: {from: 2026-01-01, to: 2026-12-31}
source: {title: t, url: "https://example.org"}
changes: ["Première version."]
items:
  - id: hepa
    domain: vaccination
    title: Hépatite A
    targets: [hepatitis_a]
    source: {title: t, url: "https://example.org/a", section: "s"}
    series:
      - name: standard
        doses:
          - ages: {min: "1 year", latest_rec: never}
  - id: bcg
    domain: vaccination
    title: BCG
    targets: [tuberculosis]
    source: {title: t, url: "https://example.org/b", section: "s"}
    series:
      - name: standard
        doses:
          - ages: {earliest_rec: "1 month"}
"""

NEW = (OLD.replace('version: "2026.1"', 'version: "2027.1"')
       .replace("in_force: {from: 2026-01-01, to: 2026-12-31}", "in_force: {from: 2027-01-01}")
       .replace('changes: ["Première version."]',
                'changes: ["`hepa` : date de retard à 2 ans ; `bcg` retiré."]')
       .replace("latest_rec: never", 'latest_rec: "2 years"'))
NEW = NEW[: NEW.index("  - id: bcg")]


def folder(tmp: Path, old: str = OLD, new: str = NEW) -> Path:
    d = tmp / "cals"
    d.mkdir()
    (d / "cal-2026.yaml").write_text(old, encoding="utf-8")
    (d / "cal-2027.yaml").write_text(new, encoding="utf-8")
    return d


def error(tmp: Path, old: str = OLD, new: str = NEW) -> CalendarError:
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([folder(tmp, old, new), PRODUCTS])
    return exc.value


# ------------------------------------------------------------------ diff wording
def test_diff_says_never_and_needed_in_french(tmp_path: Path) -> None:
    """`diff` is French for the clinician: a dose without past-due date reads as the
    calendar documents say it ("sans date de retard"), a review flag as "à revoir"."""
    new = NEW.replace("    title: Hépatite A\n",
                      "    title: Hépatite A\n    review: needed\n    review_reason: doute\n")
    d = diff(*calendar_files([folder(tmp_path, new=new), PRODUCTS]))
    text = to_text(d)
    assert "latest_rec : sans date de retard → 2 ans" in text
    assert "review : (absent) → à revoir" in text
    assert "never" not in text and "needed" not in text


def test_diff_warns_when_read_backwards(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Versions given newest first: the diff says so, and does not blame the older version's
    changes: list for not describing a change that goes backwards."""
    d = folder(tmp_path)
    assert main(["diff", "cal@2027.1", "cal@2026.1", "--rules", str(d),
                 "--rules", str(PRODUCTS)]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("cal 2027.1 → 2026.1")
    assert out.err == "warning: 2027.1 is in force after 2026.1: this diff reads backwards " \
        "(give the older version first)\n"


def test_diff_checks_changes_only_against_the_version_just_before(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = folder(tmp_path)
    third = NEW.replace('version: "2027.1"', 'version: "2028.1"').replace(
        "in_force: {from: 2027-01-01}", "in_force: {from: 2028-01-01}").replace(
        "`hepa` : date de retard à 2 ans ; `bcg` retiré.", "Sans changement.")
    (d / "cal-2027.yaml").write_text(NEW.replace("{from: 2027-01-01}",
                                                 "{from: 2027-01-01, to: 2027-12-31}"),
                                    encoding="utf-8")
    (d / "cal-2028.yaml").write_text(third, encoding="utf-8")
    assert main(["diff", "cal@2026.1", "cal@2028.1", "--rules", str(d),
                 "--rules", str(PRODUCTS)]) == 0
    assert capsys.readouterr().err == ""  # 2028.1's list is about what changed since 2027.1


# ------------------------------------------------------------------ editions in force
def test_open_edition_points_at_its_in_force_line(tmp_path: Path) -> None:
    """An edition left open when a later one starts: the error is on the line to edit (the
    older file's in_force), names the later file and says which 'to' would close it."""
    exc = error(tmp_path, old=OLD.replace(", to: 2026-12-31}", "}"))
    assert exc.file is not None and exc.file.endswith("cal-2026.yaml")
    assert exc.line == 5 and exc.field == "in_force.to"
    assert "cal-2027.yaml" in exc.message and "to: 2026-12-31" in exc.message


def test_overlapping_editions_point_at_the_in_force_line(tmp_path: Path) -> None:
    exc = error(tmp_path, new=NEW.replace("{from: 2027-01-01}", "{from: 2026-06-01}"))
    assert exc.file is not None and exc.file.endswith("cal-2026.yaml")
    assert exc.line == 5 and "still in force" in exc.message
    assert "in_force: {from: 2026-01-01, to: 2026-05-31}" in exc.message


def test_duplicate_version_points_at_the_version_line(tmp_path: Path) -> None:
    exc = error(tmp_path, new=NEW.replace('version: "2027.1"', 'version: "2026.1"'))
    assert exc.line == 2 and exc.field == "version"
    assert "cal-2026.yaml" in exc.message or "cal-2027.yaml" in exc.message


# ------------------------------------------------------------------ loader
@pytest.mark.parametrize("written", ["yes", "true", "no", "false", "Needed"])
def test_review_other_than_needed_is_an_error(tmp_path: Path, written: str) -> None:
    """`review: yes` was read as needed (counted by validate, absent from the --review
    sign-off list) and `review: no` hid the review_reason: only `needed` is read."""
    new = NEW.replace("    title: Hépatite A\n",
                      f"    title: Hépatite A\n    review: {written}\n    review_reason: doute\n")
    exc = error(tmp_path, new=new)
    assert exc.line == 12 and exc.field == "review" and exc.item == "hepa"
    assert "review: needed" in exc.message


def test_impossible_unquoted_date_names_field_and_value(tmp_path: Path) -> None:
    exc = error(tmp_path, new=NEW.replace("{from: 2027-01-01}", "{from: 2027-02-30}"))
    assert exc.file is not None and exc.file.endswith("cal-2027.yaml")
    assert exc.line == 5 and exc.field == "in_force.from"
    assert "2027-02-30" in exc.message and "does not exist" in exc.message


def test_impossible_date_inside_an_item_names_its_path(tmp_path: Path) -> None:
    new = NEW.replace("    title: Hépatite A\n", "    title: Hépatite A\n"
                      "    recommended_from:\n      date: 2027-02-29\n"
                      "      source: {title: t, url: 'https://example.org'}\n")
    exc = error(tmp_path, new=new)
    assert exc.line == 13 and exc.field == "items[0].recommended_from.date"


@pytest.mark.parametrize("text", ["", "\n\n", "# à écrire\n", "\ufeff"])
def test_empty_file_says_it_is_empty(tmp_path: Path, text: str) -> None:
    exc = error(tmp_path, new=text)
    assert exc.file is not None and exc.file.endswith("cal-2027.yaml")
    assert "empty" in exc.message and exc.line == 1


def test_bom_and_windows_line_endings_keep_lines(tmp_path: Path) -> None:
    """A file saved by a Windows editor (BOM, CRLF) reads the same, errors on the same line."""
    new = "\ufeff" + NEW.replace("title: Hépatite A", "titel: Hépatite A").replace("\n", "\r\n")
    exc = error(tmp_path, new=new)
    assert exc.line == 11 and exc.field == "titel" and exc.suggestion == "title"
    (tmp_path / "ok").mkdir()
    good = "\ufeff" + NEW.replace("\n", "\r\n")
    engine = Engine.from_paths([folder(tmp_path / "ok", new=good), PRODUCTS])
    assert [c.version for c in engine.registry.calendars] == ["2026.1", "2027.1"]


# ------------------------------------------------------------------ lint across editions
def lint_of(tmp: Path, old: str = OLD, new: str = NEW) -> list[str]:
    """What `validate` lints: each file, then the editions against each other."""
    files = calendar_files([folder(tmp, old, new), PRODUCTS])
    return [str(f) for c in files for f in lint(c)] + [str(f) for f in lint_versions(files)]


def test_lint_clean_for_a_well_published_edition(tmp_path: Path) -> None:
    assert lint_of(tmp_path) == []


def test_lint_finds_a_gap_between_editions(tmp_path: Path) -> None:
    """No edition in force for a month: every agenda of that month lacks the calendar."""
    found = lint_of(tmp_path, new=NEW.replace("{from: 2027-01-01}", "{from: 2027-02-01}"))
    assert len(found) == 1
    assert "cal-2026.yaml:5: cal@2026.1: -: gap:" in found[0]
    assert "2027-01-01" in found[0] and "2027-01-31" in found[0]


def test_lint_finds_changes_that_do_not_name_an_item(tmp_path: Path) -> None:
    """What `diff` warns about, `validate` reports too: the clinician who publishes runs it."""
    found = lint_of(tmp_path, new=NEW.replace(" ; `bcg` retiré", ""))
    assert len(found) == 1
    assert "cal-2027.yaml:7: cal@2027.1: bcg: changes:" in found[0]
    assert "removed" in found[0]


def test_lint_finds_a_misspelt_calendar_id(tmp_path: Path) -> None:
    """`fr-vacination` next to `fr-vaccination`: a separate calendar, whose edition never
    follows the other's (both in force at once)."""
    found = lint_of(tmp_path, old=OLD.replace("calendar: cal\n", "calendar: fr-vaccination\n"),
                    new=NEW.replace("calendar: cal\n", "calendar: fr-vacination\n"))
    assert len(found) == 2 and all(": calendar: calendar id '" in f for f in found)
    assert "cal-2027.yaml:1: fr-vacination@2027.1: -: calendar:" in found[1]


def test_lint_finds_review_reason_without_review(tmp_path: Path) -> None:
    new = NEW.replace("    title: Hépatite A\n",
                      "    title: Hépatite A\n    review_reason: doute\n")
    files = calendar_files([folder(tmp_path, new=new), PRODUCTS])
    found = [str(f) for f in lint(files[1])]
    assert len(found) == 1 and "cal@2027.1: hepa: review:" in found[0]
    assert "review: needed" in found[0]


def test_validate_prints_edition_findings(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    d = folder(tmp_path, new=NEW.replace("{from: 2027-01-01}", "{from: 2027-02-01}"))
    assert main(["validate", str(d)]) == 0
    out = capsys.readouterr().out
    assert "lint: 1 finding\n" in out and ": gap: " in out
    assert main(["validate", "--strict", str(d)]) == 1



# ------------------------------------------------------------------ render wording
def test_render_says_predicates_in_words() -> None:
    """The calendar documents read as sentences, not as the YAML's keys (`any :`, `op :`)."""
    assert predicate({"condition": {"any": ["zoster_history"], "within": "1 year"}}) \
        == "condition : zona (zoster_history), depuis moins de 1 an"
    assert predicate({"condition": {"any": ["cancer_under_treatment"],
                                    "ended_within": "6 months"}}) \
        == "condition : cancer en cours de traitement (cancer_under_treatment), terminé(e) " \
        "depuis moins de 6 mois"
    assert predicate({"situation": {"any": ["breastfeeding"], "ask": True}}) \
        == "situation : allaitement (breastfeeding) (demandé si non renseigné)"
    assert predicate({"observation": {"code": "bmi", "op": ">=", "value": 40,
                                      "within": "2 years"}}) \
        == "mesure indice de masse corporelle (bmi) ≥ 40 (de moins de 2 ans)"


def test_render_names_codes_and_birth_facts_in_french() -> None:
    """The documents showed `naissance : gestational_age_weeks : < : 32` and bare codes; a
    reviewer reads the French name, the code kept for the file."""
    assert predicate({"test": {"perinatal": {"gestational_age_weeks": {"max": 32}}},
                      "if_unknown": False}) \
        == "naissance : terme de naissance (semaines) < 32 (inconnu : non)"
    assert predicate({"lifestyle": {"sexually_active": True}}) \
        == "mode de vie : activité sexuelle (rapports sexuels ou non) : oui"
    assert predicate({"condition": ["hiv_infection", "not_a_code"]}) \
        == "condition : infection par le VIH (hiv_infection), not_a_code"
    assert predicate({"immune_to": "varicella"}) == "immunisé contre : varicelle (varicella)"
    assert predicate({"family_history_known": {"diabetes": ["first_degree"]}}) \
        == "antécédents familiaux (demandés si non renseignés) : diabète (1er degré)"
    assert predicate({"condition_history": {"any": ["gestational_diabetes", "obesity"],
                                            "when": "before_pregnancy"}}) \
        == "antécédent avant cette grossesse : diabète gestationnel (gestational_diabetes) " \
        "ou obésité (obesity)"


def test_render_says_serologies_and_birth_facts_in_words() -> None:
    """The documents showed the keys: `serology : target : varicella; immune : non`,
    `mother_vaccinated : target : rsv; min_days_before_birth : 14` (review8, finding 10)."""
    assert predicate({"serology": {"target": "varicella", "immune": False}}) \
        == "sérologie varicelle (varicella) : non immunisé(e)"
    assert predicate({"seroconversion": {"target": "toxoplasmosis"}}) \
        == "séroconversion toxoplasmosis"
    assert predicate({"mother_vaccinated": {"target": "rsv", "min_days_before_birth": 14}}) \
        == "mère vaccinée contre virus respiratoire syncytial (VRS) (rsv) au moins 14 jours " \
        "avant la naissance"
    assert predicate({"documented_doses": {"target": "rubella", "count": 2,
                                           "min_age": "12 months", "min_interval": "1 month",
                                           "live_spacing": "1 month"}}) \
        == "au moins 2 dose(s) documentée(s) contre rubéole (rubella), à partir de 12 mois, " \
        "espacées d'au moins 1 mois, à au moins 1 mois d'un autre vaccin vivant"
    assert predicate({"rhesus": "negative"}) == "rhésus (RhD) : négatif"
    assert predicate({"primiparous": True}) == "premier accouchement"


def test_render_says_pregnancy_predicates_and_immunity_in_words() -> None:
    assert predicate({"postpartum": {"within": "6 months", "outcome": ["live_birth"]}}) \
        == "accouchement depuis moins de 6 mois (naissance vivante)"
    assert predicate({"pregnancy_dose": {"target": "pertussis", "pregnancy": "last_ended"}}) \
        == "dose contre coqueluche (pertussis) pendant la dernière grossesse terminée"
    assert immunity({"evidence": True, "ask": True}) \
        == "antécédent ou sérologie enregistrés; demandé si non renseigné"
    assert immunity({"born_before": dt.date(1980, 1, 1), "evidence": True}) \
        == "né(e) avant le 1980-01-01 ou antécédent ou sérologie enregistrés"


def test_render_says_interval_references_and_dated_starts(tmp_path: Path) -> None:
    new = NEW.replace("          - ages: {min: \"1 year\", latest_rec: \"2 years\"}\n",
                      "          - ages: {min: \"1 year\", latest_rec: \"2 years\"}\n"
                      "          - intervals: [{from: {dose: 1}, earliest_rec: \"6 months\"}]\n"
                      "            no_interval_reason: essai\n") \
        .replace("    title: Hépatite A\n", "    title: Hépatite A\n    recommended_from:\n"
                 "      - {date: 2021-01-01, when: {sex: male},"
                 " source: {title: t, url: 'https://example.org'}}\n")
    text = render(calendar_files([folder(tmp_path, new=new), PRODUCTS])[1], "md")
    assert "après la dose 1 : recommandé 6 mois" in text
    assert "recommandé depuis :** 2021-01-01 (pour : sexe : homme)" in text
    assert "dose : 1" not in text


# ------------------------------------------------------------------ more mistakes
def test_key_of_another_kind_names_the_kind(tmp_path: Path) -> None:
    """`windows:` on an item whose `kind: window` was forgotten (read as a series)."""
    new = NEW.replace('''    series:
      - name: standard
        doses:
          - ages: {min: "1 year", latest_rec: "2 years"}
''', '''    anchor: birth
    windows:
      - {id: "a", from: "1 year", to: "2 years"}
''')
    exc = error(tmp_path, new=new)
    assert exc.line == 14 and exc.field == "anchor" and exc.item == "hepa"
    assert "key of kind record or window" in exc.message and "kind: record or window" \
        in exc.message
    assert "default" in exc.message


def test_file_saved_as_latin1_names_the_line(tmp_path: Path) -> None:
    d = folder(tmp_path)
    (d / "cal-2027.yaml").write_bytes(NEW.encode("latin-1"))
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([d, PRODUCTS])
    # line 7: the first non-ASCII letter, the "à" of the changes: list
    assert exc.value.line == 7 and "UTF-8" in exc.value.message and "0xe0" in exc.value.message


def test_lint_finds_dose_ages_out_of_order(tmp_path: Path) -> None:
    """A minimum after the recommended age (a dose recommended before it counts), a latest
    recommended age before the earliest (overdue before due)."""
    new = NEW.replace('{min: "1 year", latest_rec: "2 years"}',
                      '{min: "1 year", earliest_rec: "6 months", latest_rec: "5 months"}')
    found = lint_of(tmp_path, new=new)
    assert len(found) == 2 and all(": hepa: order: series standard dose 1 ages: " in f
                                   for f in found)
    assert "earliest_rec 6 months is before min 1 year" in found[0]
    assert "latest_rec 5 months is before earliest_rec 6 months" in found[1]


def test_lint_finds_an_age_predicate_nobody_meets(tmp_path: Path) -> None:
    new = NEW.replace("    title: Hépatite A\n", "    title: Hépatite A\n"
                      "    applies_when: {age: {min: \"12 years\", max: \"10 years\"}}\n")
    found = lint_of(tmp_path, new=new)
    assert len(found) == 1 and "cal-2027.yaml:12: cal@2027.1: hepa: unreachable: age:" in found[0]


def test_lint_finds_a_version_without_rules(tmp_path: Path) -> None:
    new = NEW[: NEW.index("items:")] + "items: []\n"
    found = lint_of(tmp_path, new=new.replace("`hepa` : date de retard à 2 ans ; ", "`hepa` ; "))
    assert any(": cal@2027.1: -: empty: " in f for f in found)


def test_jurisdiction_in_another_case_is_a_typo(tmp_path: Path) -> None:
    """`jurisdiction: Fr` made the edition look for an "Fr" product table: the error was an
    unknown product, far from the typo."""
    exc = error(tmp_path, new=NEW.replace("jurisdiction: FR", "jurisdiction: Fr"))
    assert exc.file is not None and exc.file.endswith("cal-2027.yaml")
    assert exc.line == 3 and exc.field == "jurisdiction" and "'FR'" in exc.message
    alone = tmp_path / "alone.yaml"  # one calendar, one FR product table: upper case wins
    alone.write_text(NEW.replace("jurisdiction: FR", "jurisdiction: Fr"), encoding="utf-8")
    with pytest.raises(CalendarError, match="write it as the other rule files do"):
        Engine.from_paths([alone, PRODUCTS / "fr-products-2025.yaml"])


def test_lint_finds_a_dose_recommended_before_the_item_applies(tmp_path: Path) -> None:
    """A dose recommended from 1 year in an item shown from 18 months: the dose shows only
    from 18 months, already due (the item is not shown before): an edit of its age below 18
    months silently did nothing."""
    new = NEW.replace("    title: Hépatite A\n", "    title: Hépatite A\n"
                      "    applies_when: {all: [{age: {min: \"18 months\"}}, {sex: female}]}\n")
    new = new.replace('{min: "1 year", latest_rec: "2 years"}',
                      '{min: "1 year", earliest_rec: "1 year", latest_rec: "2 years"}')
    found = lint_of(tmp_path, new=new)
    assert len(found) == 1, found
    assert ": cal@2027.1: hepa: shadowed: series standard dose 1: earliest_rec 1 year is " \
           "before 18 months, the youngest age the item applies to" in found[0]


def _hepa_at_1_year(applies: str) -> str:
    """The new edition with hepatitis A recommended from 1 year, shown when ``applies``."""
    new = NEW.replace("    title: Hépatite A\n",
                      f"    title: Hépatite A\n    applies_when: {applies}\n")
    return new.replace('{min: "1 year", latest_rec: "2 years"}',
                       '{min: "1 year", earliest_rec: "1 year", latest_rec: "2 years"}')


@pytest.mark.parametrize("applies", [
    '{any: [{age: {min: "18 months"}}, {sex: female}]}',   # a branch without an age
    '{age: {min: "1 year"}}',                              # the same age: fine
    # review8: if_unknown and not that let a younger person in
    '{not: {age: {min: "18 months"}}}',                    # younger than 18 months
    '{not: {age: {min: "6 months", max: "18 months"}}}',   # or younger than 6 months
    '{if_unknown: true, test: {any: [{age: {min: "18 months"}}, {sex: female}]}}',
])
def test_lint_leaves_a_dose_the_item_can_show(tmp_path: Path, applies: str) -> None:
    assert lint_of(tmp_path, new=_hepa_at_1_year(applies)) == []


# -- lint `shadowed` (review8): the item's youngest age written as the bundled rules write it
@pytest.mark.parametrize("applies", [
    # the bundled rules wrap predicates in if_unknown; an age is never unknown, so the
    # test's youngest age holds whatever the fallback
    '{if_unknown: false, test: {age: {min: "18 months"}}}',
    '{if_unknown: true, test: {all: [{age: {min: "18 months"}}, {sex: female}]}}',
    # "not younger than 18 months"
    '{not: {age: {max: "18 months"}}}',
])
def test_lint_finds_a_shadowed_dose_behind_if_unknown_or_not(
        tmp_path: Path, applies: str) -> None:
    found = lint_of(tmp_path, new=_hepa_at_1_year(applies))
    assert len(found) == 1, found
    assert "hepa: shadowed: series standard dose 1: earliest_rec 1 year is before 18 months" \
        in found[0]


def test_agenda_rules_without_product_table_says_so(tmp_path: Path) -> None:
    """A copied calendar folder without the product tables: the error said "unknown product
    'engerixb20' (not in the FR product table)" as if the product were misspelt."""
    d = tmp_path / "copy"
    d.mkdir()
    src = ROOT / "rules" / "vaccination" / "fr-vaccination-2025.yaml"
    (d / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([d])
    assert "no FR product table" in exc.value.message
    assert "rules/products" in exc.value.message
