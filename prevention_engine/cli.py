"""The ``prevention-engine`` command (CONTRACT.md section 2): an adapter around ``Engine``.

Exit codes: 0 success, 1 invalid input (profile or rule file) with a one-paragraph message on
stderr and no traceback, 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .batch import MAX_LINE_BYTES, MAX_WORKERS
from .engine import Engine, Rejected, bundled_rules_dir, check_as_of
from .errors import CalendarError, InputError, PreventionError, ProfileError

if TYPE_CHECKING:
    from .agenda import Agenda
    from .profile import Profile


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


#: Exactly the date format profiles accept (``profile._iso_date``): ``fromisoformat`` alone would
#: also take 20251110 or 2025-W46-1.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(text: str) -> dt.date:
    try:
        if not _ISO_DATE.fullmatch(text.strip()):
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"--workers takes a whole number from 1 to {MAX_WORKERS}, not {text!r}"
        )
    return n


def _version() -> str:
    try:
        return metadata.version("prevention-engine")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _engine(args: argparse.Namespace) -> Engine:
    rules = getattr(args, "rules", None)
    return Engine.from_paths(rules) if rules else Engine.default()


def _read_profile(path: str) -> str:
    """A profile file's text (UTF-8, a leading BOM dropped); ``-``: standard input, read as
    bytes and decoded the same way (its locale decoding let non-UTF-8 bytes through as other
    characters, and kept the BOM a file may carry)."""
    try:
        if path == "-":
            stdin = getattr(sys.stdin, "buffer", None)
            if stdin is None:  # a text stream standing for stdin (tests, embedding)
                return sys.stdin.read().removeprefix("\ufeff")
            return bytes(stdin.read()).decode("utf-8-sig")
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"the file is not UTF-8 text (byte {exc.start})", field=path) from None
    except OSError as exc:
        raise ProfileError(f"cannot read the profile file: {exc.strerror}", field=path) from None


def _load_profile(path: str) -> Profile:
    from .jsonin import loads
    from .profile import Profile

    return Profile.model_validate(loads(_read_profile(path), where=path))


def cmd_agenda(args: argparse.Namespace) -> int:
    from .render import to_text

    engine = _engine(args)
    profile, refs, warnings = _agenda_input(args, engine)
    agenda = engine.evaluate(
        profile,
        args.as_of,
        trace=args.trace or args.format == "fhir",
        jurisdiction=args.jurisdiction,
        calendars=args.calendar or None,
    )
    if warnings:
        agenda = agenda.model_copy(update={"warnings": [*warnings, *agenda.warnings]})
    if args.format == "text":
        sys.stdout.write(to_text(agenda))
    elif args.format == "ics":
        sys.stdout.write(_ics(agenda))
    elif args.format == "fhir":
        from .extra.fhir import agenda_to_bundle

        bundle = agenda_to_bundle(agenda, immunization_refs=refs)
        sys.stdout.write(json.dumps(bundle, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(
            json.dumps(agenda.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        )
    return 0


def _ics(agenda: Agenda) -> str:
    """The iCalendar file, built with the ``icalendar`` package (extra ``[ical]``); without
    it, the package's own minimal writer (same events, different bytes)."""
    try:
        from .extra.ical import agenda_to_ics

        return agenda_to_ics(agenda).decode("utf-8")
    except ImportError:
        from .render import to_ics

        return to_ics(agenda)


def _agenda_input(
    args: argparse.Namespace, engine: Engine
) -> tuple[Profile, tuple[str, ...], list[str]]:
    """The profile to evaluate, the FHIR Immunization references of its doses and the
    warnings of reading it (a FHIR Bundle maps only what it can)."""
    if args.input != "fhir":
        return _load_profile(args.profile), (), []
    from .extra.fhir import read_bundle

    read = read_bundle(_read_profile(args.profile), engine)
    return read.profile, tuple(read.immunization_refs), list(read.warnings)


def _read_sent(path: str | None) -> frozenset[str]:
    """Keys already sent: one per line, or JSON lines with a ``key`` (a previous ``notify``
    output appended as is); blank lines ignored."""
    if path is None:
        return frozenset()
    from .jsonin import loads

    keys: set[str] = set()
    text = _read_profile(path)
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            data = loads(line, where=f"{path}:{n}")
            key = data.get("key") if isinstance(data, dict) else None
            if not isinstance(key, str):
                raise ProfileError("a JSON line of the sent keys has no 'key' string",
                                   field=f"{path}:{n}")
            line = key
        keys.add(line)
    return frozenset(keys)


def _notify_records(path: str, counter: list[int]) -> Iterator[str | bytes]:
    """The profiles to notify, streamed: a JSONL file (``.jsonl``, or ``-`` for stdin) gives
    one per non-blank line (never all in memory at once); any other file is one profile JSON.
    ``counter`` holds the records read and the file line of the last one (results come in
    order, one per record, so a reject is named by its line)."""
    if path == "-" or path.endswith(".jsonl"):
        yield from _jsonl_records(path, counter)
        return
    counter[0], counter[1] = 1, 1
    yield _read_profile(path)


def _jsonl_records(path: str, counter: list[int]) -> Iterator[str | bytes]:
    """Non-blank lines of a JSONL file or of standard input, read as bytes and decoded one
    by one: a line that is not UTF-8 is that record's reject (decoded as one text stream, one
    bad byte stopped the whole run), a leading BOM is dropped."""
    try:
        stream = (getattr(sys.stdin, "buffer", sys.stdin) if path == "-"
                  else open(path, "rb"))  # noqa: SIM115
    except OSError as exc:
        raise ProfileError(f"cannot read the profiles file: {exc.strerror}", field=path) from None
    with nullcontext(stream) if path == "-" else stream:
        for number, raw in enumerate(stream, 1):
            line: str | bytes = raw
            if isinstance(raw, bytes):
                raw = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    line = raw  # parsed as bytes: its reject says it is not UTF-8
            elif number == 1:
                line = raw.removeprefix("\ufeff")
            if line.strip():
                counter[0], counter[1] = counter[0] + 1, number
                yield line


def cmd_notify(args: argparse.Namespace) -> int:
    from .notify import notify_many

    check_as_of(args.as_of)  # else each record is rejected and the run "succeeds"
    engine = _engine(args)
    sent = _read_sent(args.sent)
    counter = [0, 0]
    records = _notify_records(args.profiles, counter)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    new = rejected = 0
    try:
        for res in notify_many(engine, records, args.as_of, sent, until=args.until):
            if isinstance(res, Rejected):
                rejected += 1
                print(json.dumps({"line": counter[1], "id": res.id, "error": res.error},
                                 ensure_ascii=False), file=sys.stderr)
            else:
                new += 1
                out.write(res.to_json() + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"profiles {counter[0]}, new notifications {new}, rejected {rejected}",
          file=sys.stderr)
    return 1 if args.strict and rejected else 0


def cmd_explain(args: argparse.Namespace) -> int:
    from .explain import explain

    engine = _engine(args)
    profile = _load_profile(args.profile)
    text = explain(engine, profile, args.as_of, args.item, jurisdiction=args.jurisdiction)
    if text is None:
        print(
            f"no item '{args.item}' in the agenda of this profile on {args.as_of} "
            "(not eligible, or unknown id)",
            file=sys.stderr,
        )
        return 1
    from .render import printable

    sys.stdout.write(printable(text))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    paths = args.paths or [str(bundled_rules_dir())]
    from .calendar.loader import load_file, rule_files
    from .calendar.model import ProductTable

    has_products = any(
        isinstance(load_file(f), ProductTable) for f in rule_files([Path(p) for p in paths])
    )
    if not has_products:
        # Calendars name products: check them against the bundled product tables.
        paths = [*paths, str(bundled_rules_dir() / "products")]
    engine = Engine.from_paths(paths)
    if not engine.registry.calendars and not has_products:
        # a rules folder with nothing in it would evaluate every profile to an empty agenda
        raise CalendarError(
            "no calendar and no product table found in " + ", ".join(args.paths or paths)
        )
    n_items = sum(len(c.items) for c in engine.registry.calendars)
    n_products = sum(len(t.products) for t in engine.registry.tables)
    review = sum(1 for c in engine.registry.calendars for i in c.items if i.review)
    print(
        f"ok: {len(engine.registry.calendars)} calendar versions, {n_items} rules "
        f"({review} marked review: needed), {len(engine.registry.tables)} product tables "
        f"({n_products} products)"
    )
    return _lint(args, [Path(p) for p in paths])


def _lint(args: argparse.Namespace, paths: list[Path]) -> int:
    """The checks beyond loading, and with ``--review`` the items a clinician must sign off."""
    from .clinician.lint import lint, lint_versions, review_list
    from .clinician.render import calendar_files

    files = calendar_files(paths, validate=False)
    findings = [f for c in files for f in lint(c)] + lint_versions(files)
    print(f"lint: {len(findings)} finding{'s' if len(findings) != 1 else ''}")
    for f in findings:
        print(f"  {f}")
    if args.review:
        print("review: items marked review: needed, to sign off")
        for c in files:
            for line, item, title, reason in review_list(c):
                print(f"  {c.file}:{line}: {c.id}@{c.version}: {item} ({title}): {reason}")
    return 1 if args.strict and findings else 0


def cmd_calendars(args: argparse.Namespace) -> int:
    engine = _engine(args)
    for c in engine.calendars(args.as_of):
        to = c.in_force_to.isoformat() if c.in_force_to else "…"
        print(
            f"{c.id:<22} {c.version:<10} {c.jurisdiction:<3} {c.in_force_from} → {to:<10} "
            f"{len(c.items):>3} rules  {c.title}"
        )
    for t in engine.registry.tables:
        if args.as_of is None or t.in_force(args.as_of):
            to = t.in_force_to.isoformat() if t.in_force_to else "…"
            print(
                f"{t.id:<22} {t.version:<10} {t.jurisdiction:<3} {t.in_force_from} → {to:<10} "
                f"{len(t.products):>3} products"
            )
    if args.as_of is not None:
        for c, item, last in engine.seasons_ended(args.as_of):
            print(f"seasons: {c.id} {c.version}: {item.id} ({item.title}): last season ended "
                  f"{last}: add the next season in a new edition of the calendar",
                  file=sys.stderr)
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import cpus, run_batch_files, workers_warning

    too_many = workers_warning(args.workers, cpus())
    if too_many:
        print(too_many, file=sys.stderr)

    rules = args.rules or None
    if not rules:
        engine = Engine.default(args.only)  # validates the rules before any record is read
    else:
        engine = Engine.from_paths(rules, args.only)
    catalogue = None
    if args.output in ("compact", "parquet"):
        catalogue = Path(args.catalogue or f"{args.out}.catalogue.jsonl")
    summary = run_batch_files(
        Path(args.infile),
        Path(args.out),
        Path(args.rejects),
        args.as_of,
        engine=engine,
        workers=args.workers,
        rule_paths=rules or [str(bundled_rules_dir())],  # workers that cannot fork compile them
        progress=sys.stderr.isatty(),
        output=args.output,
        catalogue_path=catalogue,
    )
    for line in [summary.duplicates_line(), *summary.warnings()]:
        print(line, file=sys.stderr)
    print(summary.line())
    if args.strict and summary.rejected:
        return 1
    return 0


def cmd_conformance(args: argparse.Namespace) -> int:
    from .conformance import run_cdsi_cli

    code: int = run_cdsi_cli(args)
    return code


def _rule_paths(args: argparse.Namespace) -> list[Path]:
    return [Path(p) for p in (getattr(args, "rules", None) or [bundled_rules_dir()])]


def cmd_render(args: argparse.Namespace) -> int:
    from .clinician.render import calendar_files, render, select, write_all

    files = select(calendar_files(_rule_paths(args)), args.calendar)
    if args.out:
        written = write_all(files, Path(args.out), [args.format or "md"])
        print(f"wrote {len(written)} files in {args.out}", file=sys.stderr)
        return 0
    sys.stdout.write("\n".join(render(c, args.format or "md") for c in files))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .clinician.diff import diff, to_text, uncovered
    from .clinician.render import calendar_files, select

    files = calendar_files(_rule_paths(args))
    pair = []
    for spec in (args.old, args.new):
        if "@" not in spec:
            raise InputError(f"name a version as CALENDAR@VERSION, not {spec!r}")
        pair += select(files, spec)
    d = diff(pair[0], pair[1])
    sys.stdout.write(to_text(d))
    old, new = pair
    if old.id == new.id and old.in_force_from > new.in_force_from:
        print(f"warning: {old.version} is in force after {new.version}: this diff reads "
              "backwards (give the older version first)", file=sys.stderr)
    # a changes: list tells what changed since the version just before it, and only that
    follows = files.index(new) == files.index(old) + 1
    missing = uncovered(d) if follows else []
    if missing:
        print(f"warning: the changes: list of {pair[1].id} {pair[1].version} does not name "
              + ", ".join(missing), file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="prevention-engine",
        description="Personal prevention agenda from versioned French calendars.",
        epilog="Exit codes: 0 success, 1 invalid input (one-line error on stderr), 2 usage error. "
        "Errors for developers are in English; agendas (text, iCalendar, reasons) are in French.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}",
                   help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_profile_commands(sub)
    _add_rule_commands(sub)
    return p


def _common(sp: argparse.ArgumentParser) -> None:
    sp.add_argument(
        "--rules",
        action="append",
        metavar="PATH",
        help="rule files or folders (default: the bundled rules)",
    )


def _add_profile_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    common = _common
    a = sub.add_parser("agenda", help="the agenda of one profile")
    a.add_argument("profile", help="profile JSON file ('-' for stdin)")
    a.add_argument("--as-of", type=_date, required=True, dest="as_of", metavar="YYYY-MM-DD",
                   help="assessment date (the engine never reads the clock)")
    a.add_argument("--input", choices=["json", "fhir"], default="json",
                   help="json (default, a profile) or fhir (an R4B Bundle; extra [fhir])")
    a.add_argument("--format", choices=["json", "text", "ics", "fhir"], default="json",
                   help="json (default, the agenda JSON), text (French table), ics (iCalendar) "
                   "or fhir (R4B Bundle; extra [fhir])")
    a.add_argument("--trace", action="store_true", help="include the dose-by-dose trace")
    a.add_argument("--jurisdiction", choices=["FR", "US"],
                   help="calendars to apply (default: from residence.country)")
    a.add_argument("--calendar", action="append",
                   help="only this calendar id (repeat the option for several)")
    common(a)
    a.set_defaults(func=cmd_agenda)

    e = sub.add_parser("explain", help="why an item has its status")
    e.add_argument("profile", help="profile JSON file ('-' for stdin)")
    e.add_argument("--as-of", type=_date, required=True, dest="as_of", metavar="YYYY-MM-DD",
                   help="assessment date")
    e.add_argument("item", help="item id (menb) or row id (fr-vaccination/menb/2)")
    e.add_argument("--jurisdiction", choices=["FR", "US"],
                   help="calendars to apply (default: from residence.country)")
    common(e)
    e.set_defaults(func=cmd_explain)

    n = sub.add_parser("notify", help="the notifications not sent yet (one JSON line each)")
    n.add_argument("profiles", help="a profile JSON file, or JSONL profiles (a .jsonl file, "
                   "or '-' for stdin)")
    n.add_argument("--as-of", type=_date, required=True, dest="as_of", metavar="YYYY-MM-DD",
                   help="assessment date (notifications whose send date has come)")
    n.add_argument("--sent", metavar="FILE",
                   help="keys already sent: one per line, or JSON lines with a 'key' "
                   "(a previous output of this command)")
    n.add_argument("--until", type=_date, metavar="YYYY-MM-DD",
                   help="also those to send up to this date (default: the --as-of date; "
                   "to schedule ahead)")
    n.add_argument("--out", help="JSONL file to write (default: stdout)")
    n.add_argument("--strict", action="store_true", help="exit 1 if any record is rejected")
    common(n)
    n.set_defaults(func=cmd_notify)

    _add_batch_command(sub)


def _add_batch_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    b = sub.add_parser(
        "batch", help="one agenda per JSONL line",
        description="One agenda per JSONL line; bad lines go to --rejects and the run goes on. "
        "On a terminal, a progress line on stderr (records, records/s, ETA on a file). "
        "At the end, stdout: 'read N, written W, rejected R' (N = W + R, checked); stderr: "
        "'duplicate ids: D'. Exit codes: 0 every record written or rejected (with --strict: "
        "only if none was rejected), 1 a record rejected under --strict or an unusable file "
        "or rule, 2 usage error.")
    b.add_argument("infile", help=f"JSONL profiles, one per line ('-' for stdin; lines over "
                   f"{MAX_LINE_BYTES // (1024 * 1024)} MiB are rejected)")
    b.add_argument("--out", required=True, help="JSONL agendas to write (replaced)")
    b.add_argument("--rejects", required=True,
                   help='JSONL rejected records {"line", "id", "error"} to write (replaced)')
    b.add_argument("--as-of", type=_date, required=True, dest="as_of", metavar="YYYY-MM-DD",
                   help="assessment date for every profile")
    b.add_argument("--workers", type=_workers, default=1, metavar="N",
                   help=f"worker processes, 1 to {MAX_WORKERS} (default 1)")
    b.add_argument("--output", choices=["full", "compact", "parquet"], default="full",
                   help="full (default: one agenda JSON per line), compact (per person only "
                   "ids, statuses, dates, doses and versions; fixed texts once in --catalogue) "
                   "or parquet (one table row per agenda row; extra [parquet])")
    b.add_argument("--catalogue", metavar="FILE",
                   help="catalogue of the compact or parquet output "
                   "(default: OUT.catalogue.jsonl)")
    b.add_argument("--only-jurisdiction", action="append", dest="only", metavar="CODE",
                   help="load only the calendars and product tables of this jurisdiction "
                   "(repeatable; e.g. FR: about 15 MB less in every process); a record whose "
                   "residence falls under another is rejected")
    b.add_argument("--strict", action="store_true",
                   help="exit 1 if any record is rejected (default: exit 0 once every record "
                   "is written or rejected; the summary says how many were rejected)")
    _common(b)
    b.set_defaults(func=cmd_batch)


def _add_rule_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    common = _common
    v = sub.add_parser("validate", help="check rule files")
    v.add_argument("paths", nargs="*", metavar="PATH",
                   help="rule files or folders (default: the bundled rules)")
    v.add_argument("--review", action="store_true",
                   help="also list every item marked review: needed, with its reason")
    v.add_argument("--strict", action="store_true",
                   help="exit 1 when lint finds anything (overlaps, unreachable doses...)")
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser("calendars", help="calendars and versions (in force on a date)")
    c.add_argument("--as-of", type=_date, dest="as_of", metavar="YYYY-MM-DD",
                   help="only the versions in force on this date (default: all)")
    common(c)
    c.set_defaults(func=cmd_calendars)

    r = sub.add_parser("render", help="the calendars as documents for clinicians (md, html)")
    r.add_argument("calendar", nargs="?", metavar="CALENDAR",
                   help="a calendar id (all its versions) or ID@VERSION (default: all)")
    r.add_argument("--format", choices=["md", "html"],
                   help="md (default) or html")
    r.add_argument("--out", metavar="DIR",
                   help="write one file per calendar version and a README.md index in DIR "
                   "(documents of versions no longer present are removed)")
    common(r)
    r.set_defaults(func=cmd_render)

    d = sub.add_parser("diff", help="what changed, item by item, between two versions")
    d.add_argument("old", metavar="CALENDAR@V1", help="e.g. fr-vaccination@2025.1")
    d.add_argument("new", metavar="CALENDAR@V2", help="e.g. fr-vaccination@2025.2")
    common(d)
    d.set_defaults(func=cmd_diff)

    cf = sub.add_parser("conformance", help="run a conformance suite")
    cf.add_argument("suite", choices=["cdsi"], help="the suite: cdsi (CDC CDSi test cases)")
    cf.add_argument("cases", help="CDSi test cases JSON (exit 1 if any case fails)")
    cf.add_argument("--verbose", action="store_true", help="list every failing case")
    cf.add_argument("--disputed", help="YAML list of disputed cases to report separately")
    common(cf)
    cf.set_defaults(func=cmd_conformance)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # a closed or full output fails here, inside the handlers
        return code
    except PreventionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        # An optional extra (e.g. [fhir]) is not installed: a usage problem, said in one line.
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Ctrl-C: the batch's workers are ended on the way out; one line, the shell's code
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (| head): end quietly, and keep the interpreter from
        # complaining when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
