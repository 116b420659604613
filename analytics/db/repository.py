"""Reads and writes of runs; every function works inside the caller's session and transaction."""

import json
from collections.abc import Iterator

import numpy as np
import pandas as pd
from sqlalchemy import Select, literal_column, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from analytics.config import SCATTER_SAMPLE
from analytics.db.models import (
    CUSTOMER_FILE,
    PUBLISHED,
    Aggregate,
    Customer,
    KScore,
    Model,
    Run,
    Segment,
)
from analytics.validation.schema import CANONICAL_COLUMNS

_INSERT_CHUNK = 50_000
# Input column → customers table column, for the columns a customer file brings.
CUSTOMER_COLUMNS = {
    "Customer ID": "customer_id",
    "Gender": "gender",
    "Age": "age",
    "Salary": "salary",
    "Product ID": "product_id",
    "Price": "price",
    "Purchased": "purchased",
}
# What a run adds to each customer; a run without a model stores no purchase probability (NULL).
RUN_COLUMNS = (
    "segment",
    "sample_rank",
    "purchase_probability",
    "purchase_probability_low",
    "purchase_probability_high",
)


def insert_customers(session: Session, run_id: int, customers: pd.DataFrame) -> None:
    """Bulk-insert customer rows (see bulk_insert)."""
    bulk_insert(session, Customer.__tablename__, _customer_frame(run_id, customers))


def bulk_insert(session: Session, table: str, frame: pd.DataFrame) -> None:
    """Insert a frame's rows (its columns named as the table's) through the driver: COPY on
    PostgreSQL, executemany of plain tuples elsewhere (ORM or Core inserts of dicts cost
    10-50x more at a million rows)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy_rows(connection, table, frame)
        return
    # SQLite, the other supported database, takes qmark parameters. Its driver's cursor takes
    # the rows as they are made, where SQLAlchemy's would want a list of them first.
    statement = (
        f"INSERT INTO {table} ({', '.join(frame.columns)}) "
        f"VALUES ({', '.join('?' * len(frame.columns))})"
    )
    cursor = connection.connection.driver_connection.cursor()
    for start in range(0, len(frame), _INSERT_CHUNK):
        cursor.executemany(statement, _plain_rows(frame.iloc[start : start + _INSERT_CHUNK]))


def _customer_frame(run_id: int, customers: pd.DataFrame) -> pd.DataFrame:
    """The customers table's rows: optional input columns that the file lacked are NULL, and
    any other column of `customers` (a feature the file brought, see --features) goes into
    `attributes`, as JSON text, which is how both databases take a JSON value."""
    frame = customers.rename(columns=CUSTOMER_COLUMNS).reindex(
        columns=[*CUSTOMER_COLUMNS.values(), *RUN_COLUMNS]
    )
    frame = frame.astype({"purchased": int, "segment": int, "sample_rank": int})
    frame.insert(0, "row_number", np.arange(len(frame)))
    frame.insert(0, "run_id", run_id)
    extras = [c for c in customers.columns if c not in CUSTOMER_COLUMNS and c not in RUN_COLUMNS]
    if extras:
        # One C-level pass for all rows (json.dumps per row costs several times as much);
        # 15 digits keep every float as it was read. Text is written as ASCII, so the only
        # line breaks are those between records.
        lines = customers[extras].to_json(
            orient="records", lines=True, double_precision=15, force_ascii=True
        )
        frame["attributes"] = lines.rstrip("\n").split("\n")
    return frame


def _plain_rows(frame: pd.DataFrame) -> Iterator[tuple]:
    """Rows of Python values (None for a missing value), which every driver accepts."""
    columns = [
        [None if value != value else value for value in frame[name].tolist()]
        if frame[name].hasnans
        else frame[name].tolist()
        for name in frame.columns
    ]
    return zip(*columns, strict=True)


def _copy_rows(connection, table: str, frame: pd.DataFrame) -> None:
    """COPY … FROM STDIN in CSV (empty unquoted cells are NULL; values with commas or quotes
    are quoted by to_csv)."""
    columns = ", ".join(frame.columns)
    statement = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)"
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(statement) as copy:
        for start in range(0, len(frame), _INSERT_CHUNK):
            chunk = frame.iloc[start : start + _INSERT_CHUNK]
            copy.write(chunk.to_csv(index=False, header=False))


def latest_published_run(session: Session, input_kind: str = CUSTOMER_FILE) -> Run | None:
    """The newest published run of one input kind: customer-file runs unless asked otherwise,
    since every reader before order logs (predict, the pages, the API) expects one."""
    return session.scalars(
        select(Run)
        .where(Run.status == PUBLISHED, Run.input_kind == input_kind)
        .order_by(Run.id.desc())
        .limit(1)
    ).first()


def previous_published_run(
    session: Session, before_run_id: int, input_kind: str = CUSTOMER_FILE
) -> Run | None:
    """The newest published run of one input kind older than `before_run_id`: the one a run's
    KPIs are compared with (and an order-log run's RFM moves), since the latest is the newest
    by id."""
    return session.scalars(
        select(Run)
        .where(Run.status == PUBLISHED, Run.input_kind == input_kind, Run.id < before_run_id)
        .order_by(Run.id.desc())
        .limit(1)
    ).first()


def newest_published_run(session: Session) -> Run | None:
    """The newest published run of any input kind (what the dashboard's caches key on)."""
    return session.scalars(
        select(Run).where(Run.status == PUBLISHED).order_by(Run.id.desc()).limit(1)
    ).first()


def run_by_id(session: Session, run_id: int) -> Run | None:
    return session.get(Run, run_id)


def selected_model(session: Session, run_id: int) -> Model | None:
    return session.scalars(
        select(Model).where(Model.run_id == run_id, Model.is_selected).limit(1)
    ).first()


def fold_models(session: Session, run_id: int) -> tuple[bytes, str] | None:
    """The selected model's pickled fold models and its scikit-learn version, if stored."""
    row = session.execute(
        select(Model.fold_models, Model.sklearn_version).where(
            Model.run_id == run_id, Model.is_selected, Model.fold_models.is_not(None)
        )
    ).first()
    return None if row is None else (row[0], row[1])


def aggregate(session: Session, run_id: int, name: str) -> dict | list | None:
    row = session.get(Aggregate, (run_id, name))
    return None if row is None else row.payload


def segments(session: Session, run_id: int) -> list[Segment]:
    return list(
        session.scalars(select(Segment).where(Segment.run_id == run_id).order_by(Segment.segment))
    )


def k_scores(session: Session, run_id: int) -> list[KScore]:
    return list(session.scalars(select(KScore).where(KScore.run_id == run_id).order_by(KScore.k)))


def customer_sample(session: Session, run_id: int, limit: int = SCATTER_SAMPLE) -> pd.DataFrame:
    """A uniform random sample of at most `limit` (≤ SCATTER_SAMPLE) customers, via the stored
    sample rank."""
    # The literal bound lets the database use the partial index of the first SCATTER_SAMPLE
    # ranks (a bound parameter would not prove the rows are in it).
    in_index = Customer.sample_rank < literal_column(str(SCATTER_SAMPLE))
    query = select(
        Customer.age, Customer.salary, Customer.price, Customer.purchased, Customer.segment
    ).where(Customer.run_id == run_id, in_index, Customer.sample_rank < limit)
    return query_frame(session, query, ["Age", "Salary", "Price", "Purchased", "segment"])


def query_frame(session: Session, query: Select, columns: list[str]) -> pd.DataFrame:
    """The query's rows as a frame, fetched from the driver's cursor and built column by column.

    At a million rows SQLAlchemy's Row objects and DataFrame(rows) cost several times the query
    itself; the columns read this way (text, integers, floats) need no type conversion, and
    pandas infers the same types from the columns as from the rows.
    """
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(dict(zip(columns, zip(*rows, strict=True), strict=True)))


def customers_frame(
    session: Session, run_key: InstrumentedAttribute[int], run_id: int, names: list[str]
) -> pd.DataFrame:
    """The named columns of every row whose run_key column (on a table keyed by run and
    customer_id) equals run_id, in customer id order."""
    table = run_key.class_
    columns = [getattr(table, name) for name in names]
    query = select(*columns).where(run_key == run_id).order_by(table.customer_id)
    return query_frame(session, query, names)


def _customer_columns() -> tuple:
    """A customer's columns in reference order (CANONICAL_COLUMNS), then its segment."""
    return (
        Customer.customer_id,
        Customer.gender,
        Customer.age,
        Customer.salary,
        Customer.product_id,
        Customer.price,
        Customer.purchased,
        Customer.segment,
    )


def run_customers(session: Session, run_id: int, limit: int | None = None) -> pd.DataFrame:
    """All customers of a run (the first `limit` in file order, when given) in the reference
    column names, plus segment, purchase_probability and its interval, purchase_probability_low
    and _high (NaN without a model, or without an interval)."""
    query = (
        select(*_customer_columns(), *(getattr(Customer, name) for name in RUN_COLUMNS[2:]))
        .where(Customer.run_id == run_id)
        .order_by(Customer.row_number)
        .limit(limit)
    )
    # The selected columns are in reference order, the order CANONICAL_COLUMNS lists them in.
    probabilities = RUN_COLUMNS[2:]
    names = [*CANONICAL_COLUMNS.values(), "segment", *probabilities]
    return query_frame(session, query, names).astype(dict.fromkeys(probabilities, float))


def customer_rows(session: Session, run_id: int, after_row: int, limit: int) -> pd.DataFrame:
    """Up to `limit` customers of a run after row `after_row` (-1: from the first), in file order:
    the columns of run_customers plus row_number, sample_rank and attributes (JSON text, or
    None). Read by the primary key, so that a run is read in bounded pieces."""
    query = (
        select(
            *_customer_columns(),
            *(getattr(Customer, name) for name in RUN_COLUMNS[2:]),
            Customer.row_number,
            Customer.sample_rank,
            Customer.attributes,
        )
        .where(Customer.run_id == run_id, Customer.row_number > after_row)
        .order_by(Customer.row_number)
        .limit(limit)
    )
    names = [*CANONICAL_COLUMNS.values(), "segment", *RUN_COLUMNS[2:]]
    frame = query_frame(session, query, [*names, "row_number", "sample_rank", "attributes"])
    # SQLite's driver gives the JSON text, PostgreSQL's the object.
    frame["attributes"] = frame["attributes"].map(
        lambda value: value if value is None or isinstance(value, str) else json.dumps(value)
    )
    return frame


def run_customer_attributes(session: Session, run_id: int) -> pd.DataFrame:
    """The run's customers' own feature columns (`attributes`: the file's columns named by
    --features), one row per customer in file order as run_customers has them; no columns when
    the run has none."""
    query = (
        select(Customer.attributes).where(Customer.run_id == run_id).order_by(Customer.row_number)
    )
    # Read through the driver: SQLite gives the JSON text, PostgreSQL's driver the object.
    stored = query_frame(session, query, ["attributes"])["attributes"]
    return pd.DataFrame.from_records(
        [json.loads(v) if isinstance(v, str) else (v or {}) for v in stored],
        index=pd.RangeIndex(len(stored)),
    )


def run_segment_members(session: Session, run_id: int) -> pd.DataFrame:
    """Each customer's ID and segment, in file order: what comparing two runs needs, without
    reading every customer's other columns."""
    query = (
        select(Customer.customer_id, Customer.segment)
        .where(Customer.run_id == run_id)
        .order_by(Customer.row_number)
    )
    return query_frame(session, query, ["Customer ID", "segment"])


def run_history(
    session: Session, limit: int = 100, input_kind: str = CUSTOMER_FILE
) -> list[tuple[Run, Model | None]]:
    """The newest runs of one input kind (customer files unless asked otherwise, as
    latest_published_run) and any status, each with its selected model (None when it has
    none)."""
    query = (
        select(Run, Model)
        .outerjoin(Model, (Model.run_id == Run.id) & Model.is_selected)
        .where(Run.input_kind == input_kind)
        .order_by(Run.id.desc())
        .limit(limit)
    )
    return [(run, model) for run, model in session.execute(query).all()]


def run_models(session: Session, run_id: int) -> list:
    """Every candidate model of a run, the selected one first, without the pickled artifacts
    (rows with name, params, features, metrics, is_selected, calibrated, threshold, curves,
    explanation, card, sklearn_version)."""
    query = (
        select(
            Model.name,
            Model.params,
            Model.features,
            Model.metrics,
            Model.is_selected,
            Model.calibrated,
            Model.threshold,
            Model.curves,
            Model.explanation,
            Model.card,
            Model.sklearn_version,
        )
        .where(Model.run_id == run_id)
        .order_by(Model.is_selected.desc(), Model.id)
    )
    return list(session.execute(query).all())
