"""The analytics run on small files, whose time is the run's fixed cost (`python -m benchmarks
--small`, or `python -m benchmarks.small_files`).

    python -m benchmarks --small [--repeat 5] [--baseline /path/to/other/checkout] [--no-docs]

Each file (the reference data, /work/shared/data/purchase_history.csv or $REFERENCE_DATA, if
present, and the bundled sample, data/sample_customers.csv) runs as `python -m analytics run
--input FILE --db sqlite:///… --json` in a child process, `--repeat` times into one database (the
first run also creates its schema), runs of the files interleaved. Wall time, CPU time
(user + system, of the run and every process it started) and the chosen model are reported, with the
load average before and after: on a shared machine, wall time measures the neighbours too.
`--baseline` runs another checkout's code (PYTHONPATH) the same way, alternating with this one,
for before/after figures measured side by side. Results go to benchmarks/small_results.json and
the marked section of docs/benchmarks.md.
"""

import argparse
import contextlib
import ctypes
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import doc_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "small_results.json"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- small files benchmark: start -->", "<!-- small files benchmark: end -->"
# The study's data, read in place from ../shared (REFERENCE_DATA names another copy).
REFERENCE = Path(
    os.environ.get("REFERENCE_DATA", ROOT.parent / "shared" / "data" / "purchase_history.csv")
)
SAMPLE = ROOT / "data" / "sample_customers.csv"
PR_SET_CHILD_SUBREAPER = 36
TARGETS = {"purchase_history.csv": 3.0, "sample_customers.csv": 4.0}


def timed_run(csv: Path, url: str, code: Path) -> dict:
    """Wall and CPU seconds of one `analytics run` with the code of `code`, and its choice. CPU
    counts the run and every process it started (see become_subreaper)."""
    command = [sys.executable, "-m", "analytics", "run", "--input", str(csv), "--db", url]
    environment = {**os.environ, "PYTHONPATH": str(code)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        # From `code` as its working directory, which `-m` puts first on the path.
        child = subprocess.Popen(
            [*command, "--json"], stdout=out, stderr=err, env=environment, cwd=code
        )
        _, status, _ = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if status:
        raise RuntimeError(f"analytics run failed: {stderr[-500:]}")
    with contextlib.suppress(ChildProcessError):  # worker processes left to this one
        while True:
            os.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    summary = json.loads(stdout)
    model = summary["model"] or {}
    return {
        "wall": round(wall, 2),
        "cpu": round(cpu, 2),
        "k": summary["k"],
        "model": model.get("name"),
        "cv_roc_auc": model.get("cv_roc_auc"),
    }


def become_subreaper() -> None:
    """Make this process adopt the orphans of its descendants (Linux): worker processes that
    outlive the run are then reaped here, and their CPU time counted (RUSAGE_CHILDREN)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def benchmark(files: list[Path], repeat: int, codes: dict[str, Path], workdir: Path) -> dict:
    results = {"load_before": round(os.getloadavg()[0], 1), "cores": os.cpu_count(), "files": []}
    runs = {(csv.name, name): [] for csv in files for name in codes}
    for attempt in range(repeat):
        for csv in files:
            for number, (name, code) in enumerate(codes.items()):
                url = f"sqlite:///{workdir / f'{number}-{csv.stem}.db'}"
                runs[csv.name, name].append(timed_run(csv, url, code))
                print(
                    f"{csv.name} {name} #{attempt + 1}: {runs[csv.name, name][-1]}", file=sys.stderr
                )
    results["load_after"] = round(os.getloadavg()[0], 1)
    for csv in files:
        rows = sum(1 for _ in csv.open()) - 1
        entry = {"file": csv.name, "rows": rows, "target": TARGETS.get(csv.name), "code": {}}
        for name in codes:
            measured = runs[csv.name, name]
            entry["code"][name] = {
                "wall_min": min(r["wall"] for r in measured),
                "wall_median": round(statistics.median(r["wall"] for r in measured), 2),
                "cpu_median": round(statistics.median(r["cpu"] for r in measured), 2),
                "first_run_wall": measured[0]["wall"],
                "k": measured[0]["k"],
                "model": measured[0]["model"],
                "cv_roc_auc": measured[0]["cv_roc_auc"],
            }
        results["files"].append(entry)
    return results


def markdown(results: dict) -> str:
    names = list(results["files"][0]["code"])
    lines = [
        f"{results['cores']} cores; load average {results['load_before']} before, "
        f"{results['load_after']} after. Seconds; median of the runs (fastest in brackets).",
        "",
        "| file | rows | code | wall | CPU (user + system) | first run (creates the schema) "
        "| k / model (CV ROC-AUC) | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for entry in results["files"]:
        for name in names:
            code = entry["code"][name]
            auc = f"{code['cv_roc_auc']:.4f}" if code["cv_roc_auc"] is not None else "–"
            lines.append(
                f"| {entry['file']} | {entry['rows']:,} | {name} | **{code['wall_median']}** "
                f"({code['wall_min']}) | {code['cpu_median']} | {code['first_run_wall']} | "
                f"{code['k']} / {code['model']} ({auc}) | ≤ {entry['target']} |"
            )
    return "\n".join(lines)


def write_doc(results: dict) -> None:
    doc_section.replace_section(START, END, markdown(results), DOC)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=5, help="runs per file and code (5)")
    parser.add_argument("--baseline", type=Path, help="another checkout to run alongside")
    parser.add_argument("--no-docs", action="store_true", help="print, do not write docs/")
    args = parser.parse_args(argv)
    become_subreaper()
    files = [path for path in (REFERENCE, SAMPLE) if path.exists()]
    codes = {"this checkout": ROOT}
    if args.baseline:
        codes = {f"baseline ({args.baseline})": args.baseline.resolve(), **codes}
    with tempfile.TemporaryDirectory(prefix="benchmarks-small-") as workdir:
        results = benchmark(files, args.repeat, codes, Path(workdir))
    print(markdown(results))
    if not args.no_docs:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        write_doc(results)


if __name__ == "__main__":
    main()
