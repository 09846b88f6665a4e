"""Notifications and consent (DESIGN.md sections 7 and 9) and the notify mode, on the bundled
calendars: a 67-year-old woman in the 2025-2026 flu season has vaccination rows of three
kinds (series, campaign) and screening rows (recurring) to be told about."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import Engine, Profile
from prevention_engine.cli import main
from prevention_engine.dates import Duration
from prevention_engine.notifications import new_notifications
from prevention_engine.notify import Outgoing, notify_many

AS_OF = dt.date(2025, 11, 10)
WOMAN: dict[str, Any] = {"id": "w-1", "birth_date": "1958-03-01", "sex": "female",
                         "residence": {"country": "FR", "department": "75"}}
CHILD: dict[str, Any] = {"id": "k-1", "birth_date": "2024-03-15",
                         "residence": {"country": "FR", "department": "75"},
                         "caregivers": [{"id": "mum", "relation": "parent"},
                                        {"id": "dad", "relation": "parent"}]}


def agenda(engine: Engine, **changes: Any) -> Any:
    return engine.evaluate(Profile.model_validate({**WOMAN, **changes}), AS_OF)


def notified_domains(a: Any) -> set[str]:
    rows = {i.id: i for i in a.items}
    return {rows[n.item_id].domain for n in a.notifications}


def test_each_domain_opt_out_silences_every_kind(engine: Engine) -> None:
    base = agenda(engine)
    kinds = {n.item_id.split("/")[1] for n in base.notifications}
    assert {"influenza", "dtp", "colorectal_screening"} <= kinds  # campaign, series, recurring
    assert notified_domains(base) == {"vaccination", "screening"}
    for domain in ("vaccination", "screening"):
        a = agenda(engine, consent={"opt_out_domains": [domain]})
        assert domain not in notified_domains(a)
        assert notified_domains(a) == {"vaccination", "screening"} - {domain}
        # the agenda still shows the domain's series and recurring items: only the telling stops
        assert any(i.domain == domain and i.status in ("due", "overdue") for i in a.items)


def test_declined_item_is_never_notified_whatever_its_kind(engine: Engine) -> None:
    a = agenda(engine, declined=[{"item": "influenza"}, {"item": "colorectal_screening"},
                                 {"item": "dtp"}])
    for item in ("influenza", "colorectal_screening", "dtp"):
        assert {r.status for r in a.item(item)} <= {"declined", "completed"}
        assert not [n for n in a.notifications if f"/{item}" in n.item_id]
    assert a.notifications  # the other items still are


@pytest.mark.parametrize(("channels", "expected"), [
    ({}, ["app"]),
    ({"sms": False}, ["app"]),  # refusing SMS is not refusing everything
    ({"email": True, "sms": False}, ["email"]),
    ({"email": True, "sms": True}, ["email", "sms"]),
    ({"app": False}, []),
    ({"app": False, "email": False}, []),
])
def test_channels_respect_consent(engine: Engine, channels: dict[str, bool],
                                  expected: list[str]) -> None:
    a = agenda(engine, consent={"channels": channels})
    per_item: dict[str, list[str]] = {}
    for n in a.notifications:
        per_item.setdefault(n.item_id, []).append(n.channel)
    if not expected:
        assert a.notifications == []
    else:
        assert per_item and all(chans == expected for chans in per_item.values())


def test_recipient_is_the_caregiver_of_a_minor_or_a_dependent_adult(engine: Engine) -> None:
    child = engine.evaluate(Profile.model_validate(CHILD), AS_OF)
    assert child.notifications and {n.recipient for n in child.notifications} == {"mum"}
    carer = [{"id": "son", "relation": "child"}]
    adult = agenda(engine, caregivers=carer)
    assert {n.recipient for n in adult.notifications} == {"w-1"}
    dependent = agenda(engine, caregivers=carer, dependent=True)
    assert {n.recipient for n in dependent.notifications} == {"son"}
    alone = agenda(engine, dependent=True)  # no caregiver recorded: the person
    assert {n.recipient for n in alone.notifications} == {"w-1"}
    # who receives it does not change the key (the same reminder, told once)
    assert {n.key for n in adult.notifications} == {n.key for n in dependent.notifications}


def test_keys_are_stable_from_day_to_day_and_differ_by_channel(engine: Engine) -> None:
    one = agenda(engine)
    later = engine.evaluate(Profile.model_validate(WOMAN), AS_OF + dt.timedelta(days=3))
    assert {n.key for n in one.notifications} == {n.key for n in later.notifications}
    two = agenda(engine, consent={"channels": {"app": True, "sms": True}})
    keys = [n.key for n in two.notifications]
    assert len(keys) == len(set(keys)) == 2 * len(one.notifications)


def test_new_notifications_leaves_out_sent_keys_and_future_send_dates(engine: Engine) -> None:
    a = engine.evaluate(Profile.model_validate(CHILD), AS_OF, horizon=Duration(years=1))
    today = [n for n in a.notifications if n.send_date <= AS_OF]
    ahead = [n for n in a.notifications if n.send_date > AS_OF]
    assert today
    assert new_notifications(a, []) == today
    assert new_notifications(a, [today[0].key]) == today[1:]
    assert new_notifications(a, {n.key for n in today}) == []
    if ahead:
        assert new_notifications(a, [], until=ahead[-1].send_date) == a.notifications


def test_a_nightly_run_sends_each_notification_once(engine: Engine) -> None:
    """Sixty nights of a baby's first year: every key goes out once, on or after its send date,
    and each dose is told as it comes due."""
    baby = {"id": "b-1", "birth_date": "2025-01-10", "caregivers": [{"id": "p"}]}
    sent: dict[str, dt.date] = {}
    day = dt.date(2025, 2, 1)
    for _ in range(60):
        for out in notify_many(engine, [baby], day, sent):
            assert isinstance(out, Outgoing), out
            assert out.key not in sent, out
            assert out.send_date <= day
            sent[out.key] = day
        day += dt.timedelta(days=3)
    assert len(sent) >= 3  # 2-month doses, 4-month doses...
    assert len(set(sent.values())) >= 2  # told on different nights, as doses come due


def test_notify_many_reports_a_bad_record_and_goes_on(engine: Engine) -> None:
    out = list(notify_many(engine, ['{"birth_date": "nope"}', json.dumps(WOMAN)], AS_OF))
    assert type(out[0]).__name__ == "Rejected" and "birth_date" in out[0].error  # type: ignore[union-attr]
    assert all(getattr(o, "person_id", None) == "w-1" for o in out[1:]) and len(out) > 1


def test_notify_cli_emits_only_new_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    profiles = tmp_path / "people.jsonl"
    profiles.write_text(json.dumps(WOMAN) + "\n\nnot json\n" + json.dumps(CHILD) + "\n",
                        encoding="utf-8")
    assert main(["notify", str(profiles), "--as-of", "2025-11-10"]) == 0
    first = capsys.readouterr()
    lines = [json.loads(x) for x in first.out.splitlines()]
    assert {x["person_id"] for x in lines} == {"w-1", "k-1"}
    assert all(x["title"] and x["status"] in ("due", "overdue", "needs_data") for x in lines)
    assert '"line": 3' in first.err and "profiles 3" in first.err and "rejected 1" in first.err
    sent = tmp_path / "sent.txt"
    # a previous output (JSON lines) and bare keys are both read
    sent.write_text(first.out + lines[0]["key"] + "\n", encoding="utf-8")
    assert main(["notify", str(profiles), "--as-of", "2025-11-10", "--sent", str(sent)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["notify", str(profiles), "--as-of", "2025-11-10", "--strict"]) == 1


def test_notify_cli_reads_stdin(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(WOMAN) + "\n"))
    assert main(["notify", "-", "--as-of", "2025-11-10"]) == 0
    out = capsys.readouterr()
    assert out.out.count('"person_id":"w-1"') >= 3 and "profiles 1" in out.err


def test_notify_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    one = tmp_path / "p.json"
    one.write_text(json.dumps(WOMAN, indent=2), encoding="utf-8")
    assert main(["notify", str(one), "--as-of", "2025-11-10",
                 "--sent", str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt" in capsys.readouterr().err
    bad = tmp_path / "sent.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    assert main(["notify", str(one), "--as-of", "2025-11-10", "--sent", str(bad)]) == 1
    assert "key" in capsys.readouterr().err
    assert main(["notify", str(one), "--as-of", "2025-11-10", "--until", "2025-11-01"]) == 1
    assert "before" in capsys.readouterr().err
    assert main(["notify", str(tmp_path / "nobody.jsonl"), "--as-of", "2025-11-10"]) == 1
    assert "nobody.jsonl" in capsys.readouterr().err
