"""The repeat-customer what-if's pure parts, against an order-log analysis of the bundled sample
(analytics.runs.order_log_run.analyse, about 2 s): the feature row of a customer described by
four numbers is the row analytics builds from a real customer's orders, and the answers move
the way the models say they should."""

import numpy as np
import pandas as pd
import pytest

from analytics.runs.order_log_run import OrderRunOptions, analyse
from analytics.steps import btyd
from analytics.steps.behaviour import WEEK, model_features, order_days, order_table
from analytics.steps.repeat_model import bgnbd_columns, model_matrix
from analytics.validation.order_file import read_order_log
from dashapp.logic import repeat_whatif
from dashapp.logic.repeat_whatif import RepeatCustomer
from tests.conftest import ROOT

SAMPLE_ORDERS = ROOT / "data" / "sample_transactions.csv"


@pytest.fixture(scope="module")
def log():
    return read_order_log(SAMPLE_ORDERS, None, None)


@pytest.fixture(scope="module")
def analysis(log):
    return analyse(log, OrderRunOptions())


@pytest.fixture(scope="module")
def scorer(analysis) -> repeat_whatif.RepeatScorer:
    value = repeat_whatif.ValueModel(
        bgnbd=analysis.bgnbd,
        gamma_gamma=analysis.gamma_gamma,
        window_days=analysis.repeat.window_days,
        horizon_days=analysis.horizon_days,
        interval_level=btyd.INTERVAL_LEVEL,
    )
    return repeat_whatif.RepeatScorer(
        classifier=analysis.repeat.classifier,
        columns=analysis.repeat.columns,
        value=value,
        as_of=pd.Timestamp(analysis.as_of),
    )


@pytest.fixture(scope="module")
def analytics_rows(log, scorer) -> pd.DataFrame:
    """The classifier's rows for every real customer, built by analytics from their orders
    exactly as analytics.steps.repeat_model.predict does."""
    days = order_days(order_table(log.lines))
    features = model_features(days, scorer.as_of)
    window = bgnbd_columns(scorer.value.bgnbd, features, scorer.value.window_days / WEEK)
    return model_matrix(features.join(window))[scorer.columns]


def _described(row: pd.Series) -> RepeatCustomer:
    """A real customer's four numbers, read off analytics' own features (weeks to days)."""
    return RepeatCustomer(
        recency_days=round(row["recency"] * WEEK),
        orders=int(row["orders"]),
        aov=float(row["aov"]),
        tenure_days=round(row["T"] * WEEK),
    )


def _evenly_described(rows: pd.DataFrame) -> pd.DataFrame:
    """Real customers whose orders the what-if's picture reproduces: two order days (always
    evenly spaced), both or neither within the last 90 days (so their spend there is a
    multiple of the average)."""
    two = rows[rows["orders"] == 2]
    return two[np.isclose(two["amount_90d"], two["orders_90d"] * two["aov"])]


def test_the_feature_row_of_changed_numbers_is_analytics_row_for_a_real_customer(
    analysis, scorer, analytics_rows
):
    real = _evenly_described(analytics_rows)
    assert len(real) >= 20, "the sample should hold customers the check can use"
    typical = repeat_whatif.typical_customer(analysis.customers.reset_index())
    changed = [
        RepeatCustomer(**{**typical.as_dict(), **_described(row).as_dict()}).coherent()
        for _, row in real.iterrows()
    ]
    built = repeat_whatif.feature_rows(scorer, changed)
    pd.testing.assert_frame_equal(
        built.reset_index(drop=True), real.reset_index(drop=True), check_dtype=False, rtol=1e-9
    )
    # And so the answers are the run's own for those customers.
    answers = repeat_whatif.outlooks(scorer, changed)
    stored = analysis.customers.loc[real.index]
    assert np.allclose([a.p_repeat for a in answers], stored["p_repeat"], rtol=1e-9)
    assert np.allclose([a.p_alive for a in answers], stored["p_alive"], rtol=1e-9)
    assert [a.orders_high for a in answers] == stored["expected_orders_hi"].tolist()


def test_a_customer_with_unevenly_spaced_orders_gets_a_near_row(analytics_rows):
    uneven = analytics_rows[analytics_rows["orders"] >= 4].iloc[0]
    customer = _described(uneven)
    assert customer.coherent() == customer
    # The BG/NBD triple and the spend are the customer's own whatever the spacing.
    days = repeat_whatif.order_history([customer], pd.Timestamp("2024-12-31"))
    assert len(days) == customer.orders and days["day"].is_unique
    assert days["amount"].sum() == pytest.approx(uneven["monetary"])


def test_more_recent_orders_mean_alive_and_more_orders_expected(scorer):
    answers = repeat_whatif.outlooks(
        scorer, [RepeatCustomer(recency, 5, 50.0, 400) for recency in (0, 30, 90, 180, 300)]
    )
    p_alive = [a.p_alive for a in answers]
    expected = [a.expected_orders for a in answers]
    assert p_alive == sorted(p_alive, reverse=True) and p_alive[0] > p_alive[-1] + 0.5
    assert expected == sorted(expected, reverse=True)
    # The classifier agrees: a customer seen yesterday is far likelier to order again.
    assert answers[0].p_repeat > answers[-1].p_repeat + 0.2


def test_more_orders_of_a_recent_customer_mean_more_expected_orders(scorer):
    answers = repeat_whatif.outlooks(
        scorer, [RepeatCustomer(5, orders, 50.0, 300) for orders in (2, 5, 10, 20)]
    )
    expected = [a.expected_orders for a in answers]
    assert expected == sorted(expected) and expected[-1] > 2 * expected[0]
    assert all(a.orders_low <= a.orders_high for a in answers)


def test_spend_follows_the_order_value_and_value_is_orders_times_spend(scorer):
    low, high = repeat_whatif.outlooks(
        scorer, [RepeatCustomer(20, 6, 20.0, 300), RepeatCustomer(20, 6, 200.0, 300)]
    )
    assert low.expected_spend < high.expected_spend
    for answer in (low, high):
        assert answer.expected_value == pytest.approx(
            answer.expected_orders * answer.expected_spend
        )


def test_contributions_add_up_from_the_typical_customer_to_this_one(analysis, scorer):
    typical = repeat_whatif.typical_customer(analysis.customers.reset_index())
    customer = RepeatCustomer(200, 2, 80.0, 500)
    baseline, shares = repeat_whatif.propensity_contributions(scorer, customer, typical)
    assert list(shares) == list(repeat_whatif.LABELS.values())
    assert baseline == pytest.approx(repeat_whatif.outlook(scorer, typical).p_repeat)
    assert baseline + sum(shares.values()) == pytest.approx(
        repeat_whatif.outlook(scorer, customer).p_repeat
    )
    # Ordering long ago is what lowers this customer's chance most.
    assert min(shares, key=shares.get) == "Days since last order"
    _, same = repeat_whatif.propensity_contributions(scorer, typical, typical)
    assert all(share == 0 for share in same.values())


def test_the_first_stored_customer_where_the_page_starts_has_bars_to_show(analysis, scorer):
    customers = analysis.customers.reset_index()
    typical = repeat_whatif.typical_customer(customers)
    first = repeat_whatif.first_customer(customers)
    _, shares = repeat_whatif.propensity_contributions(
        scorer, repeat_whatif.stored_customer(first), typical
    )
    # At least one bar of "Why this chance" reads more than ±0.0 percentage points.
    assert max(abs(share) for share in shares.values()) >= 0.0005


def test_value_model_reads_the_stored_parameters():
    params = {
        "kind": "value",
        "bgnbd": {"r": 0.5, "alpha": 2.0, "a": 1.5, "b": 10.0},
        "bgnbd_penalizer": 0.0,
        "gamma_gamma": {"p": 4.0, "q": 4.0, "v": 45.0},
        "blend_weight": 0.5,
        "window_days": 60,
        "horizon_days": 90,
        "interval_level": 0.9,
    }
    value = repeat_whatif.ValueModel.from_params(params)
    assert value.bgnbd == btyd.BgNbd(0.5, 2.0, 1.5, 10.0)
    assert value.gamma_gamma == btyd.GammaGamma(4.0, 4.0, 45.0)
    assert (value.window_days, value.horizon_days, value.interval_level) == (60, 90, 0.9)
    no_spend = repeat_whatif.ValueModel.from_params({**params, "gamma_gamma": None})
    assert no_spend.gamma_gamma is None


@pytest.mark.parametrize(
    ("inputs", "problem"),
    [
        ((None, 3, 50, 100), "Enter the days since last order to see a prediction."),
        ((10, 0, 50, 100), "Orders must be between 1 and 1,000."),
        ((10, 2.5, 50, 100), "Orders must be a whole number."),
        ((10, 3, -1, 100), "Average order value must be between 0 and 10,000,000."),
        ((10, 3, float("nan"), 100), "Average order value must be between 0 and 10,000,000."),
        ((10, 3, 50, "100"), "Enter the days since first order to see a prediction."),
        ((True, 3, 50, 100), "Enter the days since last order to see a prediction."),
    ],
)
def test_parse_says_what_is_wrong(inputs, problem):
    assert repeat_whatif.parse(*inputs) == (None, problem)


def test_parse_makes_the_tenure_fit_and_says_so():
    one, _ = repeat_whatif.parse(30, 1, 50.0, 400)
    assert one == RepeatCustomer(30, 1, 50.0, 30)
    assert repeat_whatif.tenure_note(400, one).startswith("With one order the first is the last")
    many, _ = repeat_whatif.parse(10.0, 5, 50, 12)
    assert many == RepeatCustomer(10, 5, 50.0, 14)
    assert "at least 14 days" in repeat_whatif.tenure_note(12, many)
    fits, _ = repeat_whatif.parse(10, 5, 50, 100)
    assert fits.tenure_days == 100 and repeat_whatif.tenure_note(100, fits) is None


def test_order_history_spreads_distinct_days_from_first_to_last():
    as_of = pd.Timestamp("2024-06-30")
    customers = [RepeatCustomer(10, 7, 25.0, 16), RepeatCustomer(3, 1, 9.0, 3)]
    days = repeat_whatif.order_history(customers, as_of)
    first = days[days["customer_id"] == 0]["day"]
    assert first.is_unique and len(first) == 7
    assert first.min() == as_of - pd.Timedelta(days=16)
    assert first.max() == as_of - pd.Timedelta(days=10)
    assert days[days["customer_id"] == 1]["day"].tolist() == [as_of - pd.Timedelta(days=3)]


def test_typical_and_stored_customers_count_order_days():
    customers = pd.DataFrame(
        {
            "recency_days": [10, 20, 300],
            "repeat_orders": [0, 3, 5],
            "monetary": [40.0, 200.0, 600.0],
            "tenure_days": [10, 200, 400],
        }
    )
    assert repeat_whatif.typical_customer(customers) == RepeatCustomer(20, 4, 50.0, 200)
    stored = repeat_whatif.stored_customer(customers.iloc[0])
    assert stored == RepeatCustomer(10, 1, 40.0, 10)


def test_the_first_customer_is_the_one_with_the_first_id():
    customers = pd.DataFrame({"customer_id": ["C10", "C02", "C30"], "recency_days": [1, 2, 3]})
    assert repeat_whatif.first_customer(customers)["recency_days"] == 2


def test_certainty_sentence_names_the_interval():
    answer = repeat_whatif.Outlook(0.4, 1.234, 0.0, 3.0, 0.8, 50.0, 61.7)
    assert repeat_whatif.certainty_sentence(answer, 90, 0.9) == (
        "90% interval: 0 to 3 orders in the next 90 days (expected 1.23); still active: 80%."
    )


def test_recency_curve_holds_the_customer_and_falls_as_the_last_order_ages(scorer):
    customer = RepeatCustomer(47, 6, 40.0, 300)
    curve = repeat_whatif.recency_curve(scorer, customer)
    assert curve["recency_days"].iloc[0] == 0 and curve["recency_days"].iloc[-1] == 365
    assert curve["recency_days"].is_monotonic_increasing and 47 in set(curve["recency_days"])
    own = curve.set_index("recency_days").loc[47]
    assert own["p_repeat"] == pytest.approx(repeat_whatif.outlook(scorer, customer).p_repeat)
    assert curve["p_alive"].is_monotonic_decreasing
    assert curve["p_repeat"].iloc[-1] < curve["p_repeat"].iloc[0]
    # A customer older than the default range stretches it.
    assert (
        repeat_whatif.recency_curve(scorer, RepeatCustomer(400, 2, 40.0, 900))["recency_days"].max()
        == 600
    )
