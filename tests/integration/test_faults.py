"""A run killed with SIGKILL at any point leaves the database as it was or with the complete new
run, never with part of one; the next run needs no cleanup. The kills hit a real subprocess."""

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from analytics.db.models import (
    FAILED,
    ORDER_LOG,
    PUBLISHED,
    Aggregate,
    Customer,
    CustomerBehaviour,
    KScore,
    Model,
    QuarantinedRow,
    Run,
    Segment,
)
from analytics.db.repository import latest_published_run
from analytics.db.session import session_factory
from analytics.io.sample import generate_customers
from analytics.runs import customer_file
from tests.conftest import BACKENDS, new_database

# Seeded, so that a failure can be reproduced; somewhere in the 4 s a run takes to reach the end.
RANDOM_DELAY = random.Random(9).uniform(0.5, 4.0)
CHILD_TABLES = (Customer, Segment, KScore, Aggregate, Model, QuarantinedRow)
# (what the kill interrupts, progress line to wait for or None, seconds to wait after it, whether
# the commit may beat the kill: the write of 20k rows takes a fraction of a second)
KILL_POINTS = [
    ("start-up (imports)", None, 1.0, False),
    ("segmenting", "segmenting customers", 0.3, False),
    ("just after the saving line", "saving", 0.0, True),
    ("inside the write", "saving", 0.05, True),
    ("after everything is written, before the commit", "publishing run", 0.0, True),
    (f"at a random time ({RANDOM_DELAY:.2f} s)", None, RANDOM_DELAY, True),
]


def assert_runs_whole(url: str) -> None:
    """Every run is published with all its parts, or failed with none; none is half-written.
    An order-log run's customers are its customer_behaviour rows."""
    with session_factory(url)() as session:
        for run in session.scalars(select(Run)):
            counts = {
                table.__tablename__: session.scalar(
                    select(func.count()).select_from(table).where(table.run_id == run.id)
                )
                for table in CHILD_TABLES
            }
            if run.status == FAILED:
                assert not any(counts.values()), (run.id, counts)
                continue
            assert run.status == PUBLISHED and run.finished_at, (run.id, run.status)
            if run.input_kind == ORDER_LOG:  # its customers are in customer_behaviour
                behaviour = session.scalar(
                    select(func.count()).where(CustomerBehaviour.run_id == run.id)
                )
                assert behaviour == run.rows and not counts["customers"], (run.id, counts)
                assert counts["segments"] == run.k and counts["models"] == 2, (run.id, counts)
                continue
            assert counts["customers"] == run.rows, (run.id, counts)
            assert counts["segments"] == run.k and counts["k_scores"] >= 1, (run.id, counts)
            assert counts["aggregates"] == 5, (run.id, counts)
            has_model = not any(note.startswith("No purchase model") for note in run.notes)
            assert (counts["models"] > 0) == has_model, (run.id, counts)


def latest_published_id(url: str) -> int | None:
    with session_factory(url)() as session:
        run = latest_published_run(session)
        return None if run is None else run.id


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """20,000 customers, none of them buyers: the run skips the purchase model (about 30 s of
    cross-validation that these kills do not need) and reaches the write in about 4 s."""
    path = tmp_path_factory.mktemp("faults") / "customers_20k.csv"
    generate_customers(20_000, seed=5).assign(Purchased=0).to_csv(path, index=False)
    return path


@pytest.fixture(params=BACKENDS)
def db_with_a_published_run(request, tmp_path) -> Iterator[tuple[str, int]]:
    """A database with one published run on each backend."""
    for url in new_database(request.param, tmp_path):
        small = tmp_path / "small.csv"
        generate_customers(40, seed=4).to_csv(small, index=False)
        yield url, customer_file.run(small, url).run_id


def start_run(csv: Path, url: str) -> tuple[subprocess.Popen, queue.Queue]:
    """`python -m analytics run` in a subprocess, its stderr lines arriving on a queue."""
    child = subprocess.Popen(
        [sys.executable, "-m", "analytics", "run", "--input", str(csv), "--db", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in child.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return child, lines


def wait_for(lines: queue.Queue, text: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        assert line is not None, f"the run ended before printing {text!r}"
        if text in line:
            return line


def test_sigkill_at_any_point_leaves_no_partial_run(db_with_a_published_run, big_csv):
    url, old_run = db_with_a_published_run
    outcomes = []
    for point, line, delay, may_finish in KILL_POINTS:
        child, lines = start_run(big_csv, url)
        if line is not None:
            wait_for(lines, line)
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        latest = latest_published_id(url)
        outcomes.append((point, child.returncode, latest))

        assert_runs_whole(url)
        if may_finish and latest != old_run:
            # The commit won the race with the kill: the new run is whole (checked above) and is
            # the published one that later kills must leave alone.
            old_run = latest
            continue
        assert child.returncode == -signal.SIGKILL, (point, child.returncode)
        assert latest == old_run, outcomes

    # The next run succeeds without any cleanup and becomes the published one.
    child, _ = start_run(big_csv, url)
    assert child.wait(timeout=300) == 0, outcomes
    assert_runs_whole(url)
    assert latest_published_id(url) not in (None, old_run)
