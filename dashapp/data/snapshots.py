"""A published run's customers as a Parquet file, which DuckDB queries (dashapp.data.customer_store)
so that no process holds every customer of a run.

The copy is made the first time a process needs it, read from the database in pieces of
CHUNK_ROWS customers (bounded memory at any size, for runs of every age and for a dashboard on
another machine than the analysis), and kept under the settings' snapshot_dir. Its name holds
the database, the run id and the run's creation time, so a recreated database whose run ids
start again at 1 never reads an old copy; a published run never changes, so a copy stays right.
Workers that build the same copy at once each write their own file and rename it into place.
"""

import hashlib
import os
import threading
from pathlib import Path

import flask
import pyarrow as pa
import pyarrow.parquet as pq

from analytics.config import DEFAULT_SNAPSHOT_DIR
from analytics.db import repository
from dashapp.data import cache, queries

# Customers read from the database per piece: a few MB of Python objects at a time.
CHUNK_ROWS = 20_000
# The copy's columns: those of the customer file (as the dashboard names them), what the run
# added, and where the customer stands in the file and in the scatter sample.
SCHEMA = pa.schema(
    [
        ("Customer ID", pa.string()),
        ("Gender", pa.string()),
        ("Age", pa.float64()),
        ("Salary", pa.float64()),
        ("Product ID", pa.string()),
        ("Price", pa.float64()),
        ("Purchased", pa.int64()),
        ("segment", pa.int64()),
        ("purchase_probability", pa.float64()),
        ("purchase_probability_low", pa.float64()),
        ("purchase_probability_high", pa.float64()),
        ("row_number", pa.int64()),
        ("sample_rank", pa.int64()),
        ("attributes", pa.string()),
    ]
)
_building = threading.Lock()


def folder() -> Path:
    """The snapshot folder of the app serving the request (else the default), made private."""
    path = Path(
        flask.current_app.config.get("SNAPSHOT_DIR", DEFAULT_SNAPSHOT_DIR)
        if flask.has_app_context()
        else DEFAULT_SNAPSHOT_DIR
    )
    # Customers' data: readable by the server's own user only (mkdir's mode is masked by the
    # umask, and a folder that already existed keeps its own).
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def customers_file(url: str, run_id: int) -> str:
    """The path of the run's Parquet copy of its customers, made first if missing (also when
    someone deleted the folder meanwhile)."""
    path = folder() / _file_name(url, run_id)
    if not path.exists():
        with _building:
            if not path.exists():
                _write(url, run_id, path)
    return str(path)


@cache.process_local(maxsize=8)
def _file_name(url: str, run_id: int) -> str:
    with queries.read_session(url) as session:
        created = repository.run_by_id(session, run_id).created_at.strftime("%Y%m%dT%H%M%S%f")
    database = hashlib.sha256(url.encode()).hexdigest()[:12]
    return f"customers-{database}-run{run_id}-{created}.parquet"


def _write(url: str, run_id: int, path: Path) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    try:
        with pq.ParquetWriter(partial, SCHEMA) as writer:
            after = -1
            while True:
                with queries.read_session(url) as session:
                    rows = repository.customer_rows(session, run_id, after, CHUNK_ROWS)
                if rows.empty:
                    break
                writer.write_table(pa.Table.from_pandas(rows, schema=SCHEMA, preserve_index=False))
                after = int(rows["row_number"].iat[-1])
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
