"""scheduler.json, in the data folder: what `status` reads — the archive the scheduler (or
--once) fills and its time zone; while a scheduler runs, its PID, start and cron; once it
has stopped, when — and the last scheduled run whose outcome was reported."""

import json
from pathlib import Path

STATE_FILE = "scheduler.json"
REPORTED_RUN = "reported_run"  # the key of the last scheduled run reported (or found healthy)


def scheduler_state(data_dir: Path) -> dict | None:
    try:
        state = json.loads((data_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None  # a file of garbage is no state


def record_state(data_dir: Path, **changes) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    state = {**(scheduler_state(data_dir) or {}), **changes}
    partial = data_dir / (STATE_FILE + ".partial")
    partial.write_text(json.dumps(state))
    partial.replace(data_dir / STATE_FILE)  # a reader never sees half a file
