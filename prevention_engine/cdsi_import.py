"""Convert the CDC CDSi supporting data (XML) into our YAML rule format.

Usage::

    python -m prevention_engine.cdsi_import SUPPORTING_DATA_DIR OUT_DIR

``SUPPORTING_DATA_DIR`` is the folder holding ``ScheduleSupportingData.xml`` and the
``AntigenSupportingData- *.xml`` files (or its parent, with an ``XML/`` folder). ``OUT_DIR`` is a
rules folder: the calendar goes to ``OUT_DIR/us-cdsi/us-cdsi-<version>.yaml`` and the CVX product
table to ``OUT_DIR/products/us-cvx-<version>.yaml``. The output is deterministic: re-running the
importer on the same data gives the same bytes (a test checks the committed files).

The CDSi data is a publication of the U.S. CDC (https://www.cdc.gov/iis/cdsi/); the files
written here restate it in our format and cite it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

VERSION = "4.64"
IN_FORCE_FROM = dt.date(2025, 11, 10)
CDSI_URL = "https://www.cdc.gov/iis/cdsi/"
SOURCE_TITLE = (
    "CDC Clinical Decision Support for Immunization (CDSi), supporting data 4.64 "
    "(release notes dated 2025-11-10)"
)

#: CDSi antigen -> our target vocabulary (antigens without a target are not imported).
ANTIGEN_TARGETS: dict[str, str] = {
    "Diphtheria": "diphtheria",
    "Tetanus": "tetanus",
    "Pertussis": "pertussis",
    "Polio": "poliomyelitis",
    "Hib": "haemophilus_influenzae_b",
    "HepB": "hepatitis_b",
    "HepA": "hepatitis_a",
    "Pneumococcal": "pneumococcus",
    "Meningococcal": "meningococcus_acwy",
    "Meningococcal B": "meningococcus_b",
    "Measles": "measles",
    "Mumps": "mumps",
    "Rubella": "rubella",
    "Rotavirus": "rotavirus",
    "Varicella": "varicella",
    "HPV": "hpv",
    "Influenza": "influenza",
    "COVID-19": "covid19",
    "Zoster": "zoster",
    "RSV": "rsv",
    "Yellow Fever": "yellow_fever",
    "Dengue": "dengue",
    "Typhoid": "typhoid",
    "Rabies": "rabies",
    "Japanese Encephalitis": "japanese_encephalitis",
    "TBE": "tick_borne_encephalitis",
    "Cholera": "cholera",
    "Chikungunya": "chikungunya",
    "Orthopoxvirus": "mpox",
    "Ebola": "ebola",
}

#: CDSi "relevant observation" interval references (``fromRelevantObs``): the interval counts
#: from the date of the coded observation (a therapy start, a transplant, the onset of a
#: pregnancy), written ``{cdsi: "170"}``; the engine reads the observation's date, or the
#: anchor the code means (``vocabulary.CDSI_ANCHORS``).


# --------------------------------------------------------------------------------------------
# Small XML helpers
# --------------------------------------------------------------------------------------------
def _text(e: ET.Element | None, tag: str) -> str:
    if e is None:
        return ""
    found = e.find(tag)
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())


_DUR_PART = re.compile(r"^\s*(\d+)\s*(day|days|week|weeks|month|months|year|years)\s*$", re.I)


def _duration(raw: str) -> str | None:
    """A CDSi duration normalised to our spelling ("6 months - 4 days"), or None when empty."""
    raw = raw.strip()
    if not raw:
        return None
    tokens = re.split(r"\s*([+-])\s*", raw)
    out: list[str] = []
    sign = ""
    for tok in tokens:
        if tok in ("+", "-"):
            sign = tok
            continue
        m = _DUR_PART.match(tok)
        if m is None:
            raise ValueError(f"unexpected CDSi duration {raw!r}")
        n, unit = int(m.group(1)), m.group(2).lower().rstrip("s")
        if n != 1:
            unit += "s"
        part = f"{n} {unit}"
        out.append(f"{sign} {part}" if out else part)
        sign = ""
    return " ".join(out)


def _date(raw: str) -> dt.date | None:
    """``20250701`` or ``01/01/1957`` -> a date, or None."""
    raw = raw.strip()
    if not raw:
        return None
    if re.fullmatch(r"\d{8}", raw):
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", raw)
    if m:
        return dt.date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    raise ValueError(f"unexpected CDSi date {raw!r}")


def _cvx(raw: str) -> str:
    raw = raw.strip()
    return raw.zfill(2)


def _cvx_list(raw: str) -> list[str]:
    return [f"cvx:{_cvx(c)}" for c in re.split(r"[;,\s]+", raw) if c.strip()]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


# --------------------------------------------------------------------------------------------
# Antigen file -> item
# --------------------------------------------------------------------------------------------
def _ages(dose: ET.Element) -> dict[str, Any] | list[dict[str, Any]] | None:
    entries: list[dict[str, Any]] = []
    for a in dose.findall("age"):
        entry = _drop_none(
            {
                "abs_min": _duration(_text(a, "absMinAge")),
                "min": _duration(_text(a, "minAge")),
                "earliest_rec": _duration(_text(a, "earliestRecAge")),
                "latest_rec": _duration(_text(a, "latestRecAge")),
                "max": _duration(_text(a, "maxAge")),
                "effective": _date(_text(a, "effectiveDate")),
                "cessation": _date(_text(a, "cessationDate")),
            }
        )
        entries.append(entry)
    entries = [e for e in entries if e]
    if not entries:
        return None
    if len(entries) == 1 and not ({"effective", "cessation"} & set(entries[0])):
        return entries[0]
    return entries


def _interval(iv: ET.Element, allowable: bool = False) -> dict[str, Any] | None:
    ref: Any
    target = _text(iv, "fromTargetDose")
    most_recent = _text(iv, "fromMostRecent")
    obs = iv.find("fromRelevantObs")
    obs_code = _text(obs, "code") if obs is not None else ""
    if _text(iv, "fromPrevious").upper() == "Y":
        ref = "previous"
    elif target:
        ref = {"dose": int(target)}
    elif most_recent:
        ref = "most_recent"
    elif obs_code:
        ref = {"cdsi": obs_code}
    else:
        return None
    out: dict[str, Any] = {"from": ref}
    if ref == "most_recent":
        out["products"] = _cvx_list(most_recent)
    out.update(
        _drop_none(
            {
                "abs_min": _duration(_text(iv, "absMinInt")),
                "min": None if allowable else _duration(_text(iv, "minInt")),
                "earliest_rec": None if allowable else _duration(_text(iv, "earliestRecInt")),
                "latest_rec": None if allowable else _duration(_text(iv, "latestRecInt")),
                "priority": (_text(iv, "intervalPriority").lower() or None)
                if not allowable
                else None,
                "effective": _date(_text(iv, "effectiveDate")),
                "cessation": _date(_text(iv, "cessationDate")),
            }
        )
    )
    if len(out) == 1 or (ref == "most_recent" and len(out) == 2):
        return None
    return out


def _vaccines(dose: ET.Element, tag: str) -> list[Any]:
    out: list[Any] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for v in dose.findall(tag):
        cvx = _text(v, "cvx")
        if not cvx:
            continue
        begin = _duration(_text(v, "beginAge"))
        end = _duration(_text(v, "endAge"))
        key = (_cvx(cvx), begin, end)
        if key in seen:
            continue
        seen.add(key)
        entry = _drop_none({"name": f"cvx:{_cvx(cvx)}", "begin_age": begin, "end_age": end})
        out.append(entry if len(entry) > 1 else entry["name"])
    return out


_COUNT_OPS = {"greater than": ">", "equal to": "==", "less than": "<"}


def _condition(c: ET.Element, group_names: dict[str, list[str]]) -> dict[str, Any]:
    ctype = _text(c, "conditionType").lower()
    if ctype == "age":
        return _drop_none(
            {
                "type": "age",
                "begin": _duration(_text(c, "beginAge")),
                "end": _duration(_text(c, "endAge")),
            }
        )
    if ctype == "interval":
        return {"type": "interval", "interval": _duration(_text(c, "interval"))}
    if ctype.startswith("vaccine count"):
        logic = _text(c, "doseCountLogic").lower()
        if logic not in _COUNT_OPS:
            raise ValueError(f"unexpected doseCountLogic {logic!r}")
        out: dict[str, Any] = {
            "type": "count",
            "count": int(_text(c, "doseCount") or 0),
            "op": _COUNT_OPS[logic],
            "dose_type": (_text(c, "doseType") or "valid").lower(),
        }
        if ctype.endswith("by age"):
            out["begin_age"] = _duration(_text(c, "beginAge"))
            out["end_age"] = _duration(_text(c, "endAge"))
        else:
            out["start_date"] = _date(_text(c, "startDate"))
            out["end_date"] = _date(_text(c, "endDate"))
        out["products"] = _cvx_list(_text(c, "vaccineTypes"))
        return _drop_none(out)
    if ctype == "completed series":
        names: list[str] = []
        for g in re.split(r"[;,\s]+", _text(c, "seriesGroups")):
            names.extend(group_names.get(g, []))
        return {"type": "completed_series", "series": names}
    raise ValueError(f"unexpected conditionType {ctype!r}")


def _skips(dose: ET.Element, group_names: dict[str, list[str]]) -> list[dict[str, Any]]:
    out = []
    for cs in dose.findall("conditionalSkip"):
        sets = []
        for s in cs.findall("set"):
            conds = [_condition(c, group_names) for c in s.findall("condition")]
            if not conds:
                continue
            entry: dict[str, Any] = {}
            desc = _text(s, "setDescription")
            if desc:
                entry["description"] = desc
            entry["logic"] = (_text(s, "conditionLogic") or "AND").lower()
            entry["conditions"] = conds
            sets.append(entry)
        if not sets:
            continue
        set_logic = _text(cs, "setLogic").lower()
        out.append(
            {
                "context": (_text(cs, "context") or "Both").lower(),
                "set_logic": set_logic if set_logic in ("and", "or") else "or",
                "sets": sets,
            }
        )
    return out


def _dose(dose: ET.Element, group_names: dict[str, list[str]]) -> dict[str, Any]:
    intervals = [x for x in (_interval(iv) for iv in dose.findall("interval")) if x]
    allowable = [x for x in (_interval(iv, True) for iv in dose.findall("allowableInterval")) if x]
    out: dict[str, Any] = {"label": _text(dose, "doseNumber")}
    out["ages"] = _ages(dose)
    out["intervals"] = intervals
    out["allowable_intervals"] = allowable
    out["preferred_products"] = _vaccines(dose, "preferableVaccine")
    out["products"] = _vaccines(dose, "allowableVaccine")
    inadvertent = sorted(
        {
            f"cvx:{_cvx(_text(v, 'cvx'))}"
            for v in dose.findall("inadvertentVaccine")
            if _text(v, "cvx")
        }
    )
    out["inadvertent_products"] = inadvertent
    out["skip"] = _skips(dose, group_names)
    if _text(dose, "recurringDose").lower() == "yes":
        out["recurring"] = True
    season = dose.find("seasonalRecommendation")
    if season is not None and _text(season, "startDate"):
        out["season"] = _drop_none(
            {"start": _date(_text(season, "startDate")), "end": _date(_text(season, "endDate"))}
        )
    return _drop_none(out)


def _coded(codes: list[str], age: dict[str, Any]) -> Any:
    """``{cdsi: [codes]}``, within an age range when one is given."""
    pred = {"cdsi": codes}
    return {"all": [pred, {"age": age}]} if age else pred


def _by_age(
    entries: list[ET.Element], code_of: Callable[[ET.Element], str], begin: bool = True
) -> Any:
    """One predicate for CDSi observation entries (indications, contraindications): their codes
    grouped by age range, or None when there are none."""
    groups: dict[tuple[tuple[str, Any], ...], list[str]] = {}
    for e in entries:
        code = code_of(e)
        if not code:
            continue
        age = _drop_none(
            {
                "min": _duration(_text(e, "beginAge")) if begin else None,
                "max": _duration(_text(e, "endAge")),
            }
        )
        codes = groups.setdefault(tuple(age.items()), [])
        if code not in codes:
            codes.append(code)
    options = [_coded(codes, dict(age)) for age, codes in groups.items()]
    if not options:
        return None
    return options[0] if len(options) == 1 else {"any": options}


def _indication(s: ET.Element) -> Any:
    """A risk series' indications as one predicate (``cdsi`` codes), or None."""
    code = lambda e: _text(e.find("observationCode"), "code")  # noqa: E731
    return _by_age(s.findall("indication"), code, begin=False)


def _series(s: ET.Element, group_names: dict[str, list[str]]) -> dict[str, Any]:
    sel = s.find("selectSeries")
    gender = _text(s, "requiredGender").lower()
    start = _drop_none(
        {
            "min": _duration(_text(sel, "minAgeToStart")),
            "max": _duration(_text(sel, "maxAgeToStart")),
        }
    )
    out: dict[str, Any] = {
        "name": _text(s, "seriesName"),
        "type": _text(s, "seriesType").lower().replace(" ", "_"),
        "applies_when": _indication(s) if _text(s, "seriesType").lower() == "risk" else None,
        "group": _text(sel, "seriesGroup") or None,
        "group_name": _text(sel, "seriesGroupName") or None,
        "default": _text(sel, "defaultSeries").lower() == "yes" or None,
        "product_path": _text(sel, "productPath").lower() == "yes" or None,
        "priority": _text(sel, "seriesPriority") or None,
        "preference": int(_text(sel, "seriesPreference") or 1),
        "start_age": start or None,
        "sex": gender if gender in ("female", "male") else None,
        "equivalent_groups": _text(s, "equivalentSeriesGroups") or None,
        "doses": _mark_doses_without_interval(
            [_dose(d, group_names) for d in s.findall("seriesDose")]
        ),
    }
    return _drop_none(out)


NO_CDSI_INTERVAL = "CDSi supporting data: this dose is set by age only, with no interval"


def _mark_doses_without_interval(doses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Our loader requires every dose after the first to state its minimum interval or say
    why it has none; the CDC data gives some doses by age only: say so."""
    for d in doses[1:]:
        if not any("min" in iv or "abs_min" in iv for iv in d.get("intervals", [])) and not any(
            "min" in iv or "abs_min" in iv for iv in d.get("allowable_intervals", [])
        ):
            d["no_interval_reason"] = NO_CDSI_INTERVAL
    return doses


def _contraindications(root: ET.Element) -> tuple[Any, str] | None:
    """Antigen-level (vaccine group) contraindications, as ``cdsi`` codes."""
    entries = root.findall("contraindications/vaccineGroup/contraindication")
    pred = _by_age(entries, lambda e: _text(e, "observationCode"))
    if pred is None:
        return None
    titles = list(dict.fromkeys(_text(c, "observationTitle") for c in entries))
    return pred, "situation listée par le CDC (CDSi) : " + ", ".join(titles)


def _product_contraindications(root: ET.Element) -> list[dict[str, Any]]:
    """Vaccine-level contraindications: the products a coded observation rules out (within
    the product's ages when given), one entry per product set and age range."""
    merged: dict[tuple[tuple[str, ...], tuple[tuple[str, Any], ...]], list[str]] = {}
    for c in root.findall("contraindications/vaccine/contraindication"):
        code = _text(c, "observationCode")
        by_age: dict[tuple[tuple[str, Any], ...], list[str]] = {}
        for v in c.findall("contraindicatedVaccine"):
            age = _drop_none({"min": _duration(_text(v, "beginAge")),
                              "max": _duration(_text(v, "endAge"))})
            by_age.setdefault(tuple(age.items()), []).append(f"cvx:{_cvx(_text(v, 'cvx'))}")
        for age_key, products in by_age.items():
            key = tuple(sorted(set(products), key=lambda p: int(p[4:]) if p[4:].isdigit() else 0))
            codes = merged.setdefault((key, age_key), [])
            if code and code not in codes:
                codes.append(code)
    return [
        {"products": list(products), "when": _coded(codes, dict(age))}
        for (products, age), codes in merged.items()
        if codes
    ]


def _immunity(root: ET.Element) -> dict[str, Any] | None:
    imm = root.find("immunity")
    if imm is None:
        return None
    out: dict[str, Any] = {}
    history = [_text(h, "guidelineCode") for h in imm.findall("clinicalHistory")]
    if any(history):
        out["when"] = {"cdsi": [c for c in history if c]}
        out["reason"] = "; ".join(
            _text(h, "guidelineTitle") for h in imm.findall("clinicalHistory")
        )
    dob = imm.find("dateOfBirth")
    if dob is not None and _text(dob, "immunityBirthDate"):
        out["born_before"] = _date(_text(dob, "immunityBirthDate"))
        country = _text(dob, "birthCountry")
        if country:
            out["birth_country"] = "US" if country.upper().replace(".", "") == "US" else country
        excl = [_text(e, "exclusionCode") for e in dob.findall("exclusion")]
        if any(excl):
            out["except_when"] = {"cdsi": [c for c in excl if c]}
    if not out:
        return None
    out["evidence"] = True
    return out


def antigen_item(path: Path, full_groups: dict[str, bool]) -> dict[str, Any] | None:
    root = ET.parse(path).getroot()
    series_els = root.findall("series")
    if not series_els:
        return None
    antigen = _text(series_els[0], "targetDisease")
    target = ANTIGEN_TARGETS.get(antigen)
    if target is None:
        return None
    group_names: dict[str, list[str]] = {}
    for s in series_els:
        group_names.setdefault(_text(s.find("selectSeries"), "seriesGroup"), []).append(
            _text(s, "seriesName")
        )
    vaccine_group = _text(series_els[0], "vaccineGroup")
    item: dict[str, Any] = {
        "id": _slug(antigen),
        "domain": "vaccination",
        "title": f"{antigen} (CDSi)",
        "targets": [target],
        "kind": "series",
        "start_age_basis": "first_valid_dose",
        "no_valid_dose_choice": "scored",
        "vaccine_group": _drop_none(
            {"name": vaccine_group, "all_antigens": full_groups.get(vaccine_group)}
        ),
    }
    contra = _contraindications(root)
    if contra is not None:
        item["contraindicated_when"], item["contraindication_reason"] = contra
    products_contra = _product_contraindications(root)
    if products_contra:
        item["product_contraindications"] = products_contra
    immunity = _immunity(root)
    if immunity:
        item["immunity"] = immunity
    item["source"] = {
        "title": SOURCE_TITLE,
        "url": CDSI_URL,
        "section": f"AntigenSupportingData- {antigen}",
    }
    item["series"] = [_series(s, group_names) for s in series_els]
    return item


# --------------------------------------------------------------------------------------------
# Schedule file -> product table (+ live conflicts)
# --------------------------------------------------------------------------------------------
def product_table(schedule: ET.Element) -> dict[str, Any]:
    live: set[str] = set()
    for c in schedule.iter("liveVirusConflict"):
        for side in ("previous", "current"):
            live.add(_cvx(_text(c.find(side), "cvx")))
    products = []
    for m in schedule.find("cvxToAntigenMap") or []:
        cvx = _cvx(_text(m, "cvx"))
        targets: list[str] = []
        for a in m.findall("association"):
            t = ANTIGEN_TARGETS.get(_text(a, "antigen"))
            if t and t not in targets:
                targets.append(t)
        if not targets:
            continue
        products.append(
            {
                "name": f"CVX {cvx} {_text(m, 'shortDescription')}",
                "targets": targets,
                "live": cvx in live,
                "cvx": cvx,
            }
        )
    return {
        "table": "us-cvx",
        "version": VERSION,
        "jurisdiction": "US",
        "in_force": {"from": IN_FORCE_FROM},
        "source": {
            "title": SOURCE_TITLE + ", ScheduleSupportingData cvxToAntigenMap",
            "url": CDSI_URL,
        },
        "products": products,
    }


def live_conflicts(schedule: ET.Element) -> list[dict[str, Any]]:
    """Group CDSi live-virus conflicts by their windows (previous -> current product lists)."""
    by_window: dict[tuple[str, str, str, str], set[str]] = {}
    for c in schedule.iter("liveVirusConflict"):
        prev = _cvx(_text(c.find("previous"), "cvx"))
        cur = _cvx(_text(c.find("current"), "cvx"))
        key = (
            prev,
            _duration(_text(c, "conflictBeginInterval")) or "0 days",
            _duration(_text(c, "minConflictEndInterval")) or "0 days",
            _duration(_text(c, "conflictEndInterval")) or "0 days",
        )
        by_window.setdefault(key, set()).add(cur)
    merged: dict[tuple[tuple[str, ...], str, str, str], list[str]] = {}
    for (prev, begin, min_end, end), cur_set in by_window.items():
        curs = tuple(sorted(cur_set, key=int))
        merged.setdefault((curs, begin, min_end, end), []).append(prev)
    out = []
    for (curs, begin, min_end, end), prevs in sorted(
        merged.items(), key=lambda kv: (sorted(kv[1], key=int), kv[0])
    ):
        out.append(
            {
                "previous": [f"cvx:{p}" for p in sorted(prevs, key=int)],
                "current": [f"cvx:{c}" for c in curs],
                "begin": begin,
                "min_end": min_end,
                "end": end,
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_repr(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # codes such as '080' stay quoted: a YAML 1.2 reader would take them for numbers
    style = "'" if data.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_repr)


class _FlowList(list[Any]):
    pass


class _FlowDict(dict[str, Any]):
    pass


def _flow_repr_list(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _flow_repr_dict(dumper: yaml.SafeDumper, data: _FlowDict) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


_Dumper.add_representer(_FlowList, _flow_repr_list)
_Dumper.add_representer(_FlowDict, _flow_repr_dict)
_SCALARS = (str, int, float, bool, dt.date)


def _flow_leaves(node: Any) -> Any:
    """Write short leaf lists and mappings on one line (readable and compact)."""
    if isinstance(node, list):
        items = [_flow_leaves(x) for x in node]
        if all(isinstance(x, (*_SCALARS, _FlowDict)) for x in items) and all(
            isinstance(x, _SCALARS) for x in items
        ):
            return _FlowList(items)
        return items
    if isinstance(node, dict):
        out = {k: _flow_leaves(v) for k, v in node.items()}
        flat = all(isinstance(v, (*_SCALARS, _FlowList)) for v in out.values())
        if flat and len(repr(out)) < 90:
            return _FlowDict(out)
        return out
    return node


def dump(data: dict[str, Any], header: str) -> str:
    body = yaml.dump(
        {k: _flow_leaves(v) for k, v in data.items()},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return header + body


def find_xml_dir(path: Path) -> Path:
    if (path / "ScheduleSupportingData.xml").is_file():
        return path
    if (path / "XML" / "ScheduleSupportingData.xml").is_file():
        return path / "XML"
    raise FileNotFoundError(f"no ScheduleSupportingData.xml in {path} or {path / 'XML'}")


def build(src: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    xml_dir = find_xml_dir(src)
    schedule = ET.parse(xml_dir / "ScheduleSupportingData.xml").getroot()
    full_groups: dict[str, bool] = {}
    for g in schedule.iter("vaccineGroup"):
        flag = _text(g, "administerFullVaccineGroup").lower()
        if flag in ("yes", "no"):
            full_groups[_text(g, "name")] = flag == "yes"
    items = []
    for f in sorted(xml_dir.glob("AntigenSupportingData- *.xml")):
        item = antigen_item(f, full_groups)
        if item is not None:
            items.append(item)
    items.sort(key=lambda i: i["id"])
    calendar = {
        "calendar": "us-cdsi",
        "version": VERSION,
        "jurisdiction": "US",
        "title": "CDC CDSi immunization schedule logic (supporting data 4.64)",
        "in_force": {"from": IN_FORCE_FROM},
        "source": {
            "title": SOURCE_TITLE,
            "url": CDSI_URL,
            "section": "Supporting data 4.64 (XML): AntigenSupportingData and "
            "ScheduleSupportingData",
            "published": IN_FORCE_FROM,
        },
        "live_conflicts": live_conflicts(schedule),
        "items": items,
    }
    return calendar, product_table(schedule)


HEADER = (
    "# GENERATED by `python -m prevention_engine.cdsi_import` from the CDC CDSi supporting data\n"
    "# {version} (https://www.cdc.gov/iis/cdsi/). Do not edit by hand: re-run the importer.\n"
    "# Observations are CDSi codes (`cdsi` predicates), read from the profile's coded\n"
    "# conditions or the facts of our vocabulary they mean (vocabulary.CDSI_MEANINGS).\n"
)


def write(src: Path, out: Path) -> list[Path]:
    calendar, table = build(src)
    cal_path = out / "us-cdsi" / f"us-cdsi-{VERSION}.yaml"
    tab_path = out / "products" / f"us-cvx-{VERSION}.yaml"
    cal_path.parent.mkdir(parents=True, exist_ok=True)
    tab_path.parent.mkdir(parents=True, exist_ok=True)
    header = HEADER.format(version=VERSION)
    cal_path.write_text(dump(calendar, header), encoding="utf-8")
    tab_path.write_text(dump(table, header), encoding="utf-8")
    return [cal_path, tab_path]


#: The repository checkout this module lives in (the importer is a maintainer's tool).
_REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m prevention_engine.cdsi_import",
        description="Convert CDC CDSi supporting data (XML) into prevention-engine YAML rules.",
    )
    parser.add_argument(
        "supporting_data", type=Path, nargs="?",
        default=_REPO / "tests" / "data" / "cdsi" / "supporting-data-4.64",
        help="folder with the CDSi XML files (default: the copy vendored in tests/data/cdsi)",
    )
    parser.add_argument(
        "out", type=Path, nargs="?", default=_REPO / "rules",
        help="rules folder to write (us-cdsi/, products/); default: the repository's rules/",
    )
    args = parser.parse_args(argv)
    try:
        written = write(args.supporting_data, args.out)
    except (OSError, ET.ParseError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for p in written:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
