"""Command line: `python -m analytics sample | run | predict | rfm`."""

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from analytics import pipeline, rfm_pipeline
from analytics.classifier import ModelVersionError, load_model, predict_probability
from analytics.config import RANDOM_STATE, database_url
from analytics.db import repository
from analytics.db.session import describe_failure, safe_url, session_factory
from analytics.sample import generate_customers, generate_transactions
from analytics.validation import NUMERIC_BOUNDS, InputError

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
    run.add_argument("--input", type=Path, required=True, help="customer CSV")
    run.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    run.add_argument(
        "--k",
        type=_k_value,
        default="auto",
        help="number of segments, or 'auto' to choose 2..8 by silhouette (auto)",
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
    predict.add_argument("--price", type=float, required=True)
    predict.add_argument("--gender", help="e.g. Female or Male; omitted means the most common")
    predict.add_argument("--json", action="store_true", help='print {"probability": ...} as JSON')
    predict.set_defaults(command=_predict)

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
        summary = pipeline.run(
            args.input, url, k=args.k, seed=args.seed, progress=lambda step: _say(f"… {step}")
        )
    except ValueError as error:
        raise CommandError(f"{args.input.name}: {error}", EXIT_BAD_INPUT) from None
    if args.json:
        print(json.dumps(summary.as_dict()))
    else:
        model = summary.model
        print(
            f"Published run {summary.run_id} to {safe_url(url)}: {summary.rows:,} customers, "
            f"{summary.k} segments (sizes {', '.join(map(str, summary.segment_sizes))}), "
            f"{model['name']} holdout accuracy {model['accuracy']:.3f}, "
            f"ROC-AUC {model['roc_auc']:.3f}."
        )
    return 0


def _predict(args: argparse.Namespace) -> int:
    for name, value in (("Age", args.age), ("Salary", args.salary), ("Price", args.price)):
        low, high = NUMERIC_BOUNDS[name]
        if not low <= value <= high:
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
    try:
        model = load_model(stored.artifact, stored.sklearn_version)
    except ModelVersionError as error:
        raise CommandError(str(error)) from None
    probability = predict_probability(model, args.age, args.salary, args.price, args.gender)
    if args.json:
        print(json.dumps({"probability": probability, "run_id": run.id, "model": stored.name}))
    else:
        print(f"Purchase probability: {probability:.1%} ({stored.name}, run {run.id})")
    return 0


def _rfm(args: argparse.Namespace) -> int:
    columns = (args.customer_col, args.date_col, args.amount_col)
    if len(set(columns)) < len(columns):
        raise CommandError(
            "--customer-col, --date-col and --amount-col must name three different columns",
            EXIT_BAD_INPUT,
        )
    url = database_url(args.db)
    summary = rfm_pipeline.run_rfm(
        args.input,
        url,
        *columns,
        as_of=args.as_of,
        date_format=args.date_format,
        progress=lambda step: _say(f"… {step}"),
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


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
