"""Exploratory summaries, small enough to store and draw without reading customer rows again.
A file without a column has empty summaries of it (no rows), which the dashboard draws as such."""

import numpy as np
import pandas as pd

NUMERIC_COLUMNS = ["Age", "Salary", "Price", "Purchased"]
AGE_BIN_WIDTH = 5


def kpis(customers: pd.DataFrame) -> dict:
    """Headline numbers; revenue and average price are None when the file has no prices."""
    bought = customers["Purchased"] == 1
    has_price = "Price" in customers.columns
    return {
        "customers": len(customers),
        "buyers": int(bought.sum()),
        "purchase_rate": float(bought.mean()),
        "revenue": float(customers.loc[bought, "Price"].sum()) if has_price else None,
        "average_price": float(customers["Price"].mean()) if has_price else None,
    }


def age_distribution(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers per 5-year age band (bands without customers left out), split by purchase
    status. Counted with bincount: pd.cut and crosstab take seconds at a million rows."""
    if "Age" not in customers.columns:
        return pd.DataFrame(columns=["age_from", "age_to", "not_purchased", "purchased"])
    age = customers["Age"].to_numpy(dtype=float)
    low = int(np.floor(age.min() / AGE_BIN_WIDTH) * AGE_BIN_WIDTH)
    band = ((age - low) // AGE_BIN_WIDTH).astype(int)
    bought = customers["Purchased"].to_numpy() == 1
    purchased = np.bincount(band[bought], minlength=band.max() + 1)
    not_purchased = np.bincount(band[~bought], minlength=band.max() + 1)
    age_from = low + AGE_BIN_WIDTH * np.arange(len(purchased))
    seen = purchased + not_purchased > 0
    return pd.DataFrame(
        {
            "age_from": age_from[seen],
            "age_to": age_from[seen] + AGE_BIN_WIDTH,
            "not_purchased": not_purchased[seen],
            "purchased": purchased[seen],
        }
    )


def salary_by_purchase(customers: pd.DataFrame) -> pd.DataFrame:
    """Box-plot statistics of salary for buyers and non-buyers (Tukey fences at 1.5 IQR)."""
    rows = []
    if "Salary" not in customers.columns:
        return pd.DataFrame(rows, columns=_BOX_COLUMNS)
    for status, salaries in customers.groupby("Purchased")["Salary"]:
        q1, median, q3 = salaries.quantile([0.25, 0.5, 0.75])
        iqr = q3 - q1
        rows.append(
            {
                "purchased": int(status),
                "count": len(salaries),
                "mean": salaries.mean(),
                "q1": q1,
                "median": median,
                "q3": q3,
                "lower_fence": salaries[salaries >= q1 - 1.5 * iqr].min(),
                "upper_fence": salaries[salaries <= q3 + 1.5 * iqr].max(),
            }
        )
    return pd.DataFrame(rows)


_BOX_COLUMNS = ["purchased", "count", "mean", "q1", "median", "q3", "lower_fence", "upper_fence"]


def correlation_matrix(customers: pd.DataFrame) -> pd.DataFrame:
    """Pearson correlations of the numeric columns, with Gender one-hot encoded."""
    numeric = customers[[c for c in NUMERIC_COLUMNS if c in customers.columns]].astype(float)
    genders = sorted(customers["Gender"].unique()) if "Gender" in customers.columns else []
    # With two genders one indicator carries all the information; more get one column each.
    encoded_genders = genders[1:] if len(genders) == 2 else genders
    for gender in encoded_genders:
        numeric[f"Gender={gender}"] = (customers["Gender"] == gender).astype(float)
    return numeric.corr().fillna(0.0)


def feature_ranges(customers: pd.DataFrame) -> dict:
    """Min, median and max of each model input, and the genders seen: defaults for a what-if."""
    ranges = {
        column: {
            "min": float(customers[column].min()),
            "median": float(customers[column].median()),
            "max": float(customers[column].max()),
        }
        for column in ("Age", "Salary", "Price")
        if column in customers.columns
    }
    has_gender = "Gender" in customers.columns
    ranges["genders"] = customers["Gender"].value_counts().index.tolist() if has_gender else []
    return ranges
