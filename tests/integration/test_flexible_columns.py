"""Issue 19: a customer file needs only Customer ID and Purchased, and any other column can be
named as a feature. A file without Salary runs with --columns and no --features and publishes; a
file's own column named in --features feeds the segments and the model and is stored per
customer; the dashboard reads both runs (its queries, its pages through the router, the
what-if) without a browser."""

import functools
import json

import numpy as np
import pandas as pd
import pytest

from analytics.config import Settings
from analytics.db import repository
from analytics.db.session import session_factory
from analytics.runs import customer_file
from analytics.steps.classifier import (
    CANDIDATES,
    choose_model,
    predict_probability,
    with_file_features,
)
from dashapp.app import create_app
from dashapp.data import customer_reads, derived, queries
from dashapp.hosting import accounts
from dashapp.ui.figures.overview import salary_by_purchase
from tests.integration.test_cli import cli
from tests.integration.test_hosting import callback_body

FAST = {"Logistic Regression": CANDIDATES["Logistic Regression"]}
SALARY_ABSENT = "The file has no 'Salary' column; it is left out of this run."


@pytest.fixture(scope="module")
def customers(sample_csv) -> pd.DataFrame:
    """A thousand customers of the bundled sample (the reference data's layout)."""
    return pd.read_csv(sample_csv, nrows=1_000)


@pytest.fixture(scope="module")
def no_salary_csv(customers, tmp_path_factory):
    """Customers without Salary, their id and outcome columns under other names."""
    path = tmp_path_factory.mktemp("files") / "no_salary.csv"
    frame = customers.drop(columns=["Salary"])
    frame.rename(columns={"Customer ID": "Client", "Purchased": "Bought"}).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def tenure_csv(customers, tmp_path_factory):
    """Customers with two columns of their own (tenure in months, the sales channel) and one
    that is never named (an e-mail address)."""
    frame = customers.copy()
    rng = np.random.default_rng(5)
    frame["Tenure Months"] = rng.integers(1, 60, len(frame))
    frame["channel"] = rng.choice(["web", "store", "app"], len(frame))
    frame["Email"] = [f"c{i}@example.com" for i in range(len(frame))]
    path = tmp_path_factory.mktemp("files") / "tenure.csv"
    frame.to_csv(path, index=False)
    return path


def render(app, pathname: str) -> str:
    """The page at `pathname` as the router renders it (what a browser receives)."""
    body = callback_body(
        [("_pages_content", "children"), ("_pages_store", "data")],
        [("_pages_location", "pathname", pathname), ("_pages_location", "search", "")],
    )
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200, pathname
    return response.get_data(as_text=True)


def test_a_file_without_salary_runs_with_columns_and_no_features(fresh_db, no_salary_csv):
    result = cli(
        "run",
        "--input",
        str(no_salary_csv),
        "--db",
        fresh_db,
        "--columns",
        "customer_id=Client,purchased=Bought",
        "--json",
    )
    summary = json.loads(result.stdout)
    run_id = summary["run_id"]
    assert summary["rows"] == 1_000
    assert summary["segment_features"] == ["age", "price"]
    assert SALARY_ABSENT in summary["notes"]
    assert summary["model"] is not None

    # What the dashboard reads of it.
    assert queries.latest_run(fresh_db).id == run_id
    overview = queries.overview(fresh_db, run_id)
    assert overview.salary_by_purchase.empty and not overview.age_distribution.empty
    assert "Salary" not in overview.feature_ranges
    assert (
        salary_by_purchase(overview.salary_by_purchase)
        .layout.annotations[0]
        .text.startswith("No salaries to show")
    )
    assert queries.scatter_points(fresh_db, run_id)["Salary"].isna().all()
    customers = queries.customers(fresh_db, run_id)
    assert customers["Salary"].isna().all() and customers["Gender"].notna().all()
    choices = customer_reads.explorer_choices(fresh_db, run_id)
    assert choices.axes == ("Age", "Price")
    model = queries.purchase_model(fresh_db, run_id)
    assert "Salary" not in model.features
    with session_factory(fresh_db)() as session:
        assert repository.run_customer_attributes(session, run_id).empty

    # predict needs no --salary for such a model.
    answer = json.loads(
        cli("predict", "--db", fresh_db, "--age", "40", "--price", "3000", "--json").stdout
    )
    assert 0 <= answer["probability"] <= 1 and answer["run_id"] == run_id


def test_the_pages_of_a_run_without_salary_show_designed_empty_states(
    tmp_path, no_salary_csv, monkeypatch
):
    monkeypatch.setattr(
        customer_file, "choose_model", functools.partial(choose_model, candidates=FAST)
    )
    db = f"sqlite:///{tmp_path / 'pages.db'}"
    options = customer_file.RunOptions(columns={"customer_id": "Client", "purchased": "Bought"})
    run_id = customer_file.run(no_salary_csv, db, options).run_id
    app = create_app(Settings(database_url=db))
    overview = render(app, "/")
    assert "No salaries to show: this run's file has no Salary column" in overview
    assert "Nothing to plot: this run's file has no Salary column" in overview
    assert SALARY_ABSENT in overview
    for pathname in ("/segments", "/model", "/what-if", "/runs"):
        assert "Traceback" not in render(app, pathname)
    what_if = render(app, "/what-if")
    assert "not in this data" in what_if  # the salary input, disabled

    from dashapp.pages.what_if import predict  # imported by create_app's page discovery

    with app.server.test_request_context():
        probability, _band = predict.probability(40, None, 3_000, "Female", run_id)
        assert probability.endswith("%")
        text, _figure = predict.explanation(40, None, 3_000, "Female", run_id)
        assert text.startswith("Against a typical customer") or text.startswith("About the same")
        segment = predict.segment_what_if("all", -10, run_id)
        assert "Expected" in str(segment)


def test_a_file_column_named_in_features_feeds_segments_and_model(
    fresh_db, tenure_csv, monkeypatch
):
    monkeypatch.setattr(
        customer_file, "choose_model", functools.partial(choose_model, candidates=FAST)
    )
    options = customer_file.RunOptions(features=("age", "tenure_months", "channel"))
    summary = customer_file.run(tenure_csv, fresh_db, options).as_dict()
    run_id = summary["run_id"]
    # The feature goes by its column's name from the file on.
    assert summary["segment_features"] == ["age", "Tenure Months", "channel"]
    assert any("ignored: 'Email'" in note for note in summary["notes"])
    with session_factory(fresh_db)() as session:
        run = repository.run_by_id(session, run_id)
        assert run.segment_features == ["age", "Tenure Months", "channel"]
        assert run.params["features"] == ["age", "tenure_months", "channel"]
        stored = repository.selected_model(session, run_id)
        assert stored.features == ["Age", "Salary", "Price", "Gender", "Tenure Months", "channel"]

    # Each customer's own values are stored with it and read back in file order.
    with session_factory(fresh_db)() as session:
        attributes = repository.run_customer_attributes(session, run_id)
    expected = pd.read_csv(tenure_csv)[["Tenure Months", "channel"]]
    assert attributes["Tenure Months"].tolist() == expected["Tenure Months"].astype(float).tolist()
    assert attributes["channel"].tolist() == expected["channel"].tolist()

    # The dashboard's model reads them: the segment what-if predicts every customer with them,
    # and a what-if for one customer holds them at the typical customer's values.
    model = queries.purchase_model(fresh_db, run_id)
    prediction = derived.segment_prediction(fresh_db, run_id, None)
    assert len(prediction.probability) == 1_000
    with session_factory(fresh_db)() as session:
        customers = repository.run_customers(session, run_id)
    np.testing.assert_allclose(
        prediction.probability.to_numpy(),
        customers["purchase_probability"].to_numpy()[prediction.rows.index],
        atol=1e-9,
    )
    entered = {"Age": 40, "Salary": 60_000, "Price": 3_000, "Gender": "Female"}
    inputs = with_file_features(entered, model.features, model.reference)
    expected = predict_probability(model.estimator, model.features, inputs)

    # The API answers for the same customer the same way (it cannot ask for the file's columns).
    accounts.add_user(fresh_db, "sales", "correct horse battery", "sales")
    token = accounts.create_token(fresh_db, "sales")
    app = create_app(Settings(database_url=fresh_db))
    response = app.server.test_client().post(
        "/api/v1/predict",
        headers={"Authorization": f"Bearer {token}"},
        json={"customers": [{"age": 40, "salary": 60_000, "price": 3_000, "gender": "Female"}]},
    )
    assert response.status_code == 200, response.get_json()
    [answer] = response.get_json()["predictions"]
    assert answer["probability"] == pytest.approx(expected)
