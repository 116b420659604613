"""Fairness of the purchase model on its holdout: per gender and per age band, how many customers,
how many buy, whom the model selects at its threshold, how often it finds the buyers and wrongly
picks the others, and how well calibrated it is (Brier), computed with fairlearn's MetricFrame;
then the largest ratio and gap between the groups and a verdict in words.

The four-fifths rule (US EEOC guidance on adverse impact) flags a group whose selection rate is
below 0.8x the most selected group's: a screening rule, not a legal finding.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

FOUR_FIFTHS = 0.8
# Groups smaller than this on the holdout give rates too noisy to compare: age bands are merged
# with a neighbour until each has this many customers.
MIN_GROUP_SIZE = 30
# (lowest age, first age above the band); None is open-ended.
AGE_BANDS = ((None, 25), (25, 35), (35, 45), (45, 55), (55, None))
# Attribute key in results → the customer-file column it comes from.
ATTRIBUTES = {"gender": "Gender", "age_band": "Age"}
# An order log's other customer attributes are compared when they have this few values at most
# (a region, a channel); more are identifiers or free text, with groups too small to compare.
MAX_CATEGORIES = 10
METRICS = (
    "size",
    "base_rate",
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "brier",
)


def fairness_report(
    y_true: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    customers: pd.DataFrame,
    columns: Mapping[str, str] = ATTRIBUTES,
) -> dict:
    """{"threshold", "attributes": {key: attribute_report}, "notes": [...]} for the holdout
    customers (`customers` has their attribute `columns`, aligned with `y_true` and `scores`).
    An attribute the file lacks is left out, and a note says so."""
    y_true = np.asarray(y_true).astype(int)
    scores = np.asarray(scores, dtype=float)
    attributes, notes = {}, []
    for key, column in columns.items():
        if column not in customers or customers[column].isna().all():
            notes.append(f"No fairness by {key.replace('_', ' ')}: the file has no {column}.")
            continue
        values = customers[column].reset_index(drop=True)
        known = values.notna().to_numpy()
        if key == "age_band":
            groups, merge_notes = age_bands(values[known].astype(float))
            notes.extend(merge_notes)
        else:
            groups = values[known].astype(str)
        if not known.all():
            notes.append(f"{int((~known).sum())} holdout customers without {column} are left out.")
        attributes[key] = attribute_report(
            y_true[known], scores[known], threshold, groups.to_numpy(), key
        )
    return {"threshold": threshold, "attributes": attributes, "notes": notes}


def present_attributes(customers: pd.DataFrame) -> dict[str, str]:
    """The attribute columns an order log's customers have, keyed as in ATTRIBUTES: Gender and
    Age (matched whatever their case), then any other column with 2 to MAX_CATEGORIES values."""
    by_name = {str(column).lower(): column for column in customers.columns}
    columns = {
        key: by_name[name.lower()] for key, name in ATTRIBUTES.items() if name.lower() in by_name
    }
    for column in customers.columns:
        key = str(column).strip().lower().replace(" ", "_")
        new = column not in columns.values() and key not in columns
        if new and 2 <= customers[column].nunique() <= MAX_CATEGORIES:
            columns[key] = column
    return columns


def attribute_report(
    y_true: np.ndarray, scores: np.ndarray, threshold: float, groups: np.ndarray, key: str
) -> dict:
    """Per group the METRICS, the lowest selection rate over the highest, the largest gap
    between true-positive rates, and the verdict."""
    cells = _cells(y_true, scores, threshold, groups, key)
    weights = {"customers": cells["customers"], "squared_error": cells["squared_error"]}
    frame = MetricFrame(
        metrics=_METRIC_FUNCTIONS,
        y_true=cells["bought"],
        y_pred=cells["selected"],
        sensitive_features=cells[key],
        sample_params=dict.fromkeys(_METRIC_FUNCTIONS, weights),
    )
    by_group = frame.by_group
    if key == "age_band":  # youngest first, as the bands were made
        by_group = by_group.loc[sorted(by_group.index, key=_band_start)]
    table = {
        str(name): {metric: _number(row[metric]) for metric in METRICS}
        for name, row in by_group.iterrows()
    }
    for row in table.values():
        row["size"] = int(row["size"])
    selection = by_group["selection_rate"]
    tpr = by_group["true_positive_rate"].dropna()
    # Between groups: the lowest selection rate over the highest (NaN if nobody is selected),
    # and the highest true-positive rate minus the lowest (groups without buyers left out).
    ratio = frame.ratio(method="between_groups")["selection_rate"] if selection.max() > 0 else None
    return {
        "groups": table,
        "max_selection_rate_ratio": _number(ratio),
        "max_tpr_gap": _number(frame.difference(method="between_groups")["true_positive_rate"])
        if len(tpr)
        else None,
        "verdict": verdict(key, selection, tpr),
    }


def verdict(key: str, selection: pd.Series, tpr: pd.Series) -> str:
    """The four-fifths rule on the selection rates, and the true-positive gap, in words."""
    label = key.replace("_", " ")
    if len(selection) < 2:
        return f"Only one {label} group in the holdout: nothing to compare."
    highest, lowest = selection.idxmax(), selection.idxmin()
    if selection[highest] == 0:
        return f"The model selects no one in the holdout at this threshold, in any {label} group."
    ratio = selection[lowest] / selection[highest]
    rule = (
        "below the four-fifths rule"
        if ratio < FOUR_FIFTHS
        else "within the four-fifths rule (at least 0.80×)"
    )
    sentence = f"Selection rate for {lowest} is {ratio:.2f}× {highest}'s: {rule}."
    if len(tpr) >= 2:
        sentence += (
            f" Buyers found (true-positive rate): {tpr.min():.0%} for {tpr.idxmin()} to "
            f"{tpr.max():.0%} for {tpr.idxmax()}."
        )
    return sentence


def age_bands(ages: pd.Series) -> tuple[pd.Series, list[str]]:
    """Each age's band label, bands of fewer than MIN_GROUP_SIZE customers merged with their
    smaller neighbour (and notes saying which were merged)."""
    bands = [list(band) for band in AGE_BANDS]
    counts = [int(_in_band(ages, *band).sum()) for band in bands]
    notes = []
    while len(bands) > 1 and min(counts) < MIN_GROUP_SIZE:
        small = int(np.argmin(counts))
        neighbours = [i for i in (small - 1, small + 1) if 0 <= i < len(bands)]
        other = min(neighbours, key=lambda i: counts[i])
        first, second = sorted((small, other))
        merged = [bands[first][0], bands[second][1]]
        notes.append(
            f"Age bands {band_label(*bands[first])} and {band_label(*bands[second])} are "
            f"merged into {band_label(*merged)}: {band_label(*bands[small])} has "
            f"{counts[small]} holdout customers, fewer than {MIN_GROUP_SIZE}."
        )
        bands[first : second + 1] = [merged]
        counts[first : second + 1] = [counts[first] + counts[second]]
    labels = pd.Series(index=ages.index, dtype=object)
    for band in bands:
        labels[_in_band(ages, *band)] = band_label(*band)
    return labels, notes


def band_label(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "all ages"
    if low is None:
        return f"under {high}"
    if high is None:
        return f"{low}+"
    return f"{low}–{high - 1}"


def _in_band(ages: pd.Series, low: int | None, high: int | None) -> pd.Series:
    inside = pd.Series(True, index=ages.index)
    if low is not None:
        inside &= ages >= low
    if high is not None:
        inside &= ages < high
    return inside


def _band_start(label: str) -> float:
    if label.startswith("under") or label == "all ages":
        return -1.0
    return float(label.split("–")[0].rstrip("+"))


def _cells(y_true: np.ndarray, scores: np.ndarray, threshold: float, groups: np.ndarray, key: str):
    """The holdout summed into cells of (group, bought, selected): how many customers and the sum
    of their squared errors. MetricFrame turns each row into a Python object (an np.stack per
    metric and group: 8 s at a 200,000-row holdout); every metric here is a ratio of sums, so it
    is exact on the cells, which are at most four per group."""
    rows = pd.DataFrame(
        {
            key: groups,
            "bought": y_true,
            "selected": (scores >= threshold).astype(int),
            "squared_error": (scores - y_true) ** 2,
        }
    )
    return (
        rows.groupby([key, "bought", "selected"], sort=False)
        .agg(customers=("bought", "size"), squared_error=("squared_error", "sum"))
        .reset_index()
    )


def _ratio(numerator: float, denominator: float) -> float:
    """NaN for a rate a group cannot have (a true-positive rate without buyers), not 0."""
    return float(numerator / denominator) if denominator else np.nan


# MetricFrame's metrics over cells: bought and selected (0/1) with their customers and summed
# squared errors.
_METRIC_FUNCTIONS = {
    "size": lambda bought, selected, customers, squared_error: int(customers.sum()),
    "base_rate": lambda bought, selected, customers, squared_error: _ratio(
        (customers * bought).sum(), customers.sum()
    ),
    "selection_rate": lambda bought, selected, customers, squared_error: _ratio(
        (customers * selected).sum(), customers.sum()
    ),
    "true_positive_rate": lambda bought, selected, customers, squared_error: _ratio(
        (customers * selected * bought).sum(), (customers * bought).sum()
    ),
    "false_positive_rate": lambda bought, selected, customers, squared_error: _ratio(
        (customers * selected * (1 - bought)).sum(), (customers * (1 - bought)).sum()
    ),
    "brier": lambda bought, selected, customers, squared_error: _ratio(
        squared_error.sum(), customers.sum()
    ),
}


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
