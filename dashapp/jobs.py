"""Uploads that become analytics runs, as Dash background jobs.

Background jobs run outside Flask's app context (in a forked process with DiskcacheManager, in
a Celery worker with REDIS_URL), so the settings they need are kept here by `create_app`, not
read from `flask.current_app`.
"""

import re
import uuid
from base64 import b64decode
from collections.abc import Callable
from pathlib import Path

from analytics import pipeline
from analytics.validation import InputError

# The pipeline reports about this many steps (read, explore, segment, k, 7 models, refit,
# evaluate, save); the progress bar counts them.
EXPECTED_STEPS = 14
DEFAULT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
settings: dict = {}


def configure(database_url: str, upload_dir: Path, max_bytes: int) -> None:
    settings.update(database_url=database_url, upload_dir=upload_dir, max_bytes=max_bytes)


def save_upload(contents: str, filename: str, directory: Path, max_bytes: int) -> Path:
    """Decode a dcc.Upload payload into its own folder, under a safe version of its name."""
    if not filename.lower().endswith(".csv"):
        raise InputError(f"{filename}: only .csv files can be analysed.")
    _, _, encoded = contents.partition(",")
    # base64 is 4 characters per 3 bytes: refuse before decoding anything too large.
    if len(encoded) * 3 // 4 > max_bytes:
        raise InputError(
            f"{filename}: the file is larger than the upload limit of "
            f"{max_bytes / 1024 / 1024:.0f} MB; analyse it with `python -m analytics run`."
        )
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename).name).lstrip(".") or "upload.csv"
    folder = directory / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name
    path.write_bytes(b64decode(encoded))
    return path


def run_upload(contents: str, filename: str, report: Callable[[int, str], None]) -> dict:
    """Save and analyse an upload; returns {"run_id", "rows", "k"} or {"error": message}."""
    steps = 0

    def progress(step: str) -> None:
        nonlocal steps
        steps += 1
        report(min(99, round(100 * steps / EXPECTED_STEPS)), step)

    try:
        path = save_upload(contents, filename, settings["upload_dir"], settings["max_bytes"])
        summary = pipeline.run(path, settings["database_url"], progress=progress).as_dict()
    except (InputError, ValueError) as error:
        return {"error": str(error)}
    # Anything else is shown too (the pipeline has recorded the run as failed).
    except Exception as error:
        return {
            "error": f"The run failed ({type(error).__name__}: {error}); the published run "
            "is unchanged."
        }
    return {key: summary[key] for key in ("run_id", "rows", "k")}
