"""Reads and writes of the rows a run set aside, inside the caller's session and transaction."""

from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from analytics.db.models import QuarantinedRow
from analytics.validation.quarantine import BadRow

_INSERT_CHUNK = 10_000


def insert_bad_rows(session: Session, run_id: int, rows: Sequence[BadRow]) -> None:
    records = [
        {"run_id": run_id, "line": row.line, "reasons": list(row.reasons), "raw": row.raw}
        for row in rows
    ]
    for start in range(0, len(records), _INSERT_CHUNK):
        session.execute(insert(QuarantinedRow), records[start : start + _INSERT_CHUNK])


def bad_rows(session: Session, run_id: int) -> list[BadRow]:
    """The rows run `run_id` set aside, in the order of the input file."""
    query = (
        select(QuarantinedRow.line, QuarantinedRow.reasons, QuarantinedRow.raw)
        .where(QuarantinedRow.run_id == run_id)
        .order_by(QuarantinedRow.line)
    )
    return [BadRow(line, tuple(reasons), raw) for line, reasons, raw in session.execute(query)]


def counts(session: Session) -> dict[int, int]:
    """{run id: rows it set aside}, for the runs that set any aside."""
    query = select(QuarantinedRow.run_id, func.count()).group_by(QuarantinedRow.run_id)
    return dict(session.execute(query).all())
