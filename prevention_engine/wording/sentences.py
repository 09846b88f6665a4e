"""Every sentence a person reads in an agenda, keyed by reason code, in French.

Kinds and the core give a ``Reason`` (a code and its parameters); only this module writes
words. A text changes here and nowhere else, and another language is another table. The
sentences are the ones clinicians reviewed: change them deliberately (the snapshot test of
``tests/snapshot`` shows every agenda a change of words touches).
"""

from __future__ import annotations

import datetime as dt

from ..agenda import TraceEntry
from ..dates import french_age, french_date
from ..schedule import Reason, Step
from ..vocabulary_fr import evidence_name, fact_name
from .chronic import TEXTS as CHRONIC_TEXTS
from .params import Text
from .params import date_param as _date
from .params import duration_param as _duration
from .params import text_param as _str
from .trace import RESULT_FR
from .trace import TEXTS as TRACE_TEXTS


def _facts(r: Reason) -> str:
    """The facts a person is asked to fill in, by their French names."""
    missing = r.get("missing", ())
    return ", ".join(fact_name(m) for m in missing) if isinstance(missing, tuple) else ""




def _span(r: Reason) -> str:
    return f"entre le {_date(r, 'start')} et le {_date(r, 'latest')}"




def _window_deadline(r: Reason) -> str:
    """A window with a deadline (past-due date) that can still be done after it."""
    if r.code == "window.overdue":
        return (f"En retard : à faire {_str(r, 'label')}, c'est-à-dire avant le "
                f"{_date(r, 'past_due')} ; à faire dès que possible.")
    return f"À faire {_str(r, 'label')}, c'est-à-dire avant le {_date(r, 'past_due')}."


def _window_open(r: Reason) -> str:
    """A window running on after a pregnancy whose end is not known yet."""
    until = f", jusqu'à {_duration(r, 'after')} après l'accouchement" if r.get("after") else ""
    if r.get("status") == "upcoming":
        return f"Prochaine période : {_str(r, 'label')}, à partir du {_date(r, 'start')}{until}."
    return f"À faire pendant la période {_str(r, 'label')}, depuis le {_date(r, 'start')}{until}."


def _campaign(r: Reason) -> str:
    return f"Campagne {_str(r, 'label')} du {_date(r, 'start')} au {_date(r, 'end')}"


def _interval(r: Reason) -> str:
    if r.get("interval") is None:
        return ""
    return (f" Dernière dose le {_date(r, 'last')} : délai de {_duration(r, 'interval')} "
            "à respecter.")


def _result(r: Reason) -> str:
    return RESULT_FR.get(_str(r, "result"), _str(r, "result"))


_ASKED = {"method": "le type de test", "result": "le résultat"}


def _test(r: Reason) -> str:
    """"frottis le 3 mars 2024 (résultat : normal)"."""
    result = r.get("result")
    text = f"{_str(r, 'test')} le {_date(r, 'date')}"
    return text + (f" (résultat : {RESULT_FR.get(str(result), str(result))})" if result else "")


def _note(r: Reason, key: str = "note") -> str:
    note = r.get(key)
    return f" {note}" if note else ""


def _optional_duration(r: Reason, key: str) -> str:
    return _duration(r, key) if r.get(key) is not None else ""


def _recurring_next(r: Reason) -> str:
    why = r.get("why")
    head = render(why) if isinstance(why, Reason) else ""
    label = f"Prochain test ({_str(r, 'test')})" if r.get("test") else "Test de dépistage"
    when = _date(r, "recommended")
    todo = (f"à faire dès maintenant (recommandé depuis le {when})." if r.get("now")
            else f"à faire à partir du {when}.")
    return f"{head} {label} : {todo}"


def _asked(r: Reason) -> str:
    ask = r.get("ask", ())
    return " et ".join(_ASKED[str(a)] for a in ask) if isinstance(ask, tuple) else ""


def _ordinal(r: Reason) -> str:
    n = r.get("number")
    return "1re" if n == 1 else f"{n}e"


def _head(r: Reason) -> str:
    return f"{_ordinal(r).capitalize()} dose"


def _none_valid(r: Reason) -> str:
    """No dose counts: "aucune dose enregistrée" only when none is recorded at all."""
    n = r.get("uncounted", 0)
    if not isinstance(n, int) or n == 0:
        return "aucune dose enregistrée"
    if n == 1:
        return "aucune dose valide (1 dose enregistrée ne compte pas pour ce schéma)"
    return f"aucune dose valide ({n} doses enregistrées ne comptent pas pour ce schéma)"


def _done(r: Reason) -> str:
    n = r.get("done", 0)
    if not isinstance(n, int) or n == 0:
        return _none_valid(r)
    plural = "s" if n > 1 else ""
    return f"{n} dose{plural} valide{plural} enregistrée{plural}"


def _series_next(r: Reason) -> str:
    """The next dose of a series, by its status."""
    head, done, status = _head(r), _done(r), r.get("status")
    limit = f" ({_date(r, 'latest')})" if r.get("latest") is not None else ""
    if status == "missed":
        # an interval's end (36 SA, 6 months after the birth) is a date limit, not an age
        bound = "la date limite" if r.get("date_limit") else "l'âge limite"
        if r.get("limit_ahead"):
            return (f"{head} : elle ne peut plus être faite avant {bound}{limit}, "
                    f"le délai minimal la repoussant au {_date(r, 'earliest')} ; {done}.")
        passed = "la date limite est dépassée" if r.get("date_limit") else \
            "l'âge limite est dépassé"
        return f"{head} non faite et {passed}{limit} ; {done}."
    when = _date(r, "recommended")
    if status == "upcoming":
        text = f"{head} recommandée à partir du {when} ; {done}."
    elif status == "overdue":
        # the row's own date (an interval that moved the dose later moves it too)
        text = (f"{head} en retard : recommandée depuis le {when}, à faire dès "
                f"que possible ; {done}.")
    elif r.get("undated"):  # recommended at any age: the birth date standing in is not said
        text = f"{head} à faire maintenant ; {done}."
    else:
        text = f"{head} à faire maintenant (recommandée le {when}) ; {done}."
    return text + (f" Au plus tard le {_date(r, 'latest')}." if limit else "") + _note(r)


def _booster_next(r: Reason) -> str:
    last = f"dernière dose le {_date(r, 'last')}" if r.get("last") else _none_valid(r)
    if r.get("first_fixed") is not None:
        # no dose on record before the first fixed age: a catch-up, not a fixed-age booster
        text = (f"Rattrapage ({last}) : une dose est proposée sans attendre le rappel de "
                f"l'adulte à âge fixe ({r.get('first_fixed')} ans).")
    else:
        text = f"Rappel de l'adulte à âge fixe ({r.get('age')} ans) ; {last}."
    if r.get("max_gap") is not None:
        text += (f" Le dernier rappel date de plus de {_duration(r, 'max_gap')} : un rappel "
                 "est à faire sans attendre l'âge fixe suivant.")
    text += _note(r)
    return text + (" Rappel en retard, à faire dès que possible." if r.get("late") else "")


_BOOSTER_TITLES = {
    "done": "rappel fait à {age} ans",
    "fixed": "rappel de {age} ans",
    "catch_up": "rappel de rattrapage à {age} ans",
}


def _started(r: Reason) -> str:
    """A recommendation younger than the person's age: nothing was due before it started."""
    optional = bool(r.get("optional"))
    since = (f"{'Proposition' if optional else 'Recommandation'} en vigueur depuis le "
             f"{_date(r, 'date')} ({_str(r, 'title')}) : rien n'était dû avant cette date.")
    status, when = r.get("status"), _date(r, "recommended")
    if optional and status in ("due", "overdue"):
        todo = f"Possible depuis le {when}."
    elif status == "due":
        todo = f"À faire dès maintenant (recommandé depuis le {when})."
    elif status == "overdue":
        todo = f"En retard : recommandé depuis le {when}, à faire dès que possible."
    elif status == "missed":
        return f"{since} Période de réalisation close."
    else:
        todo = f"À faire à partir du {when}."
    if r.get("latest") is not None:
        todo += f" Au plus tard le {_date(r, 'latest')}."
    return f"{since} {todo}"


def _resume(r: Reason) -> str:
    if r.get("closes"):
        return (f" Le rattrapage se termine le {_date(r, 'closes')}, avant la fin de cette "
                "précaution : il ne pourra plus être proposé ensuite.")
    return f" Possible à partir du {_date(r, 'resume')}." if r.get("resume") else ""


_DECLINED = "Vous avez indiqué refuser cette recommandation."


#: Reasons that ask a question: under a refusal they are not repeated (nothing is asked about
#: a test the family declined).
_QUESTIONS = frozenset({"record.unknown", "record.no_result"})


def _nested(r: Reason, key: str) -> str:
    inner = r.get(key)
    if not isinstance(inner, Reason) or inner.code in _QUESTIONS:
        return ""
    return render(inner)


def _contraindication(r: Reason) -> str:
    if r.get("text"):
        return _str(r, "text")
    if r.get("rule"):
        return f"situation de contre-indication prévue par la règle « {_str(r, 'rule')} »"
    return "contre-indication enregistrée"



#: Growth measurements as a person reads them: name and unit.
GROWTH_NAMES = {
    "weight": ("poids", "kg"),
    "height": ("taille", "cm"),
    "head_circumference": ("périmètre crânien", "cm"),
    "bmi": ("IMC", "kg/m²"),
}
_INDICATOR_NAMES = {
    "weight_for_age": "poids",
    "length_height_for_age": "taille",
    "head_circumference_for_age": "périmètre crânien",
    "bmi_for_age": "IMC",
}
_GROWTH_SIGNALS = {
    "z_beyond_limit": "{name} au-delà de 2 écarts-types (z = {z})",
    "percentile_crossing": "{name} : au moins deux lignes de percentiles franchies entre les "
    "deux dernières mesures (z = {z})",
    "early_adiposity_rebound": "rebond d'adiposité précoce (l'IMC remonte avant 6 ans, z = {z})",
}


def _comma(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",").replace("-0,0", "0,0")


def _corrected(r: Reason) -> str:
    return " (à l'âge corrigé de la prématurité)" if r.get("corrected") else ""


def _measures(r: Reason) -> str:
    lacking = r.get("lacking", ())
    names = [GROWTH_NAMES[str(m)][0] for m in lacking] if isinstance(lacking, tuple) else []
    return " et ".join(", ".join(names).rsplit(", ", 1)) if names else ""


def growth_line(code: str, value: float, day: dt.date, z: float, pct: float,
                implausible: bool) -> str:
    """"poids 8,1 kg le 2025-10-01 : z = -0,4, percentile 34"."""
    name, unit = GROWTH_NAMES[code]
    text = (f"{name} {_comma(value)} {unit} le {day.isoformat()} : z = {_comma(z)}, "
            f"percentile {pct:.0f}")
    return text + (" (valeur peu plausible : vérifiez la saisie)" if implausible else "")


def _growth_lines(r: Reason) -> str:
    lines = r.get("lines", ())
    return " ; ".join(growth_line(*line) for line in lines) if isinstance(lines, tuple) else ""


def _growth_signals(r: Reason) -> str:
    signals = r.get("signals", ())
    if not isinstance(signals, tuple):
        return ""
    out = []
    for kind, indicator, zs in signals:
        out.append(_GROWTH_SIGNALS[kind].format(
            name=_INDICATOR_NAMES[indicator], z=" puis ".join(_comma(z) for z in zs)))
    return " ; ".join(out)

TEXTS: dict[str, Text] = {
    # -- window kind: something to do once inside a dated window ----------------------------
    "window.done": lambda r: (
        f"Fait le {_date(r, 'date')} (période {_str(r, 'label')}, {_span(r)})."
    ),
    "window.missed": lambda r: (
        f"Non fait pendant la période {_str(r, 'label')} ({_span(r)}) : période terminée."
    ),
    "window.upcoming": lambda r: f"Prochaine période : {_str(r, 'label')}, {_span(r)}.",
    "window.due": lambda r: _window_deadline(r) if r.get("past_due") else (
        f"À faire pendant la période {_str(r, 'label')}, {_span(r)}."),
    "window.overdue": lambda r: _window_deadline(r) if r.get("past_due") else (
        f"À faire pendant la période {_str(r, 'label')}, {_span(r)}."),
    "window.done_open": lambda r: (
        f"Fait le {_date(r, 'date')} (période {_str(r, 'label')}, à partir du "
        f"{_date(r, 'start')})."
    ),
    "window.open": _window_open,
    # -- record kind: a test near birth, its result decides what follows ---------------------
    "record.expected": lambda r: f"À faire {_span(r)} (avant la sortie de maternité).",
    "record.unknown": lambda r: (
        f"Aucun résultat enregistré (prévu {_span(r)}) : renseignez si ce dépistage a été fait "
        "et son résultat ; sans réponse il n'est pas considéré comme non fait."
    ),
    "record.no_result": lambda r: (
        f"Dépistage enregistré le {_date(r, 'date')} sans résultat : renseignez le résultat."
    ),
    "record.normal": lambda r: (
        f"Fait le {_date(r, 'date')} (résultat : {_result(r)})."
    ),
    "record.follow_up": lambda r: (
        f"Dépistage du {_date(r, 'date')} : résultat {_result(r)} ; {_str(r, 'label')}"
        + (f" (au plus tard le {_date(r, 'deadline')})." if r.get("deadline") else ".")
    ),
    # -- growth kind: measurements, z-scores and signals (helpers below TEXTS) ---------------
    "growth.needs_sex": lambda r: (
        "Les courbes de croissance sont propres à chaque sexe : renseignez le sexe de l'enfant "
        "pour situer ses mesures."
    ),
    "growth.measured": lambda r: (
        f"Mesures notées le {_date(r, 'date')} (examen {_str(r, 'label')})."
    ),
    "growth.unrecorded": lambda r: (
        f"Examen du {_date(r, 'date')} ({_str(r, 'label')}) enregistré sans "
        f"{_measures(r)} : renseignez ces mesures pour suivre la courbe de croissance."
    ),
    "growth.to_measure": lambda r: (
        f"À mesurer lors de l'examen {_str(r, 'label')}, {_span(r)} : {_measures(r)}."
    ),
    "growth.signal": lambda r: (
        f"Courbe de croissance à revoir avec le médecin : {_growth_signals(r)}. "
        f"Dernières mesures{_corrected(r)} : {_growth_lines(r)}."
        + (" Si l'enfant est né avant 37 semaines, renseignez le terme de naissance : avant "
           "2 ans, ses mesures se lisent à l'âge corrigé." if r.get("ask_term") else "")
    ),
    "growth.curve": lambda r: (
        f"Dernières mesures{_corrected(r)} : {_growth_lines(r)}. Pas de signal selon les seuils "
        "retenus."
    ),
    # -- campaign kind: one row per running season -------------------------------------------
    "campaign.needs_data": lambda r: (
        f"Pour savoir si la campagne {_str(r, 'season')} vous concerne, renseignez {_facts(r)}."
    ),
    "campaign.done": lambda r: (
        f"Fait le {_date(r, 'date')} pendant la campagne {_str(r, 'season')}."
    ),
    "campaign.running": lambda r: f"{_campaign(r)}.",
    "campaign.dose": lambda r: (
        f"{_campaign(r)} : une dose recommandée pour votre situation.{_interval(r)}"
    ),
    "campaign.concerned": lambda r: (
        f"{_campaign(r)} : vous êtes concerné(e) par cette campagne.{_interval(r)}"
    ),
    # -- recurring kind: the next test after the last one ------------------------------------
    "recurring.none": lambda r: "Aucun test enregistré" + (
        f" : le programme commence à {_duration(r, 'start_age')}" if r.get("start_age") else ""
    ) + ".",
    "recurring.last": lambda r: (
        f"Dernier test : {_test(r)} ; prochain {_duration(r, 'interval')} après.{_note(r)}"
    ),
    "recurring.next": _recurring_next,
    "recurring.exit": lambda r: f"Dernier test : {_test(r)}. {_str(r, 'text')}",
    "recurring.ask": lambda r: (
        f"Dernier test : {_test(r)}. Pour dater le prochain, renseignez {_asked(r)} de ce "
        f"test.{_note(r)}"
    ),
    "recurring.once": lambda r: (
        f"Fait : {_test(r)}. Recommandé au moins une fois : rien d'autre n'est prévu par le "
        "programme."
    ),
    "recurring.ended": lambda r: (
        f"Dernier test : {_test(r)}. Le prochain tomberait après la fin du programme "
        f"({_optional_duration(r, 'stop_age')}) : dépistage organisé terminé."
    ),
    # -- series kind: doses of a vaccination series, adult boosters --------------------------
    "series.done": lambda r: (
        f"{_head(r)} faite : {_str(r, 'dose')} le {_date(r, 'date')}."
    ),
    "series.skipped": lambda r: (
        f"{_head(r)} non nécessaire compte tenu de l'âge et des doses déjà reçues."
    ),
    "series.next": _series_next,
    "series.projected": lambda r: (
        f"{_head(r)}, prévue à partir du {_date(r, 'recommended')} si la dose précédente est "
        f"faite à la date recommandée.{_note(r)}"
    ),
    "booster.done": lambda r: f"Rappel fait : {_str(r, 'dose')} le {_date(r, 'date')}.",
    "booster.next": _booster_next,
    "booster.following": lambda r: (
        f"Rappel suivant à âge fixe ({r.get('age')} ans), si le précédent est fait le "
        f"{_date(r, 'done_on')}."
    ),
    # -- titles of an occurrence ("(2e dose)" replaced) ---------------------------------------
    "label.rule": lambda r: _str(r, "text"),
    "label.booster": lambda r: _BOOSTER_TITLES[_str(r, "state")].format(age=r.get("age")),
    # -- common statuses, decided by the core for every kind (status.py) ---------------------
    "status.declined": lambda r: _DECLINED,
    "status.declined_over": lambda r: f"{_DECLINED} {_nested(r, 'proposed')}".rstrip(),
    "status.needs_data": lambda r: (
        f"Pour savoir si cette recommandation vous concerne, renseignez {_facts(r)}."
    ),
    "status.contraindicated": lambda r: f"Contre-indiqué : {_contraindication(r)}.",
    "status.immune_evidence": lambda r: (
        f"Immunité documentée ({evidence_name(_str(r, 'evidence'))})"
        + (f" le {_date(r, 'date')}" if r.get("date") else "") + "."
    ),
    "status.immune_history": lambda r: (
        f"Immunité attestée par l'histoire clinique ({_str(r, 'text')})."
        if r.get("text") else "Immunité attestée par l'histoire clinique."
    ),
    "status.immune_born_before": lambda r: (
        f"Personne née avant le {_date(r, 'date')} : considérée comme immunisée."
    ),
    "status.not_recommended": lambda r: _str(r, "text") if r.get("text")
    else "Non recommandé dans votre situation.",
    # -- steps of the core applied to every kind ---------------------------------------------
    "started.since": _started,
    "precaution.postponed": lambda r: f"{_str(r, 'text')}{_resume(r)}",
    "precaution.ask": lambda r: f"Avant de proposer cette vaccination, renseignez {_facts(r)}.",
}


TEXTS.update(CHRONIC_TEXTS)  # the chronic domain's sentences (wording/chronic.py)
TEXTS.update(TRACE_TEXTS)  # the --trace lines (wording/trace.py)


def render(reason: Reason) -> str:
    """The French sentence of ``reason`` (an unknown code is a programming error)."""
    return TEXTS[reason.code](reason)


def trace_entry(step: Step) -> TraceEntry:
    """A ``--trace`` line of the agenda, in words."""
    return TraceEntry(
        date=step.date,
        event=step.event if isinstance(step.event, str) else render(step.event),
        outcome=step.outcome,
        detail=render(step.why),
        immunization=step.immunization,
        reason=step.reason,
        target_dose=step.target_dose,
    )


#: How an optional item (strength: optional, a shared decision) is presented.
OPTIONAL_TEXT = (
    "À discuter avec votre médecin (proposition possible, pas une recommandation systématique)."
)
#: The kinds word a due row as a recommendation; an optional one is a possibility.
_OPTIONAL_WORDS = (
    ("à faire dès maintenant (recommandé depuis le", "possible dès maintenant (depuis le"),
    ("à faire maintenant (recommandée le", "possible maintenant (depuis le"),
    ("en retard : recommandée depuis le", "possible depuis le"),
    (", à faire dès que possible", ""),
    ("à faire à partir du", "possible à partir du"),
)
#: The obligation said by domain (any other domain: " Obligatoire.").
_MANDATORY = {"vaccination": " Vaccination obligatoire."}


def item_reason(
    reason: Reason,
    *,
    optional: bool,
    age: str,
    mandatory: str | None,
    note: str | None,
    review: bool,
) -> str:
    """The whole reason of an agenda row: why, the age, the obligation (``mandatory`` is the
    domain of a mandatory item, None otherwise), the rule's note."""
    text = render(reason)
    if optional:
        for old, new in _OPTIONAL_WORDS:
            text = text.replace(old, new)
        text = f"{OPTIONAL_TEXT} {text}"
    text += age
    if mandatory is not None:
        text += _MANDATORY.get(mandatory, " Obligatoire.")
    if note:
        text += " " + note
    if review:
        text += " Point à confirmer par un clinicien."
    return text.strip()


def age(birth: dt.date, as_of: dt.date) -> str:
    """" Âge le 1er mars 2025 : 4 mois.", appended to the reasons of open rows."""
    return f" Âge le {french_date(as_of)} : {french_age(birth, as_of)}."


def title(base: str, dose: int | None, occurrence: str | None, label: Reason | None) -> str:
    """"Rougeole-oreillons-rubéole (2e dose)", "… (rappel de 45 ans)", "… (2025-2026)"."""
    if label is not None:
        return f"{base} ({render(label)})"
    if dose is not None:
        return f"{base} ({'1re' if dose == 1 else str(dose) + 'e'} dose)"
    return f"{base} ({occurrence})" if occurrence is not None else base


#: Warnings of an agenda (for the person or service reading it); ``{index}`` is the position
#: of the record in the profile.
WARNINGS = {
    "calendar_not_in_force": "calendrier {calendar} : aucune version en vigueur le {date}",
    "no_calendar": "aucun calendrier en vigueur le {date} pour la juridiction {jurisdiction} : "
    "agenda vide",
    "no_calendar_for_country": "pays de résidence {country} : pas de calendrier propre, "
    "calendrier {jurisdiction_name} appliqué",
    "immunization_after": "immunizations[{index}]: dose datée après le {date} : ignorée",
    "observation_after": "observations[{index}]: mesure datée après le {date} : ignorée",
    "procedure_after": "procedures[{index}]: examen daté après le {date} : ignoré",
    "immunity_after": "immunity[{index}]: immunité datée après le {date} : ignorée",
    "declined_after": "declined[{index}]: refus daté après le {date} : ignoré",
    "contraindication_after": "contraindications[{index}]: contre-indication datée après le "
    "{date} : ignorée",
    "pregnancy_after": "pregnancies[{index}]: grossesse commençant après le {date} : ignorée",
    "unknown_condition": "conditions[{index}]: code CIM-10 non reconnu : ignoré",
    "unknown_medication": "medications[{index}]: médicament « {name} » non lu par les "
    "règles{hint} : sans effet sur l'agenda (un traitement immunosuppresseur n'y retient pas "
    "les vaccins vivants) ; indiquez sa classe : {known}",
    "unknown_method": "procedures[{index}].method: méthode « {name} » non lue par les "
    "règles{hint} : un programme qui précise ses méthodes ne compte pas cet examen",
    "near_evidence": "immunity[{index}].evidence: « {name} » n'est pas un mot lu par les "
    "règles{hint} : seuls serology, titer et lab y comptent comme une sérologie",
    "unknown_family_history": "family_history.{key}: antécédent familial non lu par les "
    "règles{hint} : sans effet sur l'agenda ; antécédents lus : {known}",
    "open_pregnancy": "pregnancies[{index}]: grossesse sans date de fin commencée il y a plus "
    "de 45 semaines : considérée comme terminée, renseignez end_date",
    "pregnancy_male": "pregnancies[{index}]: grossesse enregistrée pour une personne de sexe "
    "masculin : vérifiez le profil",
    "pregnancies_overlap": "pregnancies[{index}]: grossesse qui chevauche pregnancies[{other}] "
    "(date de fin manquante ? jumeaux : une seule grossesse, multiple: true) : vérifiez les "
    "dates",
    "pregnancy_too_young": "pregnancies[{index}]: grossesse commencée avant l'âge de 10 ans : "
    "vérifiez les dates",
    "seasons_ended": "calendrier {calendar} {version} : « {item} » : la dernière saison "
    "encodée s'est terminée le {date} ; la saison suivante n'est pas encore dans le calendrier "
    "(vérifiez si une campagne est en cours)",
    "seasons_ended_none": "calendrier {calendar} {version} : « {item} » : aucune saison encodée "
    "ne concernait cette personne et la saison suivante n'est pas encore dans le calendrier "
    "(vérifiez si une campagne en cours la concerne)",
    "unknown_declined": "declined[{index}]: recommandation « {item} » inconnue{hint} : refus "
    "non appliqué",
    "unknown_product": "immunizations[{index}]: produit inconnu « {product} »{hint} : dose non "
    "comptée",
    "unknown_code": "immunizations[{index}]: code {code_label} inconnu : dose non comptée",
    "product_disagrees": "immunizations[{index}]: {what} : le produit « {product} » n'y "
    "correspond pas ; seul le produit est compté, vérifiez le dossier",
}


_JURISDICTION_NAMES = {"FR": "français", "US": "des États-Unis"}


def warning(code: str, **params: object) -> str:
    """A warning of the agenda; dates are written ISO (they name the assessment date)."""
    values = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}
    if code == "no_calendar_for_country":
        values["jurisdiction_name"] = _JURISDICTION_NAMES.get(str(params["jurisdiction"]),
                                                              str(params["jurisdiction"]))
    if "hint" in params:
        values["hint"] = f" (vouliez-vous dire « {params['hint']} » ?)" if params["hint"] else ""
    return WARNINGS[code].format(**values)
