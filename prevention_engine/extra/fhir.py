"""FHIR R4B adapter: a Bundle in, a ``Profile`` out; an ``Agenda`` in, a Bundle out.

An optional extra (``pip install 'prevention-engine[fhir]'``): ``fhir.resources`` is imported
only when a function runs, and the core never imports this module. A bundle is first checked
against the R4B models, so a malformed one is a ``ProfileError`` naming the resource and the
field; it is then read from its JSON, so dates stay the local dates the record was written with
(no timezone shift). What cannot be mapped is returned as a warning and never guessed. Vaccine
codes go to the profile as codes and are resolved by the engine's product tables, which are
also used here to choose among several codings. The code tables are data, with their sources,
in ``fhir_codes.yaml``; docs/fhir.md lists what is mapped and what is not.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..agenda import Agenda, AgendaItem
from ..engine import Engine, bundled_rules_dir
from ..errors import ProfileError
from ..jsonin import loads
from ..products import ProductIndex
from ..profile import Profile
from ..registry import Registry
from ..vocabulary import TARGETS, icd10_to_condition

#: Our own code systems (targets, statuses, domains) and the extension naming an agenda row.
TARGET_SYSTEM = "urn:prevention-engine:target"
STATUS_SYSTEM = "urn:prevention-engine:status"
DOMAIN_SYSTEM = "urn:prevention-engine:domain"
METHOD_SYSTEM = "urn:prevention-engine:method"
ITEM_EXTENSION = "urn:prevention-engine:agenda-item"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
FORECAST_SYSTEM = "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status"

_CODES_FILE = Path(__file__).with_name("fhir_codes.yaml")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_FHIR_ID = re.compile(r"[^A-Za-z0-9\-.]")
_PARENTS = frozenset({"MTH", "FTH", "PRN", "NMTH", "NFTH", "NPRN", "STPMTH", "STPFTH", "STPPRN"})
_SPECIFICITY = {"cis": 0, "cvx": 1, "atc": 2}
_FRANCE = frozenset({"FR", "FRA", "FRANCE"})
_CARE_STATUS = {
    "completed": "completed",
    "due": "not-started",
    "overdue": "not-started",
    "upcoming": "not-started",
    "needs_data": "unknown",
    "missed": "stopped",
    "declined": "cancelled",
    "contraindicated": "cancelled",
    "immune": "cancelled",
    "not_recommended": "cancelled",
}


def _bundle_model() -> Any:
    try:
        from fhir.resources.R4B.bundle import Bundle
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "the FHIR adapter needs the optional extra: pip install 'prevention-engine[fhir]'"
        ) from exc
    return Bundle


@lru_cache(maxsize=1)
def codes() -> dict[str, Any]:
    """The adapter's code tables (``fhir_codes.yaml``), loaded once."""
    data: dict[str, Any] = yaml.safe_load(_CODES_FILE.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def _bundled_indexes() -> tuple[ProductIndex, ...]:
    registry = Registry.load([bundled_rules_dir() / "products"])
    return tuple(ProductIndex.build(t) for t in registry.tables)


# ------------------------------------------------------------------------------ reading


@dataclass
class BundleRead:
    """What a bundle gave: the profile, the warnings, and for each of the profile's
    immunizations the reference of the FHIR Immunization it came from (for
    ``agenda_to_bundle(..., immunization_refs=...)``)."""

    profile: Profile
    warnings: list[str]
    immunization_refs: list[str]


@dataclass
class _Reader:
    indexes: tuple[ProductIndex, ...]
    patient_refs: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)
    immunization_refs: list[str] = field(default_factory=list)

    def warn(self, label: str, message: str) -> None:
        self.warnings.append(f"{label}: {message}")

    def add(self, key: str, value: dict[str, Any], label: str) -> None:
        self.profile.setdefault(key, []).append(value)
        self.labels.setdefault(key, []).append(label)


def profile_from_bundle(
    bundle: str | bytes | Mapping[str, Any], engine: Engine | None = None
) -> tuple[Profile, list[str]]:
    """The profile of a FHIR R4B Bundle, and warnings for what could not be mapped.

    ``engine``'s product tables choose among several vaccine codings (default: the bundled
    product tables). Raises ``ProfileError`` for a malformed bundle.
    """
    read = read_bundle(bundle, engine)
    return read.profile, read.warnings


def read_bundle(
    bundle: str | bytes | Mapping[str, Any], engine: Engine | None = None
) -> BundleRead:
    """``profile_from_bundle`` plus the Immunization reference of each profile immunization."""
    raw = _as_bundle(bundle)
    _check_models(raw)
    entries = [
        (i, e.get("fullUrl"), e["resource"])
        for i, e in enumerate(raw.get("entry") or [])
        if isinstance(e.get("resource"), dict)
    ]
    indexes = (
        tuple(ProductIndex.build(t) for t in engine.registry.tables)
        if engine is not None
        else _bundled_indexes()
    )
    reader = _Reader(indexes)
    _read_patient(reader, entries)
    readers = _readers()
    for i, url, res in entries:
        kind = res["resourceType"]
        label = _label(i, res)
        if kind == "Patient":
            continue
        if kind not in readers:
            reader.warn(label, f"resource type {kind} is not read")
        elif not _about_patient(reader, res, kind):
            reader.warn(label, "refers to another patient: ignored")
        else:
            before = len(reader.profile.get("immunizations", []))
            readers[kind](reader, label, res)
            if len(reader.profile.get("immunizations", [])) > before:
                ident = f"Immunization/{res['id']}" if res.get("id") else None
                reader.immunization_refs.append(ident or url or label)
    profile = _validated(reader)
    return BundleRead(profile, reader.warnings, reader.immunization_refs)


def _as_bundle(bundle: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(bundle, str | bytes):
        data = loads(bundle, where="Bundle")
    else:
        data = dict(bundle)
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        found = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise ProfileError("a FHIR Bundle is expected", field="Bundle.resourceType", value=found)
    return data


def _check_types(raw: dict[str, Any]) -> None:
    """Each entry's resource names a type the R4B models know: an unknown, missing or non-text
    ``resourceType`` raised KeyError or TypeError from inside the models."""
    from fhir.resources.R4B import get_fhir_model_class

    entries = raw.get("entry")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict):
            continue  # the models say what is wrong with the entry
        kind = res.get("resourceType")
        try:
            known = isinstance(kind, str) and get_fhir_model_class(kind) is not None
        except (KeyError, ValueError):
            known = False
        if not known:
            shown = kind if isinstance(kind, str | int | float | bool) else None
            raise ProfileError("not a FHIR R4B resource type",
                               field=f"Bundle.entry[{i}].resource.resourceType", value=shown)


def _check_models(raw: dict[str, Any]) -> None:
    """Validate against the R4B models; the first error names the resource and the field."""
    _bundle_model()  # the extra is installed
    _check_types(raw)
    try:
        _bundle_model().model_validate(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = list(err.get("loc", ()))
        where = "Bundle"
        if len(loc) >= 3 and loc[0] == "entry" and isinstance(loc[1], int) and loc[2] == "resource":
            res = raw["entry"][loc[1]].get("resource")
            where = _label(loc[1], res) if isinstance(res, dict) else f"Bundle.entry[{loc[1]}]"
            loc = loc[3:]
        path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc)
        value = err.get("input")
        if isinstance(value, dict | list) or (isinstance(value, str) and len(value) > 80):
            value = None
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        raise ProfileError(
            message, field=f"{where}.{path}".replace(".[", "["), value=value
        ) from None


def _label(index: int, res: dict[str, Any]) -> str:
    kind = res.get("resourceType", "?")
    ident = res.get("id")
    return f"Bundle.entry[{index}] {kind}/{ident}" if ident else f"Bundle.entry[{index}] {kind}"


def _day(value: Any) -> str | None:
    """The YYYY-MM-DD of a FHIR date or dateTime as written, or None for a partial date."""
    if isinstance(value, str) and _DAY.match(value):
        return value[:10]
    return None


def _codings(concept: Any) -> list[tuple[str, str]]:
    if not isinstance(concept, dict):
        return []
    return [
        (str(c.get("system", "")), str(c.get("code", "")).strip())
        for c in concept.get("coding") or []
        if c.get("code")
    ]


def _read_patient(reader: _Reader, entries: list[tuple[int, Any, dict[str, Any]]]) -> None:
    patients = [(i, url, r) for i, url, r in entries if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise ProfileError(
            f"a bundle needs exactly one Patient (found {len(patients)})", field="Bundle.entry"
        )
    index, url, res = patients[0]
    label = _label(index, res)
    birth = _day(res.get("birthDate"))
    if birth is None:
        raise ProfileError(
            "a full birth date (YYYY-MM-DD) is required",
            field=f"{label}.birthDate",
            value=res.get("birthDate"),
        )
    refs = {url} if url else set()
    if res.get("id"):
        refs.add(f"Patient/{res['id']}")
        reader.profile["id"] = res["id"]
    reader.patient_refs = frozenset(refs)
    reader.profile["birth_date"] = birth
    gender = res.get("gender")
    if gender in ("female", "male"):
        reader.profile["sex"] = gender
    elif gender is not None:
        reader.warn(label, f"gender {gender!r} has no counterpart in the profile: sex unknown")
    _read_address(reader, label, res.get("address") or [])


def _read_address(reader: _Reader, label: str, addresses: list[dict[str, Any]]) -> None:
    current = [
        a for a in addresses if a.get("use") != "old" and not (a.get("period") or {}).get("end")
    ]
    if not current:
        return
    address = current[0]
    country = str(address.get("country", "")).strip().upper()
    if country in _FRANCE:
        country = "FR"
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        reader.warn(label, f"address.country {address.get('country')!r} is not an ISO code")
        return
    residence: dict[str, str] = {"country": country} if country else {}
    postal = str(address.get("postalCode", "")).strip()
    if country in ("", "FR") and re.fullmatch(r"\d{5}", postal):
        if postal.startswith(("97", "98")):  # overseas: 3 digits (973, 988)
            residence["department"] = postal[:3]
        elif not postal.startswith("20"):  # Corsica (2A/2B) cannot be told from the prefix
            residence["department"] = postal[:2]
    if residence:
        reader.profile["residence"] = residence


def _about_patient(reader: _Reader, res: dict[str, Any], kind: str) -> bool:
    key = {"Immunization": "patient", "RelatedPerson": "patient"}.get(kind, "subject")
    ref = (res.get(key) or {}).get("reference")
    if ref is None or ref in reader.patient_refs:
        return True
    # An absolute reference to the same resource (https://server/fhir/Patient/<id>).
    return any(ref.endswith("/" + r) for r in reader.patient_refs if r.startswith("Patient/"))


def _read_immunization(reader: _Reader, label: str, res: dict[str, Any]) -> None:
    if res.get("status") != "completed":
        reader.warn(label, f"status {res.get('status')!r}: not counted as a dose")
        return
    date = _day(res.get("occurrenceDateTime"))
    if date is None:
        reader.warn(label, "no full occurrenceDateTime: dose not counted")
        return
    imm: dict[str, Any] = {"date": date}
    concept = res.get("vaccineCode") or {}
    code = _vaccine_code(reader.indexes, _codings(concept))
    if code is not None:
        imm["code"] = code
    elif concept.get("text"):
        imm["product"] = concept["text"]
    else:
        systems = ", ".join(sorted({s for s, _ in _codings(concept)})) or "no coding"
        reader.warn(label, f"vaccineCode not in CIS, ATC or CVX ({systems}): dose not counted")
        return
    if res.get("lotNumber"):
        imm["lot"] = res["lotNumber"]
    if res.get("isSubpotent"):
        imm["sub_standard"] = True
    reader.add("immunizations", imm, label)


def _vaccine_code(
    indexes: Iterable[ProductIndex], codings: list[tuple[str, str]]
) -> dict[str, str] | None:
    """The most specific coding our product tables know, else the first one we can read."""
    by_system = {uri: name for name, uris in codes()["systems"]["vaccine"].items() for uri in uris}
    # A CIS or CVX code names one product; an ATC code only a group of products.
    candidates = sorted(
        ((by_system[s], c) for s, c in codings if s in by_system),
        key=lambda sc: _SPECIFICITY[sc[0]],
    )
    for name, value in candidates:
        for index in indexes:
            if name == "cis" and value in index.by_cis:
                return {"system": name, "value": value}
            if name == "atc" and value.upper() in index.by_atc:
                return {"system": name, "value": value}
            if name == "cvx" and (value.lstrip("0") or "0") in index.by_cvx:
                return {"system": name, "value": value}
    if candidates:
        return {"system": candidates[0][0], "value": candidates[0][1]}
    return None


def _read_condition(reader: _Reader, label: str, res: dict[str, Any]) -> None:
    verification = {c for _, c in _codings(res.get("verificationStatus"))}
    if verification & {"refuted", "entered-in-error"}:
        reader.warn(label, f"verificationStatus {'/'.join(sorted(verification))}: ignored")
        return
    code = _condition_code(_codings(res.get("code")))
    if code is None:
        text = (res.get("code") or {}).get("text") or ", ".join(
            c for _, c in _codings(res.get("code"))
        )
        reader.warn(label, f"condition {text!r} is not in our vocabulary: ignored")
        return
    cond: dict[str, Any] = {"code": code}
    since, until = _day(res.get("onsetDateTime")), _day(res.get("abatementDateTime"))
    if since:
        cond["since"] = since
    if until:
        cond["until"] = until
    clinical = {c for _, c in _codings(res.get("clinicalStatus"))}
    if clinical & {"inactive", "remission", "resolved"} and until is None:
        reader.warn(label, "clinicalStatus says ended but no abatementDateTime: kept as active")
    reader.add("conditions", cond, label)


def _condition_code(codings: list[tuple[str, str]]) -> str | dict[str, str] | None:
    systems = codes()["systems"]
    snomed = codes()["snomed_conditions"]["codes"]
    for system, value in codings:
        if system in systems["icd10"] and icd10_to_condition(value):
            return {"system": "icd10", "value": value}
        if system in systems["snomed"] and value in snomed:
            return str(snomed[value])
    return None


def _read_observation(reader: _Reader, label: str, res: dict[str, Any]) -> None:
    if res.get("status") not in ("final", "amended", "corrected"):
        reader.warn(label, f"status {res.get('status')!r}: not a result, ignored")
        return
    date = _day(res.get("effectiveDateTime")) or _day(
        (res.get("effectivePeriod") or {}).get("start")
    )
    if date is None:
        reader.warn(label, "no full effectiveDateTime: ignored")
        return
    loinc = [c for s, c in _codings(res.get("code")) if s in codes()["systems"]["loinc"]]
    table = codes()["loinc_observations"]
    if any(c in table["panels"] for c in loinc):
        parts = [
            (comp.get("code"), comp.get("valueQuantity")) for comp in res.get("component") or []
        ]
    else:
        parts = [(res.get("code"), res.get("valueQuantity"))]
    if not parts:
        reader.warn(label, "a panel without components: ignored")
    for concept, quantity in parts:
        obs = _observation(reader, label, concept, quantity)
        if obs is not None:
            reader.add("observations", {**obs, "date": date}, label)


def _observation(reader: _Reader, label: str, concept: Any, quantity: Any) -> dict[str, Any] | None:
    table = codes()["loinc_observations"]["codes"]
    loinc = [c for s, c in _codings(concept) if s in codes()["systems"]["loinc"] and c in table]
    if not loinc:
        shown = ", ".join(f"{s}|{c}" for s, c in _codings(concept)) or "no coding"
        reader.warn(label, f"observation code {shown} is not mapped: ignored")
        return None
    entry = table[loinc[0]]
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        reader.warn(label, f"LOINC {loinc[0]} has no valueQuantity: ignored")
        return None
    unit = str(quantity.get("code") or quantity.get("unit") or "")
    factor = entry["units"].get(unit)
    if factor is None:
        reader.warn(label, f"LOINC {loinc[0]} in unit {unit!r} is not converted: ignored")
        return None
    value = float(quantity["value"])
    if factor != "profile":
        unit = next(u for u, f in entry["units"].items() if f == 1)
        value = round(value * float(factor), 6)
    return {"code": entry["observation"], "value": value, "unit": unit}


def _read_procedure(reader: _Reader, label: str, res: dict[str, Any]) -> None:
    if res.get("status") != "completed":
        reader.warn(label, f"status {res.get('status')!r}: not counted")
        return
    date = _day(res.get("performedDateTime")) or _day(
        (res.get("performedPeriod") or {}).get("start")
    )
    targets = [c for s, c in _codings(res.get("code")) if s == TARGET_SYSTEM and c in TARGETS]
    if not targets or date is None:
        why = "no full performedDateTime" if targets else "code not in our target vocabulary"
        reader.warn(label, f"{why}: ignored")
        return
    proc: dict[str, Any] = {"target": targets[0], "date": date}
    methods = [c for s, c in _codings(res.get("code")) if s == METHOD_SYSTEM]
    if methods:
        proc["method"] = methods[0]
    outcome = res.get("outcome") or {}
    result = next((c for _, c in _codings(outcome)), None) or outcome.get("text")
    if result:
        proc["result"] = result
    reader.add("procedures", proc, label)


def _read_related_person(reader: _Reader, label: str, res: dict[str, Any]) -> None:
    roles = [c for concept in res.get("relationship") or [] for _, c in _codings(concept)]
    relation = None
    if any(r.upper() in _PARENTS for r in roles):
        relation = "parent"
    elif any(r.upper() == "GUARD" for r in roles):
        relation = "guardian"
    elif roles:
        relation = roles[0].lower()
    ident = res.get("id") or label
    caregiver: dict[str, Any] = {"id": ident}
    if relation:
        caregiver["relation"] = relation
    reader.add("caregivers", caregiver, label)


def _readers() -> dict[str, Callable[[_Reader, str, dict[str, Any]], None]]:
    """The resource types read besides Patient, each with its reader."""
    return {
        "Immunization": _read_immunization,
        "Condition": _read_condition,
        "Observation": _read_observation,
        "Procedure": _read_procedure,
        "RelatedPerson": _read_related_person,
    }


def _validated(reader: _Reader) -> Profile:
    """The profile; an error on a list element names the FHIR resource it came from."""
    try:
        return Profile.model_validate(reader.profile)
    except ProfileError as exc:
        match = re.match(r"^(\w+)\[(\d+)\](.*)$", exc.field or "")
        if match and match.group(1) in reader.labels:
            label = reader.labels[match.group(1)][int(match.group(2))]
            raise ProfileError(
                exc.message, field=f"{label} ({exc.field})", value=exc.value
            ) from None
        raise


# ------------------------------------------------------------------------------ writing


def agenda_to_bundle(
    agenda: Agenda,
    *,
    immunization_refs: Sequence[str] = (),
    patient_ref: str | None = None,
) -> dict[str, Any]:
    """The agenda as a FHIR R4B ``collection`` Bundle, validated by the R4B models.

    Vaccination rows become one ``ImmunizationRecommendation``; the other domains one
    ``CarePlan`` each. ``immunization_refs[i]`` is the reference of the profile's i-th
    immunization (``read_bundle`` gives them): with a traced agenda, recommendations cite the
    doses that counted (``supportingImmunization``). Same agenda, same bytes.
    """
    person = agenda.person_id
    patient = (
        {"reference": patient_ref or f"Patient/{person}"}
        if (patient_ref or person)
        else {"display": "personne non identifiée"}
    )
    resources: list[dict[str, Any]] = []
    vaccination = [i for i in agenda.items if i.domain == "vaccination"]
    if vaccination:
        resources.append(_recommendation(agenda, vaccination, patient, immunization_refs))
    for domain in sorted({i.domain for i in agenda.items} - {"vaccination"}):
        rows = [i for i in agenda.items if i.domain == domain]
        resources.append(_care_plan(agenda, domain, rows, patient))
    bundle = {
        "resourceType": "Bundle",
        "id": _fhir_id("agenda", person or "anonymous", agenda.as_of.isoformat()),
        "type": "collection",
        "entry": [
            {"fullUrl": _full_url(person, r["resourceType"], r["id"]), "resource": r}
            for r in resources
        ],
    }
    model = _bundle_model().model_validate(bundle)
    out: dict[str, Any] = json.loads(model.model_dump_json())
    return out


def _fhir_id(*parts: str) -> str:
    text = _FHIR_ID.sub("-", "-".join(parts))
    if len(text) <= 64:
        return text
    return text[:47] + "-" + uuid.uuid5(uuid.NAMESPACE_URL, text).hex[:16]


def _full_url(person: str | None, kind: str, ident: str) -> str:
    name = f"prevention-engine/{person or ''}/{kind}/{ident}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _targets(item: AgendaItem, snomed: bool = False) -> dict[str, Any]:
    """Our target codes; for vaccines also the IPS SNOMED CT target diseases, once each."""
    coding: list[dict[str, str]] = []
    if snomed:
        diseases = codes()["output"]["target_diseases"]
        for t in item.targets:
            found = diseases.get(t)
            entry = {"system": SNOMED, **found} if found else None
            if entry is not None and entry not in coding:
                coding.append(entry)
    coding += [{"system": TARGET_SYSTEM, "code": t} for t in item.targets]
    return {"coding": coding, "text": item.title}


def _status_concept(item: AgendaItem, hl7: str | None) -> dict[str, Any]:
    coding = [{"system": FORECAST_SYSTEM, "code": hl7}] if hl7 else []
    coding.append({"system": STATUS_SYSTEM, "code": item.status})
    return {"coding": coding, "text": item.status}


def _item_extension(item: AgendaItem) -> list[dict[str, Any]]:
    return [{"url": ITEM_EXTENSION, "valueString": item.id}]


def _recommendation(
    agenda: Agenda,
    items: list[AgendaItem],
    patient: dict[str, Any],
    refs: Sequence[str],
) -> dict[str, Any]:
    out = codes()["output"]
    valid = _valid_doses(items)
    recs = []
    for item in items:
        rec: dict[str, Any] = {
            "extension": _item_extension(item),
            "targetDisease": _targets(item, snomed=True),
            "forecastStatus": _status_concept(item, out["forecast_status"].get(item.status)),
            "forecastReason": [{"text": item.reason}],
            "dateCriterion": [
                {
                    "code": {"coding": [{"system": LOINC, **criterion}]},
                    "value": getattr(item, name).isoformat(),
                }
                for name, criterion in out["date_criteria"].items()
                if getattr(item, name) is not None
            ],
            "description": item.title,
            "series": item.series,
            "doseNumberPositiveInt": item.dose if item.dose and item.dose > 0 else None,
            "supportingImmunization": _supporting(item, valid.get(item.item, {}), refs),
        }
        recs.append({k: v for k, v in rec.items() if v not in (None, [])})
    return {
        "resourceType": "ImmunizationRecommendation",
        "id": _fhir_id("agenda", agenda.person_id or "anonymous", "vaccination"),
        "patient": patient,
        "date": agenda.as_of.isoformat(),
        "recommendation": recs,
    }


def _valid_doses(items: list[AgendaItem]) -> dict[str, dict[int, int]]:
    """Per item, target dose number -> index of the profile immunization that satisfied it
    (from the trace: only a traced agenda has it)."""
    out: dict[str, dict[int, int]] = {}
    for item in items:
        for entry in item.trace or []:
            if (
                entry.immunization is not None
                and entry.target_dose is not None
                and (entry.outcome == "valid")
            ):
                out.setdefault(item.item, {})[entry.target_dose] = entry.immunization
    return out


def _supporting(
    item: AgendaItem, valid: dict[int, int], refs: Sequence[str]
) -> list[dict[str, str]]:
    if item.dose is None or not refs:
        return []
    if item.status == "completed":
        wanted = [valid[item.dose]] if item.dose in valid else []
    else:
        wanted = [valid[d] for d in sorted(valid) if d < item.dose]
    return [{"reference": refs[i]} for i in wanted if i < len(refs)]


def _care_plan(
    agenda: Agenda, domain: str, items: list[AgendaItem], patient: dict[str, Any]
) -> dict[str, Any]:
    activities = []
    for item in items:
        start = item.recommended_date or item.earliest_date or item.completed_date
        period = {"start": start.isoformat()} if start else {}
        if item.latest_date is not None:
            period["end"] = item.latest_date.isoformat()
        detail: dict[str, Any] = {
            "extension": _item_extension(item),
            "code": _targets(item),
            "status": _CARE_STATUS[item.status],
            "statusReason": _status_concept(item, None),
            "scheduledPeriod": period or None,
            "description": f"{item.title} — {item.reason}",
        }
        activities.append({"detail": {k: v for k, v in detail.items() if v is not None}})
    return {
        "resourceType": "CarePlan",
        "id": _fhir_id("agenda", agenda.person_id or "anonymous", domain),
        "status": "active",
        "intent": "plan",
        "category": [{"coding": [{"system": DOMAIN_SYSTEM, "code": domain}]}],
        "title": f"Agenda de prévention : {domain}",
        "subject": patient,
        "created": agenda.as_of.isoformat(),
        "activity": activities,
    }
