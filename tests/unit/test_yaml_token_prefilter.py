"""The rule loader skips its token scan (anchors, aliases, refused tags) when the text has no
place where such a token could start. The skip must never let one through: wherever the YAML
scanner finds one, the prefilter must have seen a possible start."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from prevention_engine.calendar.yamlsrc import _MAYBE_TOKEN, _Loader, load_yaml
from prevention_engine.errors import CalendarError

_TOKENS = (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)


def _has_token(text: str) -> bool | None:
    """Whether the scanner finds an anchor, alias or tag (None: not YAML at all)."""
    try:
        return any(isinstance(t, _TOKENS) for t in yaml.scan(text, Loader=_Loader))
    except yaml.YAMLError:
        return None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab &*!:-?,[]{}\"'|>#%\n\t\ufeff<>.2", max_size=30))
@example('""!')  # a tag right after a quoted scalar (found by this test)
def test_no_token_escapes_the_prefilter(text: str) -> None:
    if _has_token(text):
        assert _MAYBE_TOKEN.search(text), text


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!set {x}\n", "- &a x\n", "[&a x, *a]\n", "{a: &b c}\n",
    '{"a":&b 1}\n', "\ufeff&a x\n", "? &k a\n: v\n", "--- &d\na: 1\n",
    "a: !<tag:yaml.org,2002:set> {x}\n",
])
def test_each_way_of_writing_one_is_still_refused(text: str) -> None:
    assert _has_token(text)
    with pytest.raises(CalendarError, match="not allowed in rule files"):
        load_yaml(text, "x.yaml")


def test_text_that_only_mentions_the_characters_is_not_scanned_for_nothing() -> None:
    """Ampersands and asterisks inside words (R&D, 5*3) are no token: no scan is needed."""
    assert _MAYBE_TOKEN.search("title: R&D 5*3 wow!\n") is None
    assert load_yaml("title: R&D 5*3 wow!\n", "x.yaml") == {"title": "R&D 5*3 wow!"}
