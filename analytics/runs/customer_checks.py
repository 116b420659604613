"""What a customer-file run of either engine (pandas, analytics.runs.customer_file; Spark,
analytics.spark.engine) decides from a validated file before analysing it: which segment
features it can use, with notes on what the file lacks, and whether there is enough data for a
trustworthy purchase model."""

from collections.abc import Collection, Sequence

import pandas as pd

from analytics.config import MIN_MODEL_ROWS, MIN_MODEL_ROWS_PER_CLASS
from analytics.errors import InputError
from analytics.steps.segmentation import feature_column
from analytics.validation.schema import OPTIONAL_COLUMNS


def column_notes(present: Collection[str], features: Sequence[str]) -> tuple[list[str], list[str]]:
    """Notes on absent optional columns and segment features, and the features that are
    present; an InputError when none is."""
    notes = [
        f"The file has no '{column}' column; it is left out of this run."
        for column in OPTIONAL_COLUMNS
        if column not in present
    ]
    usable = [name for name in features if feature_column(name) in present]
    if not usable:
        raise InputError(
            f"none of the segment features ({', '.join(features)}) are in the file; name the "
            "columns to segment on with --features, e.g. --features age,tenure_months,channel "
            "(a column of numbers or of at most 50 categories)."
        )
    if len(usable) < len(features):
        notes.append(
            f"Segments use {', '.join(usable)} (not {', '.join(features)}), "
            "since the file lacks the others."
        )
    return notes, usable


def model_gate(customers: pd.DataFrame) -> str | None:
    """Why there is too little data for a trustworthy purchase model, or None."""
    buyers = int(customers["Purchased"].sum())
    non_buyers = len(customers) - buyers
    if len(customers) < MIN_MODEL_ROWS:
        return f"{len(customers)} rows; at least {MIN_MODEL_ROWS} are needed."
    if min(buyers, non_buyers) < MIN_MODEL_ROWS_PER_CLASS:
        return (
            f"{buyers} buyers and {non_buyers} non-buyers; at least "
            f"{MIN_MODEL_ROWS_PER_CLASS} of each are needed."
        )
    return None
