"""The notebook API's checks of its arguments and of the frame, which need no analysis: each
refusal is an InputError with the message `run --input` would print for the same file."""

import subprocess
import sys

import pandas as pd
import pytest

from analytics import StudyResult, analyse, notebook, publish
from analytics.errors import InputError


@pytest.fixture
def frame(sample_csv) -> pd.DataFrame:
    return pd.read_csv(sample_csv, nrows=200)


def test_import_analytics_loads_neither_pandas_nor_scikit_learn():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, analytics; print(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'pandas', 'sklearn', 'numpy', 'sqlalchemy'}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"


def test_the_api_names_are_the_notebook_module_s():
    assert (analyse, publish, StudyResult) == (
        notebook.analyse,
        notebook.publish,
        notebook.StudyResult,
    )
    with pytest.raises(AttributeError, match="no attribute 'analyze'"):
        import analytics

        _ = analytics.analyze


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"k": 0}, "k: expected 'auto' or a whole number of at least 1, got 0"),
        ({"k": "three"}, "k: expected 'auto'"),
        ({"features": ["age", "height"]}, "features: choose from age, salary, price"),
        ({"features": []}, "features: choose from"),
        ({"columns": {"wage": "Salary"}}, "columns: unknown name 'wage'; use one of"),
        ({"columns": "salary"}, "columns: expected name=column, got 'salary'"),
    ],
)
def test_bad_options_are_refused_before_reading_the_frame(frame, options, message):
    with pytest.raises(InputError, match=message):
        analyse(frame, **options)


def test_something_other_than_a_frame_is_refused():
    with pytest.raises(InputError, match="expected a pandas DataFrame, got list"):
        analyse([{"Age": 30}])
    with pytest.raises(InputError, match=r"expected the result of analytics\.analyse, got dict"):
        publish({"k": 3}, "sqlite://")


def test_a_bad_cell_is_reported_by_the_frame_s_name_and_line(frame):
    frame = frame.astype({"Age": object})
    frame.loc[3, "Age"] = "forty"
    with pytest.raises(InputError) as refused:
        analyse(frame, name="shop.csv")
    # Row 3 of the frame is line 5: line 1 is the header.
    assert str(refused.value).startswith("shop.csv: ")
    assert "Age" in str(refused.value) and "line 5" in str(refused.value)


def test_a_frame_without_prices_needs_named_features_as_a_file_does(frame):
    with pytest.raises(InputError, match="DataFrame: missing column 'Price'"):
        analyse(frame.drop(columns="Price"))


def test_an_empty_frame_is_refused_as_an_empty_file_is(frame):
    with pytest.raises(InputError, match="the file has a header but no data rows"):
        analyse(frame.head(0))
