"""The OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json (without a token)."""

from analytics.validation.schema import NUMERIC_BOUNDS
from dashapp.logic.export import PROBABILITY_DECIMALS


def document() -> dict:
    from dashapp.api.routes import MAX_CUSTOMERS_PER_PREDICTION, MAX_GENDER_LENGTH, MAX_PAGE_SIZE

    def bounded(name: str) -> dict:
        low, high = NUMERIC_BOUNDS[name]
        return {"type": "number", "minimum": low, "maximum": high}

    def error(description: str) -> dict:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }

    def json_body(schema: str, description: str) -> dict:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }

    guarded = {
        "401": error("No token, or an unknown or revoked one"),
        "403": error("The token's user has a role below the one this needs"),
        "503": error("The database cannot be used"),
    }
    no_run = error("No run is published yet")
    nullable_number = {"type": ["number", "null"]}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Customer Analytics API",
            "version": "1",
            "description": (
                "Predictions, segments and their customers, and runs, from the latest published "
                "run. Send `Authorization: Bearer <token>`; tokens are made with "
                "`python -m dashapp tokens create --user NAME` and act with that user's role: "
                "runs need viewer, segments and customers analyst, predictions sales."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/predict": {
                "post": {
                    "summary": "Purchase probabilities for one or more customers (role: sales)",
                    "operationId": "predict",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/PredictionRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": json_body("Predictions", "One prediction per customer, in order"),
                        "404": error("No published run, or its run has no purchase model"),
                        "422": error("The request is not a valid list of customers"),
                        **guarded,
                    },
                }
            },
            "/segments": {
                "get": {
                    "summary": "The segments of the latest run (role: analyst)",
                    "operationId": "listSegments",
                    "responses": {
                        "200": json_body("Segments", "Every segment with its profile"),
                        "404": no_run,
                        **guarded,
                    },
                }
            },
            "/segments/{segment_id}/customers": {
                "get": {
                    "summary": "A page of one segment's customers, as JSON or CSV (role: analyst)",
                    "operationId": "segmentCustomers",
                    "parameters": [
                        {
                            "name": "segment_id",
                            "in": "path",
                            "required": True,
                            "description": "The segment's number as on the dashboard (from 1)",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "default": 1},
                        },
                        {
                            "name": "per_page",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_PAGE_SIZE,
                                "default": 100,
                            },
                        },
                        {
                            "name": "format",
                            "in": "query",
                            "description": (
                                "csv: cells a spreadsheet would run as formulas get a leading '"
                            ),
                            "schema": {
                                "type": "string",
                                "enum": ["json", "csv"],
                                "default": "json",
                            },
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": (
                                "The page; X-Total-Count, X-Page and X-Per-Page headers say where"
                            ),
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/CustomerPage"}
                                },
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "404": error("No published run, or no such segment"),
                        "422": error("A query parameter is out of range"),
                        **guarded,
                    },
                }
            },
            "/runs": {
                "get": {
                    "summary": "The newest runs of any status, newest first (role: viewer)",
                    "operationId": "listRuns",
                    "responses": {"200": json_body("Runs", "Up to 100 runs"), **guarded},
                }
            },
            "/runs/latest": {
                "get": {
                    "summary": "The run the dashboard and the API answer from (role: viewer)",
                    "operationId": "latestRun",
                    "responses": {
                        "200": json_body("Run", "The latest published run"),
                        "404": no_run,
                        **guarded,
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                "Customer": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["age", "salary"],
                    "properties": {
                        "age": bounded("Age"),
                        "salary": bounded("Salary"),
                        "price": {
                            **bounded("Price"),
                            "description": "Required when the published model uses price",
                        },
                        "gender": {
                            "type": ["string", "null"],
                            "minLength": 1,
                            "maxLength": MAX_GENDER_LENGTH,
                            "description": "e.g. Female or Male; left out, the model imputes it",
                        },
                    },
                },
                "PredictionRequest": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["customers"],
                    "properties": {
                        "customers": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": MAX_CUSTOMERS_PER_PREDICTION,
                            "items": {"$ref": "#/components/schemas/Customer"},
                        }
                    },
                },
                "Predictions": {
                    "type": "object",
                    "required": ["run_id", "model", "threshold", "predictions"],
                    "properties": {
                        "run_id": {"type": "integer"},
                        "model": {"type": "string"},
                        "threshold": {"type": "number"},
                        "predictions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["probability", "band", "likely"],
                                "properties": {
                                    "probability": {"type": "number", "minimum": 0, "maximum": 1},
                                    "band": {"type": "string", "enum": ["Low", "Medium", "High"]},
                                    "likely": {
                                        "type": "boolean",
                                        "description": "probability ≥ the model's threshold",
                                    },
                                },
                            },
                        },
                    },
                },
                "Segments": {
                    "type": "object",
                    "required": ["run_id", "segments"],
                    "properties": {
                        "run_id": {"type": "integer"},
                        "segments": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "name", "size", "share", "purchase_rate"],
                                "properties": {
                                    "id": {"type": "integer", "minimum": 1},
                                    "name": {"type": "string"},
                                    "size": {"type": "integer"},
                                    "share": {"type": "number"},
                                    "purchase_rate": {"type": "number"},
                                    "revenue": nullable_number,
                                    "age_mean": nullable_number,
                                    "salary_mean": nullable_number,
                                    "price_mean": nullable_number,
                                    "top_gender": {"type": ["string", "null"]},
                                },
                            },
                        },
                    },
                },
                "CustomerPage": {
                    "type": "object",
                    "required": ["run_id", "segment", "page", "per_page", "total", "customers"],
                    "properties": {
                        "run_id": {"type": "integer"},
                        "segment": {"type": "integer"},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "total": {"type": "integer"},
                        "customers": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "description": (
                                    "The input columns (Customer ID, Gender, Age, Salary, and "
                                    "Product ID and Price when the run had them), Purchased, "
                                    "Segment, Segment name and Purchase probability"
                                ),
                                "required": [
                                    "Customer ID",
                                    "Gender",
                                    "Age",
                                    "Salary",
                                    "Purchased",
                                    "Segment",
                                    "Segment name",
                                    "Purchase probability",
                                ],
                                "properties": {
                                    "Customer ID": {"type": "string"},
                                    "Gender": {"type": "string"},
                                    "Age": {"type": "number"},
                                    "Salary": {"type": "number"},
                                    "Product ID": {"type": ["string", "null"]},
                                    "Price": nullable_number,
                                    "Purchased": {"type": "integer", "enum": [0, 1]},
                                    "Segment": {"type": "integer", "minimum": 1},
                                    "Segment name": {"type": "string"},
                                    "Purchase probability": {
                                        "type": ["number", "null"],
                                        "minimum": 0,
                                        "maximum": 1,
                                        "description": (
                                            "The probability that the customer buys under "
                                            "the run's purchase model, to "
                                            f"{PROBABILITY_DECIMALS} decimals; null when the run "
                                            "has no model (too little data)"
                                        ),
                                    },
                                },
                            },
                        },
                    },
                },
                "Run": {
                    "type": "object",
                    "required": ["run_id", "created_at", "input_name", "rows", "status"],
                    "properties": {
                        "run_id": {"type": "integer"},
                        "created_at": {"type": "string", "format": "date-time"},
                        "input_name": {"type": "string"},
                        "rows": {"type": "integer"},
                        "k": {"type": ["integer", "null"]},
                        "status": {"type": "string", "enum": ["running", "published", "failed"]},
                        "model": {"type": ["string", "null"]},
                        "cv_roc_auc": nullable_number,
                        "holdout_accuracy": nullable_number,
                        "error": {"type": ["string", "null"]},
                    },
                },
                "Runs": {
                    "type": "object",
                    "required": ["runs"],
                    "properties": {
                        "runs": {"type": "array", "items": {"$ref": "#/components/schemas/Run"}}
                    },
                },
            },
        },
    }
