"""Reads and writes of RFM runs, inside the caller's session and transaction."""

from collections.abc import Iterator

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from analytics.db import repository
from analytics.db.models import PUBLISHED, RfmCustomer, RfmGroup, RfmRun

_INSERT_CHUNK = 50_000
_CUSTOMER_COLUMNS = [
    "customer_id",
    "recency",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "group_name",
]
_GROUP_COLUMNS = [
    "name",
    "position",
    "customers",
    "share",
    "mean_recency",
    "mean_frequency",
    "mean_monetary",
    "revenue",
]


def insert_rfm_customers(session: Session, rfm_run_id: int, scores: pd.DataFrame) -> None:
    """Bulk-insert per-customer scores (executemany in chunks, like insert_customers)."""
    for chunk in _customer_chunks(rfm_run_id, scores):
        session.execute(insert(RfmCustomer), chunk)


def _customer_chunks(rfm_run_id: int, scores: pd.DataFrame) -> Iterator[list[dict]]:
    frame = scores.assign(group_name=scores["group"].astype(str), rfm_run_id=rfm_run_id)
    # object columns turn numpy scalars into Python ints and floats, which every driver accepts.
    frame = frame[["rfm_run_id", *_CUSTOMER_COLUMNS]].astype(object)
    for start in range(0, len(frame), _INSERT_CHUNK):
        yield frame.iloc[start : start + _INSERT_CHUNK].to_dict("records")


def insert_rfm_groups(session: Session, rfm_run_id: int, groups: pd.DataFrame) -> None:
    frame = groups.assign(position=range(len(groups)), rfm_run_id=rfm_run_id)
    frame = frame[["rfm_run_id", *_GROUP_COLUMNS]].astype(object)
    # An empty group has no means: NULL, not NaN (which not every database stores).
    records = frame.where(frame.notna(), None).to_dict("records")
    session.execute(insert(RfmGroup), records)


def latest_published_rfm_run(session: Session) -> RfmRun | None:
    return session.scalars(
        select(RfmRun).where(RfmRun.status == PUBLISHED).order_by(RfmRun.id.desc()).limit(1)
    ).first()


def rfm_groups(session: Session, rfm_run_id: int) -> list[RfmGroup]:
    """The run's groups in the order of the rule table."""
    return list(
        session.scalars(
            select(RfmGroup).where(RfmGroup.rfm_run_id == rfm_run_id).order_by(RfmGroup.position)
        )
    )


def rfm_customers(session: Session, rfm_run_id: int) -> pd.DataFrame:
    """Every customer's scores and group, by customer id; for exports and checks, not pages."""
    return repository.customers_frame(
        session, RfmCustomer.rfm_run_id, rfm_run_id, _CUSTOMER_COLUMNS
    )
