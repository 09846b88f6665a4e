"""A small backend around the engine: ``POST /agenda`` (FastAPI, extra ``[service]``).

Run it from the repository root:

    pip install -e '.[service,fhir]'
    uvicorn --app-dir examples/service app:app --port 8000

The engine (the compiled calendars) is built once per process, on first use, and shared by
every request: ``Engine.evaluate`` touches no shared mutable state, so requests run in
FastAPI's worker threads without locks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from prevention_engine import Engine, PreventionError, Profile, ProfileError
from prevention_engine.jsonin import loads

#: The largest request body accepted (a profile is a few kilobytes; a Bundle some hundreds).
MAX_BODY = 4 * 1024 * 1024
_INDEX = re.compile(r"\[(\d+)\]")


@lru_cache(maxsize=1)
def engine() -> Engine:
    """The bundled calendars, compiled once per process."""
    return Engine.default()


def field_path(field: str | None) -> list[str | int]:
    """``immunizations[0].date`` -> ``["body", "immunizations", 0, "date"]`` (FastAPI's
    ``loc``); a FHIR location (``Bundle.entry[2] Immunization/x.occurrenceDateTime``) is kept
    as one string."""
    if not field or field == "body":
        return ["body"]
    if " " in field or "/" in field:
        return ["body", field]
    loc: list[str | int] = ["body"]
    for part in field.split("."):
        name, *indexes = _INDEX.split(part)
        if name:
            loc.append(name)
        loc += [int(i) for i in indexes if i]
    return loc


def _utf8(value: Any) -> Any:
    """Text a JSON response can encode: a lone surrogate (an escaped "\\ud800" in the body,
    echoed in a field name or value) is written as its escape; raw, it made a 500."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return [_utf8(v) for v in value]
    return value


def unprocessable(exc: PreventionError) -> JSONResponse:
    """A 422 in FastAPI's shape, naming the field the engine refused."""
    field = getattr(exc, "field", None)
    detail = {"loc": field_path(field), "msg": getattr(exc, "message", str(exc)),
              "type": type(exc).__name__, "field": field}
    value = getattr(exc, "value", None)
    if value is not None:
        detail["input"] = value
    detail = {k: _utf8(v) for k, v in detail.items()}
    return JSONResponse(status_code=422, content={"detail": [detail]})


def _read(body: bytes) -> tuple[Profile, tuple[str, ...], list[str]]:
    """The profile (JSON profile or FHIR Bundle), the FHIR Immunization references of its
    doses and the warnings of reading a Bundle."""
    if len(body) > MAX_BODY:
        raise ProfileError(f"the body is larger than {MAX_BODY} bytes")
    data = loads(body, where="body")
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        from prevention_engine.extra.fhir import read_bundle

        read = read_bundle(data, engine())
        return read.profile, tuple(read.immunization_refs), list(read.warnings)
    return Profile.model_validate(data), (), []


def create_app() -> FastAPI:
    app = FastAPI(title="prevention-engine service example", version="0.1.0")

    @app.post("/agenda")
    async def agenda(
        request: Request,
        as_of: Annotated[dt.date, Query(description="assessment date YYYY-MM-DD (the engine "
                                        "never reads the clock)")],
        format: Annotated[Literal["json", "fhir", "ics"],
                          Query(description="output format")] = "json",
        trace: Annotated[bool, Query(description="include the dose-by-dose trace")] = False,
    ) -> Response:
        body = await request.body()
        try:
            profile, refs, warnings = _read(body)
            result = engine().evaluate(profile, as_of, trace=trace or format == "fhir")
        except PreventionError as exc:  # a profile, an argument, or inputs a score refuses
            return unprocessable(exc)
        if warnings:
            result = result.model_copy(update={"warnings": [*warnings, *result.warnings]})
        if format == "fhir":
            from prevention_engine.extra.fhir import agenda_to_bundle

            out: Any = agenda_to_bundle(result, immunization_refs=refs)
            return Response(json.dumps(out, ensure_ascii=False),
                            media_type="application/fhir+json")
        if format == "ics":
            from prevention_engine.extra.ical import agenda_to_ics

            return Response(agenda_to_ics(result), media_type="text/calendar; charset=utf-8")
        return Response(result.to_json(), media_type="application/json")

    @app.get("/health")
    def health() -> dict[str, Any]:
        cals = engine().calendars()
        return {"status": "ok", "calendars": [f"{c.id}@{c.version}" for c in cals]}

    return app


app = create_app()
