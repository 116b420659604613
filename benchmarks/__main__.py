"""The analytics run at several sizes against the bare library calls it wraps.

    python -m benchmarks [--sizes 10k,100k,1m] [--postgres URL] [--no-docs]
    python -m benchmarks --small [--repeat 5] [--baseline CHECKOUT]   (benchmarks/small_files.py)

For each size: a sample file from the generator (seed 7); the full `python -m analytics run`
in a child process (wall time, peak RSS, and each stage from the timestamps of its progress
lines); the customer insert on SQLite and PostgreSQL alone; and, in this process, the bare
calls the run wraps, as the performance-million acceptance check defines them: pd.read_csv,
StandardScaler + KMeans(4), a HistGradientBoostingClassifier fit, to_sql into in-memory
SQLite. The ratio run / bare is the figure to compare across machines. Also: whether k chosen
on the default sample agrees with k chosen on all rows, and how the one-run K-Means on all
rows agrees with ten restarts on all rows; the size of the stored model; and how long the
dashboard takes to load the latest run.

Results go to benchmarks/results.json, docs/benchmarks-stages.png and the marked section of
docs/benchmarks.md.
"""

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import doc_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "benchmarks-stages.png"
START, END = "<!-- pipeline benchmark: start -->", "<!-- pipeline benchmark: end -->"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SEED = 7
# Progress lines of `analytics run` that open each stage (the first line matching one of a
# stage's openings). Exploring, segmenting and cross-validating are one stage: on large data
# the cross-validation runs in worker processes while the run explores and segments. On large
# data a worker also evaluates the holdout while the run scores and stores the customers.
STAGES = [
    ("validate", ("reading and validating",)),
    ("wait for the worker processes", ("waiting for the worker processes",)),
    ("explore, segment, cross-validate", ("exploring the data", "cross-validating")),
    ("model refit", ("refitting",)),
    ("score customers (holdout in a worker)", ("evaluating on the holdout",)),
    ("store", ("saving",)),
    ("commit", ("publishing run",)),
]
# The commit's time is what follows its progress line, and that includes the start-up.
AFTER_LAST_STAGE = "commit, exit and start-up"
_PROGRESS = re.compile(r"^…\s+([\d.]+)s (.*)$")


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def label(rows: int) -> str:
    return f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1_000}k"


def measure_run(csv: Path, url: str) -> dict:
    """Wall time, peak RSS and stage times of one `python -m analytics run` (own process)."""
    command = [sys.executable, "-m", "analytics", "run", "--input", str(csv), "--db", url]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen([*command, "--json"], stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if status:
        raise RuntimeError(f"analytics run failed: {stderr[-500:]}")
    marks = []
    for line in stderr.splitlines():
        match = _PROGRESS.match(line)
        if match:
            stage = next((name for name, texts in STAGES if match[2].startswith(texts)), None)
            if stage and stage not in [name for name, _ in marks]:
                marks.append((stage, float(match[1])))
    stages = {
        name: round(end - start, 2)
        for (name, start), (_, end) in zip(marks, [*marks[1:], ("end", None)], strict=True)
        if end is not None
    }
    summary = json.loads(stdout)
    return {
        "wall": round(wall, 2),
        "cpu": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "stages": stages,
        "after_progress": round(wall - marks[-1][1], 2),
        "k": summary["k"],
        "model": summary["model"]["name"] if summary["model"] else None,
        "cv_roc_auc": summary["model"]["cv_roc_auc"] if summary["model"] else None,
    }


def run_with_rusage(command: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS (MB) of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise RuntimeError(f"{command} failed with status {status}")
    return time.perf_counter() - started, round(usage.ru_maxrss / 1024)


def bare_calls(csv: Path) -> dict:
    """The performance-million check's baseline, call by call."""
    from sklearn.cluster import KMeans
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.preprocessing import StandardScaler

    frame = None

    def read():
        nonlocal frame
        frame = pd.read_csv(csv)

    def cluster():
        points = StandardScaler().fit_transform(frame[["Age", "Salary", "Price"]])
        KMeans(4, n_init="auto", random_state=0).fit(points)

    def fit():
        HistGradientBoostingClassifier(random_state=0).fit(
            frame[["Age", "Salary", "Price"]], frame["Purchased"]
        )

    def insert():
        with contextlib.closing(sqlite3.connect(":memory:")) as connection:
            frame.to_sql("customers", connection, index=False)

    times, cpu = {}, {}
    for name, call in [
        ("read_csv", read),
        ("KMeans fit", cluster),
        ("model fit", fit),
        ("bulk insert", insert),
    ]:
        cpu_before, started = _cpu_seconds(), time.perf_counter()
        call()
        times[name] = round(time.perf_counter() - started, 2)
        cpu[name] = round(_cpu_seconds() - cpu_before, 2)
    times["total"] = round(sum(times.values()), 2)
    times["cpu"] = round(sum(cpu.values()), 2)
    return times


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def insert_times(csv: Path, workdir: Path, postgres_admin: str | None) -> dict:
    """The run's customer insert alone, into a fresh SQLite file and PostgreSQL database."""
    from sqlalchemy import create_engine, text

    from analytics.db import repository
    from analytics.db.models import Run
    from analytics.db.session import session_factory
    from analytics.validation.customer_file import read_customers

    customers = read_customers(csv).customers
    customers = customers.assign(
        segment=np.arange(len(customers)) % 4,
        sample_rank=np.random.default_rng(SEED).permutation(len(customers)),
        purchase_probability=np.random.default_rng(SEED).random(len(customers)),
    )
    urls = {"SQLite": f"sqlite:///{workdir / f'insert-{len(customers)}.db'}"}
    admin = None
    # One database per size: engines (and their migrated schema) are cached per URL.
    database = f"benchmark_insert_{os.getpid()}_{len(customers)}"
    if postgres_admin:
        try:
            admin = create_engine(postgres_admin, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {database}"))
                connection.execute(text(f"CREATE DATABASE {database}"))
            urls["PostgreSQL"] = admin.url.set(database=database).render_as_string(False)
        except Exception as error:  # a benchmark without PostgreSQL still reports SQLite
            print(f"PostgreSQL skipped: {error}", file=sys.stderr)
            admin = None
    times = {}
    try:
        for name, url in urls.items():
            sessions = session_factory(url)
            started = time.perf_counter()
            with sessions.begin() as session:
                run = Run(input_name=csv.name, input_sha256="-")
                session.add(run)
                session.flush()
                repository.insert_customers(session, run.id, customers)
            times[name] = round(time.perf_counter() - started, 2)
            sessions.kw["bind"].dispose()
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            admin.dispose()
    return times


def k_agreement(csv: Path) -> dict:
    """k chosen on the default sample vs on all rows, and the one-run labels on all rows vs
    ten restarts on all rows (adjusted Rand index)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    from analytics.config import K_SELECTION_ROWS
    from analytics.steps import segmentation

    features = pd.read_csv(csv)[["Age", "Salary", "Price"]]
    sampled_k, _ = segmentation.choose_k(segmentation.score_k_range(features, SEED))
    everything = segmentation.K_SELECTION_ROWS
    segmentation.K_SELECTION_ROWS = len(features)
    try:
        started = time.perf_counter()
        all_rows_k, _ = segmentation.choose_k(segmentation.score_k_range(features, SEED))
        all_rows_seconds = time.perf_counter() - started
    finally:
        segmentation.K_SELECTION_ROWS = everything
    labels = segmentation._fit_labels(features, sampled_k, SEED)
    points = segmentation.segmentation_pipeline(list(features.columns), sampled_k, SEED)[0]
    restarts = KMeans(n_clusters=sampled_k, n_init=10, random_state=SEED)
    full = restarts.fit_predict(points.fit_transform(features))
    return {
        "sample_rows": min(K_SELECTION_ROWS, len(features)),
        "k_on_sample": sampled_k,
        "k_on_all_rows": all_rows_k,
        "all_rows_scoring_seconds": round(all_rows_seconds, 1),
        "labels_ari_vs_10_restarts": round(float(adjusted_rand_score(full, labels)), 4),
    }


def dashboard_load(url: str) -> float:
    """Seconds for a fresh process (imports apart) to load what the overview, segments, model
    and what-if pages read of the latest run."""
    script = (
        "import sys, time; from dashapp import queries; t = time.perf_counter(); "
        "u = sys.argv[1]; r = queries.latest_run(u); queries.overview(u, r.id); "
        "queries.scatter_points(u, r.id); queries.model_report(u, r.id); "
        "queries.purchase_model(u, r.id); print(time.perf_counter() - t)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script, url], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return round(float(loaded.stdout), 3)


def model_size(url: str) -> float:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        size = connection.execute(
            text("SELECT length(artifact) FROM models WHERE is_selected ORDER BY id DESC LIMIT 1")
        ).scalar()
    engine.dispose()
    return round(size / 1e6, 3)


def startup_seconds() -> float:
    command = [sys.executable, "-c", "import analytics.cli"]
    return round(min(run_with_rusage(command)[0] for _ in range(3)), 2)


def machine() -> str:
    import sklearn

    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        names = re.findall(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
        cpu = names[0] if names else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, "
        f"pandas {pd.__version__}, scikit-learn {sklearn.__version__}, "
        f"load average at start {os.getloadavg()[0]:.1f}"
    )


def benchmark(sizes: list[int], workdir: Path, postgres: str | None, agreement_max: int) -> dict:
    from analytics.io.sample import generate_customers

    results = {"machine": machine(), "startup_seconds": startup_seconds(), "sizes": []}
    for rows in sizes:
        print(f"{label(rows)}: generating", file=sys.stderr, flush=True)
        csv = workdir / f"customers-{rows}.csv"
        generate_customers(rows, seed=SEED).to_csv(csv, index=False)
        db = workdir / f"run-{rows}.db"
        db.unlink(missing_ok=True)
        url = f"sqlite:///{db}"
        print(f"{label(rows)}: analytics run", file=sys.stderr, flush=True)
        entry = {"rows": rows, "run": measure_run(csv, url)}
        print(f"{label(rows)}: bare calls", file=sys.stderr, flush=True)
        entry["bare"] = bare_calls(csv)
        entry["ratio"] = round(entry["run"]["wall"] / entry["bare"]["total"], 2)
        entry["cpu_ratio"] = round(entry["run"]["cpu"] / entry["bare"]["cpu"], 2)
        print(f"{label(rows)}: inserts", file=sys.stderr, flush=True)
        entry["insert"] = insert_times(csv, workdir, postgres)
        entry["model_mb"] = model_size(url) if entry["run"]["model"] else None
        entry["dashboard_load"] = dashboard_load(url)
        if rows <= agreement_max:
            print(f"{label(rows)}: k agreement", file=sys.stderr, flush=True)
            entry["k_agreement"] = k_agreement(csv)
        results["sizes"].append(entry)
        print(json.dumps(entry), file=sys.stderr, flush=True)
    return results


def markdown(results: dict) -> str:
    sizes = results["sizes"]
    head = "| | " + " | ".join(label(s["rows"]) for s in sizes) + " |"
    rule = "|---|" + "---|" * len(sizes)
    lines = [
        f"Machine: {results['machine']}.",
        "",
        "Command: `python -m benchmarks` (`make bench`); seconds unless marked.",
        "",
        head,
        rule,
        "| **full `analytics run`** (wall) | "
        + " | ".join(f"**{s['run']['wall']}**" for s in sizes)
        + " |",
        "| · start-up (imports, measured apart) | "
        + " | ".join(str(results["startup_seconds"]) for _ in sizes)
        + " |",
    ]
    for stage, _ in STAGES[:-1]:
        lines.append(
            f"| · {stage} | "
            + " | ".join(str(s["run"]["stages"].get(stage, "–")) for s in sizes)
            + " |"
        )
    lines.append(
        f"| · {AFTER_LAST_STAGE} | "
        + " | ".join(str(s["run"]["after_progress"]) for s in sizes)
        + " |"
    )
    lines += [
        "| peak RSS (MB) | " + " | ".join(str(s["run"]["peak_rss_mb"]) for s in sizes) + " |",
        "| **bare library calls** (total) | "
        + " | ".join(f"**{s['bare']['total']}**" for s in sizes)
        + " |",
    ]
    for call in ("read_csv", "KMeans fit", "model fit", "bulk insert"):
        lines.append(f"| · {call} | " + " | ".join(str(s["bare"][call]) for s in sizes) + " |")
    lines += [
        "| **run / bare** (wall) | " + " | ".join(f"**{s['ratio']}×**" for s in sizes) + " |",
        "| CPU seconds (user + system): run / bare | "
        + " | ".join(f"{s['run']['cpu']} / {s['bare']['cpu']} = {s['cpu_ratio']}×" for s in sizes)
        + " |",
        "| customer insert, SQLite | "
        + " | ".join(str(s["insert"].get("SQLite", "–")) for s in sizes)
        + " |",
        "| customer insert, PostgreSQL (COPY) | "
        + " | ".join(str(s["insert"].get("PostgreSQL", "–")) for s in sizes)
        + " |",
        "| k chosen / model chosen | "
        + " | ".join(f"{s['run']['k']} / {s['run']['model']}" for s in sizes)
        + " |",
        "| stored model (MB) | " + " | ".join(str(s["model_mb"]) for s in sizes) + " |",
        "| dashboard loads the latest run | "
        + " | ".join(str(s["dashboard_load"]) for s in sizes)
        + " |",
    ]
    agreements = [s for s in sizes if "k_agreement" in s]
    if agreements:
        lines += [
            "",
            "k selection on a sample vs on all rows, and the final K-Means (restarts on a sample,",
            "one run on all rows) vs ten restarts on all rows:",
            "",
            "| rows | sample | k on sample | k on all rows | scoring all rows took (s) "
            "| ARI vs 10 restarts on all rows |",
            "|---|---|---|---|---|---|",
        ]
        for s in agreements:
            a = s["k_agreement"]
            lines.append(
                f"| {label(s['rows'])} | {a['sample_rows']:,} | {a['k_on_sample']} | "
                f"{a['k_on_all_rows']} | {a['all_rows_scoring_seconds']} | "
                f"{a['labels_ari_vs_10_restarts']} |"
            )
    lines += ["", f"![time per stage vs rows]({PLOT.name})"]
    return "\n".join(lines)


def plot(results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    sizes = results["sizes"]
    rows = [s["rows"] for s in sizes]
    figure, axes = pyplot.subplots(figsize=(8, 6))
    for stage, _ in STAGES[:-1]:
        # Stages are timed to 0.1 s: a 0.0 is "too short to show" on a log scale, not zero.
        seconds = [s["run"]["stages"].get(stage) or np.nan for s in sizes]
        axes.plot(rows, seconds, "o-", label=stage)
    axes.plot(rows, [s["run"]["wall"] for s in sizes], "k-", linewidth=3, label="full run")
    axes.plot(rows, [s["bare"]["total"] for s in sizes], "k--", label="bare library calls")
    axes.plot(rows, [3 * s["bare"]["total"] for s in sizes], "r:", label="3 × bare (target)")
    axes.set(xscale="log", yscale="log", xlabel="customers", ylabel="seconds")
    axes.set_title("analytics run: time per stage vs rows")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.13))
    figure.tight_layout()
    figure.savefig(PLOT, dpi=110)


def write_doc(results: dict) -> None:
    doc_section.replace_section(START, END, markdown(results), DOC)


def main() -> None:
    if "--small" in sys.argv[1:]:  # the small files' fixed cost: benchmarks/small_files.py
        from benchmarks import small_files

        return small_files.main(sys.argv[1:])
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k,1m", help="rows, e.g. 10k,100k,1m")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCHMARK_POSTGRES_URL", DEFAULT_POSTGRES),
        help="a PostgreSQL URL allowed to create and drop a database ('' to skip)",
    )
    parser.add_argument(
        "--agreement-max",
        type=parse_size,
        default=parse_size("100k"),
        help="largest size at which k is also chosen on all rows (100k)",
    )
    parser.add_argument("--workdir", type=Path, help="where data files go (a temporary dir)")
    parser.add_argument("--no-docs", action="store_true", help="print, do not write docs/")
    args = parser.parse_args()
    sizes = [parse_size(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="benchmarks-") as temporary:
        workdir = args.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        results = benchmark(sizes, workdir, args.postgres or None, args.agreement_max)
    print(markdown(results))
    if not args.no_docs:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        plot(results)
        write_doc(results)


if __name__ == "__main__":
    main()
