"""One scheduled crawl: `scrapy crawl elections` in a child process.

A child process because Twisted's reactor cannot be restarted within one process, and so
that a crash of the crawl is not a crash of the scheduler. The job gives the child its own
log file, stops it cleanly when it outlasts its timeout, passes on SIGTERM/SIGINT, and
afterwards reads the run's row in crawl_runs: its status and health decide the job's exit
code (crawler.contracts.ExitCode, as `scrapy crawl`'s) and whether the --on-failure command
is run.

APScheduler stores this module's `scheduled_crawl` by name, so it must stay importable.
"""

import itertools
import logging
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler import archive
from crawler import settings as project_settings
from crawler.commands.crawl import run_exit_code
from crawler.contracts import ExitCode

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class JobOptions:
    crawl_arguments: tuple[str, ...] = ()  # passed on to every `scrapy crawl elections`
    log_dir: str = str(ROOT / "data" / "logs")
    timeout: float = 6 * 3600  # seconds a crawl may run before it is stopped
    grace: float = 60.0  # seconds a stopped crawl gets to close before it is killed
    on_failure: str | None = None  # shell command run with the summary of an unhealthy run
    trigger: str = "scheduled"
    full_every: float = 7.0  # days: a run walks the whole listing when no run has for this long (0: never)


def scheduled_crawl(**options) -> int:
    """The job APScheduler runs (its keyword arguments are a JobOptions' fields)."""
    return run_crawl(JobOptions(**options))


def run_crawl(options: JobOptions) -> int:
    """Runs one crawl to its end; returns its ExitCode: 0 only for an ok and healthy run.
    Whatever fails — the crawl, the archive, the job itself — ends in a summary and, unless
    the crawl was stopped on purpose, the --on-failure command."""
    log_file = Path(options.log_dir) / f"crawl-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"
    try:
        run, code, deliberate = crawl_once(options, log_file)
    except archive.ArchiveUnusable as error:
        run, code, deliberate = not_run(str(error)), ExitCode.UNHEALTHY, False
    except sqlite3.Error as error:
        why = archive.unusable_reason(database_path(options.crawl_arguments), error)
        run, code, deliberate = not_run(why), ExitCode.UNHEALTHY, False
    except OSError as error:
        db_path = database_path(options.crawl_arguments)
        why = f"the archive {db_path} or the log folder {options.log_dir} cannot be used ({error})"
        run, code, deliberate = not_run(why), ExitCode.UNHEALTHY, False
    except Exception as error:  # a bug in the job itself: it must still reach a human
        logger.exception("The crawl job failed")
        run, code, deliberate = not_run(f"the job failed ({type(error).__name__}: {error})"), ExitCode.UNHEALTHY, False
    report(run, log_file, options, code, alert=not deliberate)
    return code


def crawl_once(options: JobOptions, log_file: Path) -> tuple[dict, int, bool]:
    """The crawl in a child process: its crawl_runs row, its exit code, and whether it was
    stopped on purpose (a signal passed on to it)."""
    db_path = database_path(options.crawl_arguments)
    archive.check_usable(db_path)
    before, last_full_walk = last_runs(db_path)
    crawl_arguments = options.crawl_arguments
    if needs_full_walk(last_full_walk, options):
        # The weekly safety net: listing pages and what is missing, so that even a gap no rule
        # foresaw heals within the week.
        logger.info("No run has walked the whole listing since %s: this one does (mode=full)", last_full_walk or "ever")
        crawl_arguments = (*crawl_arguments, "-a", "mode=full")
    log_file.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "elections",
        "-s",
        f"ELECTIONS_TRIGGER={options.trigger}",
        "-s",
        f"CLOSESPIDER_TIMEOUT={options.timeout}",
        *crawl_arguments,
    ]
    logger.info("Crawl starts, logging to %s", log_file)
    with open(log_file, "w") as log:
        exit_code, deliberate = supervise(command, log, options)
    run = finished_run(db_path, before, exit_code, log_file)
    if exit_code in (ExitCode.BAD_ARGUMENT, ExitCode.LOCKED):
        return run, exit_code, False
    return run, run_exit_code(run["status"], run["healthy"]), deliberate


def not_run(why: str) -> dict:
    """The record of a crawl that did not run, or whose run could not be read."""
    return {"id": None, "status": "failed", "healthy": 0, "health_problems": why}


class RunningCrawl:
    """The child process of the crawl under way, which a signal handler may stop."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.stop_sent_at: float | None = None
        self.deliberate = False  # stopped by a signal to the scheduler, not by its timeout

    def stop(self, signum: int = signal.SIGTERM, deliberate: bool = False) -> None:
        """Asks the crawl to close (Scrapy finishes what it has, then stops). Once only:
        a second signal would make Scrapy stop uncleanly."""
        if self.stop_sent_at is None and self.process.poll() is None:
            self.stop_sent_at = time.monotonic()
            self.deliberate = deliberate
            self.process.send_signal(signum)


_running: RunningCrawl | None = None
_running_lock = threading.Lock()


def stop_running_crawl(signum: int) -> None:
    with _running_lock:
        if _running:
            _running.stop(signum, deliberate=True)


def supervise(command: list[str], log, options: JobOptions) -> tuple[int, bool]:
    global _running
    # Its own session: a Ctrl-C in the terminal reaches the scheduler only, which passes
    # it on once.
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    crawl = RunningCrawl(process)
    with _running_lock:
        _running = crawl
    started = time.monotonic()
    try:
        while process.poll() is None:
            time.sleep(0.2)
            now = time.monotonic()
            if crawl.stop_sent_at is None and now - started > options.timeout + options.grace:
                logger.warning("Crawl outlasted its timeout of %.0f s: stopping it", options.timeout)
                crawl.stop()
            elif crawl.stop_sent_at is not None and now - crawl.stop_sent_at > options.grace:
                logger.error("Crawl did not close within %.0f s of being stopped: killing it", options.grace)
                process.kill()
                process.wait()
    finally:
        with _running_lock:
            _running = None
    return process.returncode, crawl.deliberate


def database_path(crawl_arguments: tuple[str, ...]) -> str:
    """The database the crawl writes: `-s ELECTIONS_DB=...` among the arguments, else the
    default; a relative path is taken from the project's folder, where the crawl runs."""
    path = project_settings.ELECTIONS_DB
    for flag, value in itertools.pairwise(crawl_arguments):
        if flag in ("-s", "--set") and value.startswith("ELECTIONS_DB="):
            path = value.split("=", 1)[1]
    return str(ROOT / path)


def last_runs(db_path: str) -> tuple[int, str | None]:
    """The id of the last run, and when a run last walked the whole listing."""
    db = archive.open_database(db_path)
    try:
        return archive.last_run_id(db), archive.last_complete_walk_at(db)
    finally:
        db.close()


def needs_full_walk(last_full_walk: str | None, options: JobOptions) -> bool:
    """Is the weekly safety net due? Not when the arguments already choose a mode."""
    if not options.full_every or any(arg.startswith("mode=") for arg in options.crawl_arguments):
        return False
    if last_full_walk is None:
        return False  # the first runs walk to the end anyway: nothing is known to stop at
    return datetime.now(UTC) - datetime.fromisoformat(last_full_walk) > timedelta(days=options.full_every)


def finished_run(db_path: str, before: int, exit_code: int, log_file: Path) -> dict:
    """The run's crawl_runs row, completed when the crawl could not complete it itself."""
    db = archive.open_database(db_path)
    try:
        archive.mark_killed_runs(db, f"the crawl was killed (exit code {exit_code})", after_id=before)
        rows = archive.runs_after(db, before)
        if not rows:  # the crawl never started
            return not_run(why_not_run(exit_code, log_file))
        return rows[-1]
    finally:
        db.close()


def why_not_run(exit_code: int, log_file: Path) -> str:
    """Why a crawl recorded no run: its exit code, or the error line its log ends with."""
    if exit_code == ExitCode.LOCKED:
        return "another crawl holds the database's lock; this one did not start"
    errors = [line for line in log_file.read_text(errors="replace").splitlines() if "ERROR" in line or "error:" in line]
    last = errors[-1].split("ERROR: ", 1)[-1].strip() if errors else f"scrapy exited with {exit_code}"
    return f"the crawl did not run: {last}"


def summary(run: dict, log_file: Path) -> str:
    log = f" Log: {log_file}" if log_file.exists() else ""  # none when the log folder could not be made
    if run["id"] is None:
        return f"Elections crawl: {run['health_problems']}.{log}"
    counts = ", ".join(f"{k.removeprefix('articles_')} {run[k]}" for k in run if k.startswith("articles_"))
    health = "healthy" if run["healthy"] else f"UNHEALTHY: {run['health_problems']}"
    return f"Elections crawl run {run['id']}: {run['status']}, {health}. {counts}.{log}"


def report(run: dict, log_file: Path, options: JobOptions, code: int, alert: bool = True) -> None:
    text = summary(run, log_file)
    if code == ExitCode.OK:
        logger.info(text)
        return
    if not alert:
        logger.warning("%s (stopped on purpose: no alert)", text)
        return
    logger.error(text)
    if options.on_failure:
        env = {
            **os.environ,
            "ELECTIONS_RUN_ID": str(run["id"] or ""),
            "ELECTIONS_RUN_STATUS": run["status"],
            "ELECTIONS_RUN_SUMMARY": text,
        }
        logger.info("Running the on-failure command: %s", options.on_failure)
        try:
            result = subprocess.run(options.on_failure, shell=True, input=text + "\n", text=True, env=env, timeout=120)
        except subprocess.TimeoutExpired:
            logger.error("The on-failure command did not finish within 120 s: %s", shlex.quote(options.on_failure))
        else:
            if result.returncode:
                logger.error("The on-failure command exited with %d", result.returncode)
