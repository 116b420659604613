"""Order-log runs through /api/v1 and the Runs page, on a database with a customer-file run and
an order-log run: the runs list with each run's input_kind, an order-log run's summary
(viewers) and customers (analysts, paged, by RFM group and segment, JSON or formula-safe CSV),
checked against the stored run; ids that are not a published order-log run's are 404s."""

import csv
import io
import json

import pytest
from dash._utils import split_callback_id
from sqlalchemy import select, text

from analytics.config import Settings
from analytics.db.models import ORDER_LOG, CustomerBehaviour, Run
from analytics.db.session import get_engine, record_failed_run, session_factory
from analytics.runs import order_log_run
from analytics.steps.rfm import GROUPS
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.hosting import accounts
from dashapp.logic import export
from dashapp.pages.runs import ids as runs_ids
from dashapp.pages.runs import view as runs_view
from tests.conftest import ROOT, TEST_SECRET_KEY, copy_sqlite_database
from tests.hosting import log_in

ROLES = ("viewer", "analyst")
FORMULA_ID = "=1+2"


@pytest.fixture(scope="module")
def database(published_db, tmp_path_factory) -> tuple[str, int]:
    """The sample customer-file run, an order-log run of the sample order log (one customer
    id rewritten as a formula), a failed order-log run, and a user and token per role."""
    url = copy_sqlite_database(published_db, tmp_path_factory.mktemp("api-orders"))
    run_id = order_log_run.run(ROOT / "data" / "sample_transactions.csv", url).run_id
    with get_engine(url).begin() as connection:
        connection.execute(
            text(
                "UPDATE customer_behaviour SET customer_id = :formula WHERE run_id = :run "
                "AND customer_id = (SELECT MIN(customer_id) FROM customer_behaviour "
                "WHERE run_id = :run)"
            ),
            {"formula": FORMULA_ID, "run": run_id},
        )
    fields = {"input_name": "broken.csv", "input_sha256": "0" * 64, "input_kind": ORDER_LOG}
    record_failed_run(session_factory(url), Run, fields, ValueError("boom"))
    for role in ROLES:
        accounts.add_user(url, role, "correct horse battery", role)
    return url, run_id


@pytest.fixture(scope="module")
def client(database):
    url, _ = database
    settings = Settings(database_url=url, secret_key=TEST_SECRET_KEY)
    return create_app(settings, hosted=True).server.test_client()


@pytest.fixture(scope="module")
def tokens(database) -> dict[str, dict]:
    url, _ = database
    return {role: {"Authorization": f"Bearer {accounts.create_token(url, role)}"} for role in ROLES}


def stored_customers(url: str, run_id: int, *conditions) -> list[str]:
    """The ids of the run's customers meeting the conditions, in customer id order."""
    with session_factory(url)() as session:
        return list(
            session.scalars(
                select(CustomerBehaviour.customer_id)
                .where(CustomerBehaviour.run_id == run_id, *conditions)
                .order_by(CustomerBehaviour.customer_id)
            )
        )


def test_the_runs_list_names_each_runs_input_kind(client, tokens, database):
    _, run_id = database
    runs = client.get("/api/v1/runs", headers=tokens["viewer"]).get_json()["runs"]
    kinds = {run["run_id"]: (run["input_kind"], run["status"]) for run in runs}
    assert kinds[run_id] == ("orders", "published")
    assert kinds[run_id - 1] == ("customers", "published")
    assert kinds[run_id + 1] == ("orders", "failed")
    assert [run["run_id"] for run in runs] == sorted(kinds, reverse=True)
    # The latest run stays the customer-file run every customer-file reader expects.
    latest = client.get("/api/v1/runs/latest", headers=tokens["viewer"]).get_json()
    assert (latest["run_id"], latest["input_kind"]) == (run_id - 1, "customers")


def test_a_viewer_reads_an_order_log_runs_summary(client, tokens, database):
    url, run_id = database
    response = client.get(f"/api/v1/runs/{run_id}/summary", headers=tokens["viewer"])
    assert response.status_code == 200
    summary = response.get_json()
    customers = len(stored_customers(url, run_id))
    assert (summary["run_id"], summary["input_kind"], summary["customers"]) == (
        run_id,
        "orders",
        customers,
    )
    groups = {row["group"]: row["customers"] for row in summary["rfm_groups"]}
    assert list(groups) == list(GROUPS)
    assert groups["Champions"] == len(
        stored_customers(url, run_id, CustomerBehaviour.rfm_group == "Champions")
    )
    assert sum(groups.values()) == summary["order_kpis"]["customers"] == customers
    assert sum(map(sum, summary["rfm_grid"]["customers"])) == customers
    assert summary["order_kpis"]["horizon_days"] == 90
    assert (
        summary["repeat_model"]["name"]
        and 0.5 < summary["repeat_model"]["metrics"]["cv"]["roc_auc"] <= 1
    )
    assert summary["value_model"]["params"]["horizon_days"] == 90
    assert [segment["id"] for segment in summary["segments"]] == list(
        range(1, len(summary["segments"]) + 1)
    )
    assert summary["backtest"] is None


def test_customers_are_paged_and_filtered_by_rfm_group_and_segment(client, tokens, database):
    url, run_id = database
    path = f"/api/v1/runs/{run_id}/customers"
    assert client.get(path, headers=tokens["viewer"]).status_code == 403

    lost_or_at_risk = stored_customers(
        url, run_id, CustomerBehaviour.rfm_group.in_(["Lost", "At Risk"])
    )
    first = client.get(f"{path}?rfm_group=lost,At Risk&per_page=50", headers=tokens["analyst"])
    second = client.get(
        f"{path}?rfm_group=Lost&rfm_group=at risk&per_page=50&page=2", headers=tokens["analyst"]
    )
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Total-Count"] == str(len(lost_or_at_risk))
    page_one, page_two = first.get_json(), second.get_json()
    assert page_one["total"] == page_two["total"] == len(lost_or_at_risk)
    ids = [row["customer_id"] for row in page_one["customers"] + page_two["customers"]]
    assert ids == lost_or_at_risk[:100]
    row = page_one["customers"][0]
    assert set(row) == set(export.ORDER_AUDIENCE_COLUMNS)
    assert row["rfm_group"] in ("Lost", "At Risk") and row["r_score"] in (1, 2)
    assert row["expected_orders_lo"] <= row["expected_orders_hi"]

    in_segment = stored_customers(url, run_id, CustomerBehaviour.segment == 0)
    everyone = client.get(f"{path}?segment=1&per_page=1000", headers=tokens["analyst"])
    assert [row["customer_id"] for row in everyone.get_json()["customers"]] == in_segment
    assert {row["segment"] for row in everyone.get_json()["customers"]} == {1}


def test_customers_as_csv_are_formula_safe(client, tokens, database):
    _, run_id = database
    response = client.get(
        f"/api/v1/runs/{run_id}/customers?format=csv&per_page=1000", headers=tokens["analyst"]
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == export.ORDER_AUDIENCE_COLUMNS
    ids = {row["customer_id"] for row in rows}
    assert "'" + FORMULA_ID in ids and FORMULA_ID not in ids
    assert f"audience-orders-run-{run_id}-page1.csv" in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    "query", ["rfm_group=Whales", "rfm_group=", "segment=0", "per_page=1001", "format=xml"]
)
def test_bad_parameters_are_422(client, tokens, database, query):
    _, run_id = database
    response = client.get(f"/api/v1/runs/{run_id}/customers?{query}", headers=tokens["analyst"])
    assert response.status_code == 422, query
    assert response.get_json()["error"]


def test_ids_that_are_not_a_published_order_log_run_are_404(client, tokens, database):
    _, run_id = database
    # The customer-file run, the failed order-log run, and runs that do not exist.
    for other in (run_id - 1, run_id + 1, 999_999, 2**63 + 5):
        for route in ("summary", "customers"):
            response = client.get(f"/api/v1/runs/{other}/{route}", headers=tokens["analyst"])
            assert response.status_code == 404, (other, route)
            assert "no published order-log run" in response.get_json()["error"]


def test_the_openapi_document_describes_order_log_runs(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/runs/{run_id}/summary", "/runs/{run_id}/customers"} <= set(document["paths"])
    schemas = document["components"]["schemas"]
    assert schemas["Run"]["properties"]["input_kind"]["enum"] == ["customers", "orders"]
    customer = schemas["OrderCustomerPage"]["properties"]["customers"]["items"]
    assert set(customer["properties"]) == set(export.ORDER_AUDIENCE_COLUMNS)
    parameters = document["paths"]["/runs/{run_id}/customers"]["get"]["parameters"]
    rfm = next(p for p in parameters if p["name"] == "rfm_group")
    assert rfm["schema"]["items"]["enum"] == list(GROUPS)


def test_the_runs_page_lists_order_log_runs_with_their_kind(client, database):
    url, run_id = database
    with client.application.test_request_context():
        body = runs_view.body(url, queries.latest_run(url))
    table = next(c for c in _components(body) if getattr(c, "id", None) == runs_ids.RUNS_TABLE)
    rows = {cells[0]: cells for cells in map(_cells, _components(table)) if cells}
    assert rows[str(run_id)][3] == "Order log"
    assert rows[str(run_id - 1)][3] == "Customer file"
    # Only customer-file runs can be compared by their segments' customers.
    dropdown = next(c for c in _components(body) if getattr(c, "id", None) == runs_ids.RUNS_COMPARE)
    assert [option["value"] for option in dropdown.options] == [run_id - 1]


def _components(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _components(child)


def _cells(component) -> list[str]:
    """A table row's data cells as text; [] for anything else."""
    if type(component).__name__ != "Tr":
        return []
    return [str(cell.children) for cell in component.children if type(cell).__name__ == "Td"]


ROUTER = ".._pages_content.children..._pages_store.data.."


def explorer_page(client, search: str) -> str:
    """The segment explorer's layout as Dash's page router answers for `search`."""
    body = {
        "output": ROUTER,
        "outputs": split_callback_id(ROUTER),
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/segments"},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.search"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_hosted_the_explorer_opens_only_published_order_log_runs(database):
    url, run_id = database
    settings = Settings(database_url=url, secret_key=TEST_SECRET_KEY)
    client = create_app(settings, hosted=True).server.test_client()
    client.get("/login")  # Dash registers its page router on the first request
    assert log_in(client, "analyst", "correct horse battery").status_code == 303

    order_page = explorer_page(client, f"?run={run_id}&r=5&fm=5")
    assert f"Run {run_id} · sample_transactions.csv" in order_page
    assert "Segment explorer · order log" in order_page
    # The failed run, a run that does not exist and text that is not an id: the customer file.
    for forged in (run_id + 1, 999_999, "2%20OR%201=1", "-1", f"{run_id}.0"):
        page = explorer_page(client, f"?run={forged}")
        assert f"Run {run_id - 1} · " in page, forged
        assert "Segment explorer · order log" not in page, forged
