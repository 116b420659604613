"""What the what-if callbacks compute for one customer (age, salary, price, gender) or for a
segment at changed prices, with the run's model; each says in words why it cannot answer."""

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from analytics.steps.classifier import (
    ModelVersionError,
    contributions,
    customer_frame,
    is_uncertain,
    predict_probability,
    probability_interval,
    with_file_features,
)
from dashapp.data import derived, queries
from dashapp.logic import pricing, whatif
from dashapp.pages.what_if.view import ALL_CUSTOMERS
from dashapp.ui import theme
from dashapp.ui.figures.common import empty_figure
from dashapp.ui.figures.what_if import price_sensitivity, whatif_contributions

NOT_AVAILABLE = "—"
NO_MODEL = "This run has no purchase model."


def _model(run_id: int) -> tuple[queries.PurchaseModel | None, str | None]:
    """The run's model, or None and why there is none."""
    try:
        if queries.published_run_id(run_id) is None:
            return None, queries.NO_PUBLISHED_RUN
        model = queries.purchase_model(queries.app_database_url(), run_id)
    except (SQLAlchemyError, ModelVersionError) as error:
        return None, f"Prediction unavailable: {error}"
    if model is None:
        return None, NO_MODEL
    return model, None


def _model_for(run_id: int, age, salary, price) -> tuple[queries.PurchaseModel | None, str | None]:
    """The run's model (None without one) and what prevents a prediction, in words (None when
    nothing does)."""
    model, problem = _model(run_id)
    if model is None:
        return None, problem
    return model, whatif.input_problem(age, salary, price, features=model.features)


def _inputs(model: queries.PurchaseModel, age, salary, price, gender) -> dict:
    """The model's inputs: those entered, and any column of the run's own file it also reads
    at the typical customer's value."""
    entered = {"Age": age, "Salary": salary, "Price": price, "Gender": gender}
    return with_file_features(entered, model.features, model.reference)


def probability(age, salary, price, gender, run_id: int) -> tuple:
    """The purchase probability and its band (or why there is none)."""
    model, problem = _model_for(run_id, age, salary, price)
    if model is None or problem:
        return NOT_AVAILABLE, problem
    chance = predict_probability(
        model.estimator, model.features, _inputs(model, age, salary, price, gender)
    )
    band_name, colour = whatif.band(chance)
    band = [
        dbc.Badge(band_name, color=colour, text_color="dark" if colour == "warning" else None),
        " chance of purchase",
    ]
    return theme.percent(chance), band


def interval(age, salary, price, gender, run_id: int) -> str | None:
    """The probability's 90 % interval from the run's fold models, in words; None when there is
    no probability or the run stored no fold models."""
    model, problem = _model_for(run_id, age, salary, price)
    if model is None or problem:
        return None
    folds = queries.fold_models(queries.app_database_url(), run_id)
    if not folds:
        return None
    inputs = _inputs(model, age, salary, price, gender)
    chance = predict_probability(model.estimator, model.features, inputs)
    low, high = probability_interval(folds, model.features, inputs, chance)
    return whatif.interval_text(low, high, is_uncertain(low, high))


def explanation(age, salary, price, gender, run_id: int) -> tuple:
    """Why this probability, in words and as each input's contribution."""
    model, problem = _model_for(run_id, age, salary, price)
    if model is None or problem:
        return None, empty_figure(problem)
    inputs = _inputs(model, age, salary, price, gender)
    baseline, shares = contributions(model.estimator, model.features, inputs, model.reference)
    labels = {feature: whatif.input_label(feature, inputs[feature]) for feature in shares}
    return (
        whatif.explain(baseline, shares),
        whatif_contributions(pd.Series(shares), baseline, labels),
    )


def range_warning(age, salary, price, run_id: int) -> dbc.Alert | None:
    """A warning naming each entered number outside the range the run's model was trained on,
    or None when every one is inside it (or there is no published run to compare with)."""
    if queries.published_run_id(run_id) is None:
        return None
    ranges = queries.overview(queries.app_database_url(), run_id).feature_ranges
    warning = whatif.outside_training_range({"Age": age, "Salary": salary, "Price": price}, ranges)
    return dbc.Alert(warning, color="warning", className="small py-2 mb-2") if warning else None


def price_curve(age, salary, price, gender, run_id: int) -> tuple:
    """The probability at every price in the data's range, and the price that would change the
    prediction."""
    model, problem = _model_for(run_id, age, salary, price)
    if model is None or problem:
        return empty_figure(problem), None
    if "Price" not in model.features:
        message = "This run's model does not use price, so no price change moves it."
        return empty_figure(message), message
    prices = queries.overview(queries.app_database_url(), run_id).feature_ranges["Price"]
    grid = pricing.price_grid(prices["min"], prices["max"], price)
    customer = customer_frame(model.features, _inputs(model, age, salary, price, gender))
    probabilities = model.estimator.predict_proba(pricing.at_prices(customer, grid))[:, 1]
    probability_now = float(probabilities[np.searchsorted(grid, price)])
    crossing = pricing.smallest_crossing(grid, probabilities, price, model.threshold)
    curve = pd.DataFrame({"price": grid, "probability": probabilities})
    return (
        price_sensitivity(curve, price, probability_now, model.threshold),
        pricing.counterfactual_text(
            crossing, probability_now >= model.threshold, grid[0], grid[-1]
        ),
    )


def segment_what_if(segment: str, change_percent: float | None, run_id: int):
    """What changing a segment's prices by `change_percent` would do to its purchases and
    revenue, or why it cannot be told."""
    model, problem = _model(run_id)
    if model is None:
        # No model is a designed state; one that cannot be read is a failure.
        if problem == NO_MODEL:
            return html.P(problem, className="text-muted")
        return dbc.Alert(problem, color="danger")
    if "Price" not in model.features:
        return html.P("This run's model does not use price.", className="text-muted")
    change_percent = change_percent or 0
    prediction = derived.segment_prediction(
        queries.app_database_url(), run_id, None if segment == ALL_CUSTOMERS else int(segment)
    )
    prices = prediction.rows["Price"].to_numpy(dtype=float)
    changed = prediction.probability.to_numpy()
    if change_percent:
        changed_rows = prediction.rows.assign(Price=pricing.changed_prices(prices, change_percent))
        changed = model.estimator.predict_proba(changed_rows)[:, 1]
    outcome = pricing.segment_outcome(
        prices, prediction.probability.to_numpy(), changed, change_percent, prediction.customers
    )
    return _segment_table(outcome, change_percent)


def _segment_table(outcome: pricing.SegmentOutcome, change_percent: float) -> html.Div:
    header = html.Thead(
        html.Tr(
            [
                html.Th(""),
                html.Th("Now"),
                html.Th(
                    f"At {pricing.percent_change_label(change_percent)}"
                    if change_percent
                    else "Unchanged"
                ),
                html.Th("Change"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr([html.Th(measure), html.Td(now), html.Td(after), html.Td(difference)])
            for measure, now, after, difference in pricing.segment_outcome_rows(outcome)
        ]
    )
    return html.Div(
        [
            dbc.Table([header, body], size="sm", responsive=True, className="mb-1 small"),
            html.Small(pricing.segment_sample_note(outcome), className="text-muted"),
        ]
    )
