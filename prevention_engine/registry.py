"""All loaded calendar versions and product tables; picks the version in force on a date."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .calendar.loader import Skipped, load_file, rule_files
from .calendar.model import Calendar, Jurisdiction, ProductTable
from .errors import CalendarError, InputError
from .vocabulary import suggest


@dataclass(frozen=True, slots=True)
class Registry:
    calendars: tuple[Calendar, ...]
    tables: tuple[ProductTable, ...]
    #: from ``jurisdictions.yaml``; none loaded: each country is its own jurisdiction
    jurisdictions: tuple[Jurisdiction, ...] = ()
    #: the jurisdictions whose calendars and tables were loaded, when asked for (None: all)
    only: frozenset[str] | None = None
    #: the calendars ``only`` left out, as (id, jurisdiction): asked for by id, they are said
    #: to be not loaded, not unknown
    unloaded_calendars: tuple[tuple[str, str], ...] = ()

    @property
    def unloaded(self) -> frozenset[str]:
        """The jurisdictions of the calendars ``only`` left out: a residence resolves over
        every calendar of the rules, as with all loaded (then is refused, never given other
        rules)."""
        return frozenset(j for _, j in self.unloaded_calendars)

    @classmethod
    def load(cls, paths: Iterable[Path], only: Iterable[str] | None = None) -> Registry:
        """Every rule file below ``paths``; with ``only``, the calendars and product tables of
        those jurisdictions alone (each must have a calendar)."""
        wanted = jurisdiction_codes(only)
        calendars: list[Calendar] = []
        tables: list[ProductTable] = []
        jurisdictions: list[Jurisdiction] = []
        skipped: set[tuple[str, str]] = set()
        for f in rule_files(list(paths)):
            loaded = load_file(f, wanted)
            if isinstance(loaded, Skipped):
                if loaded.calendar is not None:
                    skipped.add((loaded.calendar, loaded.jurisdiction))
            elif isinstance(loaded, Calendar):
                calendars.append(loaded)
            elif isinstance(loaded, ProductTable):
                tables.append(loaded)
            elif jurisdictions:
                raise CalendarError("jurisdictions are already defined in "
                                    f"{jurisdictions[0].file}", file=str(f), line=1)
            else:
                jurisdictions.extend(loaded)
        reg = cls(tuple(calendars), tuple(tables), tuple(jurisdictions), wanted,
                  tuple(sorted(skipped)))
        reg.check_versions()
        reg.check_jurisdiction_codes()
        reg.check_only()
        return reg

    def check_jurisdiction_codes(self) -> None:
        """``jurisdiction: Fr`` next to ``FR`` is a typo, not a new jurisdiction: its calendar
        would find no product table (an error about every product it names) and no country.
        The spelling the jurisdictions file declares, else the most used, else the upper-case
        one, is the right one."""
        files: list[Calendar | ProductTable] = [*self.calendars, *self.tables]
        uses = Counter(f.jurisdiction for f in files)
        uses.update({j.code: len(files) + 1 for j in self.jurisdictions})  # the declared ones
        for f in files:
            same = sorted(c for c in uses if c.casefold() == f.jurisdiction.casefold()
                          and (uses[c], c.isupper()) > (uses[f.jurisdiction],
                                                        f.jurisdiction.isupper()))
            if same:
                raise CalendarError(f"jurisdiction '{f.jurisdiction}': write it as the other "
                                    f"rule files do ('{same[0]}')", file=f.file,
                                    line=f.jurisdiction_line, field="jurisdiction")

    def check_only(self) -> None:
        """A jurisdiction asked for with no calendar is a mistake (a typo would otherwise
        give every person an empty agenda)."""
        for code in sorted(self.only or ()):
            if not any(c.jurisdiction == code for c in self.calendars):
                known = sorted({j.code for j in self.jurisdictions} | self.unloaded
                               | {c.jurisdiction for c in self.calendars})
                hint = suggest(code, known)
                raise InputError(f"no calendar of jurisdiction {code!r} in the rules"
                                 + (f" (did you mean {hint!r}?)" if hint else "")
                                 + (f"; jurisdictions: {', '.join(known)}" if known else ""))

    def has_jurisdiction(self, jurisdiction: str) -> bool:
        """Whether this registry holds the calendars of ``jurisdiction`` (all, when it was
        loaded without ``only``)."""
        return self.only is None or jurisdiction in self.only

    def jurisdiction_for(self, country: str) -> tuple[str, bool]:
        """The jurisdiction whose calendars apply in ``country``, and whether it is only the
        default (the country has no calendar of its own: the agenda says so)."""
        for j in self.jurisdictions:
            if country in j.countries:
                return j.code, False
        default = next((j.code for j in self.jurisdictions if j.default), None)
        if default is not None:
            return default, True
        codes = sorted({c.jurisdiction for c in self.calendars} | self.unloaded)
        if country in codes or not codes:
            return country, False
        return codes[0], True

    def check_versions(self) -> None:
        """Two versions of one calendar may not share a version string or overlap in time."""
        by_id: dict[str, list[Calendar | ProductTable]] = {}
        everything: list[Calendar | ProductTable] = [*self.calendars, *self.tables]
        for c in everything:
            by_id.setdefault(c.id, []).append(c)
        for cid, versions in by_id.items():
            versions.sort(key=lambda c: c.in_force_from)
            seen: dict[str, str] = {}
            for v in versions:
                if v.version in seen:
                    raise CalendarError(
                        f"version {v.version} of '{cid}' is also defined in {seen[v.version]}: "
                        "give each edition its own version",
                        file=v.file,
                        line=v.version_line,
                        field="version",
                    )
                seen[v.version] = v.file
            for a, b in itertools.pairwise(versions):
                if a.in_force_to is None or a.in_force_to >= b.in_force_from:
                    raise CalendarError(
                        f"'{cid}' {a.version} is still in force when {b.version} starts "
                        f"({b.in_force_from}, {b.file}); close it: in_force: {{from: "
                        f"{a.in_force_from}, to: {b.in_force_from - dt.timedelta(days=1)}}}",
                        file=a.file,
                        line=a.in_force_line,
                        field="in_force.to",
                    )

    def in_force(
        self, on: dt.date, jurisdiction: str | None = None, ids: Iterable[str] | None = None
    ) -> list[Calendar]:
        wanted = set(ids) if ids is not None else None
        out = [
            c
            for c in self.calendars
            if c.in_force(on)
            and (wanted is None or c.id in wanted)
            and (wanted is not None or jurisdiction is None or c.jurisdiction == jurisdiction)
        ]
        return sorted(out, key=lambda c: c.id)

    def tables_in_force(self, on: dt.date, jurisdiction: str | None) -> list[ProductTable]:
        out = [
            t
            for t in self.tables
            if t.in_force(on) and (jurisdiction is None or t.jurisdiction == jurisdiction)
        ]
        return sorted(out, key=lambda t: t.id)


def jurisdiction_codes(only: Iterable[str] | None) -> frozenset[str] | None:
    """The jurisdictions asked for, checked (a list of codes, not one string, not empty)."""
    if only is None:
        return None
    if isinstance(only, str):
        raise InputError(f"jurisdictions is a list of codes, not the string {only!r} "
                         f"(write [{only!r}])")
    codes = frozenset(only)
    if not codes or not all(isinstance(c, str) and c for c in codes):
        raise InputError(f"jurisdictions is a non-empty list of codes such as 'FR', "
                         f"not {sorted(map(repr, codes))}")
    return codes
