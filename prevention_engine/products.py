"""Resolve a recorded immunization (trade name, CIS/ATC/CVX code or targets) to its targets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .calendar.model import Product, ProductTable
from .context import Dose
from .profile import Immunization
from .schedule import Reason
from .vocabulary import normalise_name, suggest
from .vocabulary_fr import target_name


def product_key(ref: str) -> str:
    """Normalise a product reference: 'cvx:08' -> 'cvx:8'? no: keep codes, normalise names."""
    ref = ref.strip()
    if ":" in ref:
        system, value = ref.split(":", 1)
        system = system.strip().lower()
        value = value.strip()
        if system == "cvx":
            value = value.lstrip("0") or "0"
        return f"{system}:{value.upper() if system == 'atc' else value}"
    return normalise_name(ref)


@dataclass(frozen=True, slots=True)
class ProductIndex:
    """Lookup tables of one product table, built once."""

    table: ProductTable
    by_name: dict[str, Product]
    by_cis: dict[str, Product]
    by_atc: dict[str, tuple[Product, ...]]
    by_cvx: dict[str, Product]

    @classmethod
    def build(cls, table: ProductTable) -> ProductIndex:
        by_name: dict[str, Product] = {}
        by_cis: dict[str, Product] = {}
        by_atc: dict[str, list[Product]] = {}
        by_cvx: dict[str, Product] = {}
        for p in table.products:
            for n in (p.name, *p.aliases):
                by_name[normalise_name(n)] = p
            if p.cis:
                by_cis[p.cis.strip()] = p
            if p.atc:
                by_atc.setdefault(p.atc.strip().upper(), []).append(p)
            if p.cvx:
                by_cvx[p.cvx.strip().lstrip("0") or "0"] = p
        return cls(table, by_name, by_cis, {k: tuple(v) for k, v in by_atc.items()}, by_cvx)


def resolve(
    index: int, imm: Immunization, tables: Iterable[ProductIndex]
) -> tuple[Dose | None, Reason | None]:
    """A ``Dose`` for the immunization, or ``None`` and the warning (a code for ``wording``)
    saying why it counts for nothing."""
    tables = list(tables)
    if imm.product:
        found = _by_name(imm.product, tables)
        if found is None and not imm.targets:
            hint = suggest(imm.product, [p.name for t in tables for p in t.table.products])
            return None, Reason.of("unknown_product", index=index, product=imm.product,
                                   hint=hint)
        return _dose(index, imm, found, imm.product, tables), None
    if imm.code is not None:
        label = f"{imm.code.system.upper()} {imm.code.value.strip()}"
        product, atc_targets = _by_code(imm.code.system, imm.code.value.strip(), tables)
        if product is None and atc_targets:
            return Dose(index, imm.date, label, atc_targets, False, None, None,
                        imm.sub_standard), None
        if product is None and not imm.targets:
            return None, Reason.of("unknown_code", index=index, code_label=label)
        if product is not None:
            label = f"{product.name} ({label})"
        return _dose(index, imm, product, label, tables), None
    return _dose(index, imm, None, "", tables), None


def disagreement(
    index: int, imm: Immunization, dose: Dose | None, tables: Iterable[ProductIndex]
) -> Reason | None:
    """A record naming a known product and targets or a code of another vaccine: the product
    is counted (as before), and the disagreement is said, for the record to be checked (the
    product won without a word: an MMR dose the code named was silently not counted)."""
    if dose is None or dose.product is None or not imm.product:
        return None
    if imm.targets and not set(imm.targets) <= dose.targets:
        what = "les cibles indiquées (" + ", ".join(target_name(t) for t in imm.targets) + ")"
        return Reason.of("product_disagrees", index=index, product=imm.product, what=what)
    if imm.code is not None:
        other, atc = _by_code(imm.code.system, imm.code.value.strip(), list(tables))
        targets = other.targets if other is not None else atc
        if targets is not None and targets != dose.targets:
            what = f"le code {imm.code.system.upper()} {imm.code.value.strip()}"
            return Reason.of("product_disagrees", index=index, product=imm.product, what=what)
    return None


def _by_name(name: str, tables: list[ProductIndex]) -> Product | None:
    key = normalise_name(name)
    return next((t.by_name[key] for t in tables if t.by_name.get(key)), None)


def _by_code(
    system: str, value: str, tables: list[ProductIndex]
) -> tuple[Product | None, frozenset[str] | None]:
    """The product of a CIS, CVX or ATC code; an ATC code shared by products of different
    targets gives no product but the targets they all have."""
    atc_targets: frozenset[str] | None = None
    for t in tables:
        product: Product | None = None
        if system == "cis":
            product = t.by_cis.get(value)
        elif system == "cvx":
            product = t.by_cvx.get(value.lstrip("0") or "0")
        elif system == "atc":
            found = t.by_atc.get(value.upper())
            if found:
                sets = {p.targets for p in found}
                if len(sets) == 1:
                    product = found[0]
                else:
                    atc_targets = frozenset.intersection(*sets)
        if product is not None:
            return product, atc_targets
    return None, atc_targets


def _dose(
    index: int, imm: Immunization, product: Product | None, label: str,
    tables: list[ProductIndex],
) -> Dose:
    """The dose of a known product, or of the targets recorded (the validated profile gives
    one or the other)."""
    if product is not None:
        cvx = imm.code.value if imm.code is not None and imm.code.system == "cvx" else product.cvx
        return Dose(index, imm.date, label or product.name, product.targets, product.live,
                    product.name, cvx, imm.sub_standard, normalise_name(product.name),
                    (product.min_age, product.max_age))
    recorded = imm.targets or ()
    targets = frozenset(recorded)
    # Recorded by targets only: live when every product with exactly these targets is live
    # (an MMR dose is live whatever the brand), so live-vaccine spacing still applies.
    same = [p for t in tables for p in t.table.products if p.targets == targets]
    live = bool(same) and all(p.live for p in same)
    return Dose(index, imm.date, label or _targets_label(recorded), targets,
                live, None, None, imm.sub_standard)


def _targets_label(recorded: Iterable[str]) -> str:
    """"vaccin contre la diphtérie, le tétanos" (French names, never the target codes)."""
    return "vaccin contre " + ", ".join(target_name(t) for t in recorded)
