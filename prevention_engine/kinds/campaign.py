"""The ``campaign`` kind: dated seasons (influenza, COVID-19, RSV) and public-health months.

A campaign item exists only while a season runs (or shortly before it, to prepare a reminder):
one row per season, completed by a dose (or a procedure) given inside the season.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..calendar.model import Item
from ..calendar.reader import Reader
from ..context import Context
from ..dates import Duration
from ..schedule import Due, Occurrence, Reason, Season, parse_seasons
from .base import Kind, register


@dataclass(frozen=True, slots=True)
class CampaignSpec:
    seasons: tuple[Season, ...]
    notify_before: Duration | None
    completed_by: str


def parse_campaign(r: Reader, names: set[str]) -> CampaignSpec:
    seasons = parse_seasons(r, names)
    completed_by = r.get_str("completed_by", "immunization") or "immunization"
    if completed_by not in ("immunization", "procedure", "nothing"):
        raise r.error("completed_by is 'immunization', 'procedure' or 'nothing'", "completed_by")
    return CampaignSpec(seasons, r.duration("notify_before"), completed_by)


def _opens(spec: CampaignSpec, season: Season) -> dt.date:
    return spec.notify_before.subtract_from(season.start) if spec.notify_before else season.start


def in_scope(item: Item[CampaignSpec], ctx: Context) -> bool:
    """A campaign concerns nobody outside its seasons, nor anyone who opted out of its domain.

    Checked by the engine before ``applies_when``, so a campaign never asks for data (or shows
    any row) while no season runs.
    """
    if item.domain in ctx.profile.consent.opt_out_domains:
        return False
    spec = item.spec
    return any(_opens(spec, s) <= ctx.as_of <= s.end for s in spec.seasons)


def plan(item: Item[CampaignSpec], ctx: Context) -> list[Occurrence]:
    spec = item.spec
    targets = frozenset(item.targets)
    out: list[Occurrence] = []
    for season in spec.seasons:
        if _opens(spec, season) <= ctx.as_of <= season.end:
            occ = _season_occurrence(spec, season, targets, ctx)
            if occ is not None:
                out.append(occ)
    return out


def _season_occurrence(
    spec: CampaignSpec, season: Season, targets: frozenset[str], ctx: Context
) -> Occurrence | None:
    ok, missing = season.applies_when(ctx) if season.applies_when is not None else (True, ())
    if ok is False:
        return None
    # what was done stays done: a dose of the season is shown even when a fact that decides
    # whether the season concerns the person is missing (nirsevimab given at the maternity,
    # the mother's vaccination not recorded)
    done = _done_in_season(spec, targets, season, ctx)
    if done is not None:
        return Occurrence(
            status="completed",
            occurrence=season.id,
            completed_date=done,
            reason=Reason.of("campaign.done", date=done, season=season.id),
        )
    if ok is None:
        return Occurrence(
            status="needs_data",
            occurrence=season.id,
            missing=tuple(missing),
            reason=Reason.of("campaign.needs_data", season=season.id, missing=tuple(missing)),
        )
    words = {"label": season.label or season.id, "start": season.start, "end": season.end}
    if spec.completed_by == "nothing":
        first = max(season.start, ctx.birth)
        return Occurrence(
            status="due" if ctx.as_of >= season.start else "upcoming",
            occurrence=season.id,
            due=Due(first, first, None, season.end),
            reason=Reason.of("campaign.running", **words),
        )
    earliest = max(season.start, ctx.birth)  # a baby born mid-season: from birth
    last = _last_dose(targets, ctx) if season.min_interval is not None else None
    interval = None
    if season.min_interval is not None and last is not None:
        after = season.min_interval.add_to(last)
        if after > earliest:
            earliest, interval = after, season.min_interval
    if earliest > season.end:
        return None
    # Past due the day after the season closes, which is also when the row disappears:
    # a campaign dose is never "overdue", it is due until the end of its season.
    due = Due(earliest, earliest, season.end + dt.timedelta(days=1), season.end)
    return Occurrence(
        status=Due(earliest, earliest, None, season.end).status_on(ctx.as_of),
        occurrence=season.id,
        due=due,
        reason=Reason.of(
            "campaign.dose" if spec.completed_by == "immunization" else "campaign.concerned",
            last=last if interval is not None else None,
            interval=interval,
            **words,
        ),
    )


def _done_in_season(
    spec: CampaignSpec, targets: frozenset[str], season: Season, ctx: Context
) -> dt.date | None:
    if spec.completed_by == "procedure":
        for p in ctx.procedures:
            if p.target in targets and season.start <= p.date <= min(season.end, ctx.as_of):
                return p.date
        return None
    for d in ctx.doses:
        if targets <= d.targets and season.start <= d.date <= season.end:
            return d.date
    return None


def _last_dose(targets: frozenset[str], ctx: Context) -> dt.date | None:
    dates = [d.date for d in ctx.doses if targets <= d.targets]
    return max(dates) if dates else None


register(
    Kind(
        name="campaign",
        keys=("seasons", "notify_before", "completed_by"),
        parse=parse_campaign,
        plan=plan,
        in_scope=in_scope,
        seasons=lambda spec: spec.seasons,
    )
)
