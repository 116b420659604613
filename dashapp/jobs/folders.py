"""Folders that only the server's own user may read or write.

Background jobs keep pickles there (diskcache), and in local mode Dash keeps the secret that signs
job handles in the same store; uploads keep customers' files. A folder someone else can write to
(a predictable name under the shared temp folder, a symlink planted in advance) would let them
run code in the server or read the uploads.
"""

import os
from pathlib import Path

PRIVATE = 0o700


def private_folder(path: Path) -> Path:
    """Make `path` (and missing parents) and keep it to this user: mode 0700, owned by us, not a
    symlink; RuntimeError otherwise."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE)
    if path.is_symlink() or path.stat().st_uid != os.getuid():
        raise RuntimeError(
            f"{path} is not this user's own folder (a symlink or another user's); refusing to "
            "keep jobs or uploads there. Remove it or point JOB_CACHE_DIR/UPLOAD_DIR elsewhere."
        )
    # mkdir's mode is masked by the umask, and a folder that already existed keeps its own.
    path.chmod(PRIVATE)
    return path
