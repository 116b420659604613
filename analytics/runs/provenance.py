"""Where a run's data and code came from: recorded with every run."""

import hashlib
import platform
from importlib.metadata import version
from pathlib import Path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict:
    # Read from package metadata, so recording them imports nothing heavy.
    return {
        "python": platform.python_version(),
        **{name: version(name) for name in ("scikit-learn", "pandas", "numpy")},
    }
