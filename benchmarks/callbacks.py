"""Server time of every dashboard callback and page layout on one database's latest run.

    python -m benchmarks.callbacks --db sqlite:///path/to/run.db [--calls 60]

Each function is called in a Flask request context with seeded, varied inputs, and the time
includes encoding the result to JSON, as the server does; the first (cold) call of each is
reported apart, since it reads the run into the per-process caches (and makes the run's Parquet
copy of its customers). The export is a link to a streamed file: its callback (the link) is
timed like the others, and so is the file's first piece (what the browser waits for before the
download starts); the whole files' times, rows and sizes are listed after the table.
"""

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

import flask
import numpy as np
import plotly

from analytics.config import Settings
from analytics.steps.classifier import customer_frame
from dashapp.app import create_app, settle
from dashapp.data import customer_reads, customer_store, derived, queries
from dashapp.logic import explorer
from dashapp.pages.segments import download
from dashapp.pages.segments import update as segments_update
from dashapp.pages.what_if import lookup


def timed(call: tuple) -> tuple[float, int]:
    """Milliseconds of one call, JSON encoding included, and the size of that JSON in bytes."""
    function, arguments = call
    started = time.perf_counter()
    payload = json.dumps(function(*arguments), cls=plotly.utils.PlotlyJSONEncoder)
    return (time.perf_counter() - started) * 1_000, len(payload)


def bare_predict(url: str, rng: np.random.Generator, calls: int) -> list[float]:
    """Milliseconds of the bare predict_proba on one customer row, the what-if's floor."""
    run = queries.latest_run(url)
    model = queries.purchase_model(url, run.id)
    ranges = queries.overview(url, run.id).feature_ranges
    times = []
    for _ in range(calls):
        row = customer_frame(
            model.features,
            {
                "Age": float(rng.uniform(ranges["Age"]["min"], ranges["Age"]["max"])),
                "Salary": float(rng.uniform(ranges["Salary"]["min"], ranges["Salary"]["max"])),
                "Price": float(rng.uniform(ranges["Price"]["min"], ranges["Price"]["max"]))
                if "Price" in ranges
                else None,
                "Gender": str(rng.choice(ranges["genders"])),
            },
        )
        started = time.perf_counter()
        model.estimator.predict_proba(row)
        times.append((time.perf_counter() - started) * 1_000)
    return sorted(times)


def _download(link: str):
    """The streamed response of the export link, from a client of the app being measured."""
    return flask.current_app.test_client().get(link, buffered=False)


def first_piece(link: str) -> int:
    """The size of the first piece of the export's stream (the time until the download starts)."""
    response = _download(link)
    try:
        return len(next(response.response))
    finally:
        response.close()


def whole_file(link: str) -> tuple[float, int, int]:
    """Seconds, rows and bytes of the whole streamed export file."""
    started = time.perf_counter()
    response = _download(link)
    size = lines = 0
    for piece in response.response:
        size += len(piece)
        lines += piece.count(b"\n") if isinstance(piece, bytes) else piece.count("\n")
    response.close()
    return time.perf_counter() - started, lines - 1, size


def cases(url: str, rng: np.random.Generator) -> dict[str, Callable[[], tuple]]:
    """Per callback, a maker of (function, arguments) with fresh random inputs."""
    # Dash's page discovery runs each page's layout and callbacks modules (dashapp.pages.<page>.*).
    pages = {
        name: sys.modules[f"dashapp.pages.{name}.layout"]
        for name in ("overview", "segments", "model", "what_if", "runs")
    }
    callbacks = {
        name: sys.modules[f"dashapp.pages.{name}.callbacks"]
        for name in ("segments", "model", "what_if", "runs")
    }
    run = queries.latest_run(url)
    data = queries.overview(url, run.id)
    ranges = data.feature_ranges
    segments = data.segments["segment"].tolist()
    has_price = "Price" in ranges
    products = derived.product_prices(url, run.id)["product"].tolist() if has_price else []
    customer_ids = customer_store.frame(
        url, run.id, 'SELECT "Customer ID" FROM {customers} ORDER BY sample_rank LIMIT 1000'
    )["Customer ID"].tolist()

    def uniform(column: str) -> float:
        return float(rng.uniform(ranges[column]["min"], ranges[column]["max"]))

    def customer() -> tuple:
        price = round(uniform("Price")) if has_price else None
        return (
            round(uniform("Age")),
            round(uniform("Salary"), -3),
            price,
            str(rng.choice(ranges["genders"])),
            run.id,
        )

    def span(column: str) -> list[float] | None:
        if column not in ranges:
            return None
        low, high = sorted(rng.uniform(ranges[column]["min"], ranges[column]["max"], 2))
        return [float(low), float(high)]

    def controls() -> dict:
        chosen = [int(s) for s in segments if rng.random() < 0.7] or segments[:1]
        return {
            "gender": list(ranges["genders"]),
            "age": span("Age"),
            "salary": span("Salary"),
            "price": span("Price"),
            "segments": chosen,
            "purchased": str(rng.choice(["all", "buyers", "non-buyers"])),
            "selection": None,
            "min_probability": float(rng.choice([0.0, 0.25, 0.5])),
            # An order-log run's controls, hidden on a customer-file run's page, as it sends them.
            "rfm_group": [],
            "r_score": [],
            "fm_score": [],
            "value": [0, 1],
            "p_alive": [0, 1],
            "top_n": rng.choice([None, None, 100, 5_000]),
        }

    what_if, seg, model, runs = (callbacks[n] for n in ("what_if", "segments", "model", "runs"))
    made = {f"{name} layout": (lambda page=page: (page.layout, ())) for name, page in pages.items()}
    made.update(
        {
            "what-if probability (also the overview's)": lambda: (
                what_if.update_probability,
                customer(),
            ),
            "what-if interval": lambda: (what_if.update_interval, customer()),
            "what-if contributions": lambda: (what_if.update_contributions, customer()),
            "what-if price sensitivity": lambda: (what_if.update_price_sensitivity, customer()),
            "what-if segment price change": lambda: (
                what_if.update_segment_what_if,
                (int(rng.choice(segments)), int(rng.integers(-50, 51)), run.id),
            ),
            "segments summary": lambda: (seg.update_summary, (controls(), run.id)),
            "segments scatter": lambda: (seg.update_scatter, (controls(), "Age", "Salary", run.id)),
            "segments comparison": lambda: (
                seg.update_comparison,
                (controls(), segments[0], segments[-1], run.id),
            ),
            "segments export (the link)": lambda: (seg.export_audience, (controls(), None, run.id)),
            "segments export: the streamed file's first piece": lambda: (
                first_piece,
                (seg.export_audience(controls(), None, run.id),),
            ),
            "model threshold": lambda: (
                model.update_threshold,
                (float(rng.uniform(0.05, 0.95)), run.id),
            ),
            "runs comparison": lambda: (runs.show_comparison, (run.id,)),
        }
    )
    # The audiences' callback tells a save from a page load by what triggered it, which only a
    # request has: the list, which every page load computes, is timed.
    made["segments saved audiences"] = lambda: (
        segments_update.audiences_card,
        (False, None, controls(), run.id),
    )
    # The lookup's callback tells a customer from a product by what triggered it, which only a
    # request has: the function it hands both to is timed instead.
    made["what-if customer lookup"] = lambda: (
        lookup.pick,
        (str(rng.choice(customer_ids)), None, True, run.id),
    )
    if products:
        made["what-if product price"] = lambda: (
            lookup.pick,
            (None, str(rng.choice(products)), False, run.id),
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="database URL with a published run")
    parser.add_argument("--calls", type=int, default=60, help="timed calls per callback (60)")
    args = parser.parse_args()
    app = create_app(Settings.from_env().with_database(args.db))
    settle()  # as the servers do once the app is built
    rng = np.random.default_rng(7)
    with app.server.test_request_context():
        run = queries.latest_run(args.db)
        print(f"run {run.id}: {run.rows:,} customers; {args.calls} calls each; milliseconds")
        print("| callback | first call | p50 | p95 | max | largest JSON (kB) |")
        print("|---|---|---|---|---|---|")
        made = cases(args.db, rng)
        for name, make_call in made.items():
            first, first_size = timed(make_call())
            measured = [timed(make_call()) for _ in range(args.calls)]
            times = sorted(ms for ms, _ in measured)
            largest = max(first_size, *(size for _, size in measured))
            print(
                f"| {name} | {first:.0f} | {statistics.median(times):.1f} | "
                f"{percentile_95(times):.1f} | {times[-1]:.1f} | {largest / 1000:.0f} |"
            )
        print()
        choices = customer_reads.explorer_choices(args.db, run.id)
        everyone = download.link(run.id, explorer.default_filters(choices), choices)
        links = {"every customer": everyone}
        for n in range(1, 4):
            function, arguments = made["segments export (the link)"]()
            links[f"random filters {n}"] = function(*arguments)
        for label, link in links.items():
            seconds, rows, size = whole_file(link)
            print(
                f"streamed export, {label}: {rows:,} rows, {size / 1e6:.1f} MB in {seconds:.2f} s"
            )
        if queries.purchase_model(args.db, run.id) is not None:
            times = bare_predict(args.db, rng, args.calls)
            print(
                f"| bare predict_proba, one row (floor of the what-if) | – | "
                f"{statistics.median(times):.1f} | {percentile_95(times):.1f} | "
                f"{times[-1]:.1f} | – |"
            )


def percentile_95(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


if __name__ == "__main__":
    main()
