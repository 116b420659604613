"""Wall time and peak memory of a whole `analytics run`, pandas engine against Spark engine.

    python -m benchmarks.spark_vs_pandas --rows 1000000 10000000 [--engines pandas spark]
        [--master local[2]] [--work /tmp/spark-bench] [--json results.json]

Each run is a fresh `python -m analytics run --json` subprocess on generated customers
(analytics.io.sample, seed 42) into its own SQLite database, so the time includes start-up,
validation, analysis and writing every customer row. Peak RSS is the largest sum, sampled every
0.2 s, over the process and all its descendants (for Spark: the driver's Python, the JVM and
the Python workers). The generated CSV files are kept in --work for the next measurement.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from analytics.io.sample import generate_customers

_GENERATE_CHUNK = 1_000_000


def customers_csv(rows: int, folder: Path) -> Path:
    """The generated file of `rows` customers, written once in chunks of distinct customers."""
    path = folder / f"customers_{rows}.csv"
    if path.is_file():
        return path
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        for start in range(0, rows, _GENERATE_CHUNK):
            chunk = generate_customers(min(_GENERATE_CHUNK, rows - start), seed=42 + start)
            chunk["Customer ID"] += start
            chunk.to_csv(handle, index=False, header=start == 0)
    partial.rename(path)
    return path


def measure(engine: str, data: Path, folder: Path, master: str) -> dict:
    database = folder / f"{engine}_{data.stem}.db"
    database.unlink(missing_ok=True)
    command = [sys.executable, "-m", "analytics", "run", "--input", str(data)]
    command += ["--db", f"sqlite:///{database}", "--json", "--engine", engine]
    if engine == "spark":
        command += ["--spark-master", master]
    # The pandas engine's single-process limits are raised for the benchmark's sizes.
    environment = os.environ | {"ANALYTICS_MAX_ROWS": "1e9", "ANALYTICS_MAX_INPUT_MB": "1e6"}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True
    )
    peak = 0
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(_rss(member) for member in tree))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.2)
    wall = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{engine} on {data.name} failed:\n{stderr[-3000:]}")
    summary = json.loads(stdout)
    return {
        "engine": engine,
        "rows": summary["rows"],
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak / 1024 / 1024),
        "k": summary["k"],
        "model": summary["model"]["name"] if summary["model"] else None,
        "holdout_roc_auc": summary["model"]["holdout_roc_auc"] if summary["model"] else None,
        "progress": [line for line in stderr.splitlines() if line.startswith("…")],
    }


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--engines", nargs="+", default=["pandas", "spark"])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--work", type=Path, default=Path("/tmp/spark-bench"))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for rows in args.rows:
        data = customers_csv(rows, args.work)
        for engine in args.engines:
            result = measure(engine, data, args.work, args.master)
            results.append(result)
            print(
                f"{engine:6} {rows:>11,} rows: {result['wall_s']:8.1f} s, "
                f"peak RSS {result['peak_rss_mb']:6,} MB, k={result['k']}, "
                f"{result['model']} ROC-AUC {result['holdout_roc_auc']:.3f}",
                flush=True,
            )
            if args.json:
                args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
