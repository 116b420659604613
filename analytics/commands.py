"""What each command of the command line (analytics.cli) does, given its parsed arguments and the
settings the command line was started with."""

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from analytics.config import Settings
from analytics.db import export_repository, migrate, quarantine_repository, repository
from analytics.db.models import PUBLISHED
from analytics.db.session import get_engine, safe_url, session_factory
from analytics.errors import InputError
from analytics.io.sample import generate_customers, generate_transactions
from analytics.io.tables import write_tables
from analytics.runs import customer_file, order_log, order_log_run
from analytics.steps.classifier import (
    ModelVersionError,
    load_model,
    predict_probability,
    with_file_features,
)
from analytics.validation.columns import parse_column_mapping
from analytics.validation.input_kind import ORDERS, header_of, input_kind_of
from analytics.validation.order_layouts import parse_order_columns
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


def sample(args: argparse.Namespace, settings: Settings) -> int:
    if args.rows < 1:
        raise CommandError("--rows must be at least 1", EXIT_BAD_INPUT)
    out = args.out or SAMPLE_PATHS[args.kind]
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.kind == "transactions":
        orders = generate_transactions(args.rows, seed=args.seed)
        orders.to_csv(out, index=False)
        customers = orders["Customer ID"].nunique()
        say(f"wrote {args.rows:,} orders of {customers:,} customers (seed {args.seed}) to {out}")
    else:
        generate_customers(args.rows, seed=args.seed).to_csv(out, index=False)
        say(f"wrote {args.rows:,} customers (seed {args.seed}) to {out}")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.orders is not None:
        return _order_log_run(args, settings)
    for flag in ("customers", "holdout_from"):
        if getattr(args, flag) is not None:
            raise CommandError(
                f"--{flag.replace('_', '-')} goes with --orders, not --input", EXIT_BAD_INPUT
            )
    url = settings.database_url
    options = customer_file.RunOptions(
        k=args.k,
        features=args.features,
        columns=_columns(args.columns, parse_column_mapping),
        seed=args.seed,
        limits=settings.input_limits,
    )
    progress = progress_printer()
    try:
        if args.engine == "spark":
            summary = _spark_run(args, settings, options, progress)
        elif len(args.input) > 1:
            raise CommandError(
                "the pandas engine reads one file; give one --input, or use --engine spark",
                EXIT_BAD_INPUT,
            )
        else:
            summary = customer_file.run(
                args.input[0], url, options, progress, jobs=settings.analysis_jobs
            ).as_dict()
    except ValueError as error:
        raise CommandError(f"{args.input[0].name}: {error}", EXIT_BAD_INPUT) from None
    except InputError as error:
        raise InputError(f"{error}{_order_log_hint(args)}") from None
    for note in summary["notes"]:
        say(f"note: {note}")
    if summary["quarantined"]["count"]:
        say(
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


def _order_log_hint(args: argparse.Namespace) -> str:
    """For a customer-file run refused on a file whose header is an order log's: what to run."""
    path = args.input[0]
    if len(args.input) > 1 or args.columns or input_kind_of(header_of(path)) != ORDERS:
        return ""
    return (
        f" Its columns look like an order log: run `python -m analytics run --orders {path}` "
        "instead."
    )


def _columns(text: str | None, parse: Callable[[str], dict]) -> dict[str, str] | None:
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as error:
        raise CommandError(f"argument --columns: {error}", EXIT_BAD_INPUT) from None


def _order_log_run(args: argparse.Namespace, settings: Settings) -> int:
    if args.features is not None:
        raise CommandError(
            "--features is for customer files (--input), not --orders", EXIT_BAD_INPUT
        )
    options = order_log_run.OrderRunOptions(
        columns=_columns(args.columns, parse_order_columns),
        customers=args.customers,
        holdout_from=args.holdout_from,
        horizon_days=args.horizon_days,
        k=args.k,
        seed=args.seed,
    )
    if args.engine == "spark":
        # Imported here: PySpark is an optional dependency and slow to import.
        from analytics.spark.session import check_available

        check_available(settings.java_home)
        from analytics.spark import order_log as spark_order_log

        summary = spark_order_log.run(
            args.orders,
            settings.database_url,
            options,
            progress_printer(),
            master=args.spark_master,
            settings=settings,
        ).as_dict()
    else:
        summary = order_log_run.run(
            args.orders, settings.database_url, options, progress_printer()
        ).as_dict()
    for note in summary["notes"]:
        say(f"note: {note}")
    if args.json:
        print(json.dumps(summary))
        return 0
    groups = ", ".join(f"{name} {count:,}" for name, count in summary["rfm"]["groups"].items())
    repeat = summary["repeat_model"]
    print(
        f"Published order-log run {summary['run_id']} to {safe_url(settings.database_url)}: "
        f"{summary['rows']:,} customers from {summary['orders']:,} orders as of "
        f"{summary['as_of']}, {summary['k']} segments, repeat model {repeat['name']} "
        f"(CV ROC-AUC {repeat['cv_roc_auc']:.3f}). Groups: {groups}."
    )
    return 0


def _spark_run(
    args: argparse.Namespace,
    settings: Settings,
    options: customer_file.RunOptions,
    progress: Callable[[str], None],
) -> dict:
    # Imported here: PySpark is an optional dependency and slow to import.
    from analytics.spark.session import check_available

    check_available(settings.java_home)
    from analytics.spark import engine

    return engine.run(
        args.input,
        settings.database_url,
        options,
        progress,
        master=args.spark_master,
        settings=settings,
    ).as_dict()


def predict(args: argparse.Namespace, settings: Settings) -> int:
    for name, value in (("Age", args.age), ("Salary", args.salary), ("Price", args.price)):
        low, high = NUMERIC_BOUNDS[name]
        if value is not None and not low <= value <= high:
            raise CommandError(
                f"--{name.lower()} must be between {low:g} and {high:g}, got {value:g}",
                EXIT_BAD_INPUT,
            )
    url = settings.database_url
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
    # Columns of the run's own file that the model reads are held at the typical customer's.
    inputs = with_file_features(inputs, stored.features, stored.explanation["reference"])
    flags = [
        f"--{name.lower()}"
        for name in NUMERIC_BOUNDS
        if name in stored.features and inputs.get(name) is None
    ]
    try:
        probability = predict_probability(model, stored.features, inputs)
    except ValueError as error:
        raise CommandError(f"{error} (give {' '.join(flags)})", EXIT_BAD_INPUT) from None
    if args.json:
        print(json.dumps({"probability": probability, "run_id": run.id, "model": stored.name}))
    else:
        print(f"Purchase probability: {probability:.1%} ({stored.name}, run {run.id})")
    return 0


def db(args: argparse.Namespace, settings: Settings) -> int:
    url = settings.database_url
    engine = get_engine(url)  # migrates to the newest schema on first use
    print(f"{safe_url(url)} is at schema revision {migrate.current_revision(engine)}")
    return 0


def model_card(args: argparse.Namespace, settings: Settings) -> int:
    url = settings.database_url
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


def quarantine(args: argparse.Namespace, settings: Settings) -> int:
    url = settings.database_url
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
    say(
        f"{len(rows):,} row{'s' if len(rows) != 1 else ''} set aside by run {run.id}"
        + (f" written to {args.out}" if args.out else "")
        + " (cells that a spreadsheet would run as formulas start with an apostrophe)."
    )
    return 0


def export(args: argparse.Namespace, settings: Settings) -> int:
    url = settings.database_url
    with session_factory(url)() as session:
        run = repository.run_by_id(session, args.run_id)
        if run is None:
            raise InputError(f"no run {args.run_id} in {safe_url(url)}.")
        if run.status != PUBLISHED:
            raise InputError(
                f"run {run.id} is {run.status}, not published: only published runs are exported."
            )
        tables = export_repository.run_tables(session, run)
    paths = write_tables(tables, args.out, args.format)
    customers = len(tables["customers"])
    say(
        f"run {run.id} ({run.input_kind}): {customers:,} customers, "
        f"{len(tables['segments'])} segments and {len(tables['model_metrics'])} models written "
        f"to {', '.join(str(path) for path in paths)}"
        + (
            " (text cells a spreadsheet would run as formulas start with an apostrophe)."
            if args.format == "csv"
            else "."
        )
    )
    return 0


def _write_csv(handle, header: list[str], records: list[list[str]]) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)


def rfm(args: argparse.Namespace, settings: Settings) -> int:
    columns = (args.customer_col, args.date_col, args.amount_col)
    if len(set(columns)) < len(columns):
        raise CommandError(
            "--customer-col, --date-col and --amount-col must name three different columns",
            EXIT_BAD_INPUT,
        )
    url = settings.database_url
    summary = order_log.run_rfm(
        args.input,
        url,
        *columns,
        as_of=args.as_of,
        date_format=args.date_format,
        progress=progress_printer(),
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


def progress_printer():
    """A progress printer that prefixes each step with the seconds since the command began."""
    started = time.perf_counter()
    return lambda step: say(f"… {time.perf_counter() - started:5.1f}s {step}")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
