"""The OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json (without a token). Its
limits and fields are dashapp.api.schema's, the ones the routes check requests against."""

from analytics.validation.schema import NUMERIC_BOUNDS
from dashapp.api import schema
from dashapp.logic.export import PROBABILITY_DECIMALS

DESCRIPTION = (
    "Predictions, segments and their customers, and runs, from the latest published "
    "run. Send `Authorization: Bearer <token>`; tokens are made with "
    "`python -m dashapp tokens create --user NAME` and act with that user's role: "
    "runs need viewer, segments and customers analyst, predictions sales."
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
    no_run = _error("No run is published yet")
    return {
        "/predict": {
            "post": _operation(
                "Purchase probabilities for one or more customers (role: sales)",
                "predict",
                {
                    "200": _json("Predictions", "One prediction per customer, in order"),
                    "400": _error("The body is not valid JSON, or has absurd numbers or nesting"),
                    "404": _error("No published run, or its run has no purchase model"),
                    "413": _error("The body is larger than the server accepts (MAX_REQUEST_MB)"),
                    "422": _error("The request is not a valid list of customers"),
                },
                requestBody={"required": True, "content": _json_content("PredictionRequest")},
            )
        },
        "/segments": {
            "get": _operation(
                "The segments of the latest run (role: analyst)",
                "listSegments",
                {"200": _json("Segments", "Every segment with its profile"), "404": no_run},
            )
        },
        "/segments/{segment_id}/customers": {
            "get": _operation(
                "A page of one segment's customers, as JSON or CSV (role: analyst)",
                "segmentCustomers",
                {
                    "200": {
                        "description": (
                            "The page; X-Total-Count, X-Page and X-Per-Page headers say where"
                        ),
                        "content": {
                            **_json_content("CustomerPage"),
                            "text/csv": {"schema": _type("string")},
                        },
                    },
                    "404": _error("No published run, or no such segment"),
                    "422": _error("A query parameter is out of range"),
                },
                parameters=_customer_page_parameters(),
            )
        },
        "/runs": {
            "get": _operation(
                "The newest runs of any status, newest first (role: viewer)",
                "listRuns",
                {"200": _json("Runs", "Up to 100 runs")},
            )
        },
        "/runs/latest": {
            "get": _operation(
                "The run the dashboard and the API answer from (role: viewer)",
                "latestRun",
                {"200": _json("Run", "The latest published run"), "404": no_run},
            )
        },
    }


def _operation(summary: str, operation_id: str, responses: dict, **more) -> dict:
    """An operation behind a bearer token: it may also answer 401, 403 and 503."""
    return {
        "summary": summary,
        "operationId": operation_id,
        **more,
        "responses": {
            **responses,
            "401": _error("No token, or an unknown or revoked one"),
            "403": _error("The token's user has a role below the one this needs"),
            "503": _error("The database cannot be used"),
        },
    }


def _customer_page_parameters() -> list[dict]:
    return [
        {
            "name": "segment_id",
            "in": "path",
            "required": True,
            "description": "The segment's number as on the dashboard (from 1)",
            "schema": _type("integer", minimum=1),
        },
        {"name": "page", "in": "query", "schema": _type("integer", minimum=1, default=1)},
        {
            "name": "per_page",
            "in": "query",
            "schema": _type(
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
            "schema": _type(
                "string", enum=list(schema.OUTPUT_FORMATS), default=schema.OUTPUT_FORMATS[0]
            ),
        },
    ]


def _schemas() -> dict:
    return {
        "Error": _object({"error": _type("string")}),
        "Customer": _object(
            _customer_properties(), required=["age", "salary"], additionalProperties=False
        ),
        "PredictionRequest": _object(
            {
                "customers": _type(
                    "array",
                    minItems=1,
                    maxItems=schema.MAX_CUSTOMERS_PER_PREDICTION,
                    items=_ref("Customer"),
                )
            },
            additionalProperties=False,
        ),
        "Predictions": _object(
            {
                "run_id": _type("integer"),
                "model": _type("string"),
                "threshold": _type("number"),
                "predictions": _array(_object(_prediction_properties())),
            }
        ),
        "Segments": _object(
            {"run_id": _type("integer"), "segments": _array(_segment())},
        ),
        "CustomerPage": _object(
            {
                **{
                    name: _type("integer")
                    for name in ("run_id", "segment", "page", "per_page", "total")
                },
                "customers": _array(_customer_row()),
            }
        ),
        "Run": _object(
            _run_properties(),
            required=["run_id", "created_at", "input_name", "rows", "status"],
        ),
        "Runs": _object({"runs": _array(_ref("Run"))}),
    }


def _customer_properties() -> dict:
    properties = {}
    for field, feature in schema.INPUTS.items():
        if field == "gender":
            properties[field] = _type(
                ["string", "null"],
                minLength=1,
                maxLength=schema.MAX_GENDER_LENGTH,
                description="e.g. Female or Male; left out, the model imputes it",
            )
            continue
        low, high = NUMERIC_BOUNDS[feature]
        properties[field] = _type("number", minimum=low, maximum=high)
    properties["price"]["description"] = "Required when the published model uses price"
    return properties


def _prediction_properties() -> dict:
    return {
        "probability": _type("number", minimum=0, maximum=1),
        "band": _type("string", enum=["Low", "Medium", "High"]),
        "likely": _type("boolean", description="probability ≥ the model's threshold"),
    }


def _segment() -> dict:
    return _object(
        {
            "id": _type("integer", minimum=1),
            "name": _type("string"),
            "size": _type("integer"),
            "share": _type("number"),
            "purchase_rate": _type("number"),
            "revenue": _nullable("number"),
            "age_mean": _nullable("number"),
            "salary_mean": _nullable("number"),
            "price_mean": _nullable("number"),
            "top_gender": _nullable("string"),
        },
        required=["id", "name", "size", "share", "purchase_rate"],
    )


def _customer_row() -> dict:
    return _object(
        {
            "Customer ID": _type("string"),
            "Gender": _type("string"),
            "Age": _type("number"),
            "Salary": _type("number"),
            "Product ID": _nullable("string"),
            "Price": _nullable("number"),
            "Purchased": _type("integer", enum=[0, 1]),
            "Segment": _type("integer", minimum=1),
            "Segment name": _type("string"),
            "Purchase probability": _nullable(
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
        "run_id": _type("integer"),
        "created_at": _type("string", format="date-time"),
        "input_name": _type("string"),
        "rows": _type("integer"),
        "k": _nullable("integer"),
        "status": _type("string", enum=["running", "published", "failed"]),
        "model": _nullable("string"),
        "cv_roc_auc": _nullable("number"),
        "holdout_accuracy": _nullable("number"),
        "error": _nullable("string"),
    }


def _type(name: str | list[str], **more) -> dict:
    return {"type": name, **more}


def _nullable(name: str, **more) -> dict:
    return _type([name, "null"], **more)


def _array(items: dict) -> dict:
    return _type("array", items=items)


def _object(properties: dict, required: list[str] | None = None, **more) -> dict:
    """An object schema; without `required`, every property is required."""
    return _type(
        "object",
        **more,
        required=list(properties) if required is None else required,
        properties=properties,
    )


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_content(name: str) -> dict:
    return {"application/json": {"schema": _ref(name)}}


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": _json_content(name)}


def _error(description: str) -> dict:
    return _json("Error", description)
