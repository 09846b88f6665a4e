"""A calendar version as a document for clinicians: one table row per item (ages and
intervals, conditions, products, source link, review flag), built from the YAML as written.

The document is a small tree (``Doc``: headings, paragraphs, bullet lists, tables whose cells are
lines of segments) written out as Markdown or HTML by ``markdown`` and ``html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import age_range, duration, predicate, value


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
    doc.blocks.append(("h1", f"{data.get('title', data['calendar'])} — version {data['version']}"))
    force = data.get("in_force", {})
    to = f" au {value(force.get('to'))}" if force.get("to") else " (sans date de fin)"
    src = data.get("source", {})
    doc.blocks.append(("p", (
        "Calendrier ", Code(data["calendar"]), f", juridiction {data.get('jurisdiction', '')}, "
        f"en vigueur du {value(force.get('from'))}{to}. Source : ",
        Link(str(src.get("title", "")), str(src.get("url", ""))), ".")))
    doc.blocks.append(("p", (
        "Document généré depuis ", Code(f"rules/{rule_path(file)}"),
        " par ", Code("prevention-engine render"), " : ne pas le modifier à la main.")))
    if data.get("changes"):
        doc.blocks.append(("h2", "Changements par rapport à la version précédente"))
        doc.blocks.append(("ul", [rich(str(c)) for c in data["changes"]]))
    groups = data.get("risk_groups") or {}
    if groups:
        doc.blocks.append(("h2", "Groupes à risque"))
        doc.blocks.append(("table", ("Groupe", "Définition"),
                           [[[(Code(k),)], [(predicate(v),)]] for k, v in groups.items()]))
    items = data.get("items") or []
    doc.blocks.append(("h2", f"Règles ({len(items)})"))
    doc.blocks.append(("table", HEADER, [item_row(it) for it in items]))
    return doc


def item_row(it: dict[str, Any]) -> list[Cell]:
    head: Cell = [(Strong(str(it.get("title", it["id"]))),), (Code(it["id"]),),
                  (f"{it.get('domain', '')} · {it.get('kind', 'series')}",)]
    if it.get("strength") == "optional":
        head.append(("décision partagée (optionnelle)",))
    src = it.get("source") or {}
    source: Cell = [(Link(str(src.get("title", "")), str(src.get("url", ""))),)]
    if src.get("section"):
        source.append((f"§ {src['section']}",))
    review: Cell = []
    if it.get("review") == "needed":
        review = [(Strong("à revoir"),), rich(str(it.get("review_reason", "")))]
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
        windows: Cell = [(f"{w.get('label', w.get('id'))} : de {duration(w.get('from'))} à "
                          f"{duration(w.get('to'))} (exclu)",) for w in it.get("windows") or []]
        return [(f"ancrage : {it.get('anchor', 'birth')}",), *windows]
    if kind == "campaign":
        return [(_season(s),) for s in it.get("seasons") or []]
    return []


def _season(s: dict[str, Any]) -> str:
    out = f"saison {s.get('id')} : du {value(s.get('start'))} au {value(s.get('end'))}"
    if s.get("departments"):
        out += f", départements {value(s['departments'])}"
    if s.get("min_interval"):
        out += f", au moins {duration(s['min_interval'])} après la dernière dose"
    if s.get("applies_when") is not None:
        out += f", pour : {predicate(s['applies_when'])}"
    return out


def _ages(ages: Any) -> list[str]:
    if isinstance(ages, list):  # CDSi: entries in force between effective and cessation dates
        return [" ".join(_ages(a)) + _dated(a) for a in ages]
    if not isinstance(ages, dict):
        return [value(ages)]
    out = []
    if ages.get("min") or ages.get("abs_min"):
        out.append(f"âge min {duration(ages.get('min') or ages.get('abs_min'))}")
    rec = [duration(ages[k]) for k in ("earliest_rec", "latest_rec") if ages.get(k)]
    if rec:
        out.append("recommandé " + " – ".join(rec))
    if ages.get("max"):
        out.append(f"avant {duration(ages['max'])}")
    return out


def _dated(entry: dict[str, Any]) -> str:
    dates = [f"{word} {value(entry[k])}" for k, word in (("effective", "depuis le"),
                                                         ("cessation", "jusqu'au"))
             if entry.get(k)]
    return f" ({', '.join(dates)})" if dates else ""


def _interval(iv: dict[str, Any]) -> str:
    frm = iv.get("from", "previous")
    ref = "la dose précédente" if frm == "previous" else value(frm)
    parts = [f"≥ {duration(iv.get('min') or iv.get('abs_min'))}"] if (
        iv.get("min") or iv.get("abs_min")) else []
    rec = [duration(iv[k]) for k in ("earliest_rec", "latest_rec") if iv.get(k)]
    if rec:
        parts.append("recommandé " + " – ".join(rec))
    if iv.get("max"):
        parts.append(f"au plus {duration(iv['max'])}")
    return f"après {ref} : " + ", ".join(parts or ["—"]) + _dated(iv)


def _series(s: dict[str, Any]) -> list[Line]:
    head = f"schéma « {s.get('title') or s.get('name')} »"
    if s.get("start_age"):
        head += f", début {age_range(s['start_age'])}"
    if s.get("applies_when") is not None:
        head += f", si {predicate(s['applies_when'])}"
    out: list[Line] = [(Strong(head),)]
    for n, d in enumerate(s.get("doses") or [], 1):
        label = d.get("title") or d.get("label") or f"dose {n}"
        bits = _ages(d.get("ages") or {}) + [_interval(iv) for iv in d.get("intervals") or []]
        if d.get("recurring"):
            bits.append(f"puis tous les {duration(d['recurring'])}")
        if d.get("skip"):
            bits.append(f"{len(d['skip'])} règle(s) de saut")
        out.append((f"{label} : " + "; ".join(bits or ["—"]),))
    b = s.get("boosters")
    if b:
        text = f"rappels à {value([duration(a) for a in b.get('at_ages') or []])}"
        if b.get("then_every"):
            text += f" puis tous les {duration(b['then_every'])}"
        out.append((text,))
    out += [(_season(x),) for x in s.get("seasons") or []]
    return out


def _recurring(it: dict[str, Any]) -> Cell:
    start, stop = it.get("start_age"), it.get("stop_age")
    ages = age_range({"min": start, "max": stop}) if start or stop else "à tout âge"
    every = f"tous les {duration(it['interval'])}" if it.get("interval") else "une fois"
    out: Cell = [(f"{ages}, {every}",)]
    if it.get("methods"):
        out.append((f"méthodes : {value(it['methods'])}",))
    for r in it.get("rules") or []:
        when = value(r.get("when")) or "tout examen"
        then = (f"prochain dans {duration(r['next'])}" if r.get("next") else
                f"sortie : {r['exit']}" if r.get("exit") else f"demander : {value(r.get('ask'))}")
        out.append((f"si {when} → {then}",))
    return out


def conditions(it: dict[str, Any]) -> Cell:
    out: Cell = []
    if it.get("applies_when") is not None:
        out.append((Strong("pour : "), predicate(it["applies_when"])))
    if it.get("mandatory") not in (None, False):
        text = predicate(it["mandatory"])
        if it.get("mandatory_before_age"):
            text += f" (doses avant {duration(it['mandatory_before_age'])})"
        out.append((Strong("obligatoire : "), text))
    for key, label, why in (("contraindicated_when", "contre-indiqué si : ",
                             "contraindication_reason"),
                            ("not_recommended_when", "non recommandé si : ",
                             "not_recommended_reason")):
        if it.get(key) is not None:
            out.append((Strong(label), predicate(it[key]) +
                        (f" ({it[why]})" if it.get(why) else "")))
    for ex in it.get("exclusions") or []:
        out.append((Strong("exclu si : "), f"{predicate(ex.get('when'))} ({ex.get('reason')})"))
    for pr in it.get("precautions") or []:
        out.append((Strong("différé si : "), f"{predicate(pr.get('when'))} ({pr.get('reason')})"))
    if it.get("immunity"):
        out.append((Strong("immunité : "), value(it["immunity"])))
    rf = it.get("recommended_from")
    for entry in rf if isinstance(rf, list) else [rf] if rf else []:
        out.append((Strong("recommandé depuis : "), value(entry.get("date"))))
    return out


def products(it: dict[str, Any]) -> Cell:
    out: Cell = []
    for s in it.get("series") or []:
        doses = s.get("doses") or []
        same = {str(d.get("products")) for d in doses}
        if len(doses) > 1 and len(same) == 1 and doses[0].get("products") and not any(
                d.get("preferred_products") or any(iv.get("preceded_by")
                                                   for iv in d.get("intervals") or [])
                for d in doses):
            out.append((f"{s.get('name')} : {value(doses[0]['products'])} (toutes les doses)",))
            continue
        for n, d in enumerate(s.get("doses") or [], 1):
            label = d.get("title") or d.get("label") or f"dose {n}"
            if d.get("products"):
                out.append((f"{s.get('name')} {label} : {value(d['products'])}",))
            preferred = [p.get("name") if isinstance(p, dict) else p
                         for p in d.get("preferred_products") or []]
            if preferred:
                out.append((f"{s.get('name')} {label} : de préférence {value(preferred)}",))
            for iv in d.get("intervals") or []:
                if iv.get("preceded_by"):
                    out.append((f"{s.get('name')} {label} : après {value(iv['preceded_by'])}",))
    return out
