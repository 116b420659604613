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
import uuid
from base64 import b64decode
from collections.abc import Callable
from pathlib import Path

import dash
import flask
from sqlalchemy.exc import SQLAlchemyError

from analytics.config import Settings
from analytics.db.session import describe_failure
from analytics.runs import customer_file, order_log_run
from analytics.validation.customer_file import InputError
from analytics.validation.input_kind import CUSTOMERS, ORDERS, header_of, input_kind_of
from dashapp.jobs.folders import private_folder

# Each pipeline reports about this many steps; the progress bar counts them. Customer file:
# read, explore, segment, k, 7 models, refit, evaluate, save. Order log: read, behaviour,
# segment, k, repeat model, spend model, save, publish.
EXPECTED_STEPS = {CUSTOMERS: 14, ORDERS: 8}
UNCHANGED = "The published run is unchanged."
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
    message}; never raises for a bad file or a database failure.
    """
    steps, kind = 0, CUSTOMERS

    def progress(step: str) -> None:
        nonlocal steps
        steps += 1
        report(min(99, round(100 * steps / EXPECTED_STEPS[kind])), step)

    limits = settings.upload_limits
    path = None
    try:
        path = save_upload(contents, filename, settings.upload_dir, limits.max_bytes)
        kind = input_kind_of(header_of(path)) or CUSTOMERS
        summary = _run(kind, path, settings, progress)
    except (InputError, ValueError) as error:
        _discard(path)
        return {"error": _as_uploaded(str(error), path, filename)}
    except SQLAlchemyError as error:
        _discard(path)
        return {"error": f"The {describe_failure(settings.database_url, error)}. {UNCHANGED}"}
    # Anything else is shown too (the pipeline has recorded the run as failed).
    except Exception as error:
        _discard(path)
        return {"error": f"The run failed ({type(error).__name__}: {error}). {UNCHANGED}"}
    keys = ("run_id", "rows", "k", "notes", "quarantined")
    return {"input_kind": kind} | {
        key: summary[key] for key in (*keys, "orders", "as_of") if key in summary
    }


def _run(kind: str, path: Path, settings: Settings, progress: Callable[[str], None]) -> dict:
    """The CLI's run of `path`: `run --orders` for an order log, else `run --input`."""
    if kind == ORDERS:
        return order_log_run.run(path, settings.database_url, progress=progress).as_dict()
    return customer_file.run(
        path,
        settings.database_url,
        customer_file.RunOptions(limits=settings.upload_limits),
        progress,
        jobs=settings.analysis_jobs,
    ).as_dict()


def _as_uploaded(message: str, path: Path | None, filename: str) -> str:
    """The CLI's message names the saved file; the user knows the file by its own name."""
    if path is not None and message.startswith(f"{path.name}: "):
        return f"{filename}: {message.removeprefix(f'{path.name}: ')}"
    return message


def _discard(path: Path | None) -> None:
    """A file that did not become a run is not kept."""
    if path is not None:
        shutil.rmtree(path.parent, ignore_errors=True)
