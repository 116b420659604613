"""Uploads that become analytics runs, as Dash background jobs.

Background jobs run outside Flask's app context (in a forked process with DiskcacheManager, in
a Celery worker with REDIS_URL), so the settings they need are kept here by `create_app`, not
read from `flask.current_app`.

An upload gets the same one outcome as `python -m analytics run` on the same file (see
docs/reliability.md): published with notes, published with rows set aside, or rejected with the
CLI's message, naming the file as the user named it.
"""

import binascii
import re
import shutil
import uuid
from base64 import b64decode
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from analytics.config import InputLimits, analysis_jobs, upload_limits
from analytics.db.session import describe_failure
from analytics.runs import customer_file
from analytics.validation.customer_file import InputError

# The pipeline reports about this many steps (read, explore, segment, k, 7 models, refit,
# evaluate, save); the progress bar counts them.
EXPECTED_STEPS = 14
UNCHANGED = "The published run is unchanged."
settings: dict = {}


def configure(database_url: str, upload_dir: Path, limits: InputLimits | None = None) -> None:
    """`limits` default to the environment's (analytics.config.upload_limits)."""
    settings.update(
        database_url=database_url, upload_dir=upload_dir, limits=limits or upload_limits()
    )


def current_limits() -> InputLimits:
    return settings.get("limits") or upload_limits()


def save_upload(contents: str, filename: str, directory: Path, max_bytes: int) -> Path:
    """Decode a dcc.Upload payload into its own folder, under a safe version of its name."""
    if not filename.lower().endswith(".csv"):
        raise InputError(f"{filename}: only .csv files can be analysed.")
    _, _, encoded = contents.partition(",")
    # base64 is 4 characters per 3 bytes: refuse before decoding anything too large.
    size = len(encoded) * 3 // 4
    if size > max_bytes:
        raise InputError(
            f"{filename}: the file is {size / 1024 / 1024:,.1f} MB, larger than the upload "
            f"limit of {max_bytes / 1024 / 1024:,.1f} MB; split it, analyse it with "
            "`python -m analytics run`, or raise the limit with UPLOAD_MAX_MB."
        )
    try:
        data = b64decode(encoded, validate=True)
    except binascii.Error:
        raise InputError(f"{filename}: the upload arrived incomplete; try again.") from None
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename).name).lstrip(".") or "upload.csv"
    # A folder of its own per upload: two uploads of one file name at once do not meet.
    folder = directory / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name
    path.write_bytes(data)
    return path


def run_upload(contents: str, filename: str, report: Callable[[int, str], None]) -> dict:
    """Save and analyse an upload.

    Returns {"run_id", "rows", "k", "notes", "quarantined": {"count", "reasons"}} for a
    published run, else {"error": message}; never raises for a bad file or a database failure.
    """
    steps = 0

    def progress(step: str) -> None:
        nonlocal steps
        steps += 1
        report(min(99, round(100 * steps / EXPECTED_STEPS)), step)

    limits = current_limits()
    path = None
    try:
        path = save_upload(contents, filename, settings["upload_dir"], limits.max_bytes)
        summary = customer_file.run(
            path,
            settings["database_url"],
            customer_file.RunOptions(limits=limits),
            progress,
            jobs=analysis_jobs(),
        ).as_dict()
    except (InputError, ValueError) as error:
        _discard(path)
        return {"error": _as_uploaded(str(error), path, filename)}
    except SQLAlchemyError as error:
        _discard(path)
        return {"error": f"The {describe_failure(settings['database_url'], error)}. {UNCHANGED}"}
    # Anything else is shown too (the pipeline has recorded the run as failed).
    except Exception as error:
        _discard(path)
        return {"error": f"The run failed ({type(error).__name__}: {error}). {UNCHANGED}"}
    return {key: summary[key] for key in ("run_id", "rows", "k", "notes", "quarantined")}


def _as_uploaded(message: str, path: Path | None, filename: str) -> str:
    """The CLI's message names the saved file; the user knows the file by its own name."""
    if path is not None and message.startswith(f"{path.name}: "):
        return f"{filename}: {message.removeprefix(f'{path.name}: ')}"
    return message


def _discard(path: Path | None) -> None:
    """A file that did not become a run is not kept."""
    if path is not None:
        shutil.rmtree(path.parent, ignore_errors=True)
