"""Uploads that become analytics runs, as Dash background jobs.

A job is handed the app's `Settings` (database, upload folder and limits): `create_app` keeps
them in the server's config with `install`, and `app_settings` finds them both in a request and
in a job, which runs outside Flask's app context (in a forked process with DiskcacheManager, in
a Celery worker with REDIS_URL).

An upload gets the same one outcome as `python -m analytics run` on the same file (see
docs/reliability.md): published with notes, published with rows set aside, or rejected with the
CLI's message, naming the file as the user named it. Its header says which run it becomes
(analytics.validation.input_kind): an order log is `run --orders FILE`, anything else
`run --input FILE`.
"""

import binascii
import re
import shutil
import time
import uuid
from base64 import b64decode
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from pathlib import Path

import dash
import flask
from sqlalchemy.exc import SQLAlchemyError

from analytics.config import Settings
from analytics.db.session import describe_failure
from analytics.io.csvfile import read_head
from analytics.runs import customer_file, order_log_run
from analytics.steps.classifier import discard_worker_pool
from analytics.validation.column_guess import PARSERS, guess_kind, guess_mapping, needs_mapping
from analytics.validation.customer_file import InputError
from analytics.validation.input_kind import CUSTOMERS, ORDERS, input_kind_of
from dashapp.jobs.folders import private_folder

# Each pipeline reports this many steps when it publishes a model; the progress bar counts them.
# Customer file: read, explore, segment, k, cross-validate, 7 models, refit, refit per fold,
# evaluate, save, publish. Order log: read, behaviour, segment, k, repeat model, spend model,
# save, publish.
EXPECTED_STEPS = {CUSTOMERS: 17, ORDERS: 8}
UNCHANGED = "The published run is unchanged."
WORKER_STOPPED = (
    "The analysis worker stopped unexpectedly; the published run is unchanged. Try again; if it "
    "keeps happening, restart the dashboard."
)
# The rows the mapping step previews, and where uploads wait for their mapping (for a day).
PREVIEW_ROWS = 5
PENDING = "pending"
PENDING_SECONDS = 24 * 3600
GONE = (
    "the upload is no longer on the server (analysed already, or over a day old); upload it again."
)
SETTINGS_KEY = "ANALYTICS_SETTINGS"


def install(server: flask.Flask, settings: Settings) -> None:
    """Keep the settings that this app's upload jobs run with in its server's config."""
    server.config[SETTINGS_KEY] = settings


def app_settings() -> Settings:
    """The settings of the app that serves this request or started this job. A job has no Flask
    app context, but Dash still knows its app: a forked job process inherits the request's, and
    a Celery worker builds just one."""
    server = flask.current_app if flask.has_app_context() else dash.get_app().server
    return server.config[SETTINGS_KEY]


def refusals(max_bytes: int) -> dict:
    """Why a file is refused before it is analysed, as the page's browser check and
    `save_upload` both say it (after "<file name>: "); `too_large` follows "the file is N MB, "."""
    return {
        "max_bytes": max_bytes,
        "wrong_type": "only CSV files (.csv) can be analysed: save the customer file or order "
        "log as CSV (comma, semicolon or tab separated) and upload that.",
        "empty": "the file is empty; expected a header row and at least one data row.",
        "too_large": f"larger than the upload limit of {max_bytes / 1024 / 1024:,.1f} MB; split "
        "it, analyse it with `python -m analytics run`, or raise the limit with UPLOAD_MAX_MB.",
    }


def save_upload(contents: str, filename: str, directory: Path, max_bytes: int) -> Path:
    """Decode a dcc.Upload payload into its own folder, under a safe version of its name."""
    refused = refusals(max_bytes)
    if not filename.lower().endswith(".csv"):
        raise InputError(f"{filename}: {refused['wrong_type']}")
    _, _, encoded = contents.partition(",")
    # base64 is 4 characters per 3 bytes: refuse before decoding anything too large.
    size = len(encoded) * 3 // 4
    if size > max_bytes:
        raise InputError(
            f"{filename}: the file is {size / 1024 / 1024:,.1f} MB, {refused['too_large']}"
        )
    try:
        data = b64decode(encoded, validate=True)
    except binascii.Error:
        raise InputError(f"{filename}: the upload arrived incomplete; try again.") from None
    if not data:
        raise InputError(f"{filename}: {refused['empty']}")
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename).name).lstrip(".") or "upload.csv"
    # A folder of its own per upload: two uploads of one file name at once do not meet.
    folder = private_folder(private_folder(directory) / uuid.uuid4().hex)
    path = folder / safe_name
    path.write_bytes(data)
    return path


def run_upload(
    settings: Settings, contents: str, filename: str, report: Callable[[int, str], None]
) -> dict:
    """Save and analyse an upload into `settings.upload_dir` and `settings.database_url`, within
    `settings.upload_limits`.

    Returns {"input_kind", "run_id", "rows", "k", "notes", "quarantined": {"count",
    "reasons"}} for a published run (an order log's also "orders" and "as_of"), else {"error":
    message}; never raises for a bad file or a database failure. A file whose header would be
    refused for a column it lacks is kept, pending, for the page's mapping step: {"mapping":
    {"upload_id", "filename", "kind", "header", "rows", "guesses"}} (see `mapping_proposal`).
    """
    path = None
    try:
        path = save_upload(
            contents, filename, settings.upload_dir, settings.upload_limits.max_bytes
        )
        header, rows = read_head(path, settings.upload_limits, PREVIEW_ROWS)
    except InputError as error:
        _discard(path)
        return {"error": _as_uploaded(str(error), path, filename)}
    if rows and needs_mapping(header):
        return {"mapping": mapping_proposal(_keep_pending(path), filename, header, rows)}
    return _analyse(input_kind_of(header) or CUSTOMERS, path, filename, settings, report)


def run_mapped_upload(
    settings: Settings,
    upload_id: str,
    filename: str,
    kind: str,
    columns: str,
    report: Callable[[int, str], None],
) -> dict:
    """Analyse a pending upload (run_upload's "mapping") as `kind` with `columns`, the text of
    the CLI's --columns option, read by the CLI's own parser: `run --input FILE --columns …` or
    `run --orders FILE --columns …`. The same result as run_upload's."""
    path = _pending(settings.upload_dir, upload_id)
    if path is None or kind not in PARSERS:
        return {"error": f"{filename}: {GONE}"}
    try:
        mapping = PARSERS[kind](columns)
    except ValueError as error:
        return {"error": f"{filename}: the column mapping is not usable ({error})."}
    # Out of the pending folder, so that it runs once: from here on an upload like any other.
    ready = settings.upload_dir / upload_id
    try:
        path.parent.rename(ready)
    except OSError:  # the same mapping confirmed twice at once: the other one runs it
        return {"error": f"{filename}: {GONE}"}
    return _analyse(kind, ready / path.name, filename, settings, report, mapping)


def mapping_proposal(path: Path, filename: str, header: list[str], rows: list[list[str]]) -> dict:
    """What the page's mapping step shows: the pending upload's id (the name save_upload gave
    its folder, random), the file's columns and first rows, the likelier kind and each kind's
    best guess."""
    return {
        "upload_id": path.parent.name,
        "filename": filename,
        "kind": guess_kind(header),
        "header": [name.strip() for name in header],
        "rows": rows,
        "guesses": {kind: guess_mapping(kind, header) for kind in PARSERS},
    }


def _analyse(
    kind: str,
    path: Path,
    filename: str,
    settings: Settings,
    report: Callable[[int, str], None],
    columns: dict[str, str] | None = None,
) -> dict:
    """The run of a saved upload, as run_upload returns it. A worker process that dies
    (BrokenProcessPool) gets the run one more try in a fresh pool."""
    steps = 0

    def progress(step: str) -> None:
        nonlocal steps
        steps += 1
        expected = max(EXPECTED_STEPS[kind], steps)
        report(min(99, round(100 * steps / expected)), stage_name(step, steps, expected))

    try:
        try:
            summary = _run(kind, path, settings, columns, progress)
        except BrokenProcessPool:
            discard_worker_pool()
            steps = 0
            report(0, "The analysis worker stopped; starting again in a fresh one")
            summary = _run(kind, path, settings, columns, progress)
    except (InputError, ValueError) as error:
        _discard(path)
        return {"error": _as_uploaded(str(error), path, filename)}
    except SQLAlchemyError as error:
        _discard(path)
        return {"error": f"The {describe_failure(settings.database_url, error)}. {UNCHANGED}"}
    except BrokenProcessPool:
        _discard(path)
        return {"error": WORKER_STOPPED}
    # Anything else is shown too (the pipeline has recorded the run as failed).
    except Exception as error:
        _discard(path)
        return {"error": f"The run failed ({type(error).__name__}: {error}). {UNCHANGED}"}
    keys = ("run_id", "rows", "k", "notes", "quarantined")
    return {"input_kind": kind} | {
        key: summary[key] for key in (*keys, "orders", "as_of") if key in summary
    }


def stage_name(step: str, number: int, expected: int) -> str:
    """A pipeline's progress step as the progress bar names it: "Segmenting customers (3/17)"
    for "segmenting customers: scoring k = 2..10 …" (the part before any colon)."""
    name = step.split(": ", 1)[0]
    return f"{name[:1].upper()}{name[1:]} ({number}/{expected})"


def _run(
    kind: str,
    path: Path,
    settings: Settings,
    columns: dict[str, str] | None,
    progress: Callable[[str], None],
) -> dict:
    """The CLI's run of `path`: `run --orders` for an order log, else `run --input`, with
    --columns when the page's mapping step gave one."""
    if kind == ORDERS:
        options = order_log_run.OrderRunOptions(columns=columns)
        return order_log_run.run(path, settings.database_url, options, progress).as_dict()
    return customer_file.run(
        path,
        settings.database_url,
        customer_file.RunOptions(columns=columns, limits=settings.upload_limits),
        progress,
        jobs=settings.analysis_jobs,
    ).as_dict()


def _keep_pending(path: Path) -> Path:
    """Move a saved upload's folder among the pending ones (only those can be analysed by id
    later), first removing pending uploads nobody mapped within a day."""
    pending = private_folder(path.parent.parent / PENDING)
    for folder in pending.iterdir():
        # Another upload may be removing the same stale folder at this moment.
        with suppress(FileNotFoundError):
            if time.time() - folder.stat().st_mtime > PENDING_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
    kept = pending / path.parent.name
    path.parent.rename(kept)
    return kept / path.name


def _pending(directory: Path, upload_id: object) -> Path | None:
    """The pending upload a server-made id names; None for anything else (a path, a stale id)."""
    if not isinstance(upload_id, str) or not re.fullmatch(r"[0-9a-f]{32}", upload_id):
        return None
    files = sorted((directory / PENDING / upload_id).glob("*.csv"))
    return files[0] if len(files) == 1 else None


def _as_uploaded(message: str, path: Path | None, filename: str) -> str:
    """The CLI's message names the saved file; the user knows the file by its own name."""
    if path is not None and message.startswith(f"{path.name}: "):
        return f"{filename}: {message.removeprefix(f'{path.name}: ')}"
    return message


def _discard(path: Path | None) -> None:
    """A file that did not become a run is not kept."""
    if path is not None:
        shutil.rmtree(path.parent, ignore_errors=True)
