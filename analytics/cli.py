"""Command line: `python -m analytics sample | run | predict | model-card | quarantine | rfm |
export | db`."""

import argparse
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from analytics import commands
from analytics.commands import EXIT_BAD_INPUT, EXIT_FAILURE, SAMPLE_PATHS, CommandError, say
from analytics.config import DEFAULT_SEGMENT_FEATURES, RANDOM_STATE, Settings
from analytics.db.session import describe_failure
from analytics.errors import InputError
from analytics.io.tables import FORMATS as EXPORT_FORMATS
from analytics.steps.segmentation import FEATURE_COLUMNS


def main(argv: list[str] | None = None) -> int:
    """Run one command; the environment is read here, once (analytics.config.Settings)."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env().with_database(args.db)
    except ValueError as error:
        say(f"error: {error}")
        return EXIT_BAD_INPUT
    try:
        return args.command(args, settings)
    except InputError as error:
        say(f"error: {error}")
        return EXIT_BAD_INPUT
    except CommandError as error:
        say(f"error: {error}")
        return error.status
    except SQLAlchemyError as error:
        say(f"error: {describe_failure(settings.database_url, error)}")
        return EXIT_FAILURE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    subcommands = parser.add_subparsers(required=True, metavar="command")

    sample = subcommands.add_parser("sample", help="write a seeded synthetic customer CSV")
    sample.add_argument(
        "--kind",
        choices=list(SAMPLE_PATHS),
        default="customers",
        help="customers (one row each) or transactions (one row per order) (customers)",
    )
    sample.add_argument(
        "--rows", type=int, default=2_000, help="number of customers, or of orders (2000)"
    )
    sample.add_argument("--seed", type=int, default=RANDOM_STATE, help="random seed (42)")
    sample.add_argument(
        "--out", type=Path, help="output CSV (data/sample_customers.csv or ..._transactions.csv)"
    )
    sample.set_defaults(command=commands.sample, db=None)

    run = subcommands.add_parser("run", help="validate a CSV, analyse it and publish a new run")
    source = run.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--input",
        type=Path,
        nargs="+",
        help="customer CSV (--engine spark: CSV or Parquet files, globs or directories)",
    )
    source.add_argument(
        "--orders",
        type=Path,
        help="order log CSV (one row per order or order line): behaviour, RFM, repeat "
        "propensity and value per customer",
    )
    run.add_argument(
        "--customers",
        type=Path,
        help="with --orders: a CSV of customer attributes joined on the customer id",
    )
    run.add_argument(
        "--holdout-from",
        type=_iso_date,
        help="with --orders: fit on the orders before YYYY-MM-DD and score on the rest",
    )
    run.add_argument(
        "--horizon-days",
        type=_positive_int,
        default=90,
        help="with --orders: days ahead that propensity and value are predicted for (90)",
    )
    run.add_argument(
        "--engine",
        choices=["pandas", "spark"],
        default="pandas",
        help="pandas (one process) or spark (PySpark; pip install '.[spark]') (pandas)",
    )
    run.add_argument(
        "--spark-master",
        help="Spark master URL for --engine spark (default: $SPARK_MASTER, the session "
        "spark-submit started, or local[*])",
    )
    run.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    run.add_argument(
        "--k",
        type=_k_value,
        default="auto",
        help="number of segments, or 'auto': k in 2..10 by silhouette among stable k (auto)",
    )
    run.add_argument(
        "--features",
        type=_feature_list,
        help=f"segment on these, comma-separated: {','.join(FEATURE_COLUMNS)} or any other "
        "column of the file (numbers, or at most 50 categories), which feeds the purchase "
        f"model too (default {','.join(DEFAULT_SEGMENT_FEATURES)}, those the file has; "
        "without --columns it needs a Price column)",
    )
    run.add_argument(
        "--columns",
        help='map the file\'s column names, e.g. customer_id="User ID",salary=EstimatedSalary; '
        "with --orders: customer_id, order_date, amount, order_id, product_id, quantity, status",
    )
    run.add_argument("--seed", type=int, default=RANDOM_STATE, help="random seed (42)")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    run.set_defaults(command=commands.run)

    predict = subcommands.add_parser(
        "predict", help="purchase probability from the published model"
    )
    predict.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    predict.add_argument("--age", type=float, help="needed when the model uses Age")
    predict.add_argument("--salary", type=float, help="needed when the model uses Salary")
    predict.add_argument("--price", type=float, help="needed when the model uses Price")
    predict.add_argument("--gender", help="e.g. Female or Male; omitted means the most common")
    predict.add_argument("--json", action="store_true", help='print {"probability": ...} as JSON')
    predict.set_defaults(command=commands.predict)

    db = subcommands.add_parser("db", help="database schema: `db upgrade` applies migrations")
    db.add_argument("action", choices=["upgrade"])
    db.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    db.set_defaults(command=commands.db)

    card = subcommands.add_parser("model-card", help="print the model card of a run as JSON")
    card.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    card.add_argument("--run-id", type=int, help="run id (default: the latest published run)")
    card.set_defaults(command=commands.model_card)

    quarantined = subcommands.add_parser(
        "quarantine", help="write the rows a run set aside (quarantined) as CSV"
    )
    quarantined.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    quarantined.add_argument(
        "--run-id", type=int, help="run id (default: the latest published run)"
    )
    quarantined.add_argument("--out", type=Path, help="CSV file to write (default: stdout)")
    quarantined.set_defaults(command=commands.quarantine)

    export = subcommands.add_parser(
        "export",
        help="write a run's customers, segments and model metrics as CSV or Parquet files",
    )
    export.add_argument("--run-id", type=int, required=True, help="the run to export")
    export.add_argument(
        "--format",
        choices=list(EXPORT_FORMATS),
        default="csv",
        help="csv (formula-safe, for spreadsheets) or parquet (typed, for a data lake) (csv)",
    )
    export.add_argument(
        "--out",
        type=Path,
        required=True,
        help="folder to write customers, segments and model_metrics into (created if need be)",
    )
    export.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    export.set_defaults(command=commands.export)

    rfm = subcommands.add_parser(
        "rfm", help="score a transaction log (one row per order) by RFM and publish the groups"
    )
    rfm.add_argument("--input", type=Path, required=True, help="transaction log CSV")
    rfm.add_argument("--customer-col", required=True, help="column with the customer id")
    rfm.add_argument("--date-col", required=True, help="column with the order date")
    rfm.add_argument("--amount-col", required=True, help="column with the order amount")
    rfm.add_argument(
        "--as-of",
        type=_iso_date,
        help="YYYY-MM-DD to measure recency from (default: the day after the last order)",
    )
    rfm.add_argument(
        "--date-format",
        help="strftime format of the dates, e.g. %%d/%%m/%%Y (default: ISO 8601)",
    )
    rfm.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    rfm.add_argument("--json", action="store_true", help="print the RFM run summary as JSON")
    rfm.set_defaults(command=commands.rfm)
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _feature_list(text: str) -> tuple[str, ...]:
    """Feature names: the reference ones in any case (Age is age), any other as written (a
    column of the file, found when it is read)."""
    names = tuple(
        name.lower() if name.lower() in FEATURE_COLUMNS else name
        for name in (item.strip() for item in text.split(","))
        if name
    )
    if not names:
        raise argparse.ArgumentTypeError(
            f"name at least one feature, e.g. {','.join(DEFAULT_SEGMENT_FEATURES)}; got {text!r}"
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise argparse.ArgumentTypeError(f"{', '.join(repeated)} named more than once")
    return names


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _k_value(text: str) -> int | str:
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected 'auto' or a whole number, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"k must be at least 1, got {value}")
    return value
