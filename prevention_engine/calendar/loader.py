"""Read rule files into compiled ``Calendar`` and ``ProductTable`` objects, validating everything.

All checking happens here, once, so that evaluation never meets a malformed rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..conditions import compile_predicate
from ..context import Pred
from ..dates import Duration
from ..errors import CalendarError
from ..kinds import KINDS, Kind
from ..vocabulary import CONDITIONS, DOMAINS, TARGETS, normalise_name, suggest
from .model import (
    Calendar,
    Immunity,
    Item,
    Jurisdiction,
    Precaution,
    Product,
    ProductTable,
    RecommendedFrom,
)
from .reader import Reader, read_source, req_source
from .yamlsrc import LocDict, load_yaml, top_level_scalars

CALENDAR_KEYS = (
    "calendar",
    "version",
    "jurisdiction",
    "title",
    "in_force",
    "source",
    "changes",
    "defaults",
    "risk_groups",
    "items",
    "review",
    "review_reason",
    "notes",
)
TABLE_KEYS = ("table", "version", "jurisdiction", "in_force", "source", "products", "notes")
ITEM_COMMON = (
    "id",
    "domain",
    "title",
    "targets",
    "kind",
    "applies_when",
    "mandatory",
    "contraindicated_when",
    "contraindication_reason",
    "not_recommended_when",
    "not_recommended_reason",
    "mandatory_before_age",
    "immunity",
    "precautions",
    "source",
    "review",
    "review_reason",
    "note",
    "strength",
    "recommended_from",
    "exclusions",
    "notify_needs_data",
    "contraindications",
)
STRENGTHS = ("recommended", "optional")
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def _review(r: Reader) -> tuple[bool, str | None]:
    """Only ``review: needed`` flags a rule: ``yes``/``no`` read as booleans, and were taken
    for needed (counted, yet missing from ``validate --review``) or for absent (the written
    review_reason then hidden from the agenda)."""
    v = r.raw("review")
    if v is None:
        return False, r.get_str("review_reason")
    if v == "needed":
        reason = r.get_str("review_reason")
        if not reason:
            raise r.error("review: needed requires a review_reason", "review")
        return True, reason
    written = ("yes/true" if v else "no/false") if isinstance(v, bool) else repr(v)
    raise r.error(f"write 'review: needed' (with a review_reason) or leave the key out, "
                  f"not {written}", "review")


def _pred(r: Reader, key: str, names: set[str]) -> Pred | None:
    if key not in r.data or r.data[key] is None:
        return None
    return compile_predicate(r.data[key], r, key, names)


def _strength(r: Reader) -> str:
    value = r.get_str("strength", "recommended") or "recommended"
    if value not in STRENGTHS:
        raise r.error(
            f"strength is 'recommended' or 'optional', not {value!r}",
            "strength",
            suggest(value, STRENGTHS),
        )
    return value


def _recommended_from(r: Reader, names: set[str]) -> tuple[RecommendedFrom, ...]:
    """One ``{date, source}`` mapping, or a list of them each with an optional ``when``."""
    if not r.has("recommended_from"):
        return ()
    if isinstance(r.raw("recommended_from"), list):
        entries = r.children("recommended_from")
        if not entries:
            raise r.error("recommended_from is a {date, source} or a non-empty list of them",
                          "recommended_from")
    else:
        entries = [r.child("recommended_from")]
    out = []
    for f in entries:
        f.check_keys(["date", "source", "when"], required=["date", "source"])
        out.append(RecommendedFrom(f.req_date("date"), req_source(f), _pred(f, "when", names)))
    return tuple(out)


def _exclusions(r: Reader, names: set[str]) -> tuple[tuple[Pred, str], ...]:
    return _cases(r, "exclusions", names)


def _cases(r: Reader, key: str, names: set[str]) -> tuple[tuple[Pred, str], ...]:
    """An ordered list of ``{when, reason}`` (``exclusions``, ``contraindications``)."""
    out: list[tuple[Pred, str]] = []
    for er in r.children(key):
        er.check_keys(["when", "reason"], required=["when", "reason"])
        reason = er.req_str("reason")
        if not reason.strip():
            raise er.error(f"each case of {key} gives its French reason", "reason")
        pred = _pred(er, "when", names)
        if pred is None:
            raise er.error(f"each case of {key} needs a 'when' predicate", "when")
        out.append((pred, reason))
    if r.has(key) and not out:
        raise r.error(f"{key} is a non-empty list of {{when, reason}}", key)
    return tuple(out)


def _other_kinds_keys(r: Reader, kind_name: str, allowed: tuple[str, ...]) -> None:
    """A key of another kind (``windows`` on an item whose ``kind:`` was left out, so read as
    a series) says which kind it belongs to, rather than only that it is unknown."""
    for key in r.data:
        owners = [k.name for k in KINDS.values() if key not in allowed and key in k.keys]
        if owners:
            default = "" if "kind" in r.data else ", the default when kind: is left out"
            raise r.error(f"'{key}' is a key of kind {' or '.join(owners)}, not of this item's "
                          f"kind ({kind_name}{default}): set kind: {' or '.join(owners)}", key)


def _parse_item(r: Reader, names: set[str], seen: dict[str, int]) -> Item[object]:
    item_id = _item_id(r, seen)
    kind_name, kind = _kind_of(r)
    _other_kinds_keys(r, kind_name, ITEM_COMMON + kind.keys)
    r.check_keys(ITEM_COMMON + kind.keys, required=["id", "domain", "title", "targets", "source"])
    domain = r.req_str("domain")
    if domain not in DOMAINS:
        raise r.error(f"unknown domain '{domain}'", "domain", suggest(domain, sorted(DOMAINS)))
    targets = r.str_list("targets", TARGETS)
    if not targets:
        raise r.error("an item needs at least one target", "targets")
    review, review_reason = _review(r)
    source = req_source(r)
    spec = kind.parse(r, names)
    return Item(
        id=item_id,
        domain=domain,
        title=r.req_str("title"),
        targets=targets,
        kind=kind_name,
        applies_when=_pred(r, "applies_when", names),
        mandatory=_mandatory(r, names),
        contraindicated_when=_pred(r, "contraindicated_when", names),
        contraindication_reason=r.get_str("contraindication_reason"),
        not_recommended_when=_pred(r, "not_recommended_when", names),
        not_recommended_reason=r.get_str("not_recommended_reason"),
        applies_when_src=r.raw("applies_when"),
        mandatory_before_age=r.duration("mandatory_before_age"),
        precautions=_precautions(r, names),
        immunity=_immunity(r, names),
        source=source,
        review=review,
        review_reason=review_reason,
        note=r.get_str("note"),
        spec=spec,
        line=r.line_of(),
        strength=_strength(r),
        recommended_from=_recommended_from(r, names),
        exclusions=_exclusions(r, names),
        contraindications=_cases(r, "contraindications", names),
        notify_needs_data=r.get_bool("notify_needs_data", True),
    )


def _item_id(r: Reader, seen: dict[str, int]) -> str:
    """The item's id, well formed and unique in its calendar; errors then name the item."""
    item_id = r.get_str("id")
    if not item_id:
        raise r.error("an item needs an 'id'")
    r.item = item_id
    r.path = ""  # fields are reported relative to the item, which is named
    if not _ID.match(item_id):
        raise r.error(f"id '{item_id}' must be lower case letters, digits and '_'", "id")
    if item_id in seen:
        raise r.error(f"duplicate item id '{item_id}' (first at line {seen[item_id]})", "id")
    seen[item_id] = r.line_of() or 0
    return item_id


def _kind_of(r: Reader) -> tuple[str, Kind[Any]]:
    kind_name = r.get_str("kind", "series") or "series"
    kind = KINDS.get(kind_name)
    if kind is None:
        raise r.error(f"unknown kind '{kind_name}'", "kind", suggest(kind_name, sorted(KINDS)))
    return kind_name, kind


def _mandatory(r: Reader, names: set[str]) -> Pred | None:
    raw = r.raw("mandatory")
    if raw is None or raw is False:
        return None
    return compile_predicate(raw, r, "mandatory", names)


def _immunity(r: Reader, names: set[str]) -> Immunity | None:
    if not r.has("immunity"):
        return None
    im = r.child("immunity")
    im.check_keys(
        ["born_before", "evidence", "except_when", "birth_country", "ask", "when", "reason"]
    )
    return Immunity(
        im.get_date("born_before"),
        im.get_bool("evidence", True),
        _pred(im, "except_when", names),
        im.get_str("birth_country"),
        im.get_bool("ask", False),
        _pred(im, "when", names),
        im.get_str("reason"),
    )


def _precautions(r: Reader, names: set[str]) -> tuple[Precaution, ...]:
    """``precautions: [{when: <predicate>, reason: "...", source: {...}, until: {...}}]``."""
    if not r.has("precautions"):
        return ()
    out = []
    for c in r.children("precautions"):
        c.check_keys(["when", "reason", "source", "until"], required=["when", "reason"])
        when = compile_predicate(c.data["when"], c, "when", names)
        anchor, conditions, after = _until(c)
        out.append(
            Precaution(
                when, c.req_str("reason"), read_source(c, required=False), anchor, conditions,
                after,
            )
        )
    return tuple(out)


def _until(c: Reader) -> tuple[str | None, tuple[str, ...], Duration | None]:
    """``until: {from: delivery | {condition: [...]}, after: "6 months"}``."""
    if not c.has("until"):
        return None, (), None
    u = c.child("until")
    u.check_keys(["from", "after"], required=["from", "after"])
    after = u.duration("after", required=True)
    ref = u.raw("from")
    if ref == "delivery":
        return "delivery", (), after
    if isinstance(ref, dict) and set(ref) == {"condition"}:
        conditions = u.child("from").str_list("condition", CONDITIONS)
        if conditions:
            return "condition", conditions, after
    raise u.error("until.from is 'delivery' or {condition: [...]}", "from")


def _parse_item_safely(r: Reader, names: set[str], seen: dict[str, int]) -> Item[object]:
    try:
        return _parse_item(r, names, seen)
    except RecursionError:
        raise r.error("a predicate or list is nested too deeply") from None


def _in_force(r: Reader) -> tuple[Any, Any]:
    f = r.child("in_force")
    f.check_keys(["from", "to"], required=["from"])
    start, end = f.get_date("from", required=True), f.get_date("to")
    if end is not None and start is not None and end < start:
        raise f.error("in_force 'to' is before 'from'", "to")
    return start, end


def parse_calendar(data: Any, file: str) -> Calendar:
    r = Reader(data, file)
    owned = tuple(k for kind in KINDS.values() for k in kind.calendar_keys)
    r.check_keys((*CALENDAR_KEYS, *owned),
                 required=["calendar", "version", "in_force", "source", "items"])
    if not isinstance(r.raw("version"), str):
        raise r.error(
            "quote the version (version: \"2025.10\"): unquoted, YAML reads it as a number",
            "version",
        )
    start, end = _in_force(r)
    source = req_source(r)
    defaults = r.child("defaults") if r.has("defaults") else None
    past_due_after = None
    if defaults is not None:
        defaults.check_keys(["past_due_after"])
        past_due_after = defaults.duration("past_due_after")
    risk_groups = _risk_groups(r)
    names = set(risk_groups)
    items_raw = r.raw("items")
    if not isinstance(items_raw, list):
        raise r.error("items is a list of rules", "items")
    seen: dict[str, int] = {}
    items = tuple(_parse_item_safely(ir, names, seen) for ir in r.children("items"))
    review, _ = _review(r)
    return Calendar(
        id=r.req_str("calendar"),
        version=r.req_str("version"),
        jurisdiction=r.get_str("jurisdiction", "FR") or "FR",
        title=r.get_str("title", r.req_str("calendar")) or "",
        in_force_from=start,
        in_force_to=end,
        source=source,
        changes=r.str_list("changes"),
        past_due_after=past_due_after,
        risk_groups=risk_groups,
        items=items,
        file=file,
        review=review,
        settings=_kind_settings(r),
        version_line=r.line_of("version") or 1,
        in_force_line=r.line_of("in_force") or 1,
        jurisdiction_line=r.line_of("jurisdiction") or 1,
    )


def _risk_groups(r: Reader) -> dict[str, Pred]:
    """Named predicates the calendar's rules share (``risk_groups: {name: predicate}``)."""
    raw_groups = r.raw("risk_groups") or {}
    if not isinstance(raw_groups, dict):
        raise r.error("risk_groups is a mapping of name: predicate", "risk_groups")
    names = set(raw_groups)
    groups_reader = r.child("risk_groups", raw_groups)
    return {
        name: compile_predicate(node, groups_reader, name, names)
        for name, node in raw_groups.items()
    }


def _kind_settings(r: Reader) -> dict[str, object]:
    """The calendar-level keys each kind owns, read by that kind (e.g. the series kind's
    live-vaccine rules)."""
    return {
        kind.name: kind.settings(r)
        for kind in KINDS.values()
        if kind.settings is not None and any(r.has(k) for k in kind.calendar_keys)
    }


_PRODUCT_KEYS = (
    "name", "aliases", "targets", "live", "atc", "cis", "cvx", "status", "withdrawn", "source",
    "note", "mvx", "vaccine_type", "min_age", "max_age",
)


def parse_product_table(data: Any, file: str) -> ProductTable:
    r = Reader(data, file)
    r.check_keys(TABLE_KEYS, required=["table", "version", "in_force", "products"])
    if not isinstance(r.raw("version"), str):
        raise r.error("quote the version: unquoted, YAML reads it as a number", "version")
    start, end = _in_force(r)
    seen: dict[str, str] = {}
    products = tuple(_product(pr, seen) for pr in r.children("products"))
    return ProductTable(
        id=r.req_str("table"),
        version=r.req_str("version"),
        jurisdiction=r.get_str("jurisdiction", "FR") or "FR",
        in_force_from=start,
        in_force_to=end,
        products=products,
        file=file,
        version_line=r.line_of("version") or 1,
        in_force_line=r.line_of("in_force") or 1,
        jurisdiction_line=r.line_of("jurisdiction") or 1,
    )


def _product(pr: Reader, seen: dict[str, str]) -> Product:
    """One product; each of its names (and aliases) is unique in the table (``seen``)."""
    name = pr.req_str("name")
    pr.item = name
    pr.check_keys(_PRODUCT_KEYS, required=["name", "targets"])
    aliases = pr.str_list("aliases")
    for n in (name, *aliases):
        key = normalise_name(n)
        if key in seen:
            raise pr.error(f"name '{n}' is already used by product '{seen[key]}'", "aliases")
        seen[key] = name
    status = pr.get_str("status", "marketed") or "marketed"
    if status not in ("marketed", "withdrawn"):
        raise pr.error("status is 'marketed' or 'withdrawn'", "status")
    targets = pr.str_list("targets", TARGETS)
    if not targets:
        raise pr.error("a product needs at least one target", "targets")
    return Product(
        name=name,
        aliases=aliases,
        targets=frozenset(targets),
        live=pr.get_bool("live", False),
        atc=pr.get_str("atc"),
        cis=pr.get_str("cis"),
        cvx=pr.get_str("cvx"),
        status=status,
        withdrawn=pr.get_date("withdrawn"),
        source=read_source(pr, required=False),
        min_age=pr.duration("min_age"),
        max_age=pr.duration("max_age"),
    )


#: A jurisdiction code as a file declares it (``jurisdiction: US``): what a filtered load may
#: skip unread. Any other value is read in full, and the loader says what is wrong with it.
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
#: Any word after ``jurisdiction`` in the text: a file where each is one of the jurisdictions
#: loaded is built without reading its keys first (the full load is always right, only slower).
_MENTION = re.compile(r"jurisdiction\W*([A-Za-z][A-Za-z0-9_-]*)")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A calendar or product table of a jurisdiction not asked for (``load_file``'s
    ``only``), not built: what the registry keeps of it is its jurisdiction, so that a
    residence resolves as with every file loaded (then is refused, never given other rules)."""

    jurisdiction: str
    #: the calendar's id, None for a product table: asked for, a calendar left out is said
    #: not loaded rather than unknown
    calendar: str | None


def load_file(
    path: Path, only: frozenset[str] | None = None
) -> Calendar | ProductTable | tuple[Jurisdiction, ...] | Skipped:
    """Load one rule file (a calendar version, a product table or the jurisdictions); with
    ``only``, a calendar or table of another jurisdiction is ``Skipped`` (a file that
    declares one as plain text is not even built)."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CalendarError(f"cannot read file: {exc}", file=file) from None
    try:
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text
    except UnicodeDecodeError as exc:
        raise CalendarError(
            f"the file is not UTF-8 text (byte {raw[exc.start]:#04x}): save it as UTF-8 "
            "(an editor's 'Latin-1' or 'Windows-1252' gives this)",
            file=file, line=raw[: exc.start].count(b"\n") + 1) from None
    if only is not None and (skipped := _declared_elsewhere(text, only)) is not None:
        return skipped
    loaded = _load_text(text, file)
    if only is not None and isinstance(loaded, Calendar | ProductTable) \
            and loaded.jurisdiction not in only:
        return Skipped(loaded.jurisdiction,
                       loaded.id if isinstance(loaded, Calendar) else None)
    return loaded


def _declared_elsewhere(text: str, only: frozenset[str]) -> Skipped | None:
    """The file's declared jurisdiction when it is a plain code not in ``only``, read without
    building the file; None when the file must be built to know (or is one of ``only``)."""
    if all(code in only for code in _MENTION.findall(text)):
        return None  # names no other jurisdiction: one of ``only``'s, or built to know
    keys = top_level_scalars(text)
    code = keys.get("jurisdiction") if keys is not None else None
    if keys is None or code is None or not _CODE.fullmatch(code) or code in only:
        return None
    if "table" in keys:  # what the full load reads first
        return Skipped(code, None)
    cal_id = keys.get("calendar")
    return Skipped(code, cal_id) if cal_id is not None else None  # else built, and judged


def _load_text(text: str, file: str) -> Calendar | ProductTable | tuple[Jurisdiction, ...]:
    data = load_yaml(text, file)
    try:
        return _parse_document(data, file)
    except RecursionError:
        raise CalendarError("a predicate or list is nested too deeply", file=file) from None


def _parse_document(
    data: Any, file: str
) -> Calendar | ProductTable | tuple[Jurisdiction, ...]:
    if data is None:
        raise CalendarError("the file is empty: a rule file is a mapping with 'calendar' or "
                            "'table'", file=file, line=1)
    if not isinstance(data, LocDict):
        raise CalendarError(
            "a rule file is a mapping with 'calendar' or 'table'", file=file, line=1
        )
    if "table" in data:
        return parse_product_table(data, file)
    if "calendar" in data:
        return parse_calendar(data, file)
    if "jurisdictions" in data:
        return parse_jurisdictions(data, file)
    raise CalendarError(
        "a rule file starts with 'calendar:', 'table:' or 'jurisdictions:'", file=file, line=1
    )


def parse_jurisdictions(data: LocDict, file: str) -> tuple[Jurisdiction, ...]:
    """The countries each jurisdiction's calendars apply to; exactly one is the default."""
    r = Reader(data, file)
    r.check_keys(["jurisdictions"], required=["jurisdictions"])
    out: list[Jurisdiction] = []
    for jr in r.children("jurisdictions"):
        jr.check_keys(["code", "title", "countries", "default", "source", "review",
                       "review_reason"], required=["code", "countries", "source"])
        countries = frozenset(jr.str_list("countries"))
        taken = [j.code for j in out if j.countries & countries]
        if taken:
            raise jr.error(f"a country is already listed by jurisdiction {taken[0]}", "countries")
        review, reason = _review(jr)
        out.append(Jurisdiction(jr.req_str("code"), countries, jr.get_bool("default", False),
                                file, req_source(jr), review, reason))
    if sum(j.default for j in out) != 1:
        raise r.error("exactly one jurisdiction is the default", "jurisdictions")
    return tuple(out)


def rule_files(paths: list[Path]) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` below the given files or folders, sorted for determinism."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml")))
        elif p.exists():
            out.append(p)
        else:
            raise CalendarError("no such file or folder", file=str(p))
    return out
