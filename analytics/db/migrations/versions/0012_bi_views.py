"""read-only views over the latest published run, for BI tools (docs/bi.md)

latest_customers, latest_segments and latest_model_metrics show the newest published
customer-file run; latest_rfm the newest published order-log run's customers. "Latest" is the
highest published run id of that kind, as analytics.db.repository.latest_published_run has it,
so a view switches to a new run the moment its transaction commits. The JSON columns (segment
profiles, model metrics) are unpacked into plain columns, with each engine's JSON functions.

A BI role is given SELECT on these views only (docs/bi.md): on PostgreSQL a view reads its
tables with its owner's rights, so the role sees nothing else.

On SQLite a later migration that rebuilds one of the tables read here (batch_alter_table on
runs, customers, segments, models or customer_behaviour) must drop these views first and create
them again after: renaming the rebuilt table fails while a view names the dropped one.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The values analytics.db.models has today; a migration keeps its own copy of what it relies on.
_LATEST_RUN = "(SELECT max(id) FROM runs WHERE status = 'published' AND input_kind = '{kind}')"
_SEGMENT_NUMBERS = (
    "share",
    "purchase_rate",
    "age_mean",
    "age_median",
    "salary_mean",
    "salary_median",
    "price_mean",
    "price_median",
    "revenue",
    "top_gender_share",
)
_METRICS = ("roc_auc", "pr_auc", "brier", "log_loss", "accuracy", "f1")
VIEWS = ("latest_customers", "latest_segments", "latest_model_metrics", "latest_rfm")


def _json_text(sqlite: bool, column: str, *path: str) -> str:
    if sqlite:
        return f"json_extract({column}, '$.{'.'.join(path)}')"
    return f"({column} #>> '{{{','.join(path)}}}')"


def _json_number(sqlite: bool, column: str, *path: str) -> str:
    number_type = "REAL" if sqlite else "DOUBLE PRECISION"
    return f"CAST({_json_text(sqlite, column, *path)} AS {number_type})"


def view_definitions(sqlite: bool) -> dict[str, str]:
    latest_customer_run = _LATEST_RUN.format(kind="customers")
    segment_numbers = ",\n".join(
        f"  {_json_number(sqlite, 's.profile', name)} AS {name}" for name in _SEGMENT_NUMBERS
    )
    metrics = ",\n".join(
        f"  {_json_number(sqlite, 'm.metrics', stage, metric)} AS {stage}_{metric}"
        for stage in ("cv", "holdout")
        for metric in _METRICS
    )
    return {
        "latest_customers": f"""
SELECT c.run_id, c.row_number, c.customer_id, c.gender, c.age, c.salary, c.product_id,
  c.price, c.purchased, c.segment, s.name AS segment_name, c.purchase_probability,
  c.purchase_probability_low, c.purchase_probability_high
FROM customers c
LEFT JOIN segments s ON s.run_id = c.run_id AND s.segment = c.segment
WHERE c.run_id = {latest_customer_run}""",
        "latest_segments": f"""
SELECT s.run_id, s.segment, s.name, s.size,
{segment_numbers},
  {_json_text(sqlite, "s.profile", "top_gender")} AS top_gender
FROM segments s
WHERE s.run_id = {latest_customer_run}""",
        "latest_model_metrics": f"""
SELECT m.run_id, m.name AS model, m.is_selected, m.calibrated, m.threshold,
  CAST({_json_text(sqlite, "m.metrics", "cv_rows")} AS INTEGER) AS cv_rows,
{metrics}
FROM models m
WHERE m.run_id = {latest_customer_run}""",
        "latest_rfm": f"""
SELECT b.run_id, b.customer_id, b.first_order, b.last_order, b.recency_days, b.frequency,
  b.monetary, b.r_score, b.f_score, b.m_score, b.fm_score, b.rfm_group, b.segment,
  b.p_repeat, b.expected_orders, b.expected_orders_lo, b.expected_orders_hi, b.p_alive,
  b.expected_spend, b.expected_value
FROM customer_behaviour b
WHERE b.run_id = {_LATEST_RUN.format(kind="orders")}""",
    }


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, query in view_definitions(sqlite).items():
        op.execute(f"CREATE VIEW {name} AS{query}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
