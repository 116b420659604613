"""Defaults and environment settings, in one place."""

import os

DEFAULT_DATABASE_URL = "sqlite:///data/analytics.db"
RANDOM_STATE = 42
TEST_SIZE = 0.2
CV_FOLDS = 5

# Segmentation: k is chosen on a seeded sample; see analytics.segmentation.choose_k for the rule.
K_RANGE = range(2, 11)
K_SELECTION_ROWS = 5_000
# Silhouette is O(n^2); it is scored on a fixed-size subsample of the selection sample.
SILHOUETTE_SAMPLE = 2_000
STABILITY_RESAMPLES = 5
STABILITY_THRESHOLD = 0.9
DEFAULT_SEGMENT_FEATURES = ("age", "salary", "price")

# Model selection runs on a stratified sample of the training part; the winner is refitted on
# all training rows.
MODEL_SELECTION_ROWS = 20_000
# A purchase model is published only with at least this much data (segments are always made).
MIN_MODEL_ROWS = 50
MIN_MODEL_ROWS_PER_CLASS = 10
MIN_ROWS = 10

# Rows kept (uniformly at random) for scatter plots; the dashboard never draws more.
SCATTER_SAMPLE = 5_000


def database_url(explicit: str | None = None) -> str:
    """The database to use: an explicit URL, else $DATABASE_URL, else SQLite under data/."""
    return explicit or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
