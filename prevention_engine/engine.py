"""The engine: compiled calendars in, ``evaluate(profile, as_of) -> Agenda`` out, purely.

``Engine`` holds only immutable compiled data; ``evaluate`` builds a fresh ``Context`` per call,
reads no clock and no file, and returns the same bytes for the same input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import notices, wording
from .agenda import (
    Agenda,
    AgendaItem,
)
from .calendar.model import Calendar, Item, ProductTable
from .context import Context, Dose
from .dates import Duration
from .errors import InputError, PreventionError, ProfileError
from .gate import Gate, gate_of
from .gestation import birth_record
from .items import planned as items_of
from .kinds import KINDS, Tables
from .notifications import plan_notifications
from .overlaps import one_dose_per_targets
from .products import ProductIndex, disagreement, resolve
from .profile import Perinatal, Profile
from .records import Record, parsed, record_id, to_profile
from .registry import Registry
from .rows import RowWriter, sort_key
from .schedule import Season
from .vocabulary import suggest

DEFAULT_HORIZON = Duration(days=30)
#: Assessment dates the engine accepts: rules add up to ~120 years to dates, and a date beyond
#: these bounds is a caller's mistake rather than an assessment.
MIN_AS_OF = dt.date(1900, 1, 1)
MAX_AS_OF = dt.date(2200, 12, 31)


def _check_arguments(
    calendars: Any, rules_date: Any, horizon: Any, jurisdiction: Any
) -> None:
    """Clear errors for the arguments a caller most easily gets wrong (a string where a list or
    a date is expected): otherwise "fr-vaccination" would be read letter by letter."""
    if isinstance(calendars, str | bytes):
        raise InputError(
            f"calendars must be a list of calendar ids, not the string {calendars!r} "
            f"(write calendars=[{calendars!r}])"
        )
    if rules_date is not None and (
        not isinstance(rules_date, dt.date) or isinstance(rules_date, dt.datetime)
    ):
        raise InputError(f"rules_date must be a datetime.date, not {type(rules_date).__name__}")
    if rules_date is not None and not (MIN_AS_OF <= rules_date <= MAX_AS_OF):
        raise InputError(f"rules_date {rules_date.isoformat()} is outside "
                         f"{MIN_AS_OF.isoformat()}..{MAX_AS_OF.isoformat()}")
    try:
        ok = isinstance(horizon, Duration) and (
            MIN_AS_OF <= horizon.add_to(MIN_AS_OF) <= Duration(years=10).add_to(MIN_AS_OF)
        )
    except InputError:
        ok = False
    if not ok:
        raise InputError(f"horizon must be a Duration from 0 days to 10 years, not {horizon!r}")
    if jurisdiction is not None and not isinstance(jurisdiction, str):
        raise InputError(f"jurisdiction must be a code such as 'FR', not {jurisdiction!r}")


def _bound(registry: Registry) -> Registry:
    """Each item bound by its kind to the product tables of its calendar's jurisdiction and
    to what it needs of its calendar (load-time checks, what a kind learns from the tables,
    the calendar's defaults and the kind's calendar-level settings), once per engine."""
    calendars = []
    for cal in registry.calendars:
        products = tuple(p for t in registry.tables if t.jurisdiction == cal.jurisdiction
                         for p in t.products)
        items = tuple(
            replace(item, spec=bind(item, Tables(cal.file, cal.jurisdiction, products,
                                                 cal.past_due_after,
                                                 cal.settings.get(item.kind))))
            if (bind := KINDS[item.kind].bind) is not None else item
            for item in cal.items
        )
        calendars.append(replace(cal, items=items))
    return replace(registry, calendars=tuple(calendars))


def _own_seasons(seasons: tuple[Season, ...], ctx: Context) -> tuple[Season, ...]:
    """The seasons that could concern the person (their applies_when not false): a mainland
    person is not given La Réunion's flu campaign, nor a mainland newborn French Guiana's RSV
    one. Empty when none could (a newborn protected by the mother's vaccination)."""
    return tuple(s for s in seasons
                 if s.applies_when is None or s.applies_when(ctx)[0] is not False)


def _next_expected(seasons: tuple[Season, ...], last_end: dt.date) -> dt.date:
    """When the next public-health month would begin: the first yearly return of one of the
    seasons' starts after the last one ended (Mars bleu in March, Octobre rose in October:
    in between, nothing to check). Not for a vaccination campaign: the next one's dates can
    come at any time (an early flu start, a spring COVID-19 campaign that an edition no
    longer lists), and missing one costs a vaccination: said once its last season anywhere
    has ended."""
    starts = []
    for s in seasons:
        # counted from the start itself, not a year at a time: 29 February 2024 returns on
        # 1 March 2025 but on 29 February 2028, not 1 March
        years = 1
        while (day := Duration(years=years).add_to(s.start)) <= last_end:
            years += 1
        starts.append(day)
    return min(starts)


def check_as_of(as_of: object) -> None:
    """An ``InputError`` for an assessment date no evaluation can use (``TypeError`` for what
    is not a date): callers that run many evaluations check it once, before reading any."""
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise TypeError("as_of must be a datetime.date")
    if not (MIN_AS_OF <= as_of <= MAX_AS_OF):
        raise InputError(
            f"the assessment date {as_of.isoformat()} is outside "
            f"{MIN_AS_OF.isoformat()}..{MAX_AS_OF.isoformat()}"
        )


def _profile_on(profile: Profile | Mapping[str, Any], as_of: dt.date) -> Profile:
    if not isinstance(profile, Profile):
        profile = Profile.model_validate(profile)
    if profile.birth_date > as_of:
        raise ProfileError(
            "the birth date is after the assessment date",
            field="birth_date",
            value=profile.birth_date.isoformat(),
        )
    return profile


def _context(profile: Profile, as_of: dt.date, doses: tuple[Dose, ...]) -> Context:
    """The facts of one evaluation, derived once and shared by every rule."""
    procedures = sorted((p for p in profile.procedures if p.date <= as_of),
                        key=lambda p: (p.date, p.target))
    return Context(
        profile=profile,
        as_of=as_of,
        doses=doses,
        conditions=profile.condition_names(as_of),
        pregnancy=profile.current_pregnancy(as_of),
        procedures=tuple(procedures),
        age_text=wording.age(profile.birth_date, as_of),
    )


def bundled_rules_dir() -> Path:
    """The rules shipped with the package (wheel) or the repository's ``rules/`` (checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "rules"
    if packaged.is_dir():
        return packaged
    return here.parent / "rules"


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record of ``evaluate_many`` that could not be evaluated, with why."""

    index: int
    id: str | None
    error: str


class Engine:
    """Compiled calendars and product tables; thread- and process-safe (read-only)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry = _bound(registry)
        self._indexes: dict[tuple[str, str], ProductIndex] = {
            (t.id, t.version): ProductIndex.build(t) for t in registry.tables
        }
        self._item_ids = {
            (c.id, c.version): frozenset(i.id for i in c.items) for c in registry.calendars
        }
        # each item with the gate read from its applies_when, in calendar order (gate.py)
        self._gated: dict[tuple[str, str], tuple[tuple[Item[object], Gate], ...]] = {
            (c.id, c.version): tuple((i, gate_of(i.applies_when_src)) for i in c.items)
            for c in registry.calendars
        }
        self._seasonal = {
            (c.id, c.version): tuple(
                (i, seasons, min(s.end for s in seasons), max(s.end for s in seasons))
                for i in c.items
                if (of := KINDS[i.kind].seasons) is not None and (seasons := of(i.spec))
            )
            for c in registry.calendars
        }
        # Output pieces that never change, built once and shared (frozen models).
        self._rows = RowWriter.build(registry)
        # needs_data rows of these items are never notified (notify_needs_data: false)
        self._quiet_needs_data = frozenset(
            (c.id, c.version, i.id) for c in registry.calendars for i in c.items
            if not i.notify_needs_data
        )

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def default(cls, jurisdictions: Iterable[str] | None = None) -> Engine:
        """The bundled calendars (``rules/``), compiled once; ``jurisdictions`` (e.g.
        ``["FR"]``) loads only theirs (see ``from_paths``)."""
        return cls.from_paths([bundled_rules_dir()], jurisdictions)

    @classmethod
    def from_paths(
        cls, paths: Iterable[str | Path], jurisdictions: Iterable[str] | None = None
    ) -> Engine:
        """The rule files below ``paths``. With ``jurisdictions``, only the calendars and
        product tables of those jurisdictions are compiled (less memory in every process of
        a batch: the bundled US calendar alone holds about 16 MB), and a person whose
        residence falls under another is refused (``ProfileError``), never given an agenda of
        the wrong rules."""
        return cls(Registry.load((Path(p) for p in paths), jurisdictions))

    def _tables_for(self, jurisdiction: str) -> list[ProductTable]:
        return [t for t in self.registry.tables if t.jurisdiction == jurisdiction]

    # -- queries ---------------------------------------------------------------------------
    def calendars(self, as_of: dt.date | None = None) -> list[Calendar]:
        """Every loaded calendar version, or those in force on ``as_of``."""
        cals = list(self.registry.calendars)
        if as_of is not None:
            check_as_of(as_of)
            cals = [c for c in cals if c.in_force(as_of)]
        return sorted(cals, key=lambda c: (c.id, c.in_force_from))

    def seasons_ended(self, as_of: dt.date) -> list[tuple[Calendar, Item[object], dt.date]]:
        """The seasonal rules of the versions in force on ``as_of`` whose every season has
        ended, with the last end: what an operator must publish next (the agendas only warn,
        person by person)."""
        check_as_of(as_of)
        return [(c, item, last) for c in self.calendars(as_of)
                for item, _, _, last in self._seasonal[(c.id, c.version)] if last < as_of]

    # -- evaluation ------------------------------------------------------------------------
    def evaluate(
        self,
        profile: Profile | Mapping[str, Any],
        as_of: dt.date,
        *,
        jurisdiction: str | None = None,
        calendars: Iterable[str] | None = None,
        trace: bool = False,
        horizon: Duration = DEFAULT_HORIZON,
        rules_date: dt.date | None = None,
    ) -> Agenda:
        """The agenda of ``profile`` on ``as_of`` (required: the engine never reads the clock).

        ``rules_date`` (default ``as_of``) picks the calendar versions and product tables in
        force on that date, e.g. to replay an old assessment date under the current rules.
        """
        check_as_of(as_of)
        _check_arguments(calendars, rules_date, horizon, jurisdiction)
        profile = _profile_on(profile, as_of)
        country = profile.residence.country
        juris, by_default = self._jurisdiction(country, jurisdiction)
        cal_ids = self._calendar_ids(calendars)
        rules_on = rules_date or as_of
        cals = self.registry.in_force(rules_on, juris, cal_ids)
        warnings = self._calendar_warnings(cals, cal_ids, juris, rules_on)
        warnings += notices.implausible(profile) + notices.dated_after(profile, as_of)
        if by_default:
            warnings.append(wording.warning("no_calendar_for_country", country=country,
                                            jurisdiction=juris))
        doses = self._doses(profile, as_of, rules_on, juris, warnings)
        warnings += self._unknown_declined(profile, cals)
        ctx = _context(notices.as_known_on(profile, as_of), as_of, doses)
        items: list[AgendaItem] = []
        for cal in cals:
            ctx.risk_groups = cal.risk_groups
            planned = items_of(self._gated[(cal.id, cal.version)], ctx)
            for item, rows in one_dose_per_targets(planned):
                items += self._rows.write(rows, item, cal, ctx, trace)
        items.sort(key=sort_key)
        warnings += self._seasons_ended(cals, ctx)
        return Agenda(
            person_id=profile.id,
            as_of=as_of,
            calendars=[self._rows.calendar_refs[(c.id, c.version)] for c in cals],
            items=items,
            notifications=plan_notifications(items, profile, as_of, horizon,
                                             self._quiet_needs_data),
            warnings=sorted(set(warnings)),
        )

    def _jurisdiction(self, country: str, asked: str | None) -> tuple[str, bool]:
        """The jurisdiction whose rules apply (the one asked for, or the residence's) and
        whether it is only the default; refused when this engine did not load it."""
        juris, by_default = (asked, False) if asked else self.registry.jurisdiction_for(country)
        if self.registry.has_jurisdiction(juris):
            return juris, by_default
        loaded = ", ".join(sorted(self.registry.only or ()))
        if asked:
            raise InputError(f"jurisdiction {asked!r} is not loaded in this engine "
                             f"(loaded: {loaded})")
        raise ProfileError(f"a residence under jurisdiction {juris}, whose calendars are not "
                           f"loaded in this engine (loaded: {loaded})",
                           field="residence.country", value=country)

    def _calendar_ids(self, calendars: Iterable[str] | None) -> list[str] | None:
        """The calendar ids asked for, each known (an unknown id is an error, with a hint)."""
        if calendars is None:
            return None
        cal_ids = list(calendars)
        known = {c.id for c in self.registry.calendars}
        for cid in cal_ids:
            # one id may have versions under several jurisdictions: each is named
            left_out = sorted(j for i, j in self.registry.unloaded_calendars if i == cid)
            if left_out and cid not in known:
                loaded = ", ".join(sorted(self.registry.only or ()))
                where = ("jurisdiction " if len(left_out) == 1 else "jurisdictions ") + \
                    ", ".join(left_out)
                raise InputError(f"calendar '{cid}' ({where}) is not loaded in this engine "
                                 f"(loaded: {loaded})")
            if cid not in known:
                hint = suggest(cid, sorted(known))
                raise InputError(
                    f"unknown calendar '{cid}'" + (f" (did you mean '{hint}'?)" if hint else "")
                )
        return cal_ids

    def _calendar_warnings(
        self, cals: list[Calendar], cal_ids: list[str] | None, juris: str, rules_on: dt.date
    ) -> list[str]:
        """A calendar asked for (or of the jurisdiction) with no version in force is said, and
        an empty agenda is never silent."""
        in_force_ids = {c.id for c in cals}
        wanted_ids = set(cal_ids) if cal_ids is not None else {
            c.id for c in self.registry.calendars if c.jurisdiction == juris
        }
        out = [wording.warning("calendar_not_in_force", calendar=cid, date=rules_on)
               for cid in sorted(wanted_ids - in_force_ids)]
        if not cals:
            out.append(wording.warning("no_calendar", date=rules_on, jurisdiction=juris))
        return out

    def _doses(
        self, profile: Profile, as_of: dt.date, rules_on: dt.date, juris: str,
        warnings: list[str],
    ) -> tuple[Dose, ...]:
        """The recorded immunizations resolved through the product tables in force."""
        tables = [
            self._indexes[(t.id, t.version)] for t in self.registry.tables_in_force(rules_on, juris)
        ] or [self._indexes[(t.id, t.version)] for t in self._tables_for(juris)]
        doses: list[Dose] = []
        for i, imm in enumerate(profile.immunizations):
            if imm.date > as_of:
                continue  # said by notices.dated_after
            dose, warn = resolve(i, imm, tables)
            warn = warn or disagreement(i, imm, dose, tables)
            if warn is not None:
                warnings.append(wording.warning(warn.code, **dict(warn.params)))
            if dose is not None:
                doses.append(dose)
        return tuple(sorted(doses, key=lambda d: (d.date, d.index)))

    def _seasons_ended(self, cals: list[Calendar], ctx: Context) -> list[str]:
        """A seasonal rule whose last encoded season ended before the assessment date shows
        nothing: say so when it could concern the person, so nobody reads the silence as
        "nothing to do" (the next season's dates are not in the calendar yet); for a
        public-health month, only once its next edition would have begun; never for a
        domain the person opted out of (its campaigns are not shown either)."""
        out = []
        opted_out = set(ctx.profile.consent.opt_out_domains)
        for cal in cals:
            for item, seasons, first_end, last_end in self._seasonal[(cal.id, cal.version)]:
                vaccination = item.domain == "vaccination"
                if (last_end if vaccination else first_end) >= ctx.as_of \
                        or item.domain in opted_out:
                    continue
                ctx.risk_groups = cal.risk_groups
                if item.applies_when is not None and item.applies_when(ctx)[0] is False:
                    continue
                own = _own_seasons(seasons, ctx)
                end = max(s.end for s in own or seasons)
                if vaccination or ctx.as_of >= _next_expected(own or seasons, end):
                    # none of the person's: another territory's date would be no help
                    out.append(wording.warning(
                        "seasons_ended" if own else "seasons_ended_none", calendar=cal.id,
                        version=cal.version, item=item.title, date=end))
        return out

    def _unknown_declined(self, profile: Profile, cals: list[Calendar]) -> list[str]:
        """A refusal of an item no calendar in force has is said, not silently dropped."""
        item_ids = {x for c in cals for x in self._item_ids[(c.id, c.version)]}
        return [
            wording.warning("unknown_declined", index=i, item=d.item,
                            hint=suggest(d.item, sorted(item_ids)))
            for i, d in enumerate(profile.declined) if d.item not in item_ids
        ]

    def birth_record(
        self, mother: Profile | Mapping[str, Any], pregnancy: int = -1
    ) -> Perinatal:
        """The infant's birth record (``perinatal``) from the mother's profile and one of her
        ended pregnancies (by index, default the last recorded): the mother's doses are
        resolved through the product tables, so an Abrysvo recorded by name counts."""
        if not isinstance(mother, Profile):
            mother = Profile.model_validate(mother)
        try:
            chosen = mother.pregnancies[pregnancy]
        except IndexError:
            raise InputError(f"the mother's profile has no pregnancy {pregnancy}") from None
        if chosen.end_date is None:
            raise InputError("the pregnancy has no end_date: no birth to record")
        juris = self._jurisdiction(mother.residence.country, None)[0]
        doses = self._doses(mother, chosen.end_date, chosen.end_date, juris, [])
        return birth_record(mother, chosen, ((d.date, d.targets) for d in doses))

    def evaluate_many(
        self,
        profiles: Iterable[Record],
        as_of: dt.date,
        **kwargs: Any,
    ) -> Iterator[Agenda | Rejected]:
        """Evaluate each profile in order; a bad one yields ``Rejected`` and the rest go on."""
        for i, raw in enumerate(profiles):
            pid = None
            try:
                data = parsed(raw)
                pid = record_id(data)
                profile = to_profile(data)
                pid = profile.id
                yield self.evaluate(profile, as_of, **kwargs)
            except PreventionError as exc:
                yield Rejected(i, pid, str(exc))
            except (ArithmeticError, ValueError) as exc:  # a date computation out of range
                yield Rejected(i, pid,
                               f"cannot evaluate this profile: {type(exc).__name__}: {exc}")
