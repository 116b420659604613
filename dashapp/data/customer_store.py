"""Customer-level reads of a customer-file run, each one query: DuckDB over the run's Parquet copy
(dashapp.data.snapshots). No process holds a run's customers; a query reads the columns it needs,
in pieces, and keeps only its answer (docs/benchmarks.md: a filtered count of 1,000,000 customers
takes about 10 ms here against 140 ms in SQLite).

Queries name the customers `{customers}`; the SQL of the explorer's filters is
dashapp.logic.explorer_sql. DuckDB keeps a scan's rows in file order without an ORDER BY.
"""

import os
import threading
from collections.abc import Iterator

import duckdb
import pandas as pd

from dashapp.data import snapshots

# DuckDB's working memory per process, beyond which it spills to disk; the page's queries need
# a few MB (aggregates, at most 20,000 scatter points).
MEMORY_LIMIT = "128MB"
THREADS = 2
# DuckDB hands results over in vectors of this many rows.
VECTOR_ROWS = 2048
_lock = threading.Lock()
_connections: dict[int, duckdb.DuckDBPyConnection] = {}


def _connection() -> duckdb.DuckDBPyConnection:
    """This process's DuckDB (in memory; a forked worker makes its own), a cursor per query so
    that threads do not share one."""
    with _lock:
        connection = _connections.get(os.getpid())
        if connection is None:
            connection = duckdb.connect(
                config={
                    "threads": THREADS,
                    "memory_limit": MEMORY_LIMIT,
                    # Beyond the limit (a join of two large runs, a very large top N) DuckDB
                    # spills here, beside the copies and as private as they are.
                    "temp_directory": str(snapshots.folder() / "spill"),
                    # No extension is needed (Parquet is built in), nor fetched from the network.
                    "autoinstall_known_extensions": False,
                    "autoload_known_extensions": False,
                }
            )
            # Each query would read the copy's footer again otherwise.
            connection.execute("SET GLOBAL parquet_metadata_cache = true")
            _connections[os.getpid()] = connection
        return connection.cursor()


def source(url: str, run_id: int) -> str:
    """The run's customers as a table expression for `{customers}`."""
    path = snapshots.customers_file(url, run_id).replace("'", "''")
    return f"read_parquet('{path}')"


def _resolved(query: str, url: str, run_id: int) -> str:
    return query.replace("{customers}", source(url, run_id))


def frame(url: str, run_id: int, query: str) -> pd.DataFrame:
    """The rows of a query over the run's `{customers}`."""
    with _connection() as cursor:
        return cursor.execute(_resolved(query, url, run_id)).df()


def frame_of_two(url: str, first: int, second: int, query: str) -> pd.DataFrame:
    """The rows of a query over two runs' customers, `{first}` and `{second}`."""
    resolved = query.replace("{first}", source(url, first)).replace("{second}", source(url, second))
    with _connection() as cursor:
        return cursor.execute(resolved).df()


def value(url: str, run_id: int, query: str):
    """The single value of a query over the run's `{customers}`."""
    with _connection() as cursor:
        return cursor.execute(_resolved(query, url, run_id)).fetchone()[0]


def pieces(url: str, run_id: int, query: str, rows: int) -> Iterator[pd.DataFrame]:
    """The rows of a query over the run's `{customers}`: a first small piece (one vector of 2,048
    rows, soon ready), then pieces of about `rows` (whole vectors); the first piece comes even
    when empty, with the query's columns."""
    with _connection() as cursor:
        result = cursor.execute(_resolved(query, url, run_id))
        piece = result.fetch_df_chunk(1)
        yield piece
        while not piece.empty:
            piece = result.fetch_df_chunk(max(1, rows // VECTOR_ROWS))
            if not piece.empty:
                yield piece
