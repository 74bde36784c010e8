"""One scheduled crawl: `scrapy crawl elections` in a child process.

A child process because Twisted's reactor cannot be restarted within one process, and so
that a crash of the crawl is not a crash of the scheduler. The job gives the child its own
log file, stops it cleanly when it outlasts its timeout, passes on SIGTERM/SIGINT, and
afterwards reads the run's row in crawl_runs: its status and health decide the job's exit
code (crawler.contracts.ExitCode, as `scrapy crawl`'s) and whether the --on-failure command
is run.

APScheduler stores this module's `scheduled_crawl` by name, so it must stay importable.
"""

import argparse
import contextlib
import itertools
import json
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import Settings
from scrapy.utils.conf import arglist_to_dict

from crawler import settings as project_settings
from crawler.archive import PROJECT_ROOT, ArchiveError, archive_location, check_usable, open_archive, open_read_only
from crawler.arguments import ArgumentError, Site, chosen_edition
from crawler.commands.crawl import run_exit_code
from crawler.contracts import ExitCode, RunStatus, Stat, Trigger
from crawler.scheduler.status_file import REPORTED_RUN, record_state, scheduler_state
from crawler.site.editions import DEFAULT

logger = logging.getLogger(__name__)
ROOT = PROJECT_ROOT  # where each crawl runs, and the data folder is


@dataclass(frozen=True)
class JobOptions:
    crawl_arguments: tuple[str, ...] = ()  # passed on to every `scrapy crawl elections`
    log_dir: str = str(ROOT / "data" / "logs")
    timeout: float = 6 * 3600  # seconds a crawl may run before it is stopped
    grace: float = 60.0  # seconds a stopped crawl gets to close before it is killed
    on_failure: str | None = None  # shell command run with the summary of an unhealthy run
    on_change: str | None = None  # shell command run with the counts of a run that found edits or removals
    trigger: str = Trigger.SCHEDULED
    full_every: float = 7.0  # days: a run walks the whole listing when no run has for this long (0: never)
    data_dir: str | None = None  # the scheduler's: where it records the last run it reported (scheduler.json)
    alert_timeout: float = 120.0  # seconds the --on-failure command may take
    editions: tuple[str, ...] = ()  # crawled one after another, a run each; none: the crawl's own edition


def scheduled_crawl(**options) -> int:
    """The job APScheduler runs (its keyword arguments are a JobOptions' fields)."""
    return run_crawl(JobOptions(**options))


def run_crawl(options: JobOptions) -> int:
    """Crawls each of the options' editions in turn, one after another so that the site never
    sees two crawls at once, each a run of its own with its own report and alert, none of which
    can stop the others. A bot challenge on a host stops every edition on that host for this
    run, with one alert that names them. Returns the first ExitCode that is not 0 (0 only when
    every run was ok and healthy)."""
    if not options.editions:
        return run_one_crawl(options).code
    codes, challenged = [], set()  # hosts that challenged the crawler in this run
    hosts = {edition: edition_host(options.crawl_arguments, edition) for edition in options.editions}
    for number, edition in enumerate(options.editions):
        if hosts[edition] in challenged:
            logger.warning(
                "The %s edition is not crawled in this run: %s challenged the crawler", edition, hosts[edition]
            )
            continue
        arguments = (*options.crawl_arguments, "-a", f"edition={edition}")
        later = {e: hosts[e] for e in options.editions[number + 1 :]}
        outcome = run_one_crawl(replace(options, crawl_arguments=arguments, editions=()), later)
        codes.append(outcome.code)
        if outcome.challenged_host:
            challenged.add(outcome.challenged_host)
    return next((code for code in codes if code != ExitCode.OK), ExitCode.OK)


@dataclass(frozen=True)
class Outcome:
    code: int  # crawler.contracts.ExitCode
    challenged_host: str | None = None  # the host whose bot challenge stopped the run


def run_one_crawl(options: JobOptions, later: dict[str, str | None] | None = None) -> Outcome:
    """Runs one crawl to its end; its ExitCode is 0 only for an ok and healthy run. Whatever
    fails — the crawl, the archive, the job itself, its report — ends in a summary and, unless
    the crawl was stopped on purpose, the --on-failure command. `later`: the editions to crawl
    after this one, and their hosts: a bot challenge here stops those on its host too, and the
    alert names them."""
    edition = crawl_edition(options.crawl_arguments)
    log_file = Path(options.log_dir) / f"crawl-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{edition}.log"
    try:
        run, code, deliberate = crawl_once(options, log_file)
    except ArchiveError as error:
        run, code, deliberate = not_run(error.reason()), ExitCode.UNHEALTHY, False
    except OSError as error:
        db_path = database_path(options.crawl_arguments)
        why = f"the archive {db_path} or the log folder {options.log_dir} cannot be used ({error})"
        run, code, deliberate = not_run(why), ExitCode.UNHEALTHY, False
    except Exception as error:  # a bug in the job itself: it must still reach a human
        logger.error("The crawl job failed: %s: %s", type(error).__name__, error)
        run, code, deliberate = not_run(f"the job failed ({type(error).__name__}: {error})"), ExitCode.UNHEALTHY, False
    host = challenged_host(run)
    text = summary(run, log_file)
    stopped = [edition for edition, its_host in (later or {}).items() if host and its_host == host]
    if stopped:
        text += (
            f" The site challenged the crawler at {host}: not crawled in this run, on that host: {', '.join(stopped)}."
        )
    try:
        report(run, text, options, code, alert=not deliberate)
        report_changes(run, options)
        if options.data_dir and options.trigger == Trigger.SCHEDULED and run["id"] is not None:
            reported(Path(options.data_dir), run["id"])
    except Exception as error:  # a report that fails stops neither this job nor the next edition's crawl
        logger.error("The report of the crawl failed: %s: %s", type(error).__name__, error)
        code = code or ExitCode.UNHEALTHY
    return Outcome(code, host)


def challenged_host(run: dict) -> str | None:
    """The host (and port) whose bot challenge the run met, from its counters; None if none."""
    url = json.loads(run.get("counters") or "{}").get(Stat.CHALLENGE_URL)
    return urlsplit(url).netloc if url else None


def edition_host(crawl_arguments: tuple[str, ...], edition: str) -> str | None:
    """The host (and port) of the edition's home page as the crawl would take it; None when the
    crawl would refuse its settings (it says so itself)."""
    try:
        return urlsplit(Site.from_settings(crawl_settings(crawl_arguments), edition).url).netloc
    except ArgumentError:
        return None


def reported(data_dir: Path, run_id: int) -> None:
    state = scheduler_state(data_dir) or {}
    record_state(data_dir, **{REPORTED_RUN: max(run_id, state.get(REPORTED_RUN) or 0)})


def report_unreported(options: JobOptions) -> None:
    """Scheduled runs that ended with nobody to report them (the scheduler was killed while
    its crawl went on): each unhealthy one is reported now, alert and all. The first start
    of a scheduler only notes where the archive stands."""
    assert options.data_dir is not None
    data_dir, db_path = Path(options.data_dir), database_path(options.crawl_arguments)
    last_reported = (scheduler_state(data_dir) or {}).get(REPORTED_RUN)
    runs = []
    if Path(db_path).is_file():
        with open_read_only(db_path) as archive:
            runs = archive.runs_after(last_reported or 0, options.trigger)
    finished = list(itertools.takewhile(lambda run: run["status"] != RunStatus.RUNNING, runs))
    if last_reported is not None:
        for run in finished:
            if run_exit_code(run["status"], run["healthy"]) != ExitCode.OK:
                logger.warning("Run %d ended while no scheduler watched it: reporting it now", run["id"])
                report(run, summary(run, None), options, ExitCode.UNHEALTHY)
    reported(data_dir, finished[-1]["id"] if finished else 0)


def crawl_once(options: JobOptions, log_file: Path) -> tuple[dict, int, bool]:
    """The crawl in a child process: its crawl_runs row, its exit code, and whether it was
    stopped on purpose (a signal passed on to it)."""
    db_path = database_path(options.crawl_arguments)
    check_usable(db_path)
    last_full_walk = last_complete_walk(db_path, crawl_edition(options.crawl_arguments))
    crawl_arguments = options.crawl_arguments
    if needs_full_walk(last_full_walk, options):
        # The weekly safety net: listing pages and what is missing, so that even a gap no rule
        # foresaw heals within the week.
        logger.info("No run has walked the whole listing since %s: this one does (mode=full)", last_full_walk or "ever")
        crawl_arguments = (*crawl_arguments, "-a", "mode=full")
    log_file.parent.mkdir(parents=True, exist_ok=True)
    run_id_file = log_file.with_suffix(".run")  # the crawl writes its run's id here: the one to report
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
        "-s",
        f"ELECTIONS_RUN_ID_FILE={run_id_file}",
        *crawl_arguments,
    ]
    logger.info("Crawl starts, logging to %s", log_file)
    with open(log_file, "w") as log:
        exit_code, deliberate = supervise(command, log, options)
    run = finished_run(db_path, own_run_id(run_id_file), exit_code, log_file)
    if exit_code in (ExitCode.BAD_ARGUMENT, ExitCode.LOCKED):
        return run, exit_code, False
    return run, run_exit_code(run["status"], run["healthy"]), deliberate


def own_run_id(run_id_file: Path) -> int | None:
    """The id of the run the crawl opened, or None when it opened none."""
    try:
        text = run_id_file.read_text().strip()
        run_id_file.unlink()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


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
    """The database file the crawl writes (crawler/archive, archive_location). Raises
    ArchiveUnusable for a location that names no SQLite file."""
    return str(archive_location(crawl_settings(crawl_arguments).get("ELECTIONS_DB")).path)


def crawl_edition(crawl_arguments: tuple[str, ...]) -> str:
    """The edition the crawl takes: `-a edition=`, else ELECTIONS_EDITION (the crawl itself
    refuses one it does not know)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-a", action="append", default=[], metavar="NAME=VALUE")
    given, _ = parser.parse_known_args(list(crawl_arguments))
    spider_arguments = arglist_to_dict([value for value in given.a if "=" in value])
    return chosen_edition(crawl_settings(crawl_arguments), spider_arguments.get("edition"))


def crawl_settings(crawl_arguments: tuple[str, ...]) -> Settings:
    """The settings `scrapy crawl` runs with: the project's, then each `-s NAME=VALUE` among
    its arguments, read as Scrapy's own option parser reads them (`-s X=1`, `--set X=1`,
    `--set=X=1`, `-sX=1`)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    given, _ = parser.parse_known_args(list(crawl_arguments))
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    # a value without "=" is the crawl's to refuse, in its own words
    settings.setdict(arglist_to_dict([value for value in given.set if "=" in value]), priority="cmdline")
    return settings


def last_complete_walk(db_path: str, edition: str) -> str | None:
    """When a run of the edition last walked the whole listing; None before the first run has
    made the archive (the crawl makes it, once it has taken its arguments)."""
    if not Path(db_path).is_file():
        return None
    with open_archive(db_path) as archive:
        return archive.last_complete_walk_at(edition)


def needs_full_walk(last_full_walk: str | None, options: JobOptions) -> bool:
    """Is the weekly safety net due? Not when the arguments already choose a mode."""
    if not options.full_every or any(arg.startswith("mode=") for arg in options.crawl_arguments):
        return False
    if last_full_walk is None:
        return False  # the first runs walk to the end anyway: nothing is known to stop at
    return datetime.now(UTC) - datetime.fromisoformat(last_full_walk) > timedelta(days=options.full_every)


def finished_run(db_path: str, run_id: int | None, exit_code: int, log_file: Path) -> dict:
    """The crawl's own crawl_runs row, closed here when the crawl could not close it itself
    (killed). Never another process's run: a reparse or a manual crawl may have written
    rows meanwhile."""
    if run_id is None:  # the crawl never opened a run
        return not_run(why_not_run(exit_code, log_file))
    with open_archive(db_path) as archive:
        with archive.transaction():
            archive.mark_killed_runs(f"the crawl was killed (exit code {exit_code})", run_id=run_id)
        return archive.run_by_id(run_id) or not_run(f"run {run_id} is missing from {db_path}")


def why_not_run(exit_code: int, log_file: Path) -> str:
    """Why a crawl recorded no run: its exit code, or the error line its log ends with."""
    if exit_code == ExitCode.LOCKED:
        return "another crawl holds the database's lock; this one did not start"
    errors = [line for line in log_file.read_text(errors="replace").splitlines() if "ERROR" in line or "error:" in line]
    last = errors[-1].split("ERROR: ", 1)[-1].strip() if errors else f"scrapy exited with {exit_code}"
    return f"the crawl did not run: {last}"


def summary(run: dict, log_file: Path | None) -> str:
    """The line an alert and the log give a run."""
    log = f" Log: {log_file}" if log_file and log_file.exists() else ""  # none when the folder could not be made
    if run["id"] is None:
        return f"Elections crawl: {run['health_problems']}.{log}"
    counts = ", ".join(f"{k.removeprefix('articles_')} {run[k] or 0}" for k in run if k.startswith("articles_"))
    health = "healthy" if run["healthy"] else f"UNHEALTHY: {run['health_problems']}"
    edition = f" ({run['edition']} edition)" if run.get("edition") not in (None, DEFAULT.code) else ""
    return f"Elections crawl run {run['id']}{edition}: {run['status']}, {health}. {counts}.{log}"


def report(run: dict, text: str, options: JobOptions, code: int, alert: bool = True) -> None:
    """The run's summary `text` logged, and for a run that is not ok and healthy (unless stopped
    on purpose) given to the --on-failure command. What it says is written safe first: a lone
    surrogate in a site's text breaks a log handler as it broke the alert."""
    text = alert_safe(text)
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
            returncode = run_alert(options.on_failure, text, env, options.alert_timeout)
        except OSError as error:
            logger.error("The on-failure command could not be started (%s): %s", error, shlex.quote(options.on_failure))
            return
        if returncode is None:
            logger.error(
                "The on-failure command did not finish within %.0f s, and was stopped with everything it started: %s",
                options.alert_timeout,
                shlex.quote(options.on_failure),
            )
        elif returncode:
            logger.error("The on-failure command exited with %d", returncode)


# What a run found of stored articles after publication (crawl_runs columns), for --on-change.
CHANGES = {"edited": "articles_updated", "removed": "removed", "restored": "restored", "minor_edits": "minor_edits"}


def changes_line(run: dict) -> str | None:
    """'Elections crawl run 7 found 2 edited, 1 removed, 0 restored, 3 minor edits', or None
    when it found nothing edited, removed or back."""
    counts = {name: run.get(column) or 0 for name, column in CHANGES.items()}
    if run.get("id") is None or not (counts["edited"] or counts["removed"] or counts["restored"]):
        return None
    found = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
    return f"Elections crawl run {run['id']} found {found} (recent_changes in the archive says which)"


def report_changes(run: dict, options: JobOptions) -> None:
    """The --on-change command, with counts only: titles never reach a shell."""
    line = changes_line(run)
    if line is None:
        return
    logger.info(line)
    if not options.on_change:
        return
    env = {**os.environ, "ELECTIONS_RUN_ID": str(run["id"])}
    env |= {f"ELECTIONS_{name.upper()}": str(run.get(column) or 0) for name, column in CHANGES.items()}
    returncode = run_alert(options.on_change, line, env, options.alert_timeout)
    if returncode is None:
        logger.error("The on-change command did not finish within %.0f s, and was stopped", options.alert_timeout)
    elif returncode:
        logger.error("The on-change command exited with %d", returncode)


def run_alert(command: str, text: str, env: dict, timeout: float) -> int | None:
    """The --on-failure command in a session of its own, the summary on its stdin; its exit
    code, or None when it outlasted `timeout`: then it is killed with every process it
    started (a shell's child would otherwise live on). What it is given (its environment's
    values, its standard input) is made safe first: a NUL the site sent, say, would have kept
    it from starting at all."""
    env = {name: alert_safe(value) for name, value in env.items()}
    process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        process.communicate(alert_safe(text) + "\n", timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None
    return process.returncode


# What an alert may not be given as it is: control characters (a NUL ends an environment
# value or an argument; a newline would split the summary's one line) and lone surrogates,
# which no encoder takes.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


def alert_safe(text: str) -> str:
    """The text with each unsafe character written as its escape: a NUL as \\x00."""
    return _UNSAFE.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), text)
