"""Rule files: every mistake is a CalendarError naming the file and the line (CONTRACT.md
sections 1 and 2, `validate` prints `file:line: item: message`), never another exception, and a
file that validates never makes an evaluation crash."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from prevention_engine import CalendarError, Engine, Profile

from .conftest import AS_OF, FR_PRODUCTS, MINI_CAL, cli

MINI = MINI_CAL.read_text(encoding="utf-8")


def load(tmp_path: Path, text: str, name: str = "cal.yaml") -> Engine:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return Engine.from_paths([f, FR_PRODUCTS])


def expect_calendar_error(tmp_path: Path, text: str, line: int | None = None) -> CalendarError:
    with pytest.raises(CalendarError) as ei:
        load(tmp_path, text)
    err = ei.value
    assert err.file is not None and err.file.endswith("cal.yaml")
    assert err.line is not None
    if line is not None:
        assert err.line == line, str(err)
    return err


def with_pred(pred: str) -> str:
    marker = "    mandatory: true\n"
    return MINI.replace(marker, f"{marker}    applies_when: {pred}\n", 1)


# --------------------------------------------------------------------------- passing checks
@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("calendar: x\n\tversion: '1'\n", 2),  # tab
        (MINI.replace("title: DTP", "title: DTP\n    title: DTP2", 1), 26),  # duplicated key
        ("a: &a [*a]\n", 1),  # recursive alias
        ("- calendar: x\n", 1),  # a list where a mapping is expected
        ("", 1),
        (MINI.replace("items:\n", "items:\n  foo:\n", 1), 8),  # mapping where a list is expected
        (MINI.replace("in_force: {from: 2020-01-01}", "in_force: 2020"), 4),
        (MINI.replace("  - id: dtp", "  - id: true"), 23),
        (MINI.replace("title: DTP", "title: [1]"), 25),
        (with_pred("[1, 2]"), 28),
        (with_pred("{observation: {code: bmi, op: '>=', value: abc}}"), 28),
        (MINI.replace('version: "1"', "version: !!python/object:os.system ls"), 2),
    ],
    ids=["tab", "duplicate-key", "recursive-alias", "list-at-top", "empty-file",
         "items-mapping", "in_force-int", "id-bool", "title-list", "predicate-list",
         "observation-value-text", "python-tag"],
)
def test_rule_file_mistakes_are_calendar_errors_with_line(tmp_path: Path, text: str,
                                                          line: int) -> None:
    expect_calendar_error(tmp_path, text, line)


def test_validate_cli_reports_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text(MINI.replace("domain: vaccination", "domain: vacination", 1), encoding="utf-8")
    r = cli("validate", str(f))
    assert r.exc is None and r.code == 1
    assert f"{f}:" in r.err and "vacination" in r.err and "Traceback" not in r.err
    r = cli("validate", str(tmp_path / "missing.yaml"))
    assert r.exc is None and r.code == 1 and "missing.yaml" in r.err


def test_ten_megabyte_string_in_rule_file(tmp_path: Path) -> None:
    eng = load(tmp_path, MINI.replace("title: DTP", "title: " + "D" * 10_000_000, 1))
    a = eng.evaluate(Profile.model_validate({"birth_date": "2024-03-15"}), as_of=AS_OF)
    assert a.items


def test_wrong_type_at_every_node_of_the_mini_calendar(tmp_path: Path) -> None:
    """Replace each node of a valid calendar by a wrong type: only CalendarError, with a line."""
    data = yaml.safe_load(MINI)

    def paths(node: object, p: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        out = [p]
        if isinstance(node, dict):
            for k, v in node.items():
                out += paths(v, (*p, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                out += paths(v, (*p, i))
        return out

    bad_values: list[object] = [None, 7, "zzz", ["zzz"], {"zzz": 1}]
    f = tmp_path / "fz.yaml"
    for p in paths(data)[1:]:
        for bad in bad_values:
            d = copy.deepcopy(data)
            cur = d
            for k in p[:-1]:
                cur = cur[k]
            cur[p[-1]] = copy.deepcopy(bad)
            f.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
            try:
                Engine.from_paths([f, FR_PRODUCTS])
            except CalendarError as e:
                assert e.line is not None, (p, bad, str(e))
            except Exception as e:
                pytest.fail(f"{p} = {bad!r}: {type(e).__name__}: {e}")


# ---------------------------------------- problems found (xfail: open; "Regression test": fixed)
# Regression test: failed at HEAD 34e17a9 (an impossible date in YAML (2020-02-30) raises
# ValueError from PyYAML's timestamp constructor: traceback in validate/calendars/agenda);
# fixed by e79f70d.
@pytest.mark.parametrize(
    "text",
    [
        MINI.replace("in_force: {from: 2020-01-01}", "in_force: {from: 2020-02-30}"),
        MINI.replace("mandatory: {born: {from: 2025-01-01}}",
                     "mandatory: {born: {from: 2025-02-29}}"),
    ],
    ids=["in_force-2020-02-30", "predicate-2025-02-29"],
)
def test_impossible_yaml_date(tmp_path: Path, text: str) -> None:
    expect_calendar_error(tmp_path, text)


# Regression test: failed at HEAD 34e17a9 (impossible YAML date: `prevention-engine validate`
# prints a traceback); fixed by e79f70d.
def test_impossible_yaml_date_cli(tmp_path: Path) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text(MINI.replace("{from: 2020-01-01}", "{from: 2020-02-30}"), encoding="utf-8")
    r = cli("validate", str(f), str(FR_PRODUCTS))
    assert r.exc is None and r.code == 1


# Regression test: failed at HEAD 34e17a9 (a required key present but null reaches an `assert`
# (AssertionError, and no check at all under python -O)); fixed by e79f70d.
@pytest.mark.parametrize(
    "pred",
    [
        "{observation: {code: bmi, op: '>=', value: null}}",
        "{postpartum: {within: null}}",
    ],
    ids=["observation-value-null", "postpartum-within-null"],
)
def test_required_key_null(tmp_path: Path, pred: str) -> None:
    expect_calendar_error(tmp_path, with_pred(pred), 28)


# Regression test: a RecursionError, then a CalendarError without a line, before.
@pytest.mark.parametrize(
    "pred",
    ["{not: " * 3000 + "{pregnant: true}" + "}" * 3000, "[" * 5000 + "]" * 5000],
    ids=["not-3000-deep", "list-5000-deep"],
)
def test_deep_nesting(tmp_path: Path, pred: str) -> None:
    expect_calendar_error(tmp_path, with_pred(pred))


# Regression test: failed at HEAD 34e17a9 (absurd durations pass validation, then every evaluation
# crashes (ValueError 'year ... out of range' / OverflowError)); fixed by e79f70d.
@pytest.mark.parametrize(
    "text",
    [
        MINI.replace('past_due_after: "1 month"', 'past_due_after: "99999999 years"'),
        MINI.replace('min: "6 weeks"', 'min: "9999999999999999999999 days"'),
    ],
    ids=["99999999-years", "1e22-days"],
)
def test_validated_rules_never_crash_evaluation(tmp_path: Path, text: str) -> None:
    try:
        eng = load(tmp_path, text)
    except CalendarError:
        return  # rejected at load time: fine
    eng.evaluate(Profile.model_validate({"birth_date": "2024-03-15"}), as_of=AS_OF)


# Regression test: failed at HEAD 34e17a9 (unquoted `version: 2025.10` is read as the float 2025.1
# and the calendar silently reports version '2025.1'); fixed by e79f70d.
def test_float_version_is_not_silently_changed(tmp_path: Path) -> None:
    try:
        eng = load(tmp_path, MINI.replace('version: "1"', "version: 2025.10"))
    except CalendarError:
        return
    assert eng.registry.calendars[0].version == "2025.10"


def test_default_engine_is_deterministic_across_loads() -> None:
    rules = Path(__file__).resolve().parents[2] / "rules"
    a = Engine.from_paths([rules]).evaluate(Profile.model_validate({"birth_date": "1960-01-01"}),
                                            as_of=dt.date(2026, 2, 1))
    b = Engine.from_paths([rules]).evaluate(
        Profile.model_validate({"birth_date": "1960-01-01"}), as_of=dt.date(2026, 2, 1))
    if a.to_json() != b.to_json():
        da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
        diff = {k: (da[k], db[k]) for k in da if da[k] != db[k] and k != "items"}
        items = [(x, y) for x, y in zip(da["items"], db["items"], strict=False) if x != y]
        pytest.fail(f"cached engine != fresh engine: {diff} {items[:2]}"
                    f" ({len(da['items'])} vs {len(db['items'])} items)")
