import pytest

from analytics.config import analysis_jobs, cv_folds


def test_cv_folds_drop_to_three_for_large_selection_samples():
    assert [cv_folds(rows) for rows in (800, 4_999, 5_000, 10_000)] == [5, 5, 3, 3]


def test_analysis_jobs_default_to_the_runs_own_process():
    assert analysis_jobs({}) == 1
    assert analysis_jobs({"ANALYTICS_JOBS": "1"}) == 1
    assert analysis_jobs({"ANALYTICS_JOBS": " 12 "}) == 12


@pytest.mark.parametrize("value", ["0", "-2", "many", "nan"])
def test_analysis_jobs_refuse_what_is_not_a_positive_number(value):
    with pytest.raises(ValueError, match="ANALYTICS_JOBS must be a number of at least 1"):
        analysis_jobs({"ANALYTICS_JOBS": value})
