"""The repeat-customer what-if section as laid out: it starts from the run's first customer by
id (their numbers in the inputs, their stored propensity in the line above), not from the
typical customer, against whom every contribution would be zero."""

from datetime import datetime
from types import SimpleNamespace

import pandas as pd

from dashapp.data import orders
from dashapp.logic import repeat_whatif
from dashapp.pages.what_if import ids
from dashapp.pages.what_if import orders as section_module

CUSTOMERS = pd.DataFrame(
    {
        "customer_id": ["C20", "C07", "C31"],
        "recency_days": [40, 12, 300],
        "repeat_orders": [1, 4, 0],
        "monetary": [100.0, 250.0, 30.0],
        "tenure_days": [200, 400, 300],
        "p_repeat": [0.3, 0.81, 0.05],
        "p_alive": [0.6, 0.95, 0.2],
        "expected_value": [20.0, 140.0, 1.0],
    }
)
RUN = orders.OrderRunInfo(3, datetime(2026, 1, 1), "orders.csv", 3, 2)


def find(component, component_id: str):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def test_the_section_starts_from_the_first_customer_by_id(monkeypatch):
    typical = repeat_whatif.typical_customer(CUSTOMERS)
    models = SimpleNamespace(
        scorer=SimpleNamespace(value=SimpleNamespace(horizon_days=90)),
        typical=typical,
        customers=CUSTOMERS,
    )
    monkeypatch.setattr(section_module, "run_models", lambda url, run_id: models)
    layout = section_module.section("sqlite://", RUN)

    first = repeat_whatif.stored_customer(CUSTOMERS.iloc[1])
    assert first != typical
    shown = {
        name: find(layout, component_id).value
        for name, (component_id, _) in section_module.INPUTS.items()
    }
    assert shown == first.as_dict()
    assert shown == {"recency_days": 12, "orders": 5, "aov": 50.0, "tenure_days": 400}
    picked = find(layout, ids.WI_REPEAT_PICKED).children
    assert picked.startswith("Customer C07 as stored: 81.0% chance of another order")
    assert find(layout, ids.WI_REPEAT_TYPICAL) is not None
