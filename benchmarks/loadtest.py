"""Concurrent users browsing pages and running what-ifs against a served dashboard.

    python -m benchmarks.loadtest --db sqlite:///runs.db [--users 50] [--seconds 60]
    python -m benchmarks.loadtest --url http://127.0.0.1:8050      # a server already running

With --db it starts `gunicorn wsgi:server -w 2` on 127.0.0.1 (--port, 8081) for that database
and stops it afterwards. Each user is a thread with its own HTTP session that, in a loop, opens
a random page the way a browser does (the page, then Dash's layout and dependencies) and then
asks for a what-if (probability, explanation, price sensitivity) with random inputs, as
typing in the what-if form does. When LOADTEST_USER and LOADTEST_PASSWORD are set, each user
first logs in (POST /login with the form fields username and password). Prints requests/s,
latency percentiles and errors (a status other than 200, or no answer within 30 s).
"""

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/segments", "/model", "/what-if", "/runs"]
CUSTOMER_INPUTS = {"whatif-age", "whatif-salary", "whatif-price", "whatif-gender"}
TIMEOUT = 30
# The login form's CSRF token (hosted mode refuses a login without it).
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def start_server(database_url: str, port: int, workers: int) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": database_url}
    environment.setdefault("SECRET_KEY", os.urandom(16).hex())
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wsgi:server",
            "-w",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/_dash-dependencies", timeout=2)
            return server
        except requests.RequestException:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise RuntimeError(f"gunicorn did not answer on port {port} within 60 s")


def log_in(session: requests.Session, base: str) -> None:
    user, password = os.environ.get("LOADTEST_USER"), os.environ.get("LOADTEST_PASSWORD")
    if user and password:
        # The login form's CSRF token goes back with the credentials, as a browser sends it.
        form = session.get(f"{base}/login", timeout=TIMEOUT)
        form.raise_for_status()
        token = CSRF_FIELD.search(form.text)
        fields = {"username": user, "password": password, "csrf_token": token and token.group(1)}
        answer = session.post(f"{base}/login", data=fields, timeout=TIMEOUT)
        answer.raise_for_status()


def what_if_callbacks(dependencies: list[dict]) -> list[dict]:
    """The callbacks that answer the what-if customer's inputs, as Dash's renderer sends them."""
    answering = []
    for dependency in dependencies:
        if {item["id"] for item in dependency["inputs"]} != CUSTOMER_INPUTS:
            continue
        outputs = [
            dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
            for part in dependency["output"].strip(".").split("...")
        ]
        answering.append(
            {"output": dependency["output"], "outputs": outputs, "state": dependency["state"]}
        )
    return answering


def find_run_id(layout) -> int | None:
    """The run id the pages keep in their store (id "run-id")."""
    if isinstance(layout, dict):
        if layout.get("props", {}).get("id") == "run-id":
            return layout["props"].get("data")
        children = [layout.get("props", {}).get("children"), *layout.values()]
        return next((r for c in children if (r := find_run_id(c)) is not None), None)
    if isinstance(layout, list):
        return next((r for c in layout if (r := find_run_id(c)) is not None), None)
    return None


def what_if_payload(callback: dict, run_id, rng: random.Random) -> dict:
    values = {
        "whatif-age": rng.randint(18, 64),
        "whatif-salary": rng.randrange(20_000, 100_001, 1_000),
        "whatif-price": rng.randrange(2_000, 7_001, 500),
        "whatif-gender": rng.choice(["Male", "Female"]),
    }
    changed = rng.choice(sorted(values))
    return {
        "output": callback["output"],
        "outputs": callback["outputs"],
        "inputs": [{"id": name, "property": "value", "value": values[name]} for name in values],
        "changedPropIds": [f"{changed}.value"],
        "state": [{**item, "value": run_id} for item in callback["state"]],
    }


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}

    def request(self, session: requests.Session, method: str, url: str, **options) -> None:
        started = time.perf_counter()
        try:
            answer = session.request(method, url, timeout=TIMEOUT, **options)
            problem = None if answer.status_code == 200 else f"HTTP {answer.status_code}"
        except requests.RequestException as error:
            problem = type(error).__name__
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            if problem:
                self.errors[problem] = self.errors.get(problem, 0) + 1


def user(base: str, seconds: float, seed: int, tally: Tally, setup: dict) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    log_in(session, base)
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        tally.request(session, "GET", base + rng.choice(PAGES))
        tally.request(session, "GET", f"{base}/_dash-layout")
        tally.request(session, "GET", f"{base}/_dash-dependencies")
        for callback in setup["callbacks"]:
            payload = what_if_payload(callback, setup["run_id"], rng)
            tally.request(session, "POST", f"{base}/_dash-update-component", json=payload)


def load_test(base: str, users: int, seconds: float) -> dict:
    session = requests.Session()
    log_in(session, base)
    dependencies = session.get(f"{base}/_dash-dependencies", timeout=TIMEOUT).json()
    layout = session.get(f"{base}/_dash-layout", timeout=TIMEOUT).json()
    setup = {"callbacks": what_if_callbacks(dependencies), "run_id": find_run_id(layout)}
    if not setup["callbacks"]:
        raise RuntimeError("the server has no what-if callbacks to call")
    tally = Tally()
    threads = [
        threading.Thread(target=user, args=(base, seconds, seed, tally, setup))
        for seed in range(users)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(tally.latencies)
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "errors": sum(tally.errors.values()),
        "error_kinds": tally.errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--db", help="database URL to serve with gunicorn for the test")
    target.add_argument("--url", help="base URL of a dashboard already running")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8081, help="gunicorn's port with --db")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.db and not (os.environ.get("LOADTEST_USER") and os.environ.get("LOADTEST_PASSWORD")):
        # Without an account every page would answer with the login form, and be timed as one.
        parser.error(
            "gunicorn wsgi:server asks for a login: set LOADTEST_USER and LOADTEST_PASSWORD to "
            "an account of that database (python -m dashapp users add NAME --role sales)"
        )
    # Stopped by a signal, still stop the server started here (see the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    server = start_server(args.db, args.port, args.workers) if args.db else None
    try:
        base = args.url.rstrip("/") if args.url else f"http://127.0.0.1:{args.port}"
        print(json.dumps(load_test(base, args.users, args.seconds)))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
