"""A rule text parsed once in a process is not parsed again: the packed values are kept by the
digest of the text. What must hold: every load gets values of its own, a changed text is
parsed anew (even of the same length, written in the same instant), a faulty one is refused
every time, and the kept bytes stay within their budget."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import Engine, Profile
from prevention_engine.calendar import yamlsrc
from prevention_engine.calendar.yamlsrc import _ParsedTexts, load_yaml
from prevention_engine.errors import CalendarError

ROOT = Path(__file__).resolve().parents[2]


def test_each_load_gets_values_of_its_own() -> None:
    text = "a: [1, {b: 2}]\n"
    first, second = load_yaml(text, "x.yaml"), load_yaml(text, "x.yaml")
    assert first == second == {"a": [1, {"b": 2}]}
    assert first is not second and first["a"] is not second["a"]
    first["a"].append(3)  # a caller changing its values changes nobody else's
    assert load_yaml(text, "x.yaml") == {"a": [1, {"b": 2}]}
    assert second.key_lines == {"a": 1} and second["a"].item_lines == [1, 1]


def test_a_changed_text_of_the_same_length_is_parsed_anew() -> None:
    assert load_yaml("value: 1\n", "x.yaml") == {"value": 1}
    assert load_yaml("value: 2\n", "x.yaml") == {"value": 2}


def test_a_faulty_text_is_refused_every_time_with_its_line() -> None:
    text = "a: 1\nb: &x 2\n"
    for _ in range(2):
        with pytest.raises(CalendarError) as err:
            load_yaml(text, "bad.yaml")
        assert err.value.line == 2 and err.value.file == "bad.yaml"


def test_the_budget_keeps_the_latest_texts() -> None:
    kept = _ParsedTexts(budget=10)
    kept.put(b"a", b"12345")
    kept.put(b"b", b"12345")
    assert kept.get(b"a") == b"12345"  # a is now the latest used
    kept.put(b"c", b"123")
    assert kept.get(b"b") is None and kept.get(b"a") == b"12345" and kept.get(b"c") == b"123"
    kept.put(b"big", b"x" * 11)  # larger than the whole budget: never kept
    assert kept.get(b"big") is None and kept.get(b"a") == b"12345"


def test_engines_built_from_kept_texts_give_the_same_agenda_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    profile = (ROOT / "examples" / "infant-2024.json").read_text(encoding="utf-8")
    p = Profile.model_validate_json(profile)
    as_of = dt.date(2025, 11, 10)
    # nothing kept: the first build parses every text, the second none
    monkeypatch.setattr(yamlsrc, "_PARSED", _ParsedTexts(budget=16 * 2**20))
    first = Engine.default()
    second = Engine.default()
    assert first.registry.calendars is not second.registry.calendars
    assert first.evaluate(p, as_of).to_json_bytes() == second.evaluate(p, as_of).to_json_bytes()


def test_a_batch_with_forked_workers_lets_go_of_the_kept_texts(engine: Engine) -> None:
    """Its workers share the engine: the texts kept for another build would only be counted
    again in every worker's memory."""
    import io

    from prevention_engine.batch import run_batch

    Engine.default()  # texts kept in this process
    assert yamlsrc._PARSED.get(_digest_of_a_bundled_file()) is not None
    lines = io.StringIO('{"id": "a", "birth_date": "2000-01-01"}\n' * 3)
    out, rej = io.BytesIO(), io.StringIO()
    summary = run_batch(lines, out, rej, dt.date(2025, 11, 10), engine=engine, workers=2)
    assert summary.written == 3
    assert yamlsrc._PARSED.get(_digest_of_a_bundled_file()) is None


def _digest_of_a_bundled_file() -> bytes:
    text = (ROOT / "rules" / "products" / "fr-products-2025.yaml").read_bytes().decode("utf-8")
    return yamlsrc._digest(text.replace("\r\n", "\n"))
