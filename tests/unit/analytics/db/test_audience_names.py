"""The checks an audience passes before it is stored: its name, and filters that can only be a
link's parameters."""

import pytest

from analytics.db.audience_repository import AudienceRefused, checked_query, clean_name
from analytics.db.models import AUDIENCE_NAME_LENGTH, AUDIENCE_QUERY_LENGTH


def test_a_name_is_trimmed_and_its_inner_spaces_made_one():
    assert clean_name("  Young \t buyers  ") == "Young buyers"
    assert clean_name("x" * AUDIENCE_NAME_LENGTH) == "x" * AUDIENCE_NAME_LENGTH


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (None, "Give the audience a name."),
        ("   ", "Give the audience a name."),
        (["a"], "Give the audience a name."),
        ("x" * (AUDIENCE_NAME_LENGTH + 1), f"at most {AUDIENCE_NAME_LENGTH} characters"),
        ("bell\x07", "control characters"),
        ("right\u202eto left", "control characters"),
    ],
)
def test_a_name_that_is_empty_too_long_or_holds_control_characters_is_refused(name, message):
    with pytest.raises(AudienceRefused, match=message):
        clean_name(name)


def test_the_explorers_query_string_is_kept_without_its_question_mark():
    assert checked_query("?gender=Female&segment=1,3") == "gender=Female&segment=1,3"
    assert checked_query("sel=lasso,Age,Price,20,1,-40,2.5,30,1e%2B20") == (
        "sel=lasso,Age,Price,20,1,-40,2.5,30,1e%2B20"
    )
    assert checked_query("") == ""


@pytest.mark.parametrize(
    "query",
    [
        "run=3&segment=1",
        "segment=1&run=3",
        "segment=<script>",
        "gender=a b",
        "=1",
        "age=" + "1" * AUDIENCE_QUERY_LENGTH,
        "x=Age\n",
    ],
)
def test_anything_but_filters_as_a_link_has_them_is_refused(query):
    with pytest.raises(AudienceRefused, match="cannot be saved"):
        checked_query(query)
