"""/api/v1: predictions, segments and their customers, and runs, for marketing tools.

Every route but the OpenAPI document needs `Authorization: Bearer <token>` (tokens from
`python -m dashapp tokens create --user U`) and acts with that user's role. Errors are JSON
objects with an "error" message: 401 without a valid token, 403 for a role below the route's,
404 for what does not exist (no published run yet), 400 for a body that is not valid JSON (see
dashapp.hosting.request_limits), 413 for one over MAX_REQUEST_MB, 422 for bad input, 503 when
the database cannot be used, and 500, without details, for anything else (the log has them).
"""

import math
import re
from datetime import UTC, datetime
from functools import wraps

import flask
import numpy as np
import pandas as pd
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest, HTTPException

from analytics.db.session import describe_failure
from analytics.steps.classifier import (
    ModelVersionError,
    predict_probabilities,
    with_file_features,
)
from analytics.validation.schema import NUMERIC_BOUNDS
from dashapp.api import openapi, order_runs, schema
from dashapp.data import customer_reads, orders, queries
from dashapp.hosting import accounts, roles
from dashapp.logic import export, whatif

blueprint = flask.Blueprint("api", __name__, url_prefix="/api/v1")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@blueprint.errorhandler(ApiError)
def _api_error(error: ApiError):
    response = flask.jsonify(error=error.message)
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="customer-analytics"'
    return response


@blueprint.errorhandler(SQLAlchemyError)
def _database_error(error: SQLAlchemyError):
    flask.current_app.logger.warning(describe_failure(_url(), error))
    return flask.jsonify(error="The database is not available; try again later."), 503


@blueprint.errorhandler(ModelVersionError)
def _model_version_error(error: ModelVersionError):
    return flask.jsonify(error=f"The published model cannot be used: {error}"), 503


@blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return flask.jsonify(error=error.description), error.code


@blueprint.errorhandler(Exception)
def _unexpected_error(error: Exception):
    # Exception texts may carry SQL, paths or values: they go to the log, never to the client.
    flask.current_app.logger.exception("API request %s failed", flask.request.path)
    return flask.jsonify(error="Internal error; the server log has the details."), 500


def requires(role: str):
    """Let the request through only with a live bearer token whose user has `role` or above."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            scheme, _, token = flask.request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise ApiError(401, "Send an API token: Authorization: Bearer <token>.")
            account = accounts.account_for_token(_url(), token.strip())
            if account is None:
                raise ApiError(401, "The API token is not valid (unknown or revoked).")
            if not roles.allows(account.role, role):
                raise ApiError(
                    403, f"This needs the {role} role; the token's user is a {account.role}."
                )
            return view(*args, **kwargs)

        return guarded

    return decorate


@blueprint.get("/openapi.json")
def openapi_document():
    return flask.jsonify(openapi.document())


@blueprint.post("/predict")
@requires(roles.SALES)
def predict():
    if not flask.request.is_json:
        raise ApiError(422, 'Send a JSON object {"customers": [{"age": …, "salary": …, …}]}.')
    try:
        body = flask.request.get_json()
    except BadRequest:
        raise ApiError(
            400,
            "The body is not valid JSON (numbers of at most 30 digits, finite, "
            "and nesting of at most a few hundred levels).",
        ) from None
    if not isinstance(body, dict) or set(body) != {"customers"}:
        raise ApiError(422, 'Send a JSON object {"customers": [{"age": …, "salary": …, …}]}.')
    customers = body["customers"]
    most = schema.MAX_CUSTOMERS_PER_PREDICTION
    if not isinstance(customers, list) or not 1 <= len(customers) <= most:
        raise ApiError(422, f'"customers" is a list of 1 to {most} customers.')
    run = _latest_run()
    model = queries.purchase_model(_url(), run.id)
    if model is None:
        raise ApiError(404, f"Run {run.id} has no purchase model (too little data).")
    # A model that also reads columns of the run's own file predicts a typical customer in them.
    rows = [
        with_file_features(
            _model_inputs(position, customer, model.features), model.features, model.reference
        )
        for position, customer in enumerate(customers)
    ]
    probabilities = predict_probabilities(model.estimator, model.features, rows)
    return flask.jsonify(
        run_id=run.id,
        model=model.name,
        threshold=model.threshold,
        predictions=[
            {
                "probability": float(probability),
                "band": whatif.band(probability)[0],
                "likely": bool(probability >= model.threshold),
            }
            for probability in probabilities
        ],
    )


@blueprint.get("/segments")
@requires(roles.ANALYST)
def segments():
    run = _latest_run()
    profiles = queries.overview(_url(), run.id).segments
    return flask.jsonify(
        run_id=run.id,
        segments=[_segment(row) for row in _records(profiles)],
    )


@blueprint.get("/segments/<int:segment_id>/customers")
@requires(roles.ANALYST)
def segment_customers(segment_id: int):
    run = _latest_run()
    url = _url()
    profiles = queries.overview(url, run.id).segments
    segment_names = dict(zip(profiles["segment"], profiles["name"], strict=True))
    # Segments are numbered from 1 in the API, as on the dashboard and in its exports.
    segment = segment_id - 1
    if segment not in segment_names:
        raise ApiError(404, f"Run {run.id} has no segment {segment_id}.")
    page = _positive_int("page", 1)
    per_page = _per_page()
    output = _output_format()
    shown, members = customer_reads.segment_page(
        url, run.id, segment, (page - 1) * per_page, per_page
    )
    absent = customer_reads.audience_columns(url, run.id)["absent"]
    audience = export.audience_frame(shown, segment_names, absent=absent)
    paging = {
        "X-Total-Count": str(members),
        "X-Page": str(page),
        "X-Per-Page": str(per_page),
    }
    if output == "csv":
        return _csv_page(audience, f"run{run.id}-segment{segment_id}-page{page}.csv", paging)
    response = flask.jsonify(
        run_id=run.id,
        segment=segment_id,
        page=page,
        per_page=per_page,
        total=members,
        customers=_records(audience),
    )
    response.headers.update(paging)
    return response


@blueprint.get("/runs")
@requires(roles.VIEWER)
def runs():
    history = queries.run_history(_url(), schema.INPUT_KINDS)
    return flask.jsonify(runs=_records(history))


@blueprint.get("/runs/latest")
@requires(roles.VIEWER)
def latest_run():
    run = _latest_run()
    history = queries.run_history(_url())
    return flask.jsonify(_records(history[history["run_id"] == run.id])[0])


@blueprint.get("/runs/<int:run_id>/summary")
@requires(roles.VIEWER)
def order_run_summary(run_id: int):
    # Viewers read what the Customers page shows them; customer rows need an analyst.
    run = _order_run(run_id)
    return flask.jsonify(_tree(order_runs.summary(_url(), run)))


@blueprint.get("/runs/<int:run_id>/customers")
@requires(roles.ANALYST)
def order_run_customers(run_id: int):
    run = _order_run(run_id)
    groups = _rfm_groups()
    segment = _positive_int("segment", 0) or None
    page = _positive_int("page", 1)
    per_page = _per_page()
    output = _output_format()
    found = order_runs.customer_page(_url(), run.id, groups, segment, page, per_page)
    paging = {
        "X-Total-Count": str(found.total),
        "X-Page": str(page),
        "X-Per-Page": str(per_page),
    }
    if output == "csv":
        return _csv_page(found.customers, f"audience-orders-run-{run.id}-page{page}.csv", paging)
    response = flask.jsonify(
        run_id=run.id,
        page=page,
        per_page=per_page,
        total=found.total,
        customers=_records(found.customers),
    )
    response.headers.update(paging)
    return response


def _url() -> str:
    return flask.current_app.config["DATABASE_URL"]


def _latest_run() -> queries.RunInfo:
    run = queries.latest_run(_url())
    if run is None:
        raise ApiError(404, "No run is published yet; run `python -m analytics run` first.")
    return run


def _order_run(run_id: int) -> orders.OrderRunInfo:
    run = order_runs.published_run(_url(), run_id)
    if run is None:
        raise ApiError(
            404,
            f"There is no published order-log run {run_id}; GET /runs lists the runs and "
            "their input_kind.",
        )
    return run


def _rfm_groups() -> tuple[str, ...] | None:
    """The RFM groups asked for (rfm_group=Champions,At Risk; repeated or comma-separated,
    any case), None for all; a name that is not a group's is a 422."""
    asked = [
        name.strip()
        for value in flask.request.args.getlist("rfm_group")
        for name in value.split(",")
    ]
    if not asked:
        return None
    by_name = {group.lower(): group for group in schema.RFM_GROUPS}
    unknown = [name for name in asked if name.lower() not in by_name]
    if unknown:
        raise ApiError(422, f"rfm_group is one of {list(schema.RFM_GROUPS)}; not {unknown[:3]}.")
    return tuple(by_name[name.lower()] for name in asked)


def _per_page() -> int:
    per_page = _positive_int("per_page", schema.DEFAULT_PAGE_SIZE)
    if per_page > schema.MAX_PAGE_SIZE:
        raise ApiError(422, f"per_page is at most {schema.MAX_PAGE_SIZE}.")
    return per_page


def _output_format() -> str:
    output = flask.request.args.get("format", schema.OUTPUT_FORMATS[0])
    if output not in schema.OUTPUT_FORMATS:
        raise ApiError(422, 'format is "json" or "csv".')
    return output


def _model_inputs(position: int, customer: object, features: list[str]) -> dict:
    """One customer's model inputs, or a 422 that names the customer and the field."""
    where = f"customers[{position}]"
    if not isinstance(customer, dict):
        raise ApiError(422, f"{where} is not an object.")
    unknown = sorted(set(customer) - set(schema.INPUTS))
    if unknown:
        raise ApiError(422, f"{where} has unknown fields {unknown}; known: {list(schema.INPUTS)}.")
    inputs = {}
    for field, feature in schema.INPUTS.items():
        value = customer.get(field)
        if feature == "Gender":
            if value is not None and (
                not isinstance(value, str) or not 0 < len(value) <= schema.MAX_GENDER_LENGTH
            ):
                raise ApiError(
                    422, f"{where}.gender is text of 1 to {schema.MAX_GENDER_LENGTH} characters."
                )
            inputs[feature] = value
            continue
        low, high = NUMERIC_BOUNDS[feature]
        if value is None:
            if feature in features:
                raise ApiError(422, f"{where}.{field} is required by the published model.")
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            raise ApiError(422, f"{where}.{field} is a number from {low:g} to {high:g}.")
        inputs[feature] = float(value)
    return inputs


def _positive_int(name: str, default: int) -> int:
    text = flask.request.args.get(name)
    if text is None:
        return default
    # ASCII digits only: str.isdigit also accepts "²" and other digits int() refuses.
    if not re.fullmatch(r"[0-9]{1,18}", text) or int(text) < 1:
        raise ApiError(422, f"{name} is a whole number from 1 to 18 digits long.")
    return int(text)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: missing values as null, times as ISO 8601, numpy as Python."""
    return [
        {key: _plain(value) for key, value in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def _plain(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        # Run times are stored in UTC; SQLite hands them back without their zone.
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _tree(value: object) -> object:
    """Stored JSON (and the run's facts) made JSON-ready throughout, as _plain for one value."""
    if isinstance(value, dict):
        return {str(key): _tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_tree(item) for item in value]
    return _plain(value)


def _segment(profile: dict) -> dict:
    """A segment profile, numbered from 1 as on the dashboard instead of from 0 as stored."""
    number = int(profile.pop("segment")) + 1
    return {"id": number, **profile}


def _csv_page(rows, filename: str, paging: dict) -> flask.Response:
    """One page of customers as a formula-safe CSV download, with the paging headers."""
    return flask.Response(
        export.to_csv(rows),
        mimetype="text/csv",
        headers={**paging, "Content-Disposition": f'attachment; filename="{filename}"'},
    )
