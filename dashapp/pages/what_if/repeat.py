"""What the repeat-customer what-if's callbacks compute with an order-log run's stored models:
a customer to start from, and one customer's propensity, value, why and how sure; each says in
words why it cannot answer."""

from dataclasses import dataclass

import pandas as pd
from dash import no_update
from sqlalchemy.exc import SQLAlchemyError

from analytics.steps.classifier import ModelVersionError
from dashapp.data import orders, queries
from dashapp.logic import repeat_whatif, whatif
from dashapp.ui import theme
from dashapp.ui.figures.common import empty_figure
from dashapp.ui.figures.what_if import whatif_contributions
from dashapp.ui.figures.what_if_orders import recency_curve

NOT_AVAILABLE = "—"
NO_MODEL = "This order-log run has no repeat-purchase model."
NOT_AN_ORDER_RUN = "This is not a published order-log run; reload the page."
# Customer ids are stored in at most 64 characters (customer_behaviour.customer_id).
MAX_ID_LENGTH = 64


@dataclass(frozen=True)
class RunModels:
    """An order-log run's scorer, its typical customer and its customers."""

    scorer: repeat_whatif.RepeatScorer
    typical: repeat_whatif.RepeatCustomer
    customers: pd.DataFrame


def run_models(url: str, run_id: int) -> RunModels | None:
    """The run's models and customers; None when it has no repeat model. Raises
    ModelVersionError for a model pickled by another scikit-learn."""
    model = orders.repeat_model(url, run_id)
    if model is None or not model.value_params:
        return None
    customers = orders.behaviour_customers(url, run_id)
    as_of = orders.order_summary(url, run_id)["order_kpis"]["as_of"]
    scorer = repeat_whatif.RepeatScorer(
        classifier=model.estimator,
        columns=model.features,
        value=repeat_whatif.ValueModel.from_params(model.value_params),
        as_of=pd.Timestamp(as_of),
    )
    return RunModels(scorer, repeat_whatif.typical_customer(customers), customers)


def _models(run_id) -> tuple[RunModels | None, str | None]:
    try:
        if orders.published_order_run_id(run_id) is None:
            return None, NOT_AN_ORDER_RUN
        models = run_models(queries.app_database_url(), run_id)
    except (SQLAlchemyError, ModelVersionError) as error:
        return None, f"Prediction unavailable: {error}"
    return (None, NO_MODEL) if models is None else (models, None)


def _numbers(customer: repeat_whatif.RepeatCustomer) -> tuple:
    return customer.recency_days, customer.orders, customer.aov, customer.tenure_days


def start_from(customer_id, typical: bool, run_id) -> tuple:
    """The four numbers of the typical customer (`typical`) or of the run's customer
    `customer_id`, and a line about whom they describe (the page starts from the first
    customer: section's `first_customer`)."""
    models, problem = _models(run_id)
    if models is None:
        return (*[no_update] * 4, problem)
    if typical:
        return (*_numbers(models.typical), "The run's typical (median) customer.")
    customer_id = customer_id.strip() if isinstance(customer_id, str) else ""
    if not customer_id:
        return (*[no_update] * 4, "Enter a customer id of this run.")
    customers = models.customers
    found = (
        customers[customers["customer_id"] == customer_id]
        if len(customer_id) <= MAX_ID_LENGTH
        else customers.iloc[:0]
    )
    if found.empty:
        return (*[no_update] * 4, "No customer with this id in this run.")
    row = found.iloc[0]
    return (*_numbers(repeat_whatif.stored_customer(row)), stored_note(row))


def stored_note(row: pd.Series) -> str:
    """What the run stored for its customer `row` (a customer_behaviour row)."""
    return (
        f"Customer {row['customer_id']} as stored: {theme.percent(row['p_repeat'])} chance of "
        f"another order, {theme.percent(row['p_alive'])} still active, "
        f"{theme.money(row['expected_value'])} expected value (from their own order dates; "
        "the what-if spreads their orders evenly, so it may differ a little)."
    )


def _customer(recency_days, orders_count, aov, tenure_days, run_id) -> tuple:
    """The run's models and the customer the numbers describe, or Nones and what is wrong."""
    models, problem = _models(run_id)
    if models is None:
        return None, None, problem
    customer, problem = repeat_whatif.parse(recency_days, orders_count, aov, tenure_days)
    return models, customer, problem


def answer(recency_days, orders_count, aov, tenure_days, run_id) -> tuple:
    """The propensity, the value line, how sure, why (a sentence and a figure)."""
    models, customer, problem = _customer(recency_days, orders_count, aov, tenure_days, run_id)
    if customer is None:
        return NOT_AVAILABLE, None, problem, None, empty_figure(problem)
    value = models.scorer.value
    result = repeat_whatif.outlook(models.scorer, customer)
    baseline, shares = repeat_whatif.propensity_contributions(
        models.scorer, customer, models.typical
    )
    spend = f"{theme.money(result.expected_spend)} per order"
    value_line = (
        f"Expected value in the next {value.horizon_days} days: "
        f"{theme.money(result.expected_value)} ({result.expected_orders:.2f} orders × {spend})."
    )
    note = repeat_whatif.tenure_note(tenure_days, customer)
    sure = repeat_whatif.certainty_sentence(result, value.horizon_days, value.interval_level)
    return (
        theme.percent(result.p_repeat),
        value_line,
        f"{sure} {note}" if note else sure,
        whatif.explain(baseline, shares),
        whatif_contributions(pd.Series(shares), baseline, _labels(customer)),
    )


def _labels(customer) -> dict[str, str]:
    """Each input's label named with the customer's value: "Orders = 3"."""
    values = customer.as_dict()
    return {
        label: whatif.input_label(label, values[name])
        for name, label in repeat_whatif.LABELS.items()
    }


def recency_figure(recency_days, orders_count, aov, tenure_days, run_id):
    """The customer's chance and P(alive) across days since the last order."""
    models, customer, problem = _customer(recency_days, orders_count, aov, tenure_days, run_id)
    if customer is None:
        return empty_figure(problem)
    curve = repeat_whatif.recency_curve(models.scorer, customer)
    return recency_curve(curve, customer.recency_days, models.scorer.value.horizon_days)
