"""The Spark engine on order logs (`run --orders FILE --engine spark`) against the pandas engine:
on the bundled order log both publish the same customers, RFM groups and per-customer recency,
frequency and monetary; on a UCI Online Retail layout (line items, cancellations, refunds,
guest rows, products) both build the same order days, behaviour and attributes; a bad log gets
the pandas engine's message.

Skipped (with the reason) when PySpark or Java is missing: `make test` installs both.
"""

import importlib.util
import shutil

import numpy as np
import pandas as pd
import pytest

from analytics.cli import main
from analytics.db import behaviour_repository, repository
from analytics.db.models import ORDER_LOG
from analytics.db.session import session_factory
from analytics.errors import InputError
from analytics.io.sample import generate_transactions
from analytics.runs import order_log_run
from analytics.steps.rfm import GROUPS
from analytics.validation.order_file import read_order_log
from tests.integration.test_cli import run_main

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="the Spark engine needs PySpark (pip install '.[spark]') and Java 17 on PATH",
)
MASTER = "local[2]"


@pytest.fixture(scope="module")
def spark():
    from analytics.spark.session import spark_session

    return spark_session(MASTER)


@pytest.fixture(scope="module")
def both_runs(spark, sample_csv, tmp_path_factory) -> dict:
    """The bundled order log through each engine's CLI run: its JSON and its stored run."""
    folder = tmp_path_factory.mktemp("spark-orders")
    log = sample_csv.parent / "sample_transactions.csv"
    runs = {}
    for engine in ("pandas", "spark"):
        db = f"sqlite:///{folder / f'{engine}.db'}"
        status = main(
            ["run", "--orders", str(log), "--db", db, "--json", "--engine", engine]
            + (["--spark-master", MASTER] if engine == "spark" else [])
        )
        assert status == 0
        with session_factory(db)() as session:
            run = repository.latest_published_run(session, ORDER_LOG)
            runs[engine] = (run, behaviour_repository.run_behaviour(session, run.id))
    return runs


def test_both_engines_publish_the_same_customers_groups_and_rfm_values(both_runs):
    (pandas_run, pandas_customers), (spark_run, spark_customers) = (
        both_runs["pandas"],
        both_runs["spark"],
    )
    assert spark_run.params["engine"] == "spark" and "pyspark" in spark_run.versions
    assert spark_run.rows == pandas_run.rows == 625
    assert spark_run.notes == pandas_run.notes
    assert spark_customers["customer_id"].tolist() == pandas_customers["customer_id"].tolist()
    groups = {
        engine: customers["rfm_group"].value_counts().to_dict()
        for engine, customers in (("pandas", pandas_customers), ("spark", spark_customers))
    }
    assert groups["spark"] == groups["pandas"] and set(groups["spark"]) == set(GROUPS)
    for column in ("recency_days", "frequency", "r_score", "f_score", "m_score", "rfm_group"):
        assert spark_customers[column].tolist() == pandas_customers[column].tolist(), column
    np.testing.assert_allclose(spark_customers["monetary"], pandas_customers["monetary"])
    # The per-customer steps ran on the same table: the same segments and predictions.
    assert spark_customers["segment"].tolist() == pandas_customers["segment"].tolist()
    for column in ("p_repeat", "expected_orders", "p_alive", "expected_value"):
        np.testing.assert_allclose(spark_customers[column], pandas_customers[column], atol=1e-9)


def retail_log(path) -> None:
    """A UCI Online Retail export: invoices of several lines, C-invoices that cancel with
    negative quantities, guest lines without a customer, US dates, and a constant Country."""
    rng = np.random.default_rng(3)
    rows = []
    for invoice in range(400):
        customer = int(rng.integers(0, 60))
        day = pd.Timestamp("2010-12-01") + pd.Timedelta(days=int(rng.integers(0, 360)))
        cancelled = rng.random() < 0.08
        guest = rng.random() < 0.05
        for _ in range(int(rng.integers(1, 4))):
            quantity = int(rng.integers(1, 12))
            rows.append(
                {
                    "InvoiceNo": f"{'C' if cancelled else ''}{536000 + invoice}",
                    "StockCode": f"2{int(rng.integers(0, 40)):03d}",
                    "Description": "ITEM",
                    "Quantity": -quantity if cancelled else quantity,
                    "InvoiceDate": f"{day.month}/{day.day}/{day.year} 10:{invoice % 60:02d}",
                    "UnitPrice": round(float(rng.uniform(0.5, 20)), 2),
                    "CustomerID": "" if guest else f"{17800 + customer}.0",
                    "Country": "France" if customer % 7 == 0 else "United Kingdom",
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)


def test_a_retail_export_gives_the_same_tables_on_both_engines(spark, tmp_path):
    from analytics.spark.order_log import order_tables
    from analytics.spark.order_reading import customer_attributes, read_lines

    path = tmp_path / "retail.csv"
    retail_log(path)
    options = order_log_run.OrderRunOptions(holdout_from=pd.Timestamp("2011-09-01").date())
    log = read_order_log(path)
    expected = order_log_run.order_tables(log, options)

    lines, columns, notes, header = read_lines(spark, path, None)
    try:
        attributes, attribute_notes = customer_attributes(lines, columns, header, None)
        tables = order_tables(lines, columns, options)
    finally:
        lines.unpersist()

    assert [*notes, *attribute_notes] == log.notes
    pd.testing.assert_frame_equal(attributes, log.attributes)
    assert tables.window == expected.window
    assert (tables.orders, tables.ordering_customers) == (
        expected.orders,
        expected.ordering_customers,
    )
    pd.testing.assert_frame_equal(tables.days, expected.days, check_exact=False)
    # pandas keeps whole counts of products as integers when no customer lacks one.
    behaviour = expected.behaviour.astype({"distinct_products": float})
    pd.testing.assert_frame_equal(tables.behaviour, behaviour, check_exact=False)
    # Cancellations were there to be left out, and products to be counted.
    assert expected.behaviour["return_rate"].gt(0).any()
    assert expected.behaviour["distinct_products"].gt(1).any()


def test_a_bad_log_gets_the_pandas_engines_message(spark, tmp_path, capsys):
    log = generate_transactions(400, seed=12).astype(str)
    log.loc[6, "Order Date"] = "someday"
    log.loc[9, "Amount"] = "lots"
    log.loc[[20, 21], "Amount"] = ["-3", ""]
    path = tmp_path / "orders.csv"
    log.to_csv(path, index=False)
    with pytest.raises(InputError) as pandas_error:
        read_order_log(path)

    db = f"sqlite:///{tmp_path / 'bad.db'}"
    args = ["run", "--orders", str(path), "--db", db, "--engine", "spark"]
    status, out, err = run_main(capsys, *args, "--spark-master", MASTER)
    assert status == 2 and out == "" and "Traceback" not in err
    assert str(pandas_error.value) in err
    assert "line 8 has 'someday'" in err and "'Amount' is empty on line 23" in err
