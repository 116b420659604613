"""Command line: `python -m analytics sample | run | predict`."""

import argparse
import json
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from analytics import pipeline
from analytics.classifier import ModelVersionError, load_model, predict_probability
from analytics.config import RANDOM_STATE, database_url
from analytics.db import repository
from analytics.db.session import describe_failure, safe_url, session_factory
from analytics.sample import generate_customers
from analytics.validation import NUMERIC_BOUNDS, InputError

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


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
    sample.add_argument("--rows", type=int, default=2_000, help="number of customers (2000)")
    sample.add_argument("--seed", type=int, default=RANDOM_STATE, help="random seed (42)")
    sample.add_argument("--out", type=Path, default=Path("data/sample_customers.csv"))
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
    return parser


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
    args.out.parent.mkdir(parents=True, exist_ok=True)
    generate_customers(args.rows, seed=args.seed).to_csv(args.out, index=False)
    _say(f"wrote {args.rows:,} customers (seed {args.seed}) to {args.out}")
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


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
