"""A calendar version as a document for clinicians: one table row per item (ages and
intervals, conditions, products, source link, review flag), built from the YAML as written.

The document is a small tree (``Doc``: headings, paragraphs, bullet lists, tables whose cells are
lines of segments) written out as Markdown or HTML by ``markdown`` and ``html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import age_range, duration, immunity, predicate, value


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Segment = str | Link | Code | Strong
Line = tuple[Segment, ...]
Cell = list[Line]


@dataclass
class Doc:
    """Blocks in order: ("h1"|"h2", text), ("p", Line), ("ul", [Line]), ("table", header, rows)."""

    blocks: list[tuple[Any, ...]] = field(default_factory=list)


HEADER = ("Règle", "Cibles", "Âges et intervalles", "Conditions", "Produits", "Source",
          "Revue clinique")

#: Every French phrase of the document, as a template (easy to move to the wording module).
FR = {
    "h1": "{title} — version {version}",
    "intro": "Calendrier |, juridiction {jurisdiction}, en vigueur du {start}{end}. Source : |.",
    "until": " au {date}", "open_ended": " (sans date de fin)",
    "generated": "Document généré depuis | par | : ne pas le modifier à la main.",
    "changes": "Changements par rapport à la version précédente",
    "groups": "Groupes à risque", "group": "Groupe", "definition": "Définition",
    "rules": "Règles ({n})", "optional": "décision partagée (optionnelle)",
    "section": "§ {section}", "review": "à revoir",
    "anchor": "ancrage : {anchor}", "window": "{label} : de {start} à {end} (exclu)",
    "season": "saison {id} : du {start} au {end}", "departments": ", départements {list}",
    "min_interval": ", au moins {gap} après la dernière dose", "season_for": ", pour : {who}",
    "min_age": "âge min {age}", "recommended": "recommandé {range}",
    "never_past_due": "sans date de retard", "before": "avant {age}",
    "effective": "depuis le", "cessation": "jusqu'au",
    "previous": "la dose précédente", "at_least": "≥ {gap}", "at_most": "au plus {gap}",
    "after": "après {ref} : {parts}", "series": "schéma « {name} »",
    "series_start": ", début {range}", "series_if": ", si {who}", "dose": "dose {n}",
    "dose_line": "{label} : {parts}", "repeat": "puis tous les {gap}",
    "skips": "{n} règle(s) de saut", "boosters": "rappels à {ages}",
    "any_age": "à tout âge", "every": "tous les {gap}", "once": "une fois",
    "methods": "méthodes : {list}", "any_test": "tout examen",
    "next": "prochain dans {gap}", "exit": "sortie : {text}", "ask": "demander : {what}",
    "rule": "si {when} → {then}",
    "for": "pour : ", "mandatory": "obligatoire : ",
    "mandatory_doses": " (doses avant {age}, faites à un mineur)",
    "contraindicated": "contre-indiqué si : ", "not_recommended": "non recommandé si : ",
    "excluded": "exclu si : ", "postponed": "différé si : ", "immunity": "immunité : ",
    "since": "recommandé depuis : ", "since_for": " (pour : {who})",
    "because": "{what} ({why})", "from_dose": "la dose {n}",
    "from_lmp": "la date des dernières règles (DDR)", "from_delivery": "l'accouchement",
    "from_condition": "le début de : {list}", "most_recent": "la dernière dose",
    "all_doses": "{series} : {products} (toutes les doses)",
    "dose_products": "{series} {label} : {products}",
    "preferred": "{series} {label} : de préférence {products}",
    "preceded_by": "{series} {label} : après {products}",
}


def rich(text: str) -> Line:
    """Text whose `backticked` words are code (ids in changes and review reasons)."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: shown as written
        return (str(text),)
    return tuple(Code(p) if i % 2 else p for i, p in enumerate(parts) if p)


def rule_path(file: str) -> str:
    """The file as the repository names it (``vaccination/fr-vaccination-2025.yaml``)."""
    p = Path(file)
    return f"{p.parent.name}/{p.name}"


def calendar_document(data: dict[str, Any], file: str) -> Doc:
    """The document of one calendar file (raw YAML mapping)."""
    doc = Doc()
    doc.blocks.append(("h1", FR["h1"].format(title=data.get("title", data["calendar"]),
                                             version=data["version"])))
    force = data.get("in_force", {})
    end = FR["until"].format(date=value(force["to"])) if force.get("to") else FR["open_ended"]
    src = data.get("source", {})
    before, middle, after = FR["intro"].format(
        jurisdiction=data.get("jurisdiction", ""), start=value(force.get("from")), end=end
    ).split("|")
    doc.blocks.append(("p", (before, Code(data["calendar"]), middle,
                             Link(str(src.get("title", "")), str(src.get("url", ""))), after)))
    first, by, rest = FR["generated"].split("|")
    doc.blocks.append(("p", (first, Code(f"rules/{rule_path(file)}"), by,
                             Code("prevention-engine render"), rest)))
    if data.get("changes"):
        doc.blocks.append(("h2", FR["changes"]))
        doc.blocks.append(("ul", [rich(str(c)) for c in data["changes"]]))
    groups = data.get("risk_groups") or {}
    if groups:
        doc.blocks.append(("h2", FR["groups"]))
        doc.blocks.append(("table", (FR["group"], FR["definition"]),
                           [[[(Code(k),)], [(predicate(v),)]] for k, v in groups.items()]))
    items = data.get("items") or []
    doc.blocks.append(("h2", FR["rules"].format(n=len(items))))
    doc.blocks.append(("table", HEADER, [item_row(it) for it in items]))
    return doc


def item_row(it: dict[str, Any]) -> list[Cell]:
    head: Cell = [(Strong(str(it.get("title", it["id"]))),), (Code(it["id"]),),
                  (f"{it.get('domain', '')} · {it.get('kind', 'series')}",)]
    if it.get("strength") == "optional":
        head.append((FR["optional"],))
    src = it.get("source") or {}
    source: Cell = [(Link(str(src.get("title", "")), str(src.get("url", ""))),)]
    if src.get("section"):
        source.append((FR["section"].format(section=src["section"]),))
    review: Cell = []
    if it.get("review") == "needed":
        review = [(Strong(FR["review"]),), rich(str(it.get("review_reason", "")))]
    return [head, [(value(it.get("targets")),)], schedule(it), conditions(it), products(it),
            source, review]


def schedule(it: dict[str, Any]) -> Cell:
    """Ages and intervals, by kind."""
    kind = it.get("kind", "series")
    if kind == "series":
        return [line for s in it.get("series") or [] for line in _series(s)]
    if kind == "recurring":
        return _recurring(it)
    if kind == "window":
        windows: Cell = [(FR["window"].format(label=w.get("label", w.get("id")),
                                              start=duration(w.get("from")),
                                              end=duration(w.get("to"))),)
                         for w in it.get("windows") or []]
        return [(FR["anchor"].format(anchor=it.get("anchor", "birth")),), *windows]
    if kind == "campaign":
        return [(_season(s),) for s in it.get("seasons") or []]
    return _spans(it)


def _spans(it: dict[str, Any]) -> Cell:
    """Another kind (growth, record...): any list of age spans it holds (``measure_at``)."""
    out: Cell = []
    for v in it.values():
        if isinstance(v, list) and v and all(isinstance(w, dict) and "from" in w for w in v):
            out += [(FR["window"].format(label=w.get("label", w.get("id")),
                                         start=duration(w.get("from")),
                                         end=duration(w.get("to"))),) for w in v]
    return out


def _season(s: dict[str, Any]) -> str:
    out = FR["season"].format(id=s.get("id"), start=value(s.get("start")),
                              end=value(s.get("end")))
    if s.get("departments"):
        out += FR["departments"].format(list=value(s["departments"]))
    if s.get("min_interval"):
        out += FR["min_interval"].format(gap=duration(s["min_interval"]))
    if s.get("applies_when") is not None:
        out += FR["season_for"].format(who=predicate(s["applies_when"]))
    return out


def _recommended(spec: dict[str, Any]) -> list[str]:
    never = spec.get("latest_rec") == "never"
    rec = [duration(spec[k]) for k in ("earliest_rec", "latest_rec")
           if spec.get(k) and not (k == "latest_rec" and never)]
    out = [FR["recommended"].format(range=" – ".join(rec))] if rec else []
    return out + ([FR["never_past_due"]] if never else [])


def _ages(ages: Any) -> list[str]:
    if isinstance(ages, list):  # CDSi: entries in force between effective and cessation dates
        return [" ".join(_ages(a)) + _dated(a) for a in ages]
    if not isinstance(ages, dict):
        return [value(ages)]
    out = []
    if ages.get("min") or ages.get("abs_min"):
        out.append(FR["min_age"].format(age=duration(ages.get("min") or ages.get("abs_min"))))
    out += _recommended(ages)
    if ages.get("max"):
        out.append(FR["before"].format(age=duration(ages["max"])))
    return out


def _dated(entry: dict[str, Any]) -> str:
    dates = [f"{FR[k]} {value(entry[k])}" for k in ("effective", "cessation") if entry.get(k)]
    return f" ({', '.join(dates)})" if dates else ""


def _reference(frm: Any) -> str:
    """What an interval counts from, in words (``{dose: 1}`` -> ``la dose 1``)."""
    if frm == "previous":
        return FR["previous"]
    if frm == "most_recent":
        return FR["most_recent"]
    if isinstance(frm, dict) and len(frm) == 1:
        (key, v), = frm.items()
        if key == "dose":
            return FR["from_dose"].format(n=v)
        if key == "observation" and f"from_{v}" in FR:
            return FR[f"from_{v}"]
        if key == "condition":
            return FR["from_condition"].format(list=value(v))
    return value(frm)


def _interval(iv: dict[str, Any]) -> str:
    ref = _reference(iv.get("from", "previous"))
    gap = iv.get("min") or iv.get("abs_min")
    parts = [FR["at_least"].format(gap=duration(gap))] if gap else []
    parts += _recommended(iv)
    if iv.get("max"):
        parts.append(FR["at_most"].format(gap=duration(iv["max"])))
    return FR["after"].format(ref=ref, parts=", ".join(parts or ["—"])) + _dated(iv)


def _series(s: dict[str, Any]) -> list[Line]:
    head = FR["series"].format(name=s.get("title") or s.get("name"))
    if s.get("start_age"):
        head += FR["series_start"].format(range=age_range(s["start_age"]))
    if s.get("applies_when") is not None:
        head += FR["series_if"].format(who=predicate(s["applies_when"]))
    out: list[Line] = [(Strong(head),)]
    for n, d in enumerate(s.get("doses") or [], 1):
        bits = _ages(d.get("ages") or {}) + [_interval(iv) for iv in d.get("intervals") or []]
        if d.get("recurring"):
            bits.append(FR["repeat"].format(gap=duration(d["recurring"])))
        if d.get("skip"):
            bits.append(FR["skips"].format(n=len(d["skip"])))
        out.append((FR["dose_line"].format(label=_label(d, n), parts="; ".join(bits or ["—"])),))
    b = s.get("boosters")
    if b:
        text = FR["boosters"].format(ages=value([duration(a) for a in b.get("at_ages") or []]))
        if b.get("then_every"):
            text += " " + FR["repeat"].format(gap=duration(b["then_every"]))
        out.append((text,))
    out += [(_season(x),) for x in s.get("seasons") or []]
    return out


def _label(dose: dict[str, Any], n: int) -> str:
    return str(dose.get("title") or dose.get("label") or FR["dose"].format(n=n))


def _recurring(it: dict[str, Any]) -> Cell:
    start, stop = it.get("start_age"), it.get("stop_age")
    ages = age_range({"min": start, "max": stop}) if start or stop else FR["any_age"]
    every = FR["every"].format(gap=duration(it["interval"])) if it.get("interval") \
        else FR["once"]
    out: Cell = [(f"{ages}, {every}",)]
    if it.get("methods"):
        out.append((FR["methods"].format(list=value(it["methods"])),))
    for r in it.get("rules") or []:
        when = value(r.get("when")) or FR["any_test"]
        then = (FR["next"].format(gap=duration(r["next"])) if r.get("next") else
                FR["exit"].format(text=r["exit"]) if r.get("exit") else
                FR["ask"].format(what=value(r.get("ask"))))
        out.append((FR["rule"].format(when=when, then=then),))
    return out


def _because(what: str, why: Any) -> str:
    return FR["because"].format(what=what, why=why) if why else what


def conditions(it: dict[str, Any]) -> Cell:
    out: Cell = []
    if it.get("applies_when") is not None:
        out.append((Strong(FR["for"]), predicate(it["applies_when"])))
    if it.get("mandatory") not in (None, False):
        text = predicate(it["mandatory"])
        if it.get("mandatory_before_age"):
            text += FR["mandatory_doses"].format(age=duration(it["mandatory_before_age"]))
        out.append((Strong(FR["mandatory"]), text))
    for key, label, why in (("contraindicated_when", "contraindicated", "contraindication_reason"),
                            ("not_recommended_when", "not_recommended",
                             "not_recommended_reason")):
        if it.get(key) is not None:
            out.append((Strong(FR[label]), _because(predicate(it[key]), it.get(why))))
    for key, label in (("exclusions", "excluded"), ("precautions", "postponed")):
        for entry in it.get(key) or []:
            out.append((Strong(FR[label]), FR["because"].format(
                what=predicate(entry.get("when")), why=entry.get("reason"))))
    if it.get("immunity"):
        out.append((Strong(FR["immunity"]), immunity(it["immunity"])))
    rf = it.get("recommended_from")
    for entry in rf if isinstance(rf, list) else [rf] if rf else []:
        who = FR["since_for"].format(who=predicate(entry["when"])) if entry.get("when") else ""
        out.append((Strong(FR["since"]), value(entry.get("date")) + who))
    return out


def products(it: dict[str, Any]) -> Cell:
    out: Cell = []
    for s in it.get("series") or []:
        name, doses = s.get("name"), s.get("doses") or []
        same = {str(d.get("products")) for d in doses}
        if len(doses) > 1 and len(same) == 1 and doses[0].get("products") and not any(
                d.get("preferred_products") or any(iv.get("preceded_by")
                                                   for iv in d.get("intervals") or [])
                for d in doses):
            out.append((FR["all_doses"].format(series=name,
                                               products=value(doses[0]["products"])),))
            continue
        for n, d in enumerate(doses, 1):
            label = _label(d, n)
            if d.get("products"):
                out.append((FR["dose_products"].format(series=name, label=label,
                                                       products=value(d["products"])),))
            preferred = [p.get("name") if isinstance(p, dict) else p
                         for p in d.get("preferred_products") or []]
            if preferred:
                out.append((FR["preferred"].format(series=name, label=label,
                                                   products=value(preferred)),))
            for iv in d.get("intervals") or []:
                if iv.get("preceded_by"):
                    out.append((FR["preceded_by"].format(series=name, label=label,
                                                         products=value(iv["preceded_by"])),))
    return out
