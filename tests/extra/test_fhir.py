"""FHIR R4B adapter: bundles in, profiles out; agendas out as ImmunizationRecommendation and
CarePlan, re-parsed with the R4B models.

The bundles in ``fhir_bundles/`` are written by hand like records a health record would send:
an infant (CVX, ATC and CIS codes, a not-done dose, the mother as RelatedPerson), an adult
(ICD-10 and SNOMED CT conditions, LOINC observations in several units, a screening procedure)
and an older woman with a legal guardian. Expected values come from the bundles themselves and
from independent hand-written profiles, not from the adapter.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from prevention_engine import Engine, Profile, ProfileError
from prevention_engine.strategies import profile_dicts
from prevention_engine.vocabulary import CONDITIONS, OBSERVATIONS, TARGETS

pytest.importorskip(
    "fhir.resources", reason="optional extra [fhir] not installed (pip install '.[fhir]')"
)

from fhir.resources.R4B.bundle import Bundle

from prevention_engine.extra.fhir import (
    ITEM_EXTENSION,
    STATUS_SYSTEM,
    agenda_to_bundle,
    codes,
    profile_from_bundle,
    read_bundle,
)

BUNDLES = Path(__file__).resolve().parent / "fhir_bundles"
AS_OF = dt.date(2025, 11, 10)
LOINC_DATES = {
    "30981-5": "earliest_date",
    "30980-7": "recommended_date",
    "59778-1": "past_due_date",
    "59777-3": "latest_date",
}


def bundle(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((BUNDLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def resources(out: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in out["entry"] if e["resource"]["resourceType"] == kind]


def item_id(element: dict[str, Any]) -> str:
    (ext,) = [e for e in element["extension"] if e["url"] == ITEM_EXTENSION]
    value: str = ext["valueString"]
    return value


# ------------------------------------------------------------------------------ reading


def test_code_tables_are_sourced_and_use_our_vocabulary() -> None:
    tables = codes()
    for name in ("systems", "snomed_conditions", "loinc_observations", "output"):
        assert all(s["url"].startswith("https://") for s in tables[name]["source"]), name
    assert set(tables["snomed_conditions"]["codes"].values()) <= CONDITIONS
    assert set(tables["output"]["target_diseases"]) <= TARGETS
    assert tables["output"]["target_diseases_source"][0]["url"].startswith("https://")
    loinc = tables["loinc_observations"]["codes"]
    assert {e["observation"] for e in loinc.values()} <= OBSERVATIONS
    for entry in loinc.values():  # one canonical unit per code, the others convert to it
        assert list(entry["units"].values()).count(1) >= 1


def test_infant_codes_by_cvx_atc_and_cis(engine: Engine) -> None:
    profile, warnings = profile_from_bundle(json.dumps(bundle("infant")), engine)
    assert profile.id == "inf-1"
    assert profile.birth_date == dt.date(2024, 3, 15)
    assert profile.sex == "female"
    assert profile.residence.country == "FR" and profile.residence.department == "75"
    codes = [(i.date.isoformat(), i.code.system, i.code.value) for i in profile.immunizations
             if i.code is not None]
    assert codes == [
        ("2024-05-15", "cvx", "146"),  # date of a dateTime with a timezone, as written
        ("2024-05-15", "cvx", "215"),  # CVX (one product) preferred to ATC J07AL02 (a group)
        ("2024-06-15", "cvx", "163"),  # the SNOMED CT coding is not read, the CVX one is
        ("2024-07-16", "cvx", "146"),
        ("2024-07-16", "cvx", "215"),  # unknown CVX 999 skipped for the known CVX 215
        ("2024-03-16", "cis", "65782652"),
        ("2024-09-01", "cis", "60000000"),  # unknown CIS: passed on, the engine warns
    ]
    assert profile.immunizations[0].lot == "X123"
    assert [(c.id, c.relation) for c in profile.caregivers] == [("mother-1", "parent")]
    weights = [(o.code, o.value, o.unit) for o in profile.observations]
    assert ("weight", 10.4, "kg") in weights  # 10 400 g
    assert ("head_circumference", 46.5, "cm") in weights
    assert warnings == [
        "Bundle.entry[9] Immunization/imm-refused: status 'not-done': not counted as a dose"
    ]


def test_infant_agenda_equals_the_hand_written_profile(engine: Engine) -> None:
    """The same history written as a plain profile (trade names) gives the same agenda rows."""
    profile, _ = profile_from_bundle(bundle("infant"), engine)
    by_hand = Profile.model_validate({
        "id": "inf-1", "birth_date": "2024-03-15", "sex": "female",
        "residence": {"country": "FR", "department": "75"},
        "immunizations": [
            {"date": "2024-05-15", "product": "Vaxelis"},
            {"date": "2024-05-15", "product": "Vaxneuvance"},
            {"date": "2024-06-15", "product": "Bexsero"},
            {"date": "2024-07-16", "product": "Vaxelis"},
            {"date": "2024-07-16", "product": "Vaxneuvance"},
            {"date": "2024-03-16", "product": "Engerix B 10"},
        ],
        "observations": [
            {"code": "weight", "value": 10.4, "unit": "kg", "date": "2025-09-01"},
            {"code": "head_circumference", "value": 46.5, "unit": "cm", "date": "2025-09-01"},
        ],
        "caregivers": [{"id": "mother-1", "relation": "parent"}],
    })

    def rows(p: Profile) -> list[tuple[Any, ...]]:
        a = engine.evaluate(p, AS_OF)
        return [(i.id, i.status, i.recommended_date, i.completed_date) for i in a.items]

    assert rows(profile) == rows(by_hand)
    agenda = engine.evaluate(profile, AS_OF)
    assert agenda.warnings == ["immunizations[6]: code CIS 60000000 inconnu : dose non comptée"]
    assert agenda.item("fr-vaccination/menb/1")[0].status == "completed"


def test_adult_conditions_and_observations(engine: Engine) -> None:
    profile, warnings = profile_from_bundle(bundle("adult"), engine)
    assert profile.residence.department == "69"  # the old address is skipped
    assert profile.condition_names(AS_OF) == {"type_2_diabetes", "hypertension"}
    obs = {o.code: (o.value, o.date.isoformat()) for o in profile.observations}
    assert obs["hba1c"] == (7.4, "2025-09-01")
    assert obs["total_cholesterol"][0] == pytest.approx(210 / 38.67, abs=1e-3)  # mg/dL
    assert obs["hdl_cholesterol"][0] == 1.2
    assert obs["ldl_cholesterol"][0] == pytest.approx(130 / 38.67, abs=1e-3)  # 1.3 g/L
    assert obs["systolic_bp"] == (145.0, "2025-10-02")  # from the 85354-9 panel
    assert obs["diastolic_bp"][0] == 90.0
    assert obs["height"][0] == 178.0  # 1.78 m
    assert obs["weight"][0] == 92.0 and obs["bmi"][0] == 29.0
    (proc,) = profile.procedures
    assert (proc.target, proc.method, proc.result) == ("colorectal_cancer", "fit", "negative")
    assert not profile.immunizations  # the only one is another patient's
    joined = "\n".join(warnings)
    for expected in (
        "Condition/cond-mi: condition 'Infarctus du myocarde' is not in our vocabulary",
        "Condition/cond-refuted: verificationStatus refuted",
        "Observation/obs-weight-lb: LOINC 29463-7 in unit '[lb_av]' is not converted",
        "Observation/obs-smoking: observation code http://loinc.org|72166-2 is not mapped",
        "Procedure/proc-snomed: code not in our target vocabulary",
        "Immunization/imm-other-patient: refers to another patient",
        "MedicationStatement/med-1: resource type MedicationStatement is not read",
    ):
        assert expected in joined
    assert len(warnings) == 7


def test_caregiver_and_overseas_department(engine: Engine) -> None:
    profile, warnings = profile_from_bundle(bundle("caregiver"), engine)
    assert warnings == []
    assert [(c.id, c.relation) for c in profile.caregivers] == [("guardian-7", "guardian")]
    assert profile.residence.department == "973"
    assert profile.immunizations[1].product == "Efluelda"  # vaccineCode with text only
    assert profile.condition_names(AS_OF) == {"copd"}
    agenda = engine.evaluate(profile, AS_OF)
    assert agenda.warnings == []
    assert any(i.status == "completed" for i in agenda.items if "zoster" in i.targets)


def test_absolute_patient_reference_and_empty_panel(engine: Engine) -> None:
    data = bundle("caregiver")
    data["entry"][2]["resource"]["patient"] = {"reference": "https://dmp.example/fhir/Patient/eld-1"}
    data["entry"].append({"resource": {
        "resourceType": "Observation", "id": "bp-empty", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
        "subject": {"reference": "Patient/eld-1"}, "effectiveDateTime": "2025-10-02"}})
    profile, warnings = profile_from_bundle(data, engine)
    assert len(profile.immunizations) == 3
    assert warnings == ["Bundle.entry[6] Observation/bp-empty: a panel without components: ignored"]


def test_resolved_condition_without_end_is_kept_and_warned(engine: Engine) -> None:
    data = bundle("caregiver")
    data["entry"][5]["resource"]["clinicalStatus"] = {"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "resolved"}]}
    profile, warnings = profile_from_bundle(data, engine)
    assert profile.condition_names(AS_OF) == {"copd"}
    assert warnings == ["Bundle.entry[5] Condition/cond-copd: clinicalStatus says ended but no "
                        "abatementDateTime: kept as active"]


# ------------------------------------------------------------------------------ malformed


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(bundle("infant"))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["entry"][2]["resource"].update(occurrenceDateTime="15/05/2024"),
         "Bundle.entry[2] Immunization/imm-hexa-1.occurrenceDateTime"),
        (lambda d: d["entry"][2]["resource"].pop("patient"),
         "Bundle.entry[2] Immunization/imm-hexa-1.patient"),
        (lambda d: d["entry"][0]["resource"].update(birthDate="2024-03"),
         "Bundle.entry[0] Patient/inf-1.birthDate"),
        (lambda d: d["entry"][0]["resource"].pop("birthDate"),
         "Bundle.entry[0] Patient/inf-1.birthDate"),
        (lambda d: d["entry"].pop(0), "Bundle.entry"),
        (lambda d: d["entry"].append(copy.deepcopy(d["entry"][0])), "Bundle.entry"),
        (lambda d: d["entry"][3]["resource"].update(occurrenceDateTime="2023-01-01"),
         "Bundle.entry[3] Immunization/imm-pcv-1 (immunizations[1].date)"),
        (lambda d: d["entry"][10]["resource"]["valueQuantity"].update(value=-3),
         "Bundle.entry[10] Observation/obs-weight (observations[0].value)"),
        (lambda d: d.update(resourceType="Patient"), "Bundle.resourceType"),
        (lambda d: d.pop("type"), "Bundle.type"),
    ],
)
def test_malformed_bundle_names_resource_and_field(change: Any, field: str) -> None:
    with pytest.raises(ProfileError) as info:
        profile_from_bundle(_broken(change))
    assert info.value.field == field


def test_invalid_json_is_a_profile_error() -> None:
    with pytest.raises(ProfileError, match="invalid JSON"):
        profile_from_bundle('{"resourceType": "Bundle", ')


# ------------------------------------------------------------------------------ writing


@pytest.mark.parametrize("name", ["infant", "adult", "caregiver"])
def test_round_trip_agenda_to_fhir(engine: Engine, name: str) -> None:
    read = read_bundle(bundle(name), engine)
    agenda = engine.evaluate(read.profile, AS_OF, trace=True)
    out = agenda_to_bundle(agenda, immunization_refs=read.immunization_refs)
    parsed = Bundle.model_validate(out)  # the written resources re-parse with the models
    assert parsed.type == "collection"
    patient = f"Patient/{read.profile.id}"

    (rec,) = resources(out, "ImmunizationRecommendation")
    assert rec["patient"] == {"reference": patient} and rec["date"] == "2025-11-10"
    vaccination = [i for i in agenda.items if i.domain == "vaccination"]
    assert [item_id(r) for r in rec["recommendation"]] == [i.id for i in vaccination]
    for item, r in zip(vaccination, rec["recommendation"], strict=True):
        assert r["targetDisease"]["coding"]  # imr-1: a target disease on every recommendation
        status = {c["system"]: c["code"] for c in r["forecastStatus"]["coding"]}
        assert status[STATUS_SYSTEM] == item.status
        dates = {LOINC_DATES[c["code"]["coding"][0]["code"]]: c["value"]
                 for c in r.get("dateCriterion", [])}
        expected = {k: getattr(item, k).isoformat() for k in LOINC_DATES.values()
                    if getattr(item, k) is not None}
        assert dates == expected
        assert r.get("doseNumberPositiveInt") == item.dose

    others = [i for i in agenda.items if i.domain != "vaccination"]
    plans = resources(out, "CarePlan")
    activities = [a["detail"] for p in plans for a in p["activity"]]
    assert sorted(item_id(d) for d in activities) == sorted(i.id for i in others)
    assert all(p["subject"] == {"reference": patient} for p in plans)


def test_forecast_status_and_supporting_immunizations(engine: Engine) -> None:
    read = read_bundle(bundle("infant"), engine)
    agenda = engine.evaluate(read.profile, AS_OF, trace=True)
    (rec,) = resources(agenda_to_bundle(agenda, immunization_refs=read.immunization_refs),
                       "ImmunizationRecommendation")
    by_id = {item_id(r): r for r in rec["recommendation"]}
    hl7 = "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status"

    def forecast(r: dict[str, Any]) -> str | None:
        return next((c["code"] for c in r["forecastStatus"]["coding"] if c["system"] == hl7),
                    None)

    menb1, menb2 = by_id["fr-vaccination/menb/1"], by_id["fr-vaccination/menb/2"]
    assert forecast(menb1) == "complete"
    assert menb1["supportingImmunization"] == [{"reference": "Immunization/imm-menb-1"}]
    assert forecast(menb2) == "overdue"
    assert menb2["supportingImmunization"] == [{"reference": "Immunization/imm-menb-1"}]
    assert forecast(by_id["fr-vaccination/rotavirus/1"]) is None  # missed: no HL7 code
    snomed = [c for c in by_id["fr-vaccination/dtp/2"]["targetDisease"]["coding"]
              if c["system"] == "http://snomed.info/sct"]
    assert [c["code"] for c in snomed] == ["397430003", "76902006", "398102009"]  # IPS codes
    pcv = by_id["fr-vaccination/pneumococcus_child/1"]["targetDisease"]["coding"]
    assert [c["system"] for c in pcv] == ["urn:prevention-engine:target"]  # none in IPS
    dtp2 = by_id["fr-vaccination/dtp/2"]
    assert dtp2["supportingImmunization"] == [{"reference": "Immunization/imm-hexa-2"}]


def test_output_is_deterministic(engine: Engine) -> None:
    def once() -> str:
        read = read_bundle(json.dumps(bundle("adult")), engine)
        agenda = engine.evaluate(read.profile, AS_OF, trace=True)
        return json.dumps(agenda_to_bundle(agenda, immunization_refs=read.immunization_refs),
                          ensure_ascii=False)

    first = once()
    assert first == once()
    ids = [e["fullUrl"] for e in json.loads(first)["entry"]]
    assert len(set(ids)) == len(ids) and all(u.startswith("urn:uuid:") for u in ids)


def test_agenda_without_person_id_or_vaccination(engine: Engine) -> None:
    agenda = engine.evaluate({"birth_date": "1960-01-01", "sex": "female"}, AS_OF,
                             calendars=["fr-screening"])
    out = agenda_to_bundle(agenda)
    Bundle.model_validate(out)
    assert resources(out, "ImmunizationRecommendation") == []
    (plan,) = resources(out, "CarePlan")
    assert plan["subject"] == {"display": "personne non identifiée"}
    assert plan["id"] == "agenda-anonymous-screening"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile_dicts(AS_OF))
def test_any_agenda_is_valid_fhir_once_per_row(engine: Engine, data: dict[str, Any]) -> None:
    agenda = engine.evaluate(data, AS_OF, trace=True)
    refs = [f"Immunization/i{n}" for n in range(len(data.get("immunizations", [])))]
    out = agenda_to_bundle(agenda, immunization_refs=refs)
    Bundle.model_validate(out)
    rows = [item_id(r) for rec in resources(out, "ImmunizationRecommendation")
            for r in rec["recommendation"]]
    rows += [item_id(a["detail"]) for p in resources(out, "CarePlan") for a in p["activity"]]
    assert sorted(rows) == sorted(i.id for i in agenda.items)
    assert json.dumps(out) == json.dumps(agenda_to_bundle(agenda, immunization_refs=refs))
