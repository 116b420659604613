"""Command line: `python -m analytics sample | run | predict | model-card | quarantine | rfm`."""

import argparse
import csv
import json
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from analytics.config import DEFAULT_SEGMENT_FEATURES, RANDOM_STATE, database_url, input_limits
from analytics.db import migrate, quarantine_repository, repository
from analytics.db.session import describe_failure, get_engine, safe_url, session_factory
from analytics.errors import InputError
from analytics.io.sample import generate_customers, generate_transactions
from analytics.runs import customer_file, order_log
from analytics.steps.classifier import ModelVersionError, load_model, predict_probability
from analytics.steps.segmentation import FEATURE_COLUMNS
from analytics.validation.columns import parse_column_mapping
from analytics.validation.quarantine import export_table
from analytics.validation.schema import NUMERIC_BOUNDS

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1
SAMPLE_PATHS = {
    "customers": Path("data/sample_customers.csv"),
    "transactions": Path("data/sample_transactions.csv"),
}


class CommandError(Exception):
    """A failure to report in one line, with the exit status to use."""

    def __init__(self, message: str, status: int = EXIT_FAILURE):
        super().__init__(message)
        self.status = status


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except InputError as error:
        _say(f"error: {error}")
        return EXIT_BAD_INPUT
    except CommandError as error:
        _say(f"error: {error}")
        return error.status
    except SQLAlchemyError as error:
        _say(f"error: {describe_failure(database_url(args.db), error)}")
        return EXIT_FAILURE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="command")

    sample = commands.add_parser("sample", help="write a seeded synthetic customer CSV")
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
    sample.set_defaults(command=_sample, db=None)

    run = commands.add_parser("run", help="validate a CSV, analyse it and publish a new run")
    run.add_argument(
        "--input",
        type=Path,
        nargs="+",
        required=True,
        help="customer CSV (--engine spark: CSV or Parquet files, globs or directories)",
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
        help=f"segment on these, comma-separated from {','.join(FEATURE_COLUMNS)} "
        f"(default {','.join(DEFAULT_SEGMENT_FEATURES)}, which needs a Price column; named "
        "features use those the file has)",
    )
    run.add_argument(
        "--columns",
        type=_column_mapping,
        help='map the file\'s column names, e.g. customer_id="User ID",salary=EstimatedSalary',
    )
    run.add_argument("--seed", type=int, default=RANDOM_STATE, help="random seed (42)")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    run.set_defaults(command=_run)

    predict = commands.add_parser("predict", help="purchase probability from the published model")
    predict.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    predict.add_argument("--age", type=float, required=True)
    predict.add_argument("--salary", type=float, required=True)
    predict.add_argument("--price", type=float, help="needed when the model uses Price")
    predict.add_argument("--gender", help="e.g. Female or Male; omitted means the most common")
    predict.add_argument("--json", action="store_true", help='print {"probability": ...} as JSON')
    predict.set_defaults(command=_predict)

    db = commands.add_parser("db", help="database schema: `db upgrade` applies migrations")
    db.add_argument("action", choices=["upgrade"])
    db.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    db.set_defaults(command=_db)

    card = commands.add_parser("model-card", help="print the model card of a run as JSON")
    card.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    card.add_argument("--run-id", type=int, help="run id (default: the latest published run)")
    card.set_defaults(command=_model_card)

    quarantined = commands.add_parser(
        "quarantine", help="write the rows a run set aside (quarantined) as CSV"
    )
    quarantined.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    quarantined.add_argument(
        "--run-id", type=int, help="run id (default: the latest published run)"
    )
    quarantined.add_argument("--out", type=Path, help="CSV file to write (default: stdout)")
    quarantined.set_defaults(command=_quarantine)

    rfm = commands.add_parser(
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
    rfm.set_defaults(command=_rfm)
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _feature_list(text: str) -> tuple[str, ...]:
    names = tuple(name.strip().lower() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in FEATURE_COLUMNS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(FEATURE_COLUMNS)}; got {text!r}")
    return names


def _column_mapping(text: str) -> dict[str, str]:
    try:
        return parse_column_mapping(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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


def _sample(args: argparse.Namespace) -> int:
    if args.rows < 1:
        raise CommandError("--rows must be at least 1", EXIT_BAD_INPUT)
    out = args.out or SAMPLE_PATHS[args.kind]
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.kind == "transactions":
        orders = generate_transactions(args.rows, seed=args.seed)
        orders.to_csv(out, index=False)
        customers = orders["Customer ID"].nunique()
        _say(f"wrote {args.rows:,} orders of {customers:,} customers (seed {args.seed}) to {out}")
    else:
        generate_customers(args.rows, seed=args.seed).to_csv(out, index=False)
        _say(f"wrote {args.rows:,} customers (seed {args.seed}) to {out}")
    return 0


def _run(args: argparse.Namespace) -> int:
    url = database_url(args.db)
    try:
        limits = input_limits()
    except ValueError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    options = {
        "k": args.k,
        "features": args.features,
        "columns": args.columns,
        "seed": args.seed,
        "progress": _progress(),
        "limits": limits,
    }
    try:
        if args.engine == "spark":
            summary = _spark_run(args, url, options)
        elif len(args.input) > 1:
            raise CommandError(
                "the pandas engine reads one file; give one --input, or use --engine spark",
                EXIT_BAD_INPUT,
            )
        else:
            summary = customer_file.run(args.input[0], url, **options).as_dict()
    except ValueError as error:
        raise CommandError(f"{args.input[0].name}: {error}", EXIT_BAD_INPUT) from None
    for note in summary["notes"]:
        _say(f"note: {note}")
    if summary["quarantined"]["count"]:
        _say(
            f"note: `python -m analytics quarantine --run-id {summary['run_id']} --out FILE.csv` "
            "writes the rows set aside."
        )
    if args.json:
        print(json.dumps(summary))
        return 0
    model = summary["model"]
    model_text = (
        "no purchase model"
        if model is None
        else f"{model['name']}{' (calibrated)' if model['calibrated'] else ''}: "
        f"CV ROC-AUC {model['cv_roc_auc']:.3f}, holdout accuracy {model['holdout_accuracy']:.3f}"
    )
    print(
        f"Published run {summary['run_id']} to {safe_url(url)}: {summary['rows']:,} customers, "
        f"{summary['k']} segments (sizes {', '.join(map(str, summary['segment_sizes']))}), "
        f"{model_text}."
    )
    return 0


def _spark_run(args: argparse.Namespace, url: str, options: dict) -> dict:
    # Imported here: PySpark is an optional dependency and slow to import.
    from analytics.spark.session import check_available

    check_available()
    from analytics.spark import engine

    return engine.run(args.input, url, master=args.spark_master, **options).as_dict()


def _predict(args: argparse.Namespace) -> int:
    for name, value in (("Age", args.age), ("Salary", args.salary), ("Price", args.price)):
        low, high = NUMERIC_BOUNDS[name]
        if value is not None and not low <= value <= high:
            raise CommandError(
                f"--{name.lower()} must be between {low:g} and {high:g}, got {value:g}",
                EXIT_BAD_INPUT,
            )
    url = database_url(args.db)
    with session_factory(url)() as session:
        run = repository.latest_published_run(session)
        if run is None:
            raise CommandError(
                f"no published run in {safe_url(url)}; run "
                "`python -m analytics run --input data/sample_customers.csv` first"
            )
        stored = repository.selected_model(session, run.id)
    if stored is None:
        raise CommandError(f"run {run.id} has no purchase model: {' '.join(run.notes)}")
    try:
        model = load_model(stored.artifact, stored.sklearn_version)
    except ModelVersionError as error:
        raise CommandError(str(error)) from None
    inputs = {"Age": args.age, "Salary": args.salary, "Price": args.price, "Gender": args.gender}
    try:
        probability = predict_probability(model, stored.features, inputs)
    except ValueError as error:
        raise CommandError(f"{error} (give --price)", EXIT_BAD_INPUT) from None
    if args.json:
        print(json.dumps({"probability": probability, "run_id": run.id, "model": stored.name}))
    else:
        print(f"Purchase probability: {probability:.1%} ({stored.name}, run {run.id})")
    return 0


def _db(args: argparse.Namespace) -> int:
    url = database_url(args.db)
    engine = get_engine(url)  # migrates to the newest schema on first use
    print(f"{safe_url(url)} is at schema revision {migrate.current_revision(engine)}")
    return 0


def _model_card(args: argparse.Namespace) -> int:
    url = database_url(args.db)
    with session_factory(url)() as session:
        run_id = args.run_id
        if run_id is None:
            latest = repository.latest_published_run(session)
            if latest is None:
                raise CommandError(f"no published run in {safe_url(url)}")
            run_id = latest.id
        stored = repository.selected_model(session, run_id)
    if stored is None:
        raise CommandError(f"run {run_id} has no published purchase model")
    print(json.dumps(stored.card, indent=2))
    return 0


def _quarantine(args: argparse.Namespace) -> int:
    url = database_url(args.db)
    with session_factory(url)() as session:
        run = (
            repository.latest_published_run(session)
            if args.run_id is None
            else repository.run_by_id(session, args.run_id)
        )
        if run is None:
            raise CommandError(
                f"no published run in {safe_url(url)}"
                if args.run_id is None
                else f"no run {args.run_id} in {safe_url(url)}"
            )
        rows = quarantine_repository.bad_rows(session, run.id)
    header, records = export_table(rows)
    if args.out is None:
        _write_csv(sys.stdout, header, records)
    else:
        with args.out.open("w", encoding="utf-8", newline="") as handle:
            _write_csv(handle, header, records)
    _say(
        f"{len(rows):,} row{'s' if len(rows) != 1 else ''} set aside by run {run.id}"
        + (f" written to {args.out}" if args.out else "")
        + " (cells that a spreadsheet would run as formulas start with an apostrophe)."
    )
    return 0


def _write_csv(handle, header: list[str], records: list[list[str]]) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)


def _rfm(args: argparse.Namespace) -> int:
    columns = (args.customer_col, args.date_col, args.amount_col)
    if len(set(columns)) < len(columns):
        raise CommandError(
            "--customer-col, --date-col and --amount-col must name three different columns",
            EXIT_BAD_INPUT,
        )
    url = database_url(args.db)
    summary = order_log.run_rfm(
        args.input,
        url,
        *columns,
        as_of=args.as_of,
        date_format=args.date_format,
        progress=_progress(),
    )
    if args.json:
        print(json.dumps(summary.as_dict()))
    else:
        groups = ", ".join(f"{name} {count:,}" for name, count in summary.groups.items())
        print(
            f"Published RFM run {summary.rfm_run_id} to {safe_url(url)}: "
            f"{summary.customers:,} customers from {summary.orders:,} orders as of "
            f"{summary.as_of.isoformat()}. Groups: {groups}."
        )
    return 0


def _progress():
    """A progress printer that prefixes each step with the seconds since the command began."""
    started = time.perf_counter()
    return lambda step: _say(f"… {time.perf_counter() - started:5.1f}s {step}")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
