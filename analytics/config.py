"""Defaults, and the settings read from the environment: `Settings.from_env()` is the one place
the process environment is read; everything else is handed a `Settings` (tests build their own)."""

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///data/analytics.db"
RANDOM_STATE = 42
TEST_SIZE = 0.2
CV_FOLDS = 5
# Folds once the selection sample has LARGE_SAMPLE_ROWS rows: a third of 5,000 rows still
# scores a candidate steadily, and the hundred-odd fits train on less (see cv_folds).
LARGE_SAMPLE_CV_FOLDS = 3
LARGE_SAMPLE_ROWS = 5_000

# Segmentation: k is chosen on a seeded sample; see analytics.steps.segmentation.choose_k for
# the rule.
K_RANGE = range(2, 11)
K_SELECTION_ROWS = 5_000
# Silhouette is O(n^2); it is scored on a fixed-size subsample of the selection sample.
SILHOUETTE_SAMPLE = 2_000
STABILITY_RESAMPLES = 5
STABILITY_THRESHOLD = 0.9
DEFAULT_SEGMENT_FEATURES = ("age", "salary", "price")

# Model selection runs on a stratified sample of the training part; the winner is refitted on
# all training rows. 10,000 rows estimate each candidate's ROC-AUC to about ±0.005 while keeping
# the 100-odd cross-validation fits a constant few seconds at any input size.
MODEL_SELECTION_ROWS = 10_000
# From this many selection rows on (12,500 customers), the cross-validation fits are shared by
# ANALYTICS_JOBS worker processes, if more than one is asked for: below it, starting them (a
# second or two of CPU each, hence seconds of wall time on 2 cores) costs more than the raced
# cross-validation (a few CPU-s) they would share. Measured on 2 cores, busy: the same run took
# 1.5-1.8x the CPU with two workers at 1,000, 3,000, 6,250 and 12,500 customers
# (docs/benchmarks.md).
PARALLEL_CV_ROWS = 10_000
# Files from this size on (some 12,500 rows of a typical export) start the worker processes
# while they are read; smaller ones start them, if they need them at all, when the models are.
WARM_WORKERS_BYTES = 360 * 1024
# Rows of the holdout that permutation importance shuffles (20 predictions of them).
IMPORTANCE_ROWS = 20_000
# A purchase model is published only with at least this much data (segments are always made).
MIN_MODEL_ROWS = 50
MIN_MODEL_ROWS_PER_CLASS = 10
MIN_ROWS = 10

# Input limits, checked before a file is parsed (size, header width) or while it is read (rows),
# so that a huge or wrong file is refused in seconds and in bounded memory. Each can be raised
# with the environment variable named in `input_limits`.
MAX_INPUT_BYTES = 100 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_COLUMNS = 200
# An upload reaches the server base64-encoded inside one request and is decoded in memory, so the
# dashboard's own size limit is lower than the CLI's unless UPLOAD_MAX_MB raises it.
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
# Any other request body the web server accepts (API calls, forms, dashboard callbacks): larger
# ones get a 413 before they are read, so a huge body cannot exhaust a worker's memory.
MAX_REQUEST_BYTES = 20 * 1024 * 1024
# Rows with problems are set aside (quarantined) and the rest analysed only while they are at
# most this share of the data rows; a file with more bad rows is more likely wrong as a whole.
QUARANTINE_MAX_SHARE = 0.05

# Rows kept (uniformly at random) for scatter plots; the dashboard never draws more.
SCATTER_SAMPLE = 5_000


DEFAULT_UPLOAD_DIR = Path("data/uploads")
# Background-job state without Redis: under the app's own data folder (made private to its user
# by dashapp.jobs), never a predictable folder under the shared system temp folder.
DEFAULT_JOB_CACHE_DIR = Path("data/jobs")
# The dashboard's columnar copies of published runs' customers (dashapp.data.snapshots).
DEFAULT_SNAPSHOT_DIR = Path("data/snapshots")
# A local Spark driver holds the collected aggregates and samples, and streams customer rows to
# the database; Spark's default of 1 GB is too small at 10^7 rows.
DEFAULT_SPARK_DRIVER_MEMORY = "4g"


@dataclass(frozen=True)
class InputLimits:
    max_bytes: int = MAX_INPUT_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS


@dataclass(frozen=True)
class Settings:
    """What the CLI, the dashboard and its workers are configured with, built once at start.

    database_url: DATABASE_URL (default SQLite under data/). input_limits: ANALYTICS_MAX_INPUT_MB,
    ANALYTICS_MAX_ROWS, ANALYTICS_MAX_COLUMNS. upload_limits: the same with UPLOAD_MAX_MB.
    analysis_jobs: ANALYTICS_JOBS. secret_key: SECRET_KEY (hosted mode). session_cookie_secure:
    SESSION_COOKIE_SECURE=1. redis_url: REDIS_URL (Celery jobs, shared cache). upload_dir:
    UPLOAD_DIR. job_cache_dir: JOB_CACHE_DIR (background-job state without Redis).
    snapshot_dir: SNAPSHOT_DIR (the dashboard's Parquet copies of runs' customers).
    max_request_bytes: MAX_REQUEST_MB (web request bodies; uploads get UPLOAD_MAX_MB instead).
    allow_private_webhooks: ALLOW_PRIVATE_WEBHOOKS=1 (webhooks to loopback/LAN addresses).
    webhook_key: WEBHOOK_KEY (encrypts webhook credentials; else SECRET_KEY, else a key file).
    allowed_hosts: ALLOWED_HOSTS, comma-separated host names the dashboard answers to besides
    127.0.0.1 and localhost in local mode (in hosted mode, when set, the only ones).
    The Spark engine's: spark_master: SPARK_MASTER. spark_driver_memory:
    ANALYTICS_SPARK_DRIVER_MEMORY (a local driver's). spark_submitted: whether spark-submit
    started this process (it sets PYSPARK_GATEWAY_PORT). java_home: JAVA_HOME.
    """

    database_url: str = DEFAULT_DATABASE_URL
    input_limits: InputLimits = field(default_factory=InputLimits)
    upload_limits: InputLimits = field(
        default_factory=lambda: InputLimits(max_bytes=min(MAX_INPUT_BYTES, UPLOAD_MAX_BYTES))
    )
    analysis_jobs: int = 1
    secret_key: str | None = field(default=None, repr=False)
    session_cookie_secure: bool = False
    allowed_hosts: tuple[str, ...] = ()
    redis_url: str | None = None
    upload_dir: Path = DEFAULT_UPLOAD_DIR
    job_cache_dir: Path = DEFAULT_JOB_CACHE_DIR
    snapshot_dir: Path = DEFAULT_SNAPSHOT_DIR
    max_request_bytes: int = MAX_REQUEST_BYTES
    allow_private_webhooks: bool = False
    webhook_key: str | None = field(default=None, repr=False)
    spark_master: str | None = None
    spark_driver_memory: str = DEFAULT_SPARK_DRIVER_MEMORY
    spark_submitted: bool = False
    java_home: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Settings from `environ` (default: this process's environment); a malformed number is
        a ValueError naming its variable."""
        environ = os.environ if environ is None else environ
        return cls(
            database_url=environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            input_limits=input_limits(environ),
            upload_limits=upload_limits(environ),
            analysis_jobs=analysis_jobs(environ),
            secret_key=environ.get("SECRET_KEY") or None,
            session_cookie_secure=environ.get("SESSION_COOKIE_SECURE", "") == "1",
            allowed_hosts=tuple(
                name.strip() for name in environ.get("ALLOWED_HOSTS", "").split(",") if name.strip()
            ),
            redis_url=environ.get("REDIS_URL") or None,
            upload_dir=Path(environ.get("UPLOAD_DIR") or DEFAULT_UPLOAD_DIR),
            job_cache_dir=Path(environ.get("JOB_CACHE_DIR") or DEFAULT_JOB_CACHE_DIR),
            snapshot_dir=Path(environ.get("SNAPSHOT_DIR") or DEFAULT_SNAPSHOT_DIR),
            max_request_bytes=_megabytes(environ, "MAX_REQUEST_MB", MAX_REQUEST_BYTES),
            allow_private_webhooks=environ.get("ALLOW_PRIVATE_WEBHOOKS", "") == "1",
            webhook_key=environ.get("WEBHOOK_KEY") or None,
            spark_master=environ.get("SPARK_MASTER"),
            spark_driver_memory=environ.get(
                "ANALYTICS_SPARK_DRIVER_MEMORY", DEFAULT_SPARK_DRIVER_MEMORY
            ),
            spark_submitted="PYSPARK_GATEWAY_PORT" in environ,
            java_home=environ.get("JAVA_HOME"),
        )

    def with_database(self, url: str | None) -> "Settings":
        """These settings with an explicit database URL (a `--db` option), if one is given."""
        return replace(self, database_url=url) if url else self


def input_limits(environ: Mapping[str, str]) -> InputLimits:
    """Limits from ANALYTICS_MAX_INPUT_MB, ANALYTICS_MAX_ROWS and ANALYTICS_MAX_COLUMNS, each
    falling back to its default; a value that is not a positive number is a ValueError."""
    megabytes = _positive_number(environ, "ANALYTICS_MAX_INPUT_MB")
    rows = _positive_number(environ, "ANALYTICS_MAX_ROWS")
    columns = _positive_number(environ, "ANALYTICS_MAX_COLUMNS")
    return InputLimits(
        max_bytes=MAX_INPUT_BYTES if megabytes is None else int(megabytes * 1024 * 1024),
        max_rows=MAX_ROWS if rows is None else int(rows),
        max_columns=MAX_COLUMNS if columns is None else int(columns),
    )


def cv_folds(selection_rows: int) -> int:
    """Cross-validation folds for a model-selection sample of this many rows."""
    return LARGE_SAMPLE_CV_FOLDS if selection_rows >= LARGE_SAMPLE_ROWS else CV_FOLDS


def analysis_jobs(environ: Mapping[str, str]) -> int:
    """Worker processes for cross-validation: ANALYTICS_JOBS, else 1 (none but the run's own);
    a value that is not a positive number is a ValueError. Since the grids are raced, workers
    cost more CPU than they share out (their imports): a 1M-row run took 13-17 s in one process
    against 23-26 s with two workers on a busy 2-core machine (docs/benchmarks.md)."""
    jobs = _positive_number(environ, "ANALYTICS_JOBS")
    return 1 if jobs is None else int(jobs)


def upload_limits(environ: Mapping[str, str]) -> InputLimits:
    """Limits for files uploaded to the dashboard: rows and columns as `input_limits`; the size
    from UPLOAD_MAX_MB, else the smaller of ANALYTICS_MAX_INPUT_MB (or its default) and 50 MB."""
    limits = input_limits(environ)
    megabytes = _positive_number(environ, "UPLOAD_MAX_MB")
    if megabytes is None:
        return replace(limits, max_bytes=min(limits.max_bytes, UPLOAD_MAX_BYTES))
    return replace(limits, max_bytes=int(megabytes * 1024 * 1024))


def _megabytes(environ: Mapping[str, str], name: str, default: int) -> int:
    megabytes = _positive_number(environ, name)
    return default if megabytes is None else int(megabytes * 1024 * 1024)


def _positive_number(environ: Mapping[str, str], name: str) -> float | None:
    text = environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 1):
        raise ValueError(f"{name} must be a number of at least 1, got {text!r}")
    return value
