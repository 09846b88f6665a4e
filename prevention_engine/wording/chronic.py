"""The French sentences of the chronic domain (diabetes follow-up, risk scores, habits).

One table of the ``wording`` package (``wording.TEXTS`` merges it): it only turns a ``Reason``
(code and parameters) into words; the kinds write no sentence.
"""

from __future__ import annotations

from ..dates import french_date
from ..schedule import Reason
from ..vocabulary_fr import fact_name
from .params import Text
from .params import date_param as _d
from .params import duration_param as _dur

#: Bands as a person reads them.
BANDS_FR = {
    "low": "faible",
    "low_to_moderate": "faible à modéré",
    "slightly_elevated": "légèrement augmenté",
    "moderate": "modéré",
    "high": "élevé",
    "very_high": "très élevé",
}
SCORE_WHAT = {
    "SCORE2": "risque d'événement cardiovasculaire (infarctus, AVC) à 10 ans",
    "SCORE2-OP": "risque d'événement cardiovasculaire (infarctus, AVC) à 10 ans",
    "SCORE2-Diabetes": "risque d'événement cardiovasculaire (infarctus, AVC) à 10 ans",
    "FINDRISC": "risque de diabète de type 2 à 10 ans",
}
#: The unit a value is stored in when it was given without one (profile.UNITS, first entry).
DEFAULT_UNITS = {"hba1c": "%", "total_cholesterol": "mmol/L", "hdl_cholesterol": "mmol/L",
                 "ldl_cholesterol": "mmol/L", "fasting_glucose": "mmol/L", "glucose": "mmol/L",
                 "systolic_bp": "mmHg", "diastolic_bp": "mmHg", "egfr": "mL/min/1,73 m²",
                 "uacr": "mg/mmol"}
UNITS_FR = {"%": "%", "mmol/l": "mmol/L", "mmhg": "mmHg", "points": "points", "cm": "cm",
            "kg/m2": "kg/m²", "ml/min/1.73m2": "mL/min/1,73 m²", "mg/mmol": "mg/mmol"}


def number(value: object) -> str:
    """7.4 -> "7,4"; 7.0 -> "7" (French decimal comma, at most two decimals)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")






def _s(r: Reason, key: str) -> str:
    v = r.get(key)
    return "" if v is None else str(v)


#: Facts named differently here than in the other domains (the pregnancy pathway asks the BMI
#: at the start of pregnancy and first-degree family history only).
FACTS = {
    "observation.bmi": "l'indice de masse corporelle (poids et taille)",
    "family_history.diabetes": "les antécédents familiaux de diabète (parent, frère, sœur, "
    "enfant ; grand-parent, oncle, tante, cousin germain ; ou aucun)",
}


def _fact(code: str) -> str:
    return FACTS.get(code) or fact_name(code)


def _facts(r: Reason, key: str = "missing") -> str:
    missing = r.get(key, ())
    return ", ".join(_fact(str(m)) for m in missing) if isinstance(missing, tuple) else ""


#: Names of the follow-up measurements a score's row cites without a label of its own.
MEASURE_NAMES = {"fasting_glucose": "glycémie à jeun", "hba1c": "HbA1c"}


def _values(r: Reason) -> str:
    """"HbA1c 7,4 % le 1er octobre 2025" for each (label, value, unit, date, code) of
    ``values`` (no label: the code's name)."""
    values = r.get("values", ())
    if not isinstance(values, tuple):
        return ""
    parts = []
    for label, value, unit, on, *code in values:
        unit = unit or (DEFAULT_UNITS.get(code[0]) if code else None)
        label = label or (MEASURE_NAMES.get(code[0], code[0]) if code else "")
        u = UNITS_FR.get(str(unit or "").lower(), str(unit or ""))
        parts.append(f"{label} {number(value)}{(' ' + u) if u else ''} le {french_date(on)}")
    return " ; ".join(parts)


def _todo(r: Reason) -> str:
    when = _d(r, "recommended")
    if r.get("status") == "overdue":
        return f"en retard, à faire dès que possible (prévu le {when})."
    if r.get("status") == "due":
        return f"à faire maintenant (prévu le {when})."
    return f"à faire à partir du {when}."


def _never_complete(r: Reason, test: str) -> str:
    """No complete check on record. A check made of several measurements (eGFR and urine
    albumin) of which only some were taken is not "nothing recorded": what was taken is shown
    (GP review, 2026-11-29)."""
    since = (f"depuis le diagnostic ({_d(r, 'onset')})" if r.get("onset") is not None
             else "(date du diagnostic non renseignée)")
    name = test[:1].upper() + test[1:]
    taken = _values(r) if r.get("partial") else ""
    if taken:
        return f"{name} : jamais complet {since} ; enregistré : {taken}"
    return f"{name} : rien d'enregistré {since}"


def _monitoring(r: Reason) -> str:
    test = _s(r, "test")
    if r.get("last") is None:
        head = _never_complete(r, test)
    else:
        done = _values(r) or f"{test} le {_d(r, 'last')}"
        head = f"Dernier : {done}"
    text = f"{head}. Intervalle : {_dur(r, 'interval')} ; prochain {_todo(r)}"
    if r.get("partial"):
        text += f" Incomplet : manque {_facts(r, 'partial')}."
    if r.get("why"):
        text += f" {_s(r, 'why')}"
    if r.get("ask"):
        text += f" Le rythme dépend aussi de faits non renseignés : {_facts(r, 'ask')}."
    if r.get("target"):
        text += f" Repère : {_s(r, 'target')}"
    return text


def _score(r: Reason) -> str:
    name, unit = _s(r, "name"), _s(r, "unit")
    shown = f"{number(r.get('value'))} {'points' if unit == 'points' else unit}"
    band = BANDS_FR.get(_s(r, "band"), _s(r, "band"))
    # one day of measurements is dated once ("du 1er mai au 1er mai" reads as a period)
    when = (_d(r, "date") if r.get("oldest") == r.get("date")
            else f"{_d(r, 'oldest')} au {_d(r, 'date')}")
    text = (f"{name} : {shown} ({SCORE_WHAT.get(name, 'risque')}), niveau de risque {band} ; "
            f"calculé avec les mesures du {when}.")
    if r.get("advice"):
        text += f" {_s(r, 'advice')}"
    return text


def _score_missing(r: Reason) -> str:
    text = f"Pour calculer le {_s(r, 'name')}, renseignez ou mesurez : {_facts(r)}."
    stale = r.get("stale", ())
    if isinstance(stale, tuple) and stale:
        olds = " ; ".join(f"{_fact(str(code))} du {french_date(on)} (valable {d.french()})"
                         for code, on, d in stale)
        text += f" Mesures trop anciennes : {olds}."
    floor = r.get("floor")
    if isinstance(floor, int | float) and floor > 0:
        text += (f" Avec les réponses connues, le score atteint déjà {number(r.get('floor'))} "
                 "points.")
    return text


def _follow_up(r: Reason) -> str:
    band = BANDS_FR.get(_s(r, "band"), _s(r, "band"))
    text = f"{_s(r, 'name')} {band} : {_s(r, 'text')}"
    if r.get("done") is not None:
        return f"{text} Fait : {_values(r)}."
    return f"{text} {_todo(r)[0].upper()}{_todo(r)[1:]}"


def _advice(r: Reason) -> str:
    text = _s(r, "text")
    if r.get("done") is not None:
        return f"{text} Fait le {_d(r, 'done')}."
    if r.get("abnormal") is not None:
        return (f"{text} Dernier examen anormal le {_d(r, 'abnormal')} : des examens "
                "complémentaires et un suivi adapté sont à organiser avec votre médecin, sans "
                "attendre.")
    if r.get("unknown") is not None:
        return (f"{text} Examen du {_d(r, 'unknown')} enregistré sans résultat : renseignez son "
                "résultat (un résultat anormal demande des examens complémentaires).")
    if r.get("previous") is not None:
        return f"{text} Dernière fois le {_d(r, 'previous')} : à renouveler."
    if r.get("start") is not None:
        return f"{text} Du {_d(r, 'start')} au {_d(r, 'end')}."
    return text


TEXTS: dict[str, Text] = {
    "monitoring.next": _monitoring,
    "score.value": _score,
    "score.needs_data": _score_missing,
    "score.follow_up": _follow_up,
    "advice.text": _advice,
}
