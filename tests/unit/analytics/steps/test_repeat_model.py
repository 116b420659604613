"""The repeat model's time splits: windows, stacked cutoffs, and no label-window order in the
features (an order on the fit cutoff T only raises the last split's label)."""

import pandas as pd
import pytest

from analytics.io.sample import generate_transactions
from analytics.steps import repeat_model
from analytics.steps.behaviour import order_days, order_table


@pytest.fixture(scope="module")
def days():
    log = generate_transactions(3_000, seed=5)
    lines = pd.DataFrame(
        {
            "customer_id": log["Customer ID"].astype(str),
            "order_id": log["Order ID"].astype(str),
            "order_date": pd.to_datetime(log["Order Date"]),
            "amount": log["Amount"],
            "cancelled": False,
        }
    )
    return order_days(order_table(lines))


def test_the_window_is_the_horizon_or_half_the_history():
    start = pd.Timestamp("2024-01-01")
    assert repeat_model.training_window(pd.Timestamp("2024-12-31"), start, 90) == 90
    assert repeat_model.training_window(pd.Timestamp("2024-03-01"), start, 90) == 30
    with pytest.raises(ValueError):
        repeat_model.training_window(start, start, 90)


def test_cutoffs_step_back_from_t_minus_the_window(days):
    fit_cutoff = pd.Timestamp("2024-10-01")
    _, _, cutoffs = repeat_model.training_rows(days, fit_cutoff, 60)
    assert cutoffs == [fit_cutoff - pd.Timedelta(days=60 + 28 * k) for k in range(3)]


def test_a_label_window_order_raises_one_label_and_reaches_no_feature(days):
    fit_cutoff = pd.Timestamp("2024-10-01")
    customer = days["customer_id"].iloc[0]
    extra = pd.DataFrame({"customer_id": [customer], "day": [fit_cutoff], "amount": [80.0]})
    more = pd.concat([days, extra], ignore_index=True).sort_values(["customer_id", "day"])
    x, y, _ = repeat_model.training_rows(days, fit_cutoff, 60)
    x2, y2, _ = repeat_model.training_rows(more, fit_cutoff, 60)
    pd.testing.assert_frame_equal(x, x2)
    difference = (y2 - y).to_numpy()
    assert difference.sum() == 1
    assert difference[: (x.index == customer).argmax() + 1].sum() == 1  # the first split's row
