"""Tables: one row per run, and every result keyed by the run that produced it."""

import secrets
from datetime import UTC, date, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from analytics.config import SCATTER_SAMPLE

RUNNING, PUBLISHED, FAILED = "running", "published", "failed"
CUSTOMER_FILE, ORDER_LOG = "customers", "orders"


def _now() -> datetime:
    return datetime.now(UTC)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Base(DeclarativeBase):
    pass


class RunColumns:
    """What every run kind records of itself: when it ran, on which input file, how it ended and
    with which parameters and versions. `sort_order` keeps each column where the tables have
    always had it (the first five first, the last four last), which a mixin would not."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, sort_order=-1
    )
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), sort_order=-1)
    input_name: Mapped[str] = mapped_column(String(255), sort_order=-1)
    input_sha256: Mapped[str] = mapped_column(String(64), sort_order=-1)
    status: Mapped[str] = mapped_column(String(16), default=RUNNING, index=True, sort_order=1)
    params: Mapped[dict] = mapped_column(JSON, default=dict, sort_order=1)
    versions: Mapped[dict] = mapped_column(JSON, default=dict, sort_order=1)
    error: Mapped[str | None] = mapped_column(Text, sort_order=1)


class Run(RunColumns, Base):
    __tablename__ = "runs"

    rows: Mapped[int] = mapped_column(Integer, default=0)
    k: Mapped[int | None] = mapped_column(Integer)
    k_reason: Mapped[str | None] = mapped_column(Text)
    segment_features: Mapped[list] = mapped_column(JSON, default=list)
    # What the run normalised or left out, in sentences for the user (absent columns, no model).
    notes: Mapped[list] = mapped_column(JSON, default=list)
    # CUSTOMER_FILE runs fill `customers`, ORDER_LOG runs `customer_behaviour`; migration 0008
    # added the column after the mixin's last ones.
    input_kind: Mapped[str] = mapped_column(
        String(16), default=CUSTOMER_FILE, server_default=CUSTOMER_FILE, sort_order=2
    )


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        # Only the scatter sample is indexed: a full index of a random permutation costs a
        # third of a million-row write (migration 0006). The primary key serves everything
        # else, which reads a run's customers whole.
        Index(
            "ix_customers_run_sample",
            "run_id",
            "sample_rank",
            sqlite_where=text(f"sample_rank < {SCATTER_SAMPLE}"),
            postgresql_where=text(f"sample_rank < {SCATTER_SAMPLE}"),
        ),
    )

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    # Every input column but Customer ID and Purchased is optional: NULL where the file had
    # none (migration 0012).
    gender: Mapped[str | None] = mapped_column(String(32))
    age: Mapped[float | None] = mapped_column(Float)
    salary: Mapped[float | None] = mapped_column(Float)
    product_id: Mapped[str | None] = mapped_column(String(64))
    price: Mapped[float | None] = mapped_column(Float)
    purchased: Mapped[int] = mapped_column(Integer)
    segment: Mapped[int] = mapped_column(Integer)
    # A seeded random permutation: `sample_rank < n` is a uniform sample of n customers.
    sample_rank: Mapped[int] = mapped_column(Integer)
    # What the run's published model gives the customer; NULL when the run has no model.
    purchase_probability: Mapped[float | None] = mapped_column(Float)
    # The file's columns named by --features beyond the reference ones, {column: value}; NULL
    # when none was named (migration 0011).
    attributes: Mapped[dict | None] = mapped_column(JSON)
    # Its 90 % interval (analytics.steps.classifier.uncertainty); NULL without one (revision 0010).
    purchase_probability_low: Mapped[float | None] = mapped_column(Float)
    purchase_probability_high: Mapped[float | None] = mapped_column(Float)


class CustomerBehaviour(Base):
    """One customer of an order-log run: behaviour as of the run's cutoff, RFM, segment and
    predictions for the run's horizon (analytics.steps.behaviour documents each feature)."""

    __tablename__ = "customer_behaviour"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_order: Mapped[date] = mapped_column(Date)
    last_order: Mapped[date] = mapped_column(Date)
    recency_days: Mapped[int] = mapped_column(Integer)
    tenure_days: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[int] = mapped_column(Integer)
    repeat_orders: Mapped[int] = mapped_column(Integer)
    monetary: Mapped[float] = mapped_column(Float)
    aov: Mapped[float] = mapped_column(Float)
    mean_days_between: Mapped[float | None] = mapped_column(Float)
    distinct_products: Mapped[int | None] = mapped_column(Integer)
    return_rate: Mapped[float] = mapped_column(Float)
    r_score: Mapped[int] = mapped_column(SmallInteger)
    f_score: Mapped[int] = mapped_column(SmallInteger)
    m_score: Mapped[int] = mapped_column(SmallInteger)
    fm_score: Mapped[int] = mapped_column(SmallInteger)
    rfm_group: Mapped[str] = mapped_column(String(32))
    segment: Mapped[int] = mapped_column(Integer)
    p_repeat: Mapped[float] = mapped_column(Float)
    expected_orders: Mapped[float] = mapped_column(Float)
    expected_orders_lo: Mapped[float] = mapped_column(Float)
    expected_orders_hi: Mapped[float] = mapped_column(Float)
    p_alive: Mapped[float] = mapped_column(Float)
    expected_spend: Mapped[float] = mapped_column(Float)
    expected_value: Mapped[float] = mapped_column(Float)
    # Order days in the holdout; only a backtest (--holdout-from) knows them.
    holdout_orders: Mapped[int | None] = mapped_column(Integer)
    attributes: Mapped[dict | None] = mapped_column(JSON)


class Segment(Base):
    __tablename__ = "segments"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    segment: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    profile: Mapped[dict] = mapped_column(JSON)


class KScore(Base):
    __tablename__ = "k_scores"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    k: Mapped[int] = mapped_column(Integer, primary_key=True)
    silhouette: Mapped[float] = mapped_column(Float)
    calinski_harabasz: Mapped[float] = mapped_column(Float)
    davies_bouldin: Mapped[float] = mapped_column(Float)
    inertia: Mapped[float] = mapped_column(Float)
    # Measured only as far as the k rule needs it (analytics.steps.segmentation): else NULL.
    stability: Mapped[float | None] = mapped_column(Float)


class Model(Base):
    """One row per candidate; the selected one also carries its artifact, curves and card."""

    __tablename__ = "models"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON)
    features: Mapped[list] = mapped_column(JSON)
    # {"cv": {...}} for every candidate, plus "holdout" for the selected one.
    metrics: Mapped[dict] = mapped_column(JSON)
    is_selected: Mapped[bool] = mapped_column(default=False)
    calibrated: Mapped[bool] = mapped_column(default=False)
    threshold: Mapped[float | None] = mapped_column(Float)
    curves: Mapped[dict | None] = mapped_column(JSON)
    # {"importance": [...], "reference": {...}}: what the what-if explains against.
    explanation: Mapped[dict | None] = mapped_column(JSON)
    card: Mapped[dict | None] = mapped_column(JSON)
    sklearn_version: Mapped[str | None] = mapped_column(String(32))
    artifact: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The selected model's cross-validation fold models (a pickled list), which give a what-if
    # its probability interval; NULL for runs stored before revision 0010 and Spark runs.
    fold_models: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class Aggregate(Base):
    __tablename__ = "aggregates"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[dict | list] = mapped_column(JSON)


class QuarantinedRow(Base):
    """An input row that a run set aside instead of analysing, kept so that it can be fixed."""

    __tablename__ = "quarantined_rows"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    # The line of the input file where the row starts (a quoted newline makes a row span lines).
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    reasons: Mapped[list] = mapped_column(JSON)
    # The row as read: {column name in the file: cell text}, unused columns included.
    raw: Mapped[dict] = mapped_column(JSON)


class RfmRun(RunColumns, Base):
    """One RFM analysis of a transaction log; kept apart from `runs`, which the dashboard reads."""

    __tablename__ = "rfm_runs"

    orders: Mapped[int] = mapped_column(Integer, default=0)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    # ISO date (YYYY-MM-DD): recency counts whole days up to it, so it has no time or zone.
    as_of: Mapped[str | None] = mapped_column(String(10))


class RfmCustomer(Base):
    __tablename__ = "rfm_customers"
    __table_args__ = (Index("ix_rfm_customers_run_group", "rfm_run_id", "group_name"),)

    rfm_run_id: Mapped[int] = mapped_column(
        ForeignKey("rfm_runs.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    recency: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[int] = mapped_column(Integer)
    monetary: Mapped[float] = mapped_column(Float)
    r_score: Mapped[int] = mapped_column(Integer)
    f_score: Mapped[int] = mapped_column(Integer)
    m_score: Mapped[int] = mapped_column(Integer)
    group_name: Mapped[str] = mapped_column(String(32))


class RfmGroup(Base):
    __tablename__ = "rfm_groups"

    rfm_run_id: Mapped[int] = mapped_column(
        ForeignKey("rfm_runs.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The group's place in the documented rule table (Champions first, Lost last).
    position: Mapped[int] = mapped_column(Integer)
    customers: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)
    # Means are NULL for a group with no customers.
    mean_recency: Mapped[float | None] = mapped_column(Float)
    mean_frequency: Mapped[float | None] = mapped_column(Float)
    mean_monetary: Mapped[float | None] = mapped_column(Float)
    revenue: Mapped[float] = mapped_column(Float)


class Webhook(Base):
    """A receiver that is sent a signed summary of every published run."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    # As shown: credentials in it are redacted (user:***@host).
    url: Mapped[str] = mapped_column(Text)
    # Empty for webhooks added since revision 0009, whose secret is sealed; older ones keep it in
    # clear text here (signing needs the secret itself, not a hash of it).
    secret: Mapped[str] = mapped_column(String(128))
    # The full URL and the signing secret, encrypted (analytics.webhook_secrets).
    sealed: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class WebhookDelivery(Base):
    """One attempt to deliver one run to one webhook; a retry is a new row."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_run", "run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL once the webhook is removed; its deliveries stay as the record of what was sent.
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhooks.id", ondelete="SET NULL"))
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    attempt: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    delivered: Mapped[bool] = mapped_column(default=False)
    # The receiver's HTTP status; None when no response arrived (refused, timed out).
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class User(Base):
    """A person who may sign in to the hosted dashboard; `role` is one rung of
    dashapp.hosting.roles."""

    __tablename__ = "users"
    # SQLite would otherwise give a removed user's id to the next account added.
    __table_args__: ClassVar[dict] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # A werkzeug password hash (scrypt): it names its method and salt, so it can be upgraded.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # Random; the session cookie carries it, and logging out, removal or a new password replace
    # it, which ends every session of the account (see dashapp.hosting.accounts).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)


class ApiToken(Base):
    """A bearer token for /api/v1; it acts with its user's role at the time of each request."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token: tokens are 256 random bits, so a slow KDF would add nothing but latency.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, shown by `tokens list` so that a token can be recognised.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# An audience's name: trimmed, at most this long (analytics.db.audience_repository checks it).
AUDIENCE_NAME_LENGTH = 80
# The explorer's query string of an audience's filters: a lasso of 60 vertices fits well within.
AUDIENCE_QUERY_LENGTH = 4000


class Audience(Base):
    """Segment-explorer filters saved under a name, to reopen on the latest run of their input
    kind. The filters are the explorer's query string (what a shared link holds, without `run`),
    read back by dashapp.logic.explorer_link like any link: data, never code."""

    __tablename__ = "audiences"
    # A name is unique among the audiences of one input kind (each kind has its own filters).
    __table_args__ = (UniqueConstraint("input_kind", "name", name="uq_audiences_kind_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(AUDIENCE_NAME_LENGTH))
    # The signed-in user's name in hosted mode, "local" in local mode; kept when a user goes.
    owner: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    input_kind: Mapped[str] = mapped_column(String(16))
    query: Mapped[str] = mapped_column(String(AUDIENCE_QUERY_LENGTH))
