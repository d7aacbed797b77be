"""The one atomic file writer: every command that writes a data file goes through `write_atomic`."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

#: the mode of a data file the writer creates: readable by a server running as another user
NEW_FILE_MODE = 0o644


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` in one step: a reader sees the old file or the new one, never half.

    The new file keeps the old one's permission bits (0644 for a new file), so a server
    running as another user can still read it; ``mkstemp``'s own 0600 never leaks through.
    """
    path = Path(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
