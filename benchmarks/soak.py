"""Soak test: many simulated users against `gunicorn wsgi:server` on loopback for a fixed time.

    python -m benchmarks.soak --users 50 --minutes 10 --port 8101

Starts gunicorn itself (on a database given with --db, or a fresh SQLite database holding one run
of --input), then every user, in its own thread and HTTP session, repeats: open a page (its HTML
shell, then the Pages callback that renders it, as the browser does), then fire some of that
page's callbacks (`POST /_dash-update-component`) with values varied inside each control's own
range: segment filters, axes, what-if inputs, the threshold, exports. Callbacks are found from
`/_dash-dependencies` and the rendered layouts, so the script follows the pages as they change.

Error: any HTTP status other than 200 and 204 (a callback that chose not to update), a request
that fails or takes longer than --timeout, or a page that renders its "results unavailable"
state. The RSS of the gunicorn master and workers is sampled every --sample seconds.

`gunicorn wsgi:server` is hosted mode, behind a login: every user first signs in as a browser
does (`GET /login` for the form's `csrf_token`, then `POST /login` with it, `username` and
`password`); all users share one account and one address, and only failed logins are
throttled. On the fresh database the script adds a sales account (which may use every page
the soak visits) and signs in with it; with --db, set SOAK_USER and SOAK_PASSWORD to an
account of that database. SECRET_KEY is taken from the environment, or made up for the run.

Gunicorn closes a kept-alive connection after --keep-alive seconds idle; a client that sends
on it just then gets "connection reset". So a user drops its connection after --reconnect-after
seconds idle (below the keep-alive; a keep-alive longer than every pause would instead pin each
user to the worker that first accepted it), and, as a browser does, sends a request again once
on a fresh connection when a reused one was reset before any answer. Those resends are counted
and reported apart ("resent"); a request that fails on a fresh connection is an error.

Exit status 0 only with no error and RSS that levelled off: at the end at most 15 % + 30 MB
above its value a quarter of the way in.
"""

import argparse
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/segments", "/model", "/what-if", "/runs"]
# The explorer's export button's link, set by a callback.
EXPORT_LINK = "seg-export.href"
PAGES_CALLBACK_OUTPUT = "_pages_content"
# Callbacks that start work rather than read results (uploads) are not part of the load.
SKIPPED_OUTPUT_IDS = {"runs-error"}
UNAVAILABLE = "Results unavailable"
# The login form's CSRF token (hosted mode refuses a login without it).
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
RSS_GROWTH_SHARE = 0.15
RSS_GROWTH_MB = 30


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=5,
        help="gunicorn's idle keep-alive seconds",
    )
    parser.add_argument("--reconnect-after", type=float, default=2.0)
    parser.add_argument("--db", help="database URL with a published run (default: make one)")
    parser.add_argument("--input", default=str(ROOT / "data" / "sample_customers.csv"))
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between clicks")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between RSS samples")
    parser.add_argument("--json", dest="json_out", help="also write the figures to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        if args.db:
            url = args.db
            credentials = (os.environ.get("SOAK_USER", ""), os.environ.get("SOAK_PASSWORD", ""))
        else:
            url, credentials = _database_with_a_run(Path(folder), Path(args.input))
        server = _start_gunicorn(args, url, Path(folder))
        try:
            base = f"http://127.0.0.1:{args.port}"
            _wait_until_serving(base, server)
            report = Soak(base, args, credentials).run(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    report["command"] = " ".join(["python -m benchmarks.soak", *(argv or sys.argv[1:])])
    print(json.dumps(report, indent=2))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2) + "\n")
    return 0 if report["errors"] == 0 and report["rss_levelled_off"] else 1


def _database_with_a_run(folder: Path, input_csv: Path) -> tuple[str, tuple[str, str]]:
    """A fresh database with one run of `input_csv` and an account to sign in with."""
    from analytics.runs import customer_file
    from dashapp.hosting import accounts, roles

    url = f"sqlite:///{folder / 'soak.db'}"
    customer_file.run(input_csv, url)
    credentials = ("soak", secrets.token_urlsafe(16))
    accounts.add_user(url, *credentials, roles.SALES)
    return url, credentials


def _start_gunicorn(args, url: str, folder: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "UPLOAD_DIR": str(folder / "uploads"),
        "JOB_CACHE_DIR": str(folder / "jobs"),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "wsgi:server",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--keep-alive",
        str(args.keep_alive),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=environment)


def _wait_until_serving(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            requests.get(f"{base}/_dash-dependencies", timeout=30)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 120 s")


class Soak:
    def __init__(self, base: str, args, credentials: tuple[str, str]):
        self.base = base
        self.args = args
        self.credentials = credentials
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.error_kinds: Counter = Counter()
        self.first_errors: list[str] = []
        self.fired: Counter = Counter()
        self.resent: Counter = Counter()
        self.rss: list[dict] = []
        self.stop = threading.Event()

    def run(self, gunicorn_pid: int) -> dict:
        started = time.monotonic()
        sampler = threading.Thread(target=self._sample_rss, args=(gunicorn_pid, started))
        sampler.start()
        users = [
            threading.Thread(target=self._user, args=(number,), daemon=True)
            for number in range(self.args.users)
        ]
        for user in users:
            user.start()
        time.sleep(self.args.minutes * 60)
        self.stop.set()
        for user in users:
            user.join(timeout=self.args.timeout + 5)
        sampler.join()
        return self._report(time.monotonic() - started)

    # One user -------------------------------------------------------------------------------

    def _user(self, number: int) -> None:
        rng = random.Random(number)
        session = requests.Session()
        if not self._log_in(session):
            return
        dependencies = self._get(session, "dependencies", "/_dash-dependencies")
        if dependencies is None:
            return
        callbacks = [
            callback
            for callback in dependencies.json()
            if not callback.get("clientside_function")
            and not callback.get("long")
            and "{" not in callback["output"]
        ]
        while not self.stop.is_set():
            path = rng.choice(PAGES)
            components = self._open_page(session, callbacks, path)
            if components is None:
                continue
            usable = [
                callback
                for callback in callbacks
                if _ids_of(callback["inputs"]) <= components.keys()
                and not _output_ids(callback) & ({PAGES_CALLBACK_OUTPUT} | SKIPPED_OUTPUT_IDS)
            ]
            for callback in rng.sample(usable, min(len(usable), rng.randint(1, 4))):
                if self.stop.is_set():
                    return
                self._think(rng)
                self._fire(session, callback, components, path, rng)
            self._think(rng)

    def _log_in(self, session: requests.Session) -> bool:
        """As a browser signs in: the login form first, for its CSRF token."""
        user, password = self.credentials
        form = self._request(session, "login form", "GET", "/login")
        token = CSRF_FIELD.search(form.text) if form is not None else None
        if token is None:
            self._error("login form", "no csrf_token field in the login form")
            return False
        fields = {"username": user, "password": password, "csrf_token": token.group(1)}
        response = self._request(session, "login", "POST", "/login", data=fields)
        return response is not None

    def _open_page(self, session, callbacks: list[dict], path: str) -> dict | None:
        if self._get(session, f"page {path}", path) is None:
            return None
        pages_callback = next(
            callback for callback in callbacks if PAGES_CALLBACK_OUTPUT in _output_ids(callback)
        )
        values = {"pathname": path, "search": "", "hash": "", "href": f"{self.base}{path}"}
        inputs = [
            {**spec, "value": values.get(spec["property"])} for spec in pages_callback["inputs"]
        ]
        response = self._post_callback(
            session, f"layout {path}", pages_callback, inputs, [], inputs[0]
        )
        if response is None:
            return None
        if UNAVAILABLE in response.text:
            self._error(f"layout {path}", "the page shows 'results unavailable'")
            return None
        components: dict[str, dict] = {}
        _collect_components(response.json(), components)
        return components

    def _fire(self, session, callback: dict, components: dict, path: str, rng) -> None:
        inputs = [_with_value(spec, components) for spec in callback["inputs"]]
        state = [_with_value(spec, components) for spec in callback["state"]]
        changed = rng.choice(inputs)
        if changed["property"] == "n_clicks":
            changed["value"] = 1
        else:
            changed["value"] = _varied(changed["value"], components[changed["id"]], rng)
        kind = "export" if "download" in callback["output"] else "callback"
        response = self._post_callback(session, kind, callback, inputs, state, changed)
        if response is not None:
            with self.lock:
                self.fired[f"{path} {callback['output']} {response.status_code}"] += 1
            if callback["output"] == EXPORT_LINK and response.status_code == 200:
                # The explorer's export is a link to a streamed file: download it, as a click does.
                link = response.json()["response"][EXPORT_LINK.split(".")[0]]["href"]
                self._get(session, "export", link)

    def _think(self, rng: random.Random) -> None:
        self.stop.wait(rng.expovariate(1 / self.args.think))

    # HTTP -------------------------------------------------------------------------------------

    def _post_callback(self, session, kind, callback, inputs, state, changed):
        outputs = _outputs(callback)
        body = {
            "output": callback["output"],
            "outputs": outputs
            if len(outputs) > 1 or callback["output"].startswith("..")
            else outputs[0],
            "inputs": inputs,
            "state": state,
            "changedPropIds": [f"{changed['id']}.{changed['property']}"],
        }
        return self._request(session, kind, "POST", "/_dash-update-component", json=body)

    def _get(self, session, kind: str, path: str):
        return self._request(session, kind, "GET", path)

    def _request(self, session, kind: str, method: str, path: str, **kwargs):
        started = time.perf_counter()
        reused = hasattr(session, "last_used")
        if started - getattr(session, "last_used", started) > self.args.reconnect_after:
            session.close()
            reused = False
        try:
            try:
                response = session.request(
                    method, f"{self.base}{path}", timeout=self.args.timeout, **kwargs
                )
            except requests.ConnectionError as error:
                if not (reused and _reset_before_answer(error)):
                    raise
                with self.lock:
                    self.resent[kind.split(" ")[0]] += 1
                session.close()
                response = session.request(
                    method, f"{self.base}{path}", timeout=self.args.timeout, **kwargs
                )
        except requests.RequestException as error:
            self._error(kind, f"{type(error).__name__}: {error}")
            return None
        finally:
            session.last_used = time.perf_counter()
        elapsed = (time.perf_counter() - started) * 1_000
        if response.status_code not in (200, 204):
            self._error(kind, f"HTTP {response.status_code}: {response.text[:200]}")
            return None
        with self.lock:
            self.latencies.setdefault(kind.split(" ")[0], []).append(elapsed)
        return response

    def _error(self, kind: str, message: str) -> None:
        with self.lock:
            self.error_kinds[kind] += 1
            if len(self.first_errors) < 10:
                self.first_errors.append(f"{kind}: {message}")

    # Memory and the report --------------------------------------------------------------------

    def _sample_rss(self, master: int, started: float) -> None:
        while True:
            processes = [master, *_children(master)]
            sample = {"seconds": round(time.monotonic() - started)}
            sample.update({str(pid): _rss_mb(pid) for pid in processes})
            with self.lock:
                self.rss.append(sample)
            if self.stop.wait(self.args.sample):
                return

    def _report(self, seconds: float) -> dict:
        requests_made = {kind: len(times) for kind, times in self.latencies.items()}
        every = [value for times in self.latencies.values() for value in times]
        totals = [sum(v for k, v in sample.items() if k != "seconds") for sample in self.rss]
        quarter = totals[len(totals) // 4] if totals else 0.0
        final = totals[-1] if totals else 0.0
        return {
            "users": self.args.users,
            "seconds": round(seconds),
            "gunicorn": f"--workers {self.args.workers} --threads {self.args.threads} "
            f"--keep-alive {self.args.keep_alive}",
            "reconnect_after_seconds": self.args.reconnect_after,
            "requests": sum(requests_made.values()),
            "requests_by_kind": requests_made,
            "requests_per_second": round(sum(requests_made.values()) / seconds, 1),
            "errors": sum(self.error_kinds.values()),
            "resent": dict(self.resent),
            "errors_by_kind": dict(self.error_kinds),
            "first_errors": self.first_errors,
            "callbacks_fired": dict(sorted(self.fired.items())),
            "latency_ms": _percentiles(every),
            "latency_ms_by_kind": {k: _percentiles(v) for k, v in self.latencies.items()},
            "rss_mb_total": {
                "start": round(totals[0], 1) if totals else None,
                "quarter": round(quarter, 1),
                "max": round(max(totals), 1) if totals else None,
                "end": round(final, 1),
            },
            "rss_levelled_off": final <= quarter * (1 + RSS_GROWTH_SHARE) + RSS_GROWTH_MB,
            "rss_samples": self.rss,
        }


def _reset_before_answer(error: requests.ConnectionError) -> bool:
    """The server closed the connection before sending anything back (so nothing was done)."""
    text = str(error)
    return "Connection aborted" in text and (
        "Connection reset by peer" in text or "RemoteDisconnected" in text
    )


def _percentiles(values: list[float]) -> dict:
    if len(values) < 2:
        return {}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49]), "p95": round(cuts[94]), "max": round(max(values))}


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# Dash's wire format -----------------------------------------------------------------------------


def _outputs(callback: dict) -> list[dict]:
    text = callback["output"]
    parts = text.strip(".").split("...") if text.startswith("..") else [text]
    outputs = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        outputs.append({"id": component, "property": prop})
    return outputs


def _output_ids(callback: dict) -> set[str]:
    return {output["id"] for output in _outputs(callback)}


def _ids_of(specs: list[dict]) -> set[str]:
    return {spec["id"] for spec in specs}


def _collect_components(node, found: dict[str, dict]) -> None:
    """Every component with an id in a rendered layout: {id: its props}."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            found[props["id"]] = props
        for value in node.values():
            _collect_components(value, found)
    elif isinstance(node, list):
        for item in node:
            _collect_components(item, found)


def _with_value(spec: dict, components: dict) -> dict:
    props = components.get(spec["id"], {})
    return {"id": spec["id"], "property": spec["property"], "value": props.get(spec["property"])}


def _varied(value, props: dict, rng: random.Random):
    """Another value a user could give the control: within its min and max, one of its options,
    a sub-range of a range slider."""
    low, high = props.get("min"), props.get("max")
    numeric = isinstance(low, int | float) and isinstance(high, int | float) and low < high
    if isinstance(value, list) and len(value) == 2 and numeric:
        first, second = sorted(rng.uniform(low, high) for _ in range(2))
        return [first, second]
    if isinstance(value, int | float) and not isinstance(value, bool) and numeric:
        varied = rng.uniform(low, high)
        return round(varied) if isinstance(value, int) else varied
    options = props.get("options")
    if isinstance(options, list) and options:
        choices = [o["value"] if isinstance(o, dict) else o for o in options]
        if isinstance(value, list):
            return rng.sample(choices, rng.randint(1, len(choices)))
        return rng.choice(choices)
    return value


if __name__ == "__main__":
    sys.exit(main())
