"""The Python API for notebooks: `analyse` a DataFrame as `run --input` analyses a customer file,
without a database, then `publish` the result as a run the dashboard and the BI views read.

    from analytics import analyse, publish
    result = analyse(frame)            # segments, model, predictions, EDA, result.summary
    run_id = publish(result, "sqlite:///data/analytics.db")

The frame is written to a temporary CSV and read back by the validation `run --input` uses, so
it passes or fails by the same rules with the same messages. A message names the frame by
`name` ("DataFrame" unless given) and its lines: line n is the frame's row n - 2 in position
(line 1 is the header). The analysis is customer_file.analyse, the one `run` calls, and
`publish` stores it through customer_file.publish_analysis, the path every run is written by.
"""

import numbers
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from analytics.config import RANDOM_STATE, InputLimits
from analytics.errors import InputError
from analytics.runs import customer_file
from analytics.runs.provenance import sha256_of
from analytics.steps.classifier import ModelSelection, predict_probability
from analytics.steps.segmentation import FEATURE_COLUMNS
from analytics.validation.columns import parse_column_mapping
from analytics.validation.customer_file import read_customers
from analytics.validation.quarantine import BadRow
from analytics.validation.schema import CANONICAL_COLUMNS

DEFAULT_NAME = "DataFrame"


@dataclass(frozen=True)
class StudyResult:
    """What a `run --input` computes and stores, kept in memory.

    customers: the validated rows (reference column names) with `segment`,
    `purchase_probability` (NaN without a model) and `sample_rank`; segments: one row per
    segment (name, size, share, purchase rate, means and medians); k_scores: the scores of
    every k tried; model: the published purchase model (None when the data are too few), with
    its CV and holdout metrics, curves and importance; aggregates: the overview's EDA payloads;
    summary: what `run --json` prints, with run_id None; set_aside: the rows quarantined.
    """

    name: str
    input_sha256: str
    options: customer_file.RunOptions
    analysis: customer_file.Analysis
    set_aside: list[BadRow]

    @property
    def customers(self) -> pd.DataFrame:
        return self.analysis.customers

    @property
    def segments(self) -> pd.DataFrame:
        return self.analysis.segmentation.profiles

    @property
    def k_scores(self) -> pd.DataFrame:
        return self.analysis.segmentation.k_scores

    @property
    def model(self) -> ModelSelection | None:
        return self.analysis.model

    @property
    def aggregates(self) -> dict:
        return self.analysis.aggregates

    @property
    def notes(self) -> list[str]:
        return self.analysis.notes

    @cached_property
    def summary(self) -> dict:
        return customer_file.RunSummary(
            run_id=None, analysis=self.analysis, bad_rows=self.set_aside
        ).as_dict()

    def predict(
        self, age: float, salary: float, price: float | None = None, gender: str | None = None
    ) -> float:
        """The purchase probability the model gives an imagined customer (the what-if);
        `gender` None means the most common one, as in `python -m analytics predict`."""
        if self.model is None:
            raise InputError(f"{self.name}: no purchase model: {' '.join(self.notes)}")
        inputs = {"Age": age, "Salary": salary, "Price": price, "Gender": gender}
        try:
            return predict_probability(self.model.model, self.model.features, inputs)
        except ValueError as error:
            raise InputError(f"{error} (give price=…)") from None


def analyse(
    frame: pd.DataFrame,
    k: int | str = "auto",
    features: tuple[str, ...] | list[str] | None = None,
    columns: Mapping[str, str] | str | None = None,
    seed: int = RANDOM_STATE,
    name: str = DEFAULT_NAME,
    limits: InputLimits | None = None,
    jobs: int = 1,
) -> StudyResult:
    """Validate and analyse a customer file given as a DataFrame, as `run --input` does.

    The options are `run`'s: k ("auto" or a number of segments), features (segment on these,
    from age, salary, price; None means all three and needs a Price column), columns (the
    frame's own column names for the reference ones, as a mapping such as
    {"salary": "EstimatedSalary"} or `--columns` text), seed. `limits` are the file limits
    (the defaults unless given; the environment is not read). `jobs` worker processes share
    the model selection. Raises InputError with the message `run` would print.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    options = customer_file.RunOptions(
        k=_checked_k(k),
        features=_checked_features(features),
        columns=_checked_columns(columns),
        seed=seed,
        limits=limits or InputLimits(),
    )
    name = Path(name).name or DEFAULT_NAME
    with tempfile.TemporaryDirectory(prefix="analytics-") as folder:
        path = Path(folder) / name
        frame.to_csv(path, index=False)
        loaded = read_customers(path, options.columns, options.limits)
        input_sha256 = sha256_of(path)
    customers = loaded.customers
    customer_file.check_readable(name, customers.columns, len(customers), options)
    analysis = customer_file.analyse(
        customers,
        k=options.k,
        features=options.segment_features,
        seed=options.seed,
        jobs=jobs,
    )
    notes = [*loaded.notes, *analysis.notes]
    return StudyResult(
        name=name,
        input_sha256=input_sha256,
        options=options,
        analysis=replace(analysis, notes=notes),
        set_aside=loaded.bad_rows,
    )


def publish(result: StudyResult, database_url: str) -> int:
    """Store `result` as a published run in the database (migrated first if need be), exactly
    as `run --input` stores one, and return its run id."""
    if not isinstance(result, StudyResult):
        raise InputError(f"expected the result of analytics.analyse, got {type(result).__name__}")
    summary = customer_file.publish_analysis(
        database_url,
        result.name,
        result.input_sha256,
        result.options,
        result.analysis,
        result.set_aside,
    )
    return summary.run_id


def _checked_k(k: int | str) -> int | str:
    if k == "auto":
        return k
    if isinstance(k, numbers.Integral) and not isinstance(k, bool) and k >= 1:
        return int(k)
    raise InputError(f"k: expected 'auto' or a whole number of at least 1, got {k!r}")


def _checked_features(features) -> tuple[str, ...] | None:
    if features is None:
        return None
    # "age,salary" as on the command line, or a list of names.
    names = features.split(",") if isinstance(features, str) else features
    names = tuple(str(name).strip().lower() for name in names if str(name).strip())
    if not names or any(name not in FEATURE_COLUMNS for name in names):
        raise InputError(f"features: choose from {', '.join(FEATURE_COLUMNS)}; got {features!r}")
    return names


def _checked_columns(columns: Mapping[str, str] | str | None) -> dict[str, str] | None:
    if columns is None:
        return None
    try:
        if isinstance(columns, str):
            return parse_column_mapping(columns)
        unknown = [name for name in columns if name not in CANONICAL_COLUMNS]
        if unknown:
            raise ValueError(
                f"unknown name {unknown[0]!r}; use one of {', '.join(CANONICAL_COLUMNS)}"
            )
    except ValueError as error:
        raise InputError(f"columns: {error}") from None
    return dict(columns)
