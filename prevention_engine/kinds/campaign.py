"""The ``campaign`` kind: dated seasons (influenza, COVID-19, RSV) and public-health months.

A campaign item exists only while a season runs (or shortly before it, to prepare a reminder):
one row per season, completed by a dose (or a procedure) given inside the season.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..calendar.model import Calendar, Item
from ..calendar.reader import Reader
from ..conditions import fact_name
from ..context import Context
from ..dates import Duration, french_date
from ..schedule import Season, parse_seasons
from .base import Kind, Row, register, status_for_dates


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


def in_scope(item: Item, ctx: Context) -> bool:
    """A campaign concerns nobody outside its seasons, nor anyone who opted out of its domain.

    Checked by the engine before ``applies_when``, so a campaign never asks for data (or shows
    any row) while no season runs.
    """
    if item.domain in ctx.profile.consent.opt_out_domains:
        return False
    spec: CampaignSpec = item.spec
    return any(_opens(spec, s) <= ctx.as_of <= s.end for s in spec.seasons)


def evaluate(item: Item, ctx: Context, cal: Calendar) -> list[Row]:
    spec: CampaignSpec = item.spec
    targets = frozenset(item.targets)
    rows: list[Row] = []
    for season in spec.seasons:
        opens = _opens(spec, season)
        if not (opens <= ctx.as_of <= season.end):
            continue
        if season.applies_when is not None:
            ok, missing = season.applies_when(ctx)
            if ok is False:
                continue
            if ok is None:
                rows.append(
                    Row(
                        status="needs_data",
                        occurrence=season.id,
                        missing=list(missing),
                        reason="Pour savoir si la campagne " + season.id + " vous concerne, "
                        "renseignez " + ", ".join(fact_name(m) for m in missing) + ".",
                    )
                )
                continue
        done = _done_in_season(spec, targets, season, ctx)
        if done is not None:
            rows.append(
                Row(
                    status="completed",
                    occurrence=season.id,
                    completed_date=done,
                    reason=f"Fait le {french_date(done)} pendant la campagne {season.id}.",
                )
            )
            continue
        if spec.completed_by == "nothing":
            rows.append(
                Row(
                    status="due" if ctx.as_of >= season.start else "upcoming",
                    occurrence=season.id,
                    earliest=max(season.start, ctx.birth),
                    recommended=max(season.start, ctx.birth),
                    latest=season.end,
                    reason=f"Campagne {season.label or season.id} du {french_date(season.start)} "
                    f"au {french_date(season.end)}.",
                )
            )
            continue
        earliest = max(season.start, ctx.birth)  # a baby born mid-season: from birth
        interval_txt = ""
        if season.min_interval is not None:
            last = _last_dose(targets, ctx)
            if last is not None:
                after = season.min_interval.add_to(last)
                if after > earliest:
                    earliest = after
                    interval_txt = (
                        f" Dernière dose le {french_date(last)} : délai de "
                        f"{season.min_interval.french()} à respecter."
                    )
        if earliest > season.end:
            continue
        # Past due the day after the season closes, which is also when the row disappears:
        # a campaign dose is never "overdue", it is due until the end of its season.
        status = status_for_dates(ctx.as_of, earliest, None, season.end)
        rows.append(
            Row(
                status=status,
                occurrence=season.id,
                earliest=earliest,
                recommended=earliest,
                past_due=season.end + dt.timedelta(days=1),
                latest=season.end,
                reason=(
                    f"Campagne {season.label or season.id} du {french_date(season.start)} au "
                    f"{french_date(season.end)} : "
                    + (
                        "une dose recommandée pour votre situation."
                        if spec.completed_by == "immunization"
                        else "vous êtes concerné(e) par cette campagne."
                    )
                    + interval_txt
                ),
            )
        )
    return rows


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
        evaluate=evaluate,
        in_scope=in_scope,
    )
)
