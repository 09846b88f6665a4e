"""Documentation that stands alone and stays current (issue 9).

The profile reference is generated from the models; the README and docs link only to files
inside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

from prevention_engine.reference import profile_reference

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "rules").rglob("*.md")), ROOT / "tests" / "data" / "cdsi" / "SOURCE.md"]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_profile_reference_is_current() -> None:
    committed = (ROOT / "docs" / "profile-reference.md").read_text(encoding="utf-8")
    assert committed == profile_reference(), (
        "docs/profile-reference.md is stale: run "
        "python -m prevention_engine.reference docs/profile-reference.md"
    )


def test_profile_reference_names_every_field_and_vocabulary() -> None:
    from prevention_engine import Profile
    from prevention_engine.vocabulary import CONDITIONS, OBSERVATIONS, TARGETS

    text = profile_reference()
    for name in Profile.model_fields:
        assert f"`{name}`" in text
    for word in [*TARGETS, *CONDITIONS, *OBSERVATIONS]:
        assert f"`{word}`" in text


def test_docs_link_only_inside_the_repository() -> None:
    bad = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        if "../shared" in text or "/work/" in text:
            bad.append(f"{doc.relative_to(ROOT)}: mentions a path outside the repository")
        for target in LINK.findall(text):
            if re.match(r"^[a-z]+://|^#|^mailto:", target):
                continue
            path = (doc.parent / target.split("#", 1)[0]).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                bad.append(f"{doc.relative_to(ROOT)}: link {target} leaves the repository or "
                           "points at nothing")
    assert bad == []
