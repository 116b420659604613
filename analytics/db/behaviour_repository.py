"""Reads and writes of an order-log run's customers (customer_behaviour), in the caller's
session and transaction."""

import json

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.db.models import ORDER_LOG, CustomerBehaviour, Run
from analytics.db.repository import (
    bulk_insert,
    customers_frame,
    previous_published_run,
    query_frame,
)

BEHAVIOUR_TABLE_COLUMNS = [
    column.name for column in CustomerBehaviour.__table__.columns if column.name != "run_id"
]


def insert_behaviour(session: Session, run_id: int, customers: pd.DataFrame) -> None:
    """`customers`: index customer_id, the table's columns, and `attributes` as dicts or None."""
    frame = customers.reset_index().reindex(columns=BEHAVIOUR_TABLE_COLUMNS)
    for column in ("first_order", "last_order"):
        frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
    frame["attributes"] = [
        None if not isinstance(value, dict) else json.dumps(value) for value in frame["attributes"]
    ]
    frame.insert(0, "run_id", run_id)
    bulk_insert(session, CustomerBehaviour.__tablename__, frame.astype(object))


def previous_order_run(session: Session, before_run_id: int) -> Run | None:
    """The newest published order-log run older than `before_run_id`."""
    return previous_published_run(session, before_run_id, ORDER_LOG)


def rfm_groups_of(session: Session, run_id: int) -> pd.DataFrame:
    query = select(CustomerBehaviour.customer_id, CustomerBehaviour.rfm_group).where(
        CustomerBehaviour.run_id == run_id
    )
    return query_frame(session, query, ["customer_id", "rfm_group"])


def run_behaviour(session: Session, run_id: int) -> pd.DataFrame:
    """Every customer of an order-log run, in customer id order."""
    return customers_frame(session, CustomerBehaviour.run_id, run_id, BEHAVIOUR_TABLE_COLUMNS)
