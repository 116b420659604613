"""The OpenAPI document's order-log parts: an order-log run's summary and its customers."""

from dashapp.api import schema
from dashapp.api.openapi_parts import (
    array,
    error,
    json_content,
    json_response,
    nullable,
    obj,
    operation,
    typed,
)
from dashapp.logic.export import ORDER_AUDIENCE_COLUMNS

# An order-log customer's fields (dashapp.logic.export.ORDER_AUDIENCE_COLUMNS) by type.
_ORDER_TEXT = ("customer_id", "rfm_group", "segment_name")
_ORDER_INTEGERS = ("r_score", "f_score", "m_score", "fm_score", "recency_days", "frequency")


def paths(page_parameters: list[dict]) -> dict:
    """The order-log routes; `page_parameters` are page, per_page and format, as for a
    segment's customers."""
    return {
        "/runs/{run_id}/summary": {
            "get": operation(
                "An order-log run's order KPIs, RFM groups and grid, segments, and its repeat "
                "and value models' figures (role: viewer)",
                "orderRunSummary",
                {
                    "200": json_response("OrderRunSummary", "The run's summary"),
                    "404": error("No published order-log run has this id"),
                },
                parameters=[_run_id_parameter()],
            )
        },
        "/runs/{run_id}/customers": {
            "get": operation(
                "A page of an order-log run's customers, by RFM group and segment, as JSON "
                "or CSV (role: analyst)",
                "orderRunCustomers",
                {
                    "200": {
                        "description": (
                            "The page; X-Total-Count, X-Page and X-Per-Page headers say where"
                        ),
                        "content": {
                            **json_content("OrderCustomerPage"),
                            "text/csv": {"schema": typed("string")},
                        },
                    },
                    "404": error("No published order-log run has this id"),
                    "422": error("A query parameter is out of range"),
                },
                parameters=[
                    _run_id_parameter(),
                    {
                        "name": "rfm_group",
                        "in": "query",
                        "description": "Only these RFM groups (comma-separated)",
                        "style": "form",
                        "explode": False,
                        "schema": array(typed("string", enum=list(schema.RFM_GROUPS))),
                    },
                    {
                        "name": "segment",
                        "in": "query",
                        "description": "Only this segment, numbered from 1 as on the dashboard",
                        "schema": typed("integer", minimum=1),
                    },
                    *page_parameters,
                ],
            )
        },
    }


def schemas() -> dict:
    return {
        "OrderRunSummary": obj(
            {
                "run_id": typed("integer"),
                "input_kind": typed("string", enum=["orders"]),
                "input_name": typed("string"),
                "created_at": typed("string", format="date-time"),
                "customers": typed("integer"),
                "order_kpis": typed(
                    "object",
                    description="customers, orders, revenue, repeat_rate, and expected_orders "
                    "and expected_revenue for the next horizon_days after as_of",
                ),
                "rfm_groups": array(
                    typed("object", description="group, customers, revenue, share")
                ),
                "rfm_grid": typed("object", description="customers and revenue by [R-1][FM-1]"),
                "segments": array(typed("object", description="id (from 1), name, size, means")),
                "repeat_model": nullable("object", description="name, params, metrics (cv)"),
                "value_model": nullable("object", description="name, params (horizon_days)"),
                "backtest": nullable("object", description="with --holdout-from only"),
                "notes": array(typed("string")),
            }
        ),
        "OrderCustomerPage": obj(
            {
                **{name: typed("integer") for name in ("run_id", "page", "per_page", "total")},
                "customers": array(_order_customer()),
            }
        ),
    }


def _run_id_parameter() -> dict:
    return {
        "name": "run_id",
        "in": "path",
        "required": True,
        "description": "An order-log run's id (GET /runs lists runs with their input_kind)",
        "schema": typed("integer", minimum=1),
    }


def _order_customer() -> dict:
    """An order-log customer as the explorer's audience export writes it."""
    properties = {}
    for name in ORDER_AUDIENCE_COLUMNS:
        if name in _ORDER_TEXT:
            properties[name] = typed("string")
        elif name in _ORDER_INTEGERS or name == "segment":
            lowest = 0 if name == "recency_days" else 1
            properties[name] = typed("integer", minimum=lowest)
        else:
            properties[name] = typed("number", minimum=0)
    properties["rfm_group"]["enum"] = list(schema.RFM_GROUPS)
    for name in ("p_repeat", "p_alive"):
        properties[name]["maximum"] = 1
    return obj(
        properties,
        description="expected_orders_lo and _hi bound the 90 % interval of expected_orders; "
        "p_repeat, expected_orders, p_alive and expected_value are for the run's horizon",
    )
