"""Our BG/NBD closed forms against lifetimes on a small case, where lifetimes is finite, and
finite where lifetimes gives NaN; the interval and Gamma-Gamma spend."""

import warnings

import numpy as np
import pytest
from scipy import stats

from analytics.steps import btyd

# (x, t_x, T) in weeks: one-time buyers, regulars, lapsed repeaters.
X = np.array([0, 0, 1, 2, 5, 8, 3, 0, 1, 12], float)
T_X = np.array([0, 0, 4.0, 10.0, 20.0, 30.0, 5.0, 0, 30.0, 35.0])
T = np.array([10, 38, 30.0, 38.0, 38.0, 38.0, 38.0, 2.0, 36.0, 38.0])
MODEL = btyd.BgNbd(r=0.24, alpha=4.4, a=0.79, b=2.43)


def lifetimes_model(model: btyd.BgNbd):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifetimes import BetaGeoFitter
    fitter = BetaGeoFitter()
    import pandas as pd

    fitter.params_ = pd.Series(model.params())
    return fitter


def test_expected_orders_and_p_alive_match_lifetimes():
    theirs = lifetimes_model(MODEL)
    np.testing.assert_allclose(
        btyd.expected_orders(MODEL, 39.0, X, T_X, T),
        theirs.conditional_expected_number_of_purchases_up_to_time(39.0, X, T_X, T),
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        btyd.p_alive(MODEL, X, T_X, T),
        theirs.conditional_probability_alive(X, T_X, T),
        rtol=1e-9,
    )


def test_expected_orders_stay_finite_where_lifetimes_gives_nan():
    model = btyd.BgNbd(r=0.5, alpha=10.0, a=0.3, b=0.6)  # a + b - 1 < 0 for one-time buyers
    ours = btyd.expected_orders(model, 26.0, X, T_X, T)
    assert np.isfinite(ours).all() and (ours >= 0).all()


def test_p_any_order_is_between_zero_and_p_alive_and_grows_with_the_window():
    short = btyd.p_any_order(MODEL, 4.0, X, T_X, T)
    long = btyd.p_any_order(MODEL, 40.0, X, T_X, T)
    assert ((short >= 0) & (short <= long) & (long <= btyd.p_alive(MODEL, X, T_X, T))).all()


def test_the_upper_bound_is_the_95th_percentile_of_dead_or_negative_binomial():
    low, high = btyd.order_interval(MODEL, 39.0, X, T_X, T)
    alive = btyd.p_alive(MODEL, X, T_X, T)
    size, success = MODEL.r + X, (MODEL.alpha + T) / (MODEL.alpha + T + 39.0)

    def cdf(k):
        return np.where(k < 0, 0.0, (1 - alive) + alive * stats.nbinom.cdf(k, size, success))

    assert (low <= high).all()
    assert (cdf(high) >= 0.95 - 1e-12).all()
    assert (cdf(high - 1) < 0.95).all()


def test_gamma_gamma_spend_shrinks_towards_the_population_mean():
    model = btyd.GammaGamma(p=6.25, q=3.74, v=15.44)
    spend = btyd.expected_spend(model, [0, 1, 50], [100.0, 100.0, 100.0])
    assert spend[0] == pytest.approx(model.population_mean)
    assert model.population_mean < spend[1] < spend[2] < 100.0
    assert btyd.expected_spend(None, [0, 3], [5.0, 7.0]).tolist() == [5.0, 7.0]
