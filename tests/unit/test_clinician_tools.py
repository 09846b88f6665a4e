"""Clinician tools: rendered calendars (and their committed copies), version diffs and the
lint of `validate`."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from prevention_engine.cli import main
from prevention_engine.clinician.diff import diff, to_text, uncovered
from prevention_engine.clinician.lint import _windows, lint, review_list
from prevention_engine.clinician.render import (
    CalendarFile,
    calendar_files,
    documents,
    render,
    select,
)

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
DOCS = ROOT / "docs" / "calendars"
PRODUCTS = RULES / "products"

V1 = """calendar: test-cal
version: "1"
jurisdiction: FR
title: Calendrier d'essai
in_force: {from: 2020-01-01, to: 2020-12-31}
source: {title: t, url: "https://example.org"}
changes: ["Première version."]
items:
  - id: menb
    domain: vaccination
    title: "Méningocoque B | <script>alert(1)</script> *gras*"
    targets: [meningococcus_b]
    source: {title: MenB, url: "https://example.org/menb", section: "§ 2"}
    series:
      - name: standard
        doses:
          - ages: {min: "2 months", earliest_rec: "3 months", max: "2 years"}
          - ages: {earliest_rec: "5 months"}
            intervals: [{from: previous, min: "2 months"}]
            products: [Bexsero]
  - id: checkup
    domain: screening
    title: Bilan
    targets: [prevention_checkup]
    kind: window
    anchor: birth
    source: {title: Bilan, url: "https://example.org/bilan", section: "s"}
    windows:
      - {id: "18-25", from: "18 years", to: "26 years"}
      - {id: "45-50", from: "45 years", to: "51 years"}
  - id: gone
    domain: screening
    title: Retiré
    targets: [hiv]
    kind: recurring
    start_age: "15 years"
    stop_age: "75 years"
    source: {title: VIH, url: "https://example.org/vih", section: "s"}
"""


def write_versions(tmp: Path, v2_changes: str) -> Path:
    """Two versions: in 2, menb's second dose moves to 4 months, `gone` goes, `hpv` comes."""
    folder = tmp / "cals"
    folder.mkdir()
    (folder / "v1.yaml").write_text(V1, encoding="utf-8")
    v2 = (V1.replace('version: "1"', 'version: "2"')
          .replace("{from: 2020-01-01, to: 2020-12-31}", "{from: 2021-01-01}")
          .replace('changes: ["Première version."]', f"changes: {v2_changes}")
          .replace('earliest_rec: "5 months"', 'earliest_rec: "4 months"'))
    v2 = v2[: v2.index("  - id: gone")] + """  - id: hpv
    domain: vaccination
    title: HPV
    targets: [hpv]
    source: {title: HPV, url: "https://example.org/hpv", section: "s"}
    series:
      - name: standard
        doses:
          - ages: {earliest_rec: "11 years", max: "20 years"}
"""
    (folder / "v2.yaml").write_text(v2, encoding="utf-8")
    return folder


# ------------------------------------------------------------------ render
def test_committed_calendar_documents_are_current() -> None:
    """docs/calendars/ is generated: regenerate with `prevention-engine render --out
    docs/calendars` after changing rules/ (see docs/calendars/README.md)."""
    wanted = documents(calendar_files([RULES]), ["md"])
    present = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert sorted(present) == sorted(wanted), "run: prevention-engine render --out docs/calendars"
    stale = [n for n in wanted if present[n] != wanted[n]]
    assert not stale, f"stale: {stale}; run: prevention-engine render --out docs/calendars"


def test_markdown_has_one_row_per_item_with_source_and_review() -> None:
    for cal in calendar_files([RULES / "screening", RULES / "vaccination", PRODUCTS]):
        text = render(cal, "md")
        rows = [line for line in text.splitlines() if line.startswith("| **")]
        items = cal.data["items"]
        assert len(rows) == len(items)
        for row, it in zip(rows, items, strict=True):
            assert f"`{it['id']}`" in row
            assert it["source"]["url"] in row
            # every row has exactly the 7 columns (no pipe leaks from the text)
            assert len(re.findall(r"(?<!\\)\|", row)) == 8, row[:200]
            assert ("**à revoir**" in row) == (it.get("review") == "needed")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.rows = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in ("br", "meta"):
            self.stack.append(tag)
        self.rows += tag == "tr"
        self.scripts += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag


def test_html_is_well_formed_and_escaped(tmp_path: Path) -> None:
    folder = write_versions(tmp_path, '["`menb`, `gone`, `hpv`"]')
    cal = select(calendar_files([folder, PRODUCTS]), "test-cal@1")[0]
    page = render(cal, "html")
    parser = _Tags()
    parser.feed(page)
    assert parser.stack == [] and parser.scripts == 0
    assert parser.rows == 1 + 3  # header + items
    assert "&lt;script&gt;" in page
    assert '<a href="https://example.org/menb">MenB</a>' in page
    md = render(cal, "md")
    assert "\\<script\\>" in md and "\\|" in md and "\\*gras\\*" in md
    assert "dose 2 : recommandé 5 mois; après la dose précédente : ≥ 2 mois" in md
    assert "18-25 : de 18 ans à 26 ans (exclu)" in md


def test_render_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "fr-screening@2026.1", "--format", "html"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    assert main(["render", "fr-screenin"]) == 1
    assert "did you mean 'fr-screening'" in capsys.readouterr().err
    out = tmp_path / "docs"
    out.mkdir()
    (out / "old-1.md").write_text("stale", encoding="utf-8")
    assert main(["render", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert "old-1.md" not in names and "README.md" in names
    assert "fr-vaccination-2025.1.md" in names


# ------------------------------------------------------------------ diff
def test_diff_item_by_item(tmp_path: Path) -> None:
    folder = write_versions(tmp_path, '["`menb` : 2e dose à 4 mois ; `hpv` ajouté."]')
    files = calendar_files([folder, PRODUCTS])
    d = diff(*files)
    assert d.added == [("hpv", "HPV")]
    assert d.removed == [("gone", "Retiré")]
    assert list(d.changed) == ["menb"]
    assert d.changed["menb"] == [("series[standard].doses[2].ages.earliest_rec",
                                  "5 months", "4 months")]
    text = to_text(d)
    assert "series[standard].doses[2].ages.earliest_rec : 5 mois → 4 mois" in text
    assert uncovered(d) == ["gone"]  # the changes: list forgot to say it was removed


def test_every_version_changes_list_covers_its_diff() -> None:
    """Each version's `changes:` names (by id, best in backticks) every item added, removed or
    changed since the previous version of the same calendar."""
    files = calendar_files([RULES])
    by_id: dict[str, list[CalendarFile]] = {}
    for f in files:
        by_id.setdefault(f.id, []).append(f)
    pairs = 0
    for versions in by_id.values():
        for old, new in itertools.pairwise(versions):
            d = diff(old, new)
            assert not uncovered(d), (new.version, uncovered(d))
            pairs += 1
    assert pairs >= 3


def test_diff_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "fr-vaccination@2025.1", "fr-vaccination@2025.2"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("fr-vaccination 2025.1 → 2025.2")
    assert "~ hpv" in out.out and out.err == ""
    folder = write_versions(tmp_path, '["`menb`, `hpv`"]')
    assert main(["diff", "test-cal@1", "test-cal@2", "--rules", str(folder),
                 "--rules", str(PRODUCTS)]) == 0
    assert "does not name gone" in capsys.readouterr().err
    assert main(["diff", "fr-vaccination", "fr-vaccination@2025.2"]) == 1
    assert "CALENDAR@VERSION" in capsys.readouterr().err


# ------------------------------------------------------------------ lint
BAD = V1.replace('{id: "45-50", from: "45 years", to: "51 years"}',
                 '{id: "20-30", from: "20 years", to: "31 years"}') \
    .replace('ages: {earliest_rec: "5 months"}',
             'ages: {earliest_rec: "5 months", max: "3 months"}') \
    .replace('source: {title: VIH, url: "https://example.org/vih", section: "s"}',
             'source: {title: VIH, url: "https://example.org/vih"}')


def test_lint_finds_overlaps_unreachable_doses_and_missing_sources(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(BAD, encoding="utf-8")
    found = {(x.item, x.check) for x in lint(calendar_files([f, PRODUCTS])[0])}
    # menb's 2nd dose is also recommended (5 months) after its maximum age (3 months): order
    assert found == {("checkup", "overlap"), ("menb", "unreachable"), ("menb", "order"),
                     ("gone", "source")}
    messages = [str(x) for x in lint(calendar_files([f, PRODUCTS])[0])]
    # windows declared exclusive (a procedure completes one only) may overlap, as the official
    # child exam windows do ("dans les 8 jours", "au cours de la 2e semaine")
    windows = [{"id": "8-jours", "from": "0 days", "to": "9 days"},
               {"id": "2e-semaine", "from": "7 days", "to": "14 days"}]
    assert [c for _, c, _ in _windows(windows, exclusive=False)] == ["overlap"]
    assert list(_windows(windows, exclusive=True)) == []
    assert any("dose 2" in m and "4 months" in m for m in messages)
    assert any(m.startswith(f"{f}:") and "section" in m for m in messages)


def test_bundled_rules_lint_clean_and_review_list() -> None:
    files = calendar_files([RULES])
    assert [str(x) for c in files for x in lint(c)] == []
    listed = [r for c in files for r in review_list(c)]
    assert listed and all(reason for _, _, _, reason in listed)


def test_validate_review_and_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--review", str(RULES / "screening"), str(PRODUCTS)]) == 0
    out = capsys.readouterr().out
    assert "lint: 0 findings" in out
    n_review = len([c for c in calendar_files([RULES / "screening", PRODUCTS])
                    for _ in review_list(c)])
    assert out.count(": fr-screening@") == n_review > 0
    f = tmp_path / "bad.yaml"
    f.write_text(BAD, encoding="utf-8")
    assert main(["validate", str(f)]) == 0
    assert "lint: 4 findings" in capsys.readouterr().out
    assert main(["validate", "--strict", str(f)]) == 1
