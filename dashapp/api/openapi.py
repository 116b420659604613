"""The OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json (without a token). Its
limits and fields are dashapp.api.schema's, the ones the routes check requests against."""

from analytics.validation.schema import NUMERIC_BOUNDS
from dashapp.api import openapi_orders, schema
from dashapp.api.openapi_parts import (
    array,
    error,
    json_content,
    json_response,
    nullable,
    obj,
    operation,
    ref,
    typed,
)
from dashapp.logic.export import PROBABILITY_DECIMALS

DESCRIPTION = (
    "Predictions, segments and their customers, and runs, from the latest published "
    "run; an order-log run's summary and customers by its id. Send "
    "`Authorization: Bearer <token>`; tokens are made with "
    "`python -m dashapp tokens create --user NAME` and act with that user's role: "
    "runs and run summaries need viewer, segments and customers analyst, predictions sales."
)


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Customer Analytics API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(),
        },
    }


def _paths() -> dict:
    no_run = error("No run is published yet")
    return {
        "/predict": {
            "post": operation(
                "Purchase probabilities for one or more customers (role: sales)",
                "predict",
                {
                    "200": json_response("Predictions", "One prediction per customer, in order"),
                    "400": error("The body is not valid JSON, or has absurd numbers or nesting"),
                    "404": error("No published run, or its run has no purchase model"),
                    "413": error("The body is larger than the server accepts (MAX_REQUEST_MB)"),
                    "422": error("The request is not a valid list of customers"),
                },
                requestBody={"required": True, "content": json_content("PredictionRequest")},
            )
        },
        "/segments": {
            "get": operation(
                "The segments of the latest run (role: analyst)",
                "listSegments",
                {"200": json_response("Segments", "Every segment with its profile"), "404": no_run},
            )
        },
        "/segments/{segment_id}/customers": {
            "get": operation(
                "A page of one segment's customers, as JSON or CSV (role: analyst)",
                "segmentCustomers",
                {
                    "200": {
                        "description": (
                            "The page; X-Total-Count, X-Page and X-Per-Page headers say where"
                        ),
                        "content": {
                            **json_content("CustomerPage"),
                            "text/csv": {"schema": typed("string")},
                        },
                    },
                    "404": error("No published run, or no such segment"),
                    "422": error("A query parameter is out of range"),
                },
                parameters=_customer_page_parameters(),
            )
        },
        "/runs": {
            "get": operation(
                "The newest runs of any status, newest first (role: viewer)",
                "listRuns",
                {"200": json_response("Runs", "Up to 100 runs")},
            )
        },
        **openapi_orders.paths(_customer_page_parameters()[1:]),
        "/runs/latest": {
            "get": operation(
                "The run the dashboard and the API answer from (role: viewer)",
                "latestRun",
                {"200": json_response("Run", "The latest published run"), "404": no_run},
            )
        },
    }


def _customer_page_parameters() -> list[dict]:
    return [
        {
            "name": "segment_id",
            "in": "path",
            "required": True,
            "description": "The segment's number as on the dashboard (from 1)",
            "schema": typed("integer", minimum=1),
        },
        {"name": "page", "in": "query", "schema": typed("integer", minimum=1, default=1)},
        {
            "name": "per_page",
            "in": "query",
            "schema": typed(
                "integer",
                minimum=1,
                maximum=schema.MAX_PAGE_SIZE,
                default=schema.DEFAULT_PAGE_SIZE,
            ),
        },
        {
            "name": "format",
            "in": "query",
            "description": "csv: cells a spreadsheet would run as formulas get a leading '",
            "schema": typed(
                "string", enum=list(schema.OUTPUT_FORMATS), default=schema.OUTPUT_FORMATS[0]
            ),
        },
    ]


def _schemas() -> dict:
    return {
        "Error": obj({"error": typed("string")}),
        "Customer": obj(
            _customer_properties(), required=["age", "salary"], additionalProperties=False
        ),
        "PredictionRequest": obj(
            {
                "customers": typed(
                    "array",
                    minItems=1,
                    maxItems=schema.MAX_CUSTOMERS_PER_PREDICTION,
                    items=ref("Customer"),
                )
            },
            additionalProperties=False,
        ),
        "Predictions": obj(
            {
                "run_id": typed("integer"),
                "model": typed("string"),
                "threshold": typed("number"),
                "predictions": array(obj(_prediction_properties())),
            }
        ),
        "Segments": obj(
            {"run_id": typed("integer"), "segments": array(_segment())},
        ),
        "CustomerPage": obj(
            {
                **{
                    name: typed("integer")
                    for name in ("run_id", "segment", "page", "per_page", "total")
                },
                "customers": array(_customer_row()),
            }
        ),
        "Run": obj(
            _run_properties(),
            required=["run_id", "created_at", "input_name", "input_kind", "rows", "status"],
        ),
        "Runs": obj({"runs": array(ref("Run"))}),
        **openapi_orders.schemas(),
    }


def _customer_properties() -> dict:
    properties = {}
    for field, feature in schema.INPUTS.items():
        if field == "gender":
            properties[field] = typed(
                ["string", "null"],
                minLength=1,
                maxLength=schema.MAX_GENDER_LENGTH,
                description="e.g. Female or Male; left out, the model imputes it",
            )
            continue
        low, high = NUMERIC_BOUNDS[feature]
        properties[field] = typed("number", minimum=low, maximum=high)
    properties["price"]["description"] = "Required when the published model uses price"
    return properties


def _prediction_properties() -> dict:
    return {
        "probability": typed("number", minimum=0, maximum=1),
        "band": typed("string", enum=["Low", "Medium", "High"]),
        "likely": typed("boolean", description="probability ≥ the model's threshold"),
    }


def _segment() -> dict:
    return obj(
        {
            "id": typed("integer", minimum=1),
            "name": typed("string"),
            "size": typed("integer"),
            "share": typed("number"),
            "purchase_rate": typed("number"),
            "revenue": nullable("number"),
            "age_mean": nullable("number"),
            "salary_mean": nullable("number"),
            "price_mean": nullable("number"),
            "top_gender": nullable("string"),
        },
        required=["id", "name", "size", "share", "purchase_rate"],
    )


def _customer_row() -> dict:
    return obj(
        {
            "Customer ID": typed("string"),
            "Gender": typed("string"),
            "Age": typed("number"),
            "Salary": typed("number"),
            "Product ID": nullable("string"),
            "Price": nullable("number"),
            "Purchased": typed("integer", enum=[0, 1]),
            "Segment": typed("integer", minimum=1),
            "Segment name": typed("string"),
            "Purchase probability": nullable(
                "number",
                minimum=0,
                maximum=1,
                description=(
                    "The probability that the customer buys under the run's purchase model, to "
                    f"{PROBABILITY_DECIMALS} decimals; null when the run has no model (too "
                    "little data)"
                ),
            ),
        },
        required=[
            "Customer ID",
            "Gender",
            "Age",
            "Salary",
            "Purchased",
            "Segment",
            "Segment name",
            "Purchase probability",
        ],
        description=(
            "The input columns (Customer ID, Gender, Age, Salary, and Product ID and Price when "
            "the run had them), Purchased, Segment, Segment name and Purchase probability"
        ),
    )


def _run_properties() -> dict:
    return {
        "run_id": typed("integer"),
        "created_at": typed("string", format="date-time"),
        "input_name": typed("string"),
        "input_kind": typed(
            "string", enum=list(schema.INPUT_KINDS), description="customers or orders"
        ),
        "rows": typed("integer", description="customers"),
        "k": nullable("integer"),
        "status": typed("string", enum=["running", "published", "failed"]),
        "model": nullable("string"),
        "cv_roc_auc": nullable("number"),
        "holdout_accuracy": nullable("number"),
        "error": nullable("string"),
    }
