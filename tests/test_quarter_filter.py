"""The quarter filter on a categorical column whose quarters are all unknown (links without a date)."""

import pandas as pd

from dashboard.filters import ViewFilter, _in_quarters


def test_all_unknown_quarters_select_nothing():
    quarters = pd.Series([None, None], dtype="category")
    mask = _in_quarters(quarters, ViewFilter(quarter_from="2023Q1", quarter_to="2023Q4"))
    assert mask.tolist() == [False, False]


def test_known_quarters_are_picked_by_category():
    quarters = pd.Series(["2022Q4", "2023Q2", None], dtype="category")
    mask = _in_quarters(quarters, ViewFilter(quarter_from="2023Q1", quarter_to="2023Q4"))
    assert mask.tolist() == [False, True, False]
