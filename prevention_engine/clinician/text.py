"""French, one-line wording of rule-file values for clinicians: durations, predicates, ages.

Reads the YAML as written (``calendar.yamlsrc``), so the documents show what the file says,
not what the engine compiled from it. Every word the tools print is in ``WORDS`` or in the
small functions below, easy to move to the wording module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ..vocabulary_fr import (
    CONDITION_NAMES,
    FACT_NAMES,
    OBSERVATION_NAMES,
    SITUATION_NAMES,
    TARGET_NAMES,
)

UNITS = {"year": ("an", "ans"), "month": ("mois", "mois"), "week": ("semaine", "semaines"),
         "day": ("jour", "jours")}
_PART = re.compile(r"(\d+)\s*(year|month|week|day)s?")

#: Predicate and field names shown in French; any other key is shown as written.
WORDS = {
    "sex": "sexe", "female": "femme", "male": "homme", "born": "né(e)",
    "condition": "condition", "situation": "situation", "medication": "traitement",
    "pregnant": "grossesse en cours", "gestational_age": "terme (SA)",
    "postpartum": "après un accouchement", "pregnancy_dose": "dose pendant la grossesse",
    "observation": "mesure", "lifestyle": "mode de vie", "residence": "résidence",
    "family_history": "antécédents familiaux", "procedure": "examen",
    "risk_group": "groupe à risque", "immune_to": "immunisé contre",
    "contraindicated": "contre-indication", "assessed_on": "évalué le", "perinatal": "naissance",
    "true": "toujours", "false": "jamais", "from": "du", "to": "au",
    "within": "depuis moins de", "min": "≥", "max": "<", "latest": "le plus récent",
    "not_followed_by": "non suivi de",
    "family_history_known": "antécédents familiaux (demandés si non renseignés)",
    "first_degree": "1er degré", "second_degree": "2e degré",
    "colorectal_cancer": "cancer colorectal", "breast_cancer": "cancer du sein",
    "diabetes": "diabète", "before_pregnancy": "avant cette grossesse",
    "this_pregnancy": "depuis le début de cette grossesse",
}


#: The French names of the codes a predicate names, by the predicate's key: a reviewer reads
#: "zona (antécédent) (zoster_history)", the name for the meaning and the code for the file.
CODE_NAMES: dict[str, dict[str, str]] = {
    "condition": CONDITION_NAMES, "situation": SITUATION_NAMES, "immune_to": TARGET_NAMES,
    "contraindicated": TARGET_NAMES, "target": TARGET_NAMES,
}
_ARTICLE = re.compile(r"^(?:le |la |les |l')")
#: Nested facts shown as "naissance : terme de naissance (semaines) < 32".
_NESTED = frozenset({"perinatal", "lifestyle", "residence"})
#: A numeric range of a nested fact is ``{min, max}``, the maximum excluded (conditions.py).
_BOUNDS = {"min": "≥", "max": "<"}
#: Nested facts that are never missing, so have no name among the missing facts.
_SUBFACTS = {"country": "pays"}


def named(names: dict[str, str], code: Any) -> str:
    """``zoster_history`` -> ``zona antérieur (zoster_history)``; a code without a name is
    shown as written."""
    name = names.get(str(code))
    return f"{_ARTICLE.sub('', name)} ({code})" if name else value(code)


def codes(key: str, v: Any) -> str:
    names = CODE_NAMES.get(key)
    if names is None:
        return value(v)
    return ", ".join(named(names, c) for c in (v if isinstance(v, list) else [v]))


def _nested(key: str, v: dict[str, Any]) -> str:
    """``perinatal: {gestational_age_weeks: {max: 32}}`` -> ``naissance : terme de naissance
    (semaines) < 32``: a reviewer reads a comparison, not the YAML's ``max :``."""
    parts = []
    for sub, x in v.items():
        name = _ARTICLE.sub("", FACT_NAMES.get(f"{key}.{sub}", _SUBFACTS.get(sub, sub)))
        if isinstance(x, dict) and x and set(x) <= set(_BOUNDS):
            parts.append(f"{name} " + ", ".join(f"{_BOUNDS[o]} {value(n)}" for o, n in x.items()))
        else:
            parts.append(f"{name} : {value(x)}")
    return f"{WORDS[key]} : " + "; ".join(parts)


def _family(key: str, v: dict[str, Any]) -> str:
    """Each history an alternative (the predicate holds when any matches), an empty list of
    degrees meaning any degree: ``antécédents familiaux : diabète (1er degré) ou cancer
    colorectal``."""
    def one(k: str, x: Any) -> str:
        degrees = x if isinstance(x, list) else [x]
        words = ", ".join(WORDS.get(str(d), str(d)) for d in degrees)
        return f"{WORDS.get(k, k)} ({words})" if words else WORDS.get(k, k)

    return f"{WORDS[key]} : " + " ou ".join(one(k, x) for k, x in v.items())


def duration(text: Any) -> str:
    """``"12 months - 4 days"`` -> ``"12 mois - 4 jours"``."""
    if not isinstance(text, str):
        return value(text)

    def one(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"{n} {UNITS[m.group(2)][0 if n == 1 else 1]}"

    return _PART.sub(one, text)


def value(v: Any) -> str:
    """Any YAML value, compactly: lists joined by commas, mappings as ``key : value``."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return duration(v) if _PART.fullmatch(v.split(" - ")[0].split(" + ")[0].strip()) else v
    if isinstance(v, list):
        return ", ".join(value(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{WORDS.get(k, k)} : {value(x)}" for k, x in v.items())
    return str(v)


def immunity(spec: Any) -> str:
    """An item's ``immunity``: what makes a person immune, and whether the history is asked."""
    if not isinstance(spec, dict) or not set(spec) <= {"born_before", "evidence", "ask",
                                                       "birth_country"}:
        return value(spec)
    parts = []
    if spec.get("born_before"):
        where = f" ({spec['birth_country']})" if spec.get("birth_country") else ""
        parts.append(f"né(e) avant le {value(spec['born_before'])}{where}")
    if spec.get("evidence"):
        parts.append("antécédent ou sérologie enregistrés")
    text = " ou ".join(parts) or value(spec)
    return text + ("; demandé si non renseigné" if spec.get("ask") else "")


def age_range(spec: Any) -> str:
    """``{min: "11 years", max: "15 years"}`` -> ``"de 11 ans à 15 ans (exclu)"``."""
    if not isinstance(spec, dict):
        return value(spec)
    lo, hi = spec.get("min"), spec.get("max")
    if lo is not None and hi is not None:
        return f"de {duration(lo)} à {duration(hi)} (exclu)"
    if lo is not None:
        return f"à partir de {duration(lo)}"
    if hi is not None:
        return f"avant {duration(hi)}"
    return value(spec)


#: Comparison operators of ``observation`` predicates, as a reader writes them.
OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}
_FACT_KEYS = frozenset({"any", "within", "ended_within", "ask"})


def _fact(key: str, v: dict[str, Any]) -> str:
    """``{any: [zoster_history], within: "1 year"}`` -> ``condition : zoster_history, depuis
    moins de 1 an``; ``ask: true``: the fact is asked when the profile does not say."""
    text = f"{WORDS.get(key, key)} : {codes(key, v.get('any'))}"
    if v.get("within"):
        text += f", depuis moins de {duration(v['within'])}"
    if v.get("ended_within"):
        text += f", terminé(e) depuis moins de {duration(v['ended_within'])}"
    return text + (" (demandé si non renseigné)" if v.get("ask") else "")


def _observation(v: dict[str, Any]) -> str:
    """``{code: bmi, op: ">=", value: 40, within: "2 years"}`` -> ``mesure bmi ≥ 40 (de moins
    de 2 ans)``."""
    code = named(OBSERVATION_NAMES, v.get("code"))
    text = f"{WORDS['observation']} {code} {OPS.get(str(v.get('op')), v.get('op'))} " \
           f"{value(v.get('value'))}"
    return text + (f" (de moins de {duration(v['within'])})" if v.get("within") else "")


#: Pregnancy outcomes and the pregnancies of ``pregnancy_dose``, in words.
OUTCOMES = {"live_birth": "naissance vivante", "stillbirth": "mort-né",
            "miscarriage": "fausse couche", "termination": "interruption de grossesse"}
PREGNANCIES = {"last_ended": "la dernière grossesse terminée",
               "previous": "une grossesse antérieure"}


def _postpartum(v: dict[str, Any]) -> str:
    """``{within: "6 months", outcome: [live_birth]}`` -> ``accouchement depuis moins de 6
    mois (naissance vivante)``."""
    text = "accouchement"
    if v.get("within"):
        text += f" depuis moins de {duration(v['within'])}"
    outcomes = v.get("outcome")
    if outcomes:
        names = outcomes if isinstance(outcomes, list) else [outcomes]
        text += f" ({', '.join(OUTCOMES.get(str(o), str(o)) for o in names)})"
    return text


def _pregnancy_dose(v: dict[str, Any]) -> str:
    """``{target: pertussis, pregnancy: last_ended}`` -> ``dose contre pertussis pendant la
    dernière grossesse terminée``."""
    which = PREGNANCIES.get(str(v.get("pregnancy")), value(v.get("pregnancy")))
    text = f"dose contre {codes('target', v.get('target'))} pendant {which}"
    if v.get("min_before_end"):
        text += f", au moins {duration(v['min_before_end'])} avant sa fin"
    return text


def _condition_history(v: Any) -> str | None:
    """``{any: [gestational_diabetes, obesity], when: before_pregnancy}`` -> ``antécédent
    avant cette grossesse : diabète gestationnel (...) ou obésité (...)``."""
    if not isinstance(v, dict):
        return None
    found = v.get("any")
    names: list[Any] = found if isinstance(found, list) else [found]
    when = WORDS.get(str(v.get("when")), value(v.get("when")))
    return f"antécédent {when} : " + " ou ".join(named(CONDITION_NAMES, c) for c in names)


def _serology(v: Any) -> str | None:
    if not isinstance(v, dict) or "target" not in v:
        return None
    text = f"sérologie {codes('target', v['target'])}"
    if "immune" in v:
        text += f" : {'immunisé(e)' if v['immune'] else 'non immunisé(e)'}"
    return text


def _mother_vaccinated(v: Any) -> str | None:
    if not isinstance(v, dict) or "target" not in v:
        return None
    text = f"mère vaccinée contre {codes('target', v['target'])}"
    days = v.get("min_days_before_birth")
    return text + (f" au moins {days} jours avant la naissance" if days else "")


def _documented_doses(v: Any) -> str | None:
    """``{target: rubella, count: 2, min_age, min_interval, live_spacing}`` in words."""
    if not isinstance(v, dict) or "target" not in v:
        return None
    text = f"au moins {v.get('count', 1)} dose(s) documentée(s) contre " \
           f"{codes('target', v['target'])}"
    if v.get("min_age"):
        text += f", à partir de {duration(v['min_age'])}"
    if v.get("min_interval"):
        text += f", espacées d'au moins {duration(v['min_interval'])}"
    if v.get("live_spacing"):
        text += f", à au moins {duration(v['live_spacing'])} d'un autre vaccin vivant"
    return text


_RHESUS = {"negative": "négatif", "positive": "positif"}

#: Predicates of one fact, each said by its function (None: a shape it does not know, shown
#: as written).
_FACTS: dict[str, Callable[[Any], str | None]] = {
    "condition_history": _condition_history,
    "serology": _serology,
    "seroconversion": lambda v: f"séroconversion {codes('target', v['target'])}"
    if isinstance(v, dict) and "target" in v else None,
    "mother_vaccinated": _mother_vaccinated,
    "documented_doses": _documented_doses,
    "rhesus": lambda v: f"rhésus (RhD) : {_RHESUS.get(str(v), value(v))}",
    "primiparous": lambda v: "premier accouchement" if v is True
    else "pas un premier accouchement" if v is False else None,
}
def predicate(p: Any) -> str:
    """A predicate in words: ``all``/``any``/``not`` as et/ou/non, ages as ranges."""
    if isinstance(p, bool):
        return WORDS[str(p).lower()]
    if not isinstance(p, dict):
        return value(p)
    if "if_unknown" in p and "test" in p:
        return f"{predicate(p['test'])} (inconnu : {value(p['if_unknown'])})"
    parts = []
    for key, v in p.items():
        if key in ("all", "any"):
            joined = (" et " if key == "all" else " ou ").join(predicate(x) for x in v)
            parts.append(f"({joined})" if len(v) > 1 else joined)
        elif key == "not":
            parts.append(f"non ({predicate(v)})")
        elif key in ("age", "gestational_age"):
            parts.append(f"{'âge' if key == 'age' else WORDS[key]} {age_range(v)}")
        elif key in ("born", "assessed_on") and isinstance(v, dict):
            parts.append(f"{WORDS[key]} " + " ".join(
                f"{WORDS[k]} {value(v[k])}" for k in ("from", "to") if v.get(k)))
        elif key in ("pregnant",) and v is True:
            parts.append(WORDS[key])
        elif key == "sex" and isinstance(v, str):
            parts.append(f"{WORDS[key]} : {WORDS.get(v, v)}")
        elif key in ("condition", "situation", "medication") and isinstance(v, dict) \
                and set(v) <= _FACT_KEYS:
            parts.append(_fact(key, v))
        elif key == "observation" and isinstance(v, dict) and {"code", "op"} <= set(v):
            parts.append(_observation(v))
        elif key == "postpartum" and isinstance(v, dict) \
                and set(v) <= {"within", "outcome"}:
            parts.append(_postpartum(v))
        elif key == "pregnancy_dose" and isinstance(v, dict) \
                and set(v) <= {"target", "pregnancy", "min_before_end"}:
            parts.append(_pregnancy_dose(v))
        elif key in _NESTED and isinstance(v, dict):
            parts.append(_nested(key, v))
        elif key in ("family_history", "family_history_known") and isinstance(v, dict):
            parts.append(_family(key, v))
        elif key in _FACTS and (text := _FACTS[key](v)) is not None:
            parts.append(text)
        else:
            parts.append(f"{WORDS.get(key, key)} : {codes(key, v)}")
    return " et ".join(parts)
