"""A user's own LMS tables (e.g. the French 2018 curves) in the bundled CSV format."""

from __future__ import annotations

import pytest

from prevention_engine.growth import (
    GrowthTableError,
    parse_lms_csv,
    reference_from_csv,
    score,
    who_reference,
)
from prevention_engine.growth.lms import Lms
from prevention_engine.growth.reference import WHO_STATURE_RULE

USER_CSV = """indicator,sex,age_months,l,m,s
# made-up numbers, for the mechanism only
height_for_age_placeholder_comment_is_skipped,f,0,1,1,1
"""

TABLE = """indicator,sex,age_months,l,m,s
length_height_for_age,female,24,1,86.0,0.04
length_height_for_age,female,36,1,95.0,0.04
lhfa,m,24,1,87.0,0.04
lhfa,m,36,1,96.0,0.04
"""


def test_a_user_table_interpolates_between_its_rows(tmp_path):
    path = tmp_path / "fr2018.csv"
    path.write_text(TABLE, encoding="utf-8")
    reference = reference_from_csv([path], "carnet de santé 2018 (user tables)")
    age_30_months = round(30 * 30.4375)
    result = score(reference, "length_height_for_age", "female", age_30_months, 90.5)
    assert result.reference == "carnet de santé 2018 (user tables)"
    assert result.table == str(path)
    lms = reference.table_for("length_height_for_age", "female", age_30_months).at(
        age_30_months
    )
    assert lms.m == pytest.approx(86.0 + 9.0 * (age_30_months / 30.4375 - 24) / 12)
    assert result.z == pytest.approx((90.5 / lms.m - 1) / 0.04)


def test_user_tables_have_no_tail_restriction_or_stature_conversion_unless_asked(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(TABLE, encoding="utf-8")
    plain = reference_from_csv([path], "plain")
    assert plain.restricted_tails == frozenset()
    assert plain.stature_rule is None
    who_like = reference_from_csv(
        [path], "who-like", restricted_tails=frozenset({"weight_for_age"}),
        stature_rule=WHO_STATURE_RULE,
    )
    assert who_like.stature_rule == WHO_STATURE_RULE


def test_ages_outside_a_user_table_are_errors(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(TABLE, encoding="utf-8")
    reference = reference_from_csv([path], "user")
    with pytest.raises(Exception, match="covered: 24-36 months"):
        score(reference, "length_height_for_age", "male", 100, 60.0)
    with pytest.raises(Exception, match="covered: nothing"):
        score(reference, "weight_for_age", "male", 800, 12.0)


def test_the_bundled_files_parse_with_the_user_loader():
    tables = who_reference().tables
    assert {(t.indicator, t.sex) for t in tables} >= {
        ("head_circumference_for_age", "female"),
        ("bmi_for_age", "male"),
    }
    day_tables = [t for t in tables if t.unit == "days"]
    assert all(tuple(t.ages) == tuple(float(d) for d in range(1857)) for t in day_tables)
    month_tables = [t for t in tables if t.unit == "months"]
    for table in month_tables:
        last = 120 if table.indicator == "weight_for_age" else 228
        assert tuple(table.ages) == tuple(float(m) for m in range(61, last + 1))
    assert len(day_tables) == 8 and len(month_tables) == 6


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", None, "empty file"),
        ("indicator,sex,age,l,m,s\n", 1, "age column"),
        ("sex,indicator,age_days,l,m,s\n", 1, "header"),
        ("indicator,sex,age_days,l,m,s\n", None, "no data rows"),
        ("indicator,sex,age_days,l,m,s\nwfa,f,0,1,2\n", 2, "6 columns"),
        ("indicator,sex,age_days,l,m,s\nwfh,f,0,1,2,0.1\n", 2, "unknown indicator"),
        ("indicator,sex,age_days,l,m,s\nwfa,x,0,1,2,0.1\n", 2, "unknown sex"),
        ("indicator,sex,age_days,l,m,s\nwfa,f,0,1,two,0.1\n", 2, "numbers"),
        ("indicator,sex,age_days,l,m,s\nwfa,f,0,1,0,0.1\n", 2, "m and s > 0"),
        ("indicator,sex,age_days,l,m,s\nwfa,f,0,1,2,0.1\nwfa,f,0,1,2,0.1\n", None, "twice"),
    ],
)
def test_malformed_tables_name_the_file_and_line(text, line, message):
    with pytest.raises(GrowthTableError) as error:
        parse_lms_csv(text, source="mine.csv")
    assert error.value.file == "mine.csv"
    assert error.value.line == line
    assert message in str(error.value)


def test_comment_lines_are_skipped_but_unknown_rows_are_not():
    text = "indicator,sex,age_days,l,m,s\n# a note\nwfa,f,0,1,3.0,0.1\nwfa,f,10,1,4.0,0.1\n"
    (table,) = parse_lms_csv(text, source="c.csv")
    assert table.points == (Lms(1.0, 3.0, 0.1), Lms(1.0, 4.0, 0.1))
    with pytest.raises(GrowthTableError):
        parse_lms_csv(USER_CSV, source="u.csv")


def test_a_missing_file_is_a_table_error(tmp_path):
    with pytest.raises(GrowthTableError) as error:
        reference_from_csv([tmp_path / "nope.csv"], "x")
    assert "nope.csv" in str(error.value)
