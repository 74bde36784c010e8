"""One crawl at a time per database (`<database>.lock`), one scheduler per data folder
(`<data-dir>/scheduler.lock`): a lock file held with flock.

The kernel releases an flock when its holder dies, however it dies, so a lock left by a
killed crawl is free to take; the file's text (PID, start time) names the holder.
"""

import fcntl
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

logger = logging.getLogger(__name__)


class LockHeld(Exception):
    """Another process holds the lock."""


class ProcessLock:
    file: TextIO  # open from __enter__ to __exit__

    def __init__(self, path: str | Path, holder_kind: str = "crawl"):
        self.path = Path(path)
        self.holder_kind = holder_kind  # "crawl", "scheduler": who holds such a lock, in messages

    def __enter__(self) -> "ProcessLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "a+")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self.holder()
            self.file.close()
            raise LockHeld(f"another {self.holder_kind} holds {self.path}: {holder}") from None
        previous = self.holder()
        if previous != "nobody":
            logger.warning(
                "Taking over the lock %s left by a %s that ended uncleanly (%s)", self.path, self.holder_kind, previous
            )
        self.file.truncate(0)
        self.file.write(f"{os.getpid()} {datetime.now(UTC).isoformat(timespec='seconds')}\n")
        self.file.flush()
        return self

    def __exit__(self, *exc) -> None:
        self.file.truncate(0)  # a clean exit leaves no holder behind
        self.file.close()  # closing releases the flock

    def holder(self) -> str:
        self.file.seek(0)
        text = self.file.read().split()
        return f"PID {text[0]}, started {text[1]}" if len(text) == 2 else "nobody"


def process_alive(pid: int | None) -> bool:
    """Is there a process `pid` (someone else's included)?"""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's
        return True
    return True
