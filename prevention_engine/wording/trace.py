"""The words of the ``--trace`` lines: how a rule read each event of a person's history.

A kind records a ``Step`` (an event, an outcome and a ``Reason``); these texts say it in French,
like the agenda's reasons. Codes start with ``trace.``.
"""

from __future__ import annotations

from ..schedule import Reason
from ..vocabulary_fr import method_name, procedure_name
from .params import Text
from .params import date_param as _date
from .params import duration_param as _duration
from .params import number_param as _number
from .params import text_param as _str

#: A test's result as a person reads it.
RESULT_FR = {
    "normal": "normal",
    "negative": "négatif",
    "abnormal": "anormal",
    "positive": "positif",
    "inconclusive": "non interprétable",
    "not_done": "non fait",
    "refer": "à contrôler",
}










def _methods(r: Reason) -> str:
    methods = r.get("methods", ())
    return ", ".join(sorted(str(m) for m in methods)) if isinstance(methods, tuple) else ""


def _test(r: Reason) -> str:
    """"frottis le 3 mars 2024 (résultat : normal)"."""
    text = f"{_str(r, 'test')} le {_date(r, 'date')}"
    result = r.get("result")
    if result:
        text += f" (résultat : {RESULT_FR.get(str(result), str(result))})"
    return text


def _procedure(r: Reason) -> str:
    """"examen prénatal", "sérologie (la rubéole)": French names, never the codes."""
    method = r.get("method")
    target = procedure_name(_str(r, "target"))
    return f"{method_name(str(method))} ({target})" if method else target


TEXTS: dict[str, Text] = {
    # what was read (the "event" of a line)
    "trace.test": _test,
    "trace.procedure": _procedure,
    "trace.exam": lambda r: procedure_name(_str(r, "target")),
    "trace.measure": lambda r: f"{_str(r, 'observation')} {_number(r, 'value'):g}",
    # what the rule made of it (the "detail" of a line)
    "trace.counts_for": lambda r: f"compte pour la dose {_str(r, 'dose')}",
    "trace.booster": lambda r: "rappel",
    "trace.code": lambda r: _str(r, "value"),
    "trace.partial_targets": lambda r: "ne couvre qu'une partie des maladies visées",
    "trace.too_young": lambda r: f"faite avant l'âge minimal ({_duration(r, 'age')})",
    "trace.too_old": lambda r: f"faite après l'âge maximal ({_duration(r, 'age')})",
    "trace.grace_period": lambda r: "dans la période de tolérance d'âge",
    "trace.too_soon": lambda r: (f"intervalle trop court ({_duration(r, 'interval')} minimum "
                                 f"depuis le {_date(r, 'since')})"),
    "trace.live_conflict": lambda r: ("vaccin vivant trop proche d'un autre vaccin vivant "
                                      f"({_date(r, 'date')})"),
    "trace.wrong_product": lambda r: "produit non autorisé pour cette dose",
    "trace.inadvertent": lambda r: "vaccin inadapté pour cette dose",
    "trace.other_product": lambda r: "vaccin d'une autre valence : ne compte pas pour cette dose",
    "trace.sub_standard": lambda r: "dose non conforme (périmée ou sous-dosée)",
    "trace.series_complete": lambda r: "schéma déjà complet",
    "trace.product_too_young": lambda r: (f"{_str(r, 'product')} n'est pas utilisé avant l'âge "
                                          f"de {_duration(r, 'age')} : dose non comptée"),
    "trace.product_too_old": lambda r: (f"{_str(r, 'product')} n'est pas utilisé à partir de "
                                        f"l'âge de {_duration(r, 'age')} : dose non comptée"),
    "trace.method_outside": lambda r: f"méthode hors programme ({_methods(r)})",
    "trace.before_last": lambda r: "antérieur au dernier test",
    "trace.rule_line": lambda r: f"règle ligne {_str(r, 'line')}",
    "trace.usual_interval": lambda r: "intervalle habituel",
    "trace.exam_recorded": lambda r: "examen enregistré",
    "trace.last_measure": lambda r: "dernière mesure",
    "trace.measure_too_old": lambda r: f"trop ancienne (validité {_duration(r, 'validity')})",
    "trace.window": lambda r: (f"fenêtre {_str(r, 'label')} du {_date(r, 'start')} au "
                               f"{_date(r, 'latest')}"),
    "trace.window_open": lambda r: f"fenêtre {_str(r, 'label')} à partir du {_date(r, 'start')}",
}
