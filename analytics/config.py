"""Defaults and environment settings, in one place."""

import os

DEFAULT_DATABASE_URL = "sqlite:///data/analytics.db"
RANDOM_STATE = 42
TEST_SIZE = 0.2
K_RANGE = range(2, 9)
# Silhouette is O(n^2); scoring on a fixed-size sample keeps k selection linear in rows.
SILHOUETTE_SAMPLE = 5_000
# Rows kept (uniformly at random) for scatter plots; the dashboard never draws more.
SCATTER_SAMPLE = 5_000
MIN_ROWS = 20
MIN_ROWS_PER_CLASS = 5


def database_url(explicit: str | None = None) -> str:
    """The database to use: an explicit URL, else $DATABASE_URL, else SQLite under data/."""
    return explicit or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
