"""Buy-till-you-die value model: BG/NBD for the number of orders, Gamma-Gamma for their value.

The maximum-likelihood fits come from `lifetimes` (0.11.3, pinned; docs/model-quality.md says
why). Predictions are computed here from the fitted parameters with the closed forms of
Fader, Hardie & Lee (2005): lifetimes' own `conditional_expected_number_of_purchases_up_to_time`
takes the log of a Gauss hypergeometric function that is negative when a + b + x - 1 < 0, and
returns NaN for those customers; these forms stay finite there and agree elsewhere.

Time is in weeks, as in the literature: x = repeat order days, t_x = first to last order day,
T = first order day to the cutoff.
"""

import contextlib
import io
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.special import hyp2f1

# Retried in this order when the plain MLE does not converge (seen on early inner cutoffs,
# where most tenures are a few days).
_PENALTIES = (0.0, 0.001, 0.01, 0.1)
INTERVAL_LEVEL = 0.90


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float
    penalizer: float = 0.0

    def params(self) -> dict:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float

    @property
    def population_mean(self) -> float:
        return self.p * self.v / (self.q - 1)


def fit_bgnbd(x, t_x, T) -> BgNbd:
    """The BG/NBD fit of (x, t_x, T); a small penalty is added only if the plain fit fails."""
    from lifetimes import BetaGeoFitter
    from lifetimes.utils import ConvergenceError

    for penalty in _PENALTIES:
        try:
            with _quiet():
                fitted = BetaGeoFitter(penalizer_coef=penalty).fit(
                    np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float)
                )
        except ConvergenceError:
            continue
        values = fitted.params_
        return BgNbd(
            float(values["r"]),
            float(values["alpha"]),
            float(values["a"]),
            float(values["b"]),
            penalty,
        )
    raise ValueError("the BG/NBD model did not converge, even with a penalty")


def fit_gamma_gamma(repeat_orders, mean_order_value) -> GammaGamma | None:
    """Gamma-Gamma on customers with at least one repeat order; None when it cannot be fitted
    (too few repeat buyers, or a fit with q <= 1 whose mean spend does not exist)."""
    from lifetimes import GammaGammaFitter

    x = np.asarray(repeat_orders, float)
    m = np.asarray(mean_order_value, float)
    keep = (x > 0) & (m > 0)
    if keep.sum() < 10:
        return None
    try:
        with _quiet():
            fitted = GammaGammaFitter(penalizer_coef=0.0).fit(x[keep], m[keep])
    except Exception:  # lifetimes raises ConvergenceError, ValueError or a scipy error
        return None
    p, q, v = (float(fitted.params_[name]) for name in ("p", "q", "v"))
    return GammaGamma(p, q, v) if q > 1 else None


@contextlib.contextmanager
def _quiet():
    """lifetimes warns, and prints the optimiser's result to stdout when a fit fails: stdout
    is where `run --json` writes its JSON."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def expected_orders(model: BgNbd, t, x, t_x, T) -> np.ndarray:
    """E[orders in (T, T + t]] given (x, t_x, T) (FHL 2005, eq. 10)."""
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    x, t_x, T = (np.asarray(v, float) for v in (x, t_x, T))
    growth = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
        r + x, b + x, a + b + x - 1, t / (alpha + T + t)
    )
    numerator = growth * (a + b + x - 1) / (a - 1)
    return numerator / (1 + _dropout_odds(model, x, t_x, T))


def p_alive(model: BgNbd, x, t_x, T) -> np.ndarray:
    """P(the customer is still active at T)."""
    x = np.asarray(x, float)
    return 1 / (1 + _dropout_odds(model, x, t_x, T))


def p_any_order(model: BgNbd, t, x, t_x, T) -> np.ndarray:
    """P(at least one order in (T, T + t]) = P(alive) · (1 - ((α+T)/(α+T+t))^(r+x))."""
    x, T = np.asarray(x, float), np.asarray(T, float)
    stay = ((model.alpha + T) / (model.alpha + T + t)) ** (model.r + x)
    return p_alive(model, x, t_x, T) * (1 - stay)


def order_interval(model: BgNbd, t, x, t_x, T, level: float = INTERVAL_LEVEL):
    """Lower and upper quantiles of the order count in (T, T + t]: a mass 1 - P(alive) at zero,
    else NB(r + x, (α+T)/(α+T+t)). It ignores dropout inside the window, so it is slightly
    wide (measured coverage 0.96-0.98 for 0.90 on CDNOW)."""
    x, T = np.asarray(x, float), np.asarray(T, float)
    alive = p_alive(model, x, t_x, T)
    size, success = model.r + x, (model.alpha + T) / (model.alpha + T + t)

    def quantile(q: float) -> np.ndarray:
        within_alive = (q - (1 - alive)) / alive
        count = stats.nbinom.ppf(np.clip(within_alive, 0, 1), size, success)
        return np.where(within_alive <= 0, 0.0, count)

    return quantile((1 - level) / 2), quantile(1 - (1 - level) / 2)


def expected_spend(model: GammaGamma | None, repeat_orders, mean_order_value) -> np.ndarray:
    """Gamma-Gamma mean order value per customer; without a model, the customer's own mean."""
    m = np.asarray(mean_order_value, float)
    if model is None:
        return m
    x = np.asarray(repeat_orders, float)
    weight = model.p * x / (model.p * x + model.q - 1)
    return (1 - weight) * model.population_mean + weight * m


def _dropout_odds(model: BgNbd, x: np.ndarray, t_x, T) -> np.ndarray:
    """a / (b + x - 1) · ((α+T)/(α+t_x))^(r+x) for repeat buyers, 0 for one-time buyers."""
    t_x, T = np.asarray(t_x, float), np.asarray(T, float)
    repeat = x > 0
    odds = (model.a / np.where(repeat, model.b + x - 1, 1.0)) * (
        (model.alpha + T) / (model.alpha + t_x)
    ) ** (model.r + x)
    return np.where(repeat, odds, 0.0)
