"""Resolve a recorded immunization (trade name, CIS/ATC/CVX code or targets) to its targets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .calendar.model import Product, ProductTable
from .context import Dose
from .profile import Immunization
from .vocabulary import normalise_name, suggest


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
) -> tuple[Dose | None, str | None]:
    """A ``Dose`` for the immunization, or ``None`` and a warning saying why it counts for nothing.
    """
    tables = list(tables)
    product: Product | None = None
    label = ""
    if imm.product:
        key = normalise_name(imm.product)
        for t in tables:
            product = t.by_name.get(key)
            if product:
                break
        label = imm.product
        if product is None and not imm.targets:
            names = [p.name for t in tables for p in t.table.products]
            hint = suggest(imm.product, names)
            return None, (
                f"immunizations[{index}]: produit inconnu « {imm.product} »"
                + (f" (vouliez-vous dire « {hint} » ?)" if hint else "")
                + " : dose non comptée"
            )
    elif imm.code is not None:
        system, value = imm.code.system, imm.code.value.strip()
        label = f"{system.upper()} {value}"
        targets_from_atc: frozenset[str] | None = None
        for t in tables:
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
                        targets_from_atc = frozenset.intersection(*sets)
            if product is not None:
                break
        if product is None and targets_from_atc:
            return Dose(
                index, imm.date, label, targets_from_atc, False, None, None, imm.sub_standard
            ), None
        if product is None and not imm.targets:
            return None, f"immunizations[{index}]: code {label} inconnu : dose non comptée"
        if product is not None:
            label = f"{product.name} ({label})"
    if product is not None:
        cvx = imm.code.value if imm.code is not None and imm.code.system == "cvx" else product.cvx
        return Dose(
            index,
            imm.date,
            label or product.name,
            product.targets,
            product.live,
            product.name,
            cvx,
            imm.sub_standard,
            normalise_name(product.name),
            (product.min_age, product.max_age),
        ), None
    assert imm.targets
    targets = frozenset(imm.targets)
    # Recorded by targets only: live when every product with exactly these targets is live
    # (an MMR dose is live whatever the brand), so live-vaccine spacing still applies.
    same = [p for t in tables for p in t.table.products if p.targets == targets]
    live = bool(same) and all(p.live for p in same)
    return Dose(
        index,
        imm.date,
        label or "vaccin (" + ", ".join(imm.targets) + ")",
        targets,
        live,
        None,
        None,
        imm.sub_standard,
    ), None
