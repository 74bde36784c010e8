"""The unattended crawl: `python scheduler.py` (see README, "Running it every day").

An APScheduler 3 BlockingScheduler with one cron job, kept in a persistent job store so
that a run missed while the machine was down runs once when the scheduler starts again.
Each run is crawler.scheduler.job.scheduled_crawl: `scrapy crawl elections` in a child process.
"""

import json
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy
import sqlalchemy.exc
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.util import undefined

from crawler.archive import ArchiveError, ArchiveUnusable, open_read_only, utc_now
from crawler.commands.crawl import run_exit_code
from crawler.contracts import ExitCode, Stat, Trigger
from crawler.lock import LockHeld, ProcessLock, process_alive
from crawler.progress import duration
from crawler.scheduler.job import (
    ROOT,
    JobOptions,
    database_path,
    report_unreported,
    run_crawl,
    stop_running_crawl,
)
from crawler.scheduler.options import argument_parser
from crawler.scheduler.status_file import record_state, scheduler_state
from crawler.site.editions import EDITIONS

logger = logging.getLogger("scheduler")
JOB_ID = "elections-crawl"


class ScheduleError(ValueError):
    """A command line the scheduler cannot run with: one line, exit 2."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        return run_command(argv)
    except ScheduleError as error:
        print(f"python scheduler.py: error: {error}", file=sys.stderr)
        return ExitCode.BAD_ARGUMENT
    except BrokenPipeError:  # `status | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK


def run_command(argv: list[str]) -> int:
    own, crawl_arguments = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = argument_parser()
    args = parser.parse_args(own)
    trigger = checked_trigger(args.cron, args.timezone)
    if args.next is not None and args.next < 1:
        raise ScheduleError(f"--next N prints the next N fire times: N must be at least 1, got {args.next}")
    data_dir = ROOT / args.data_dir  # relative: the project's folder, wherever the command is started
    check_data_dir(data_dir)
    try:
        database_path(tuple(crawl_arguments))
    except ArchiveUnusable as error:  # -s ELECTIONS_DB=... naming no SQLite file
        raise ScheduleError(str(error)) from None
    editions = checked_editions(args.editions, crawl_arguments)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    jobstore_url = f"sqlite:///{data_dir / 'scheduler.db'}"
    options = JobOptions(
        crawl_arguments=tuple(crawl_arguments),
        log_dir=str(data_dir / "logs"),
        timeout=args.timeout,
        grace=args.grace,
        on_failure=args.on_failure,
        on_change=args.on_change,
        alert_timeout=args.alert_timeout,
        trigger=str(args.trigger or (Trigger.MANUAL if args.once else Trigger.SCHEDULED)),
        full_every=args.full_every,
        data_dir=str(data_dir),
        editions=editions,
    )
    if args.command == "status":
        return print_status(data_dir, crawl_arguments, jobstore_url, trigger.timezone, check=args.check)
    if args.next is not None:
        print_next_fire_times(trigger, args.next)
        return 0
    stop_on_signals(lambda: None)
    if args.once:
        if not scheduler_running(scheduler_state(data_dir)):  # a running scheduler's archive stays the one shown
            record_state(data_dir, db=database_path(options.crawl_arguments), timezone=str(trigger.timezone))
        look_for_unreported_runs(options)
        return run_crawl(options)
    return run_scheduler(trigger, args.cron, options, data_dir, jobstore_url, args.misfire_grace)


def checked_trigger(cron: str, zone: str) -> CronTrigger:
    try:
        trigger = cron_trigger(cron, zone)
    except (ValueError, KeyError) as error:  # zoneinfo's "no time zone" is a KeyError
        raise ScheduleError(f"--cron {cron!r} --timezone {zone!r}: {cron_error(error)}") from None
    if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
        raise ScheduleError(f"--cron {cron!r} never fires (no such day): no run would ever start")
    return trigger


def checked_editions(given: str | None, crawl_arguments: list[str]) -> tuple[str, ...]:
    """--editions as codes, each an edition the crawl knows, each once."""
    if not given:
        return ()
    codes = tuple(dict.fromkeys(code.strip() for code in given.split(",") if code.strip()))
    unknown = [code for code in codes if code not in EDITIONS]
    if unknown or not codes:
        raise ScheduleError(f"--editions {given!r}: each must be one of {', '.join(EDITIONS)}")
    if any(argument.removeprefix("-a").startswith("edition=") for argument in crawl_arguments):
        raise ScheduleError("--editions and -a edition= both choose the edition: give one of them")
    return codes


def check_data_dir(data_dir: Path) -> None:
    """The folder of the job store, the state file and the logs: one that can be made."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".writable"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise ScheduleError(f"--data-dir {data_dir} cannot be used ({error.strerror or error})") from None


def cron_error(error: Exception) -> str:
    if isinstance(error, KeyError):
        return "no such time zone (examples: Asia/Almaty, UTC, Europe/Berlin)"
    return str(error)


_CRONTAB_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field in APScheduler's words: crontab counts 0 (and 7) as Sunday,
    APScheduler 0 as Monday, so numbers become names ("1-5" -> "mon,tue,wed,thu,fri")."""
    if not any(character.isdigit() for character in field):
        return field
    names = []
    for part in field.split(","):
        if "/" in part:  # APScheduler would drop the step silently, names or numbers
            raise ValueError(f"day of week {field!r}: steps are not supported; list the days, e.g. mon,wed,fri")
        low, _, high = part.partition("-")
        if not (low.isdigit() and (not high or high.isdigit())):
            raise ValueError(f"day of week {field!r}: mix no numbers with names; write mon-sun")
        first, last = int(low), int(high or low)
        if not 0 <= first <= last <= 7:
            raise ValueError(f"day of week {field!r}: crontab numbers run 0-7 (0 and 7 are Sunday); or write mon-sun")
        names += [_CRONTAB_DAYS[day] for day in range(first, last + 1)]
    return ",".join(dict.fromkeys(names))


def cron_trigger(expression: str, zone: str) -> CronTrigger:
    """A crontab line means what it means in crontab, weekday numbers included; six fields
    put seconds first."""
    fields = expression.split()
    if len(fields) in (5, 6):
        fields[-1] = crontab_weekdays(fields[-1])
    if len(fields) == 6:  # seconds first, for tests and demos
        names = ("second", "minute", "hour", "day", "month", "day_of_week")
        return CronTrigger(**dict(zip(names, fields, strict=True)), timezone=zone)
    return CronTrigger.from_crontab(" ".join(fields), timezone=zone)


def print_next_fire_times(trigger: CronTrigger, count: int) -> None:
    moment = datetime.now(UTC)
    previous = None
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, moment)
        if previous is None:
            break
        # The wall time it fires at: a time the clocks skip (a DST change) is the hour after.
        shown = datetime.fromtimestamp(previous.timestamp(), trigger.timezone)
        print(f"{shown:%Y-%m-%d %H:%M} {trigger.timezone} ({shown:%A})")  # the weekday: is it the one meant?
        moment = previous


def stop_on_signals(then) -> None:
    """SIGTERM and SIGINT: pass the signal on to a running crawl, which closes cleanly and
    records its status, then do `then`."""

    def handle(signum, frame):
        logger.warning("%s: stopping the running crawl, if any, then the scheduler", signal.Signals(signum).name)
        stop_running_crawl(signum)
        then()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def run_scheduler(
    trigger: CronTrigger, cron: str, options: JobOptions, data_dir: Path, jobstore_url: str, misfire_grace: float
) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        with ProcessLock(data_dir / "scheduler.lock", holder_kind="scheduler"):
            return schedule(trigger, cron, options, data_dir, jobstore_url, misfire_grace)
    except LockHeld as held:
        print(f"python scheduler.py: error: {held}; one scheduler per --data-dir", file=sys.stderr)
        return ExitCode.LOCKED


def schedule(
    trigger: CronTrigger, cron: str, options: JobOptions, data_dir: Path, jobstore_url: str, misfire_grace: float
) -> int:
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=jobstore_url)}, timezone=trigger.timezone
    )
    # replace_existing re-creates the job from today's command line, which would forget a
    # fire time missed while the scheduler was down: carry a missed one over.
    missed = stored_next_run_time(jobstore_url)
    if missed and missed <= datetime.now(UTC):
        logger.warning("A run due at %s was missed while the scheduler was down: it runs now", missed.isoformat())
    scheduler.add_job(
        "crawler.scheduler.job:scheduled_crawl",
        trigger,
        id=JOB_ID,
        name="Elections crawl",
        kwargs=asdict(options),
        replace_existing=True,
        max_instances=1,  # a run that outlasts its interval makes the next one skip
        coalesce=True,  # several missed runs run once
        misfire_grace_time=int(misfire_grace),
        next_run_time=missed if missed and missed <= datetime.now(UTC) else undefined,
    )
    stopping = threading.Event()

    def stop() -> None:
        # A signal may come while the runs no scheduler watched are reported, before the
        # scheduler starts: it then does not start (apscheduler refuses to shut down what has not).
        stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=False)

    stop_on_signals(stop)
    logger.info("Scheduler started: cron %s (%s), job store %s", trigger, trigger.timezone, jobstore_url)
    record_state(
        data_dir,
        pid=os.getpid(),
        started_at=utc_now(),
        stopped_at=None,
        db=database_path(options.crawl_arguments),
        cron=cron,  # as the user wrote it
        timezone=str(trigger.timezone),
    )
    look_for_unreported_runs(options)
    watch = ClockWatch(lambda jump: clock_moved(scheduler, trigger, jump))
    watch.start()
    try:
        if not stopping.is_set():
            scheduler.start()
    finally:
        watch.stop()
        record_state(data_dir, pid=None, stopped_at=utc_now())
    logger.info("Scheduler stopped")
    return 0


def look_for_unreported_runs(options: JobOptions) -> None:
    if options.trigger != Trigger.SCHEDULED:
        return
    try:
        report_unreported(options)
    except ArchiveError as error:
        logger.error("Could not look for runs that ended unreported: %s", error.reason())


class ClockWatch:
    """Notices the wall clock jumping (a clock set by hand, an NTP step, a machine resumed).
    APScheduler sleeps until a wall-clock time: after a jump back it would wait for the old
    next run to come round again, years maybe, and never say so."""

    def __init__(self, on_jump, tolerance: float = 60.0, every: float = 15.0, wall=time.time, steady=time.monotonic):
        self.on_jump, self.tolerance, self.every = on_jump, tolerance, every
        self.wall, self.steady = wall, steady
        self.offset = wall() - steady()
        self.stopped = threading.Event()

    def check(self) -> float | None:
        """The jump since the last check, in seconds (negative: back), when past the tolerance."""
        offset = self.wall() - self.steady()
        jump, self.offset = offset - self.offset, offset
        if abs(jump) <= self.tolerance:
            return None
        self.on_jump(jump)
        return jump

    def start(self) -> None:
        threading.Thread(target=self.run, name="clock-watch", daemon=True).start()

    def run(self) -> None:
        while not self.stopped.wait(self.every):  # a wait on the steady clock
            self.check()

    def stop(self) -> None:
        self.stopped.set()


def clock_moved(scheduler: BlockingScheduler, trigger: CronTrigger, jump: float) -> None:
    """The next run is what the timetable says from now, not from before the jump."""
    job = scheduler.get_job(JOB_ID)
    now = datetime.now(trigger.timezone)
    due = trigger.get_next_fire_time(None, now)
    direction = "back" if jump < 0 else "ahead"
    logger.warning("The clock moved %s by %s: the next run is due at %s", direction, duration(abs(jump)), due)
    if job is not None and due is not None and (job.next_run_time is None or job.next_run_time > due):
        job.modify(next_run_time=due)
    scheduler.wakeup()


def stored_next_run_time(jobstore_url: str) -> datetime | None:
    engine = sqlalchemy.create_engine(jobstore_url)
    try:
        with engine.connect() as connection:
            if not sqlalchemy.inspect(connection).has_table("apscheduler_jobs"):
                return None
            value = connection.execute(
                sqlalchemy.text("select next_run_time from apscheduler_jobs where id = :id"), {"id": JOB_ID}
            ).scalar()
    except sqlalchemy.exc.SQLAlchemyError as error:
        store = jobstore_url.removeprefix("sqlite:///")
        reason = getattr(error, "orig", error)
        raise ScheduleError(
            f"the job store {store} cannot be read ({reason}): move it away, and the scheduler makes a new one"
        ) from None
    finally:
        engine.dispose()
    return datetime.fromtimestamp(value, UTC) if value else None


def print_status(data_dir: Path, crawl_arguments: list[str], jobstore_url: str, zone, check: bool = False) -> int:
    """The scheduler (running or not, its last and next run) and the archive it fills, opened
    read-only; times in the scheduler's zone, labelled. 2 when there is no archive to show;
    with `check`, 1 unless a scheduler runs, its last run was ok and healthy, and no run is
    overdue (a line says why)."""
    state = scheduler_state(data_dir) or {}
    configured = "db" in state and not crawl_arguments  # the archive the scheduler or --once last filled
    db_path = state["db"] if configured else database_path(tuple(crawl_arguments))
    zone = ZoneInfo(state["timezone"]) if "timezone" in state else zone
    runs, totals = [], None
    if not (configured and not Path(db_path).exists()):  # else its first run has not made it yet
        try:
            archive = open_read_only(db_path)
        except ArchiveError as error:
            message = f"{error.reason()} (the scheduler's --data-dir, or -- -s ELECTIONS_DB=...)"
            print(f"python scheduler.py status: error: {message}", file=sys.stderr)
            return 2
        try:
            with archive:
                runs, totals = archive.latest_runs(10), archive.totals()
        except ArchiveError as error:
            print(f"python scheduler.py status: error: {error.reason()}", file=sys.stderr)
            return 1
    local = lambda text: format_time(text, zone)  # noqa: E731 -- one zone for every time shown
    running = scheduler_running(state)
    if running:
        print(f"Scheduler: running (PID {state['pid']}, since {local(state['started_at'])}), cron '{state['cron']}'")
    elif state.get("stopped_at"):
        print(f"Scheduler: not running (stopped {local(state['stopped_at'])})")
    else:
        print(f"Scheduler: not running (no scheduler with --data-dir {data_dir})")
    scheduled = [run for run in runs if run["trigger"] == Trigger.SCHEDULED]
    print(f"Last scheduled run: {local(scheduled[0]['started_at']) if scheduled else 'none yet'}")
    upcoming = stored_next_run_time(jobstore_url) if (data_dir / "scheduler.db").exists() else None
    overdue = bool(upcoming and upcoming <= datetime.now(UTC))
    if upcoming and not overdue and running:
        print(f"Next scheduled run: {local(upcoming.isoformat())}")
    elif upcoming and overdue:
        print(f"Next scheduled run: overdue since {local(upcoming.isoformat())}: it runs when the scheduler starts")
    else:
        print("Next scheduled run: none (no scheduler is running with this data dir)")
    print_runs(runs, totals, db_path, zone)
    if not check:
        return 0
    trouble = check_problems(running, scheduled, overdue)
    print(f"Check: {'; '.join(trouble) if trouble else 'all well'}")
    return ExitCode.UNHEALTHY if trouble else ExitCode.OK


def print_runs(runs: list[dict], totals: dict | None, db_path, zone) -> None:
    """The last runs, a line each (and its health problems), and the archive's totals."""
    print(f"Last runs ({db_path}):")
    started = f"started ({zone})"  # the column's heading names the zone, its times do not
    print(
        f"{'id':>5}  {started} {'edition':<7} {'listing':<22} {'trigger':<10} {'status':<8} {'health':<10} "
        f"{'new':>5} {'updated':>7} {'pending':>7} {'given up':>8} {'excluded':>8} {'missed':>6} "
        f"{'checked':>7} {'removed':>7} {'back':>4} {'duration':>9}"
    )
    for run in runs:
        when = format_time(run["started_at"], zone, labelled=False)
        print(
            f"{run['id']:>5}  {when:<{len(started)}} {run['edition'] or '-':<7} {listing_word(run):<22} "
            f"{run['trigger'] or '':<10} "
            f"{run['status']:<8} {health_word(run):<10} {run['articles_new'] or 0:>5} "
            f"{run['articles_updated'] or 0:>7} {run['articles_pending'] or 0:>7} {run['articles_dropped'] or 0:>8} "
            f"{excluded(run):>8} "
            f"{'-' if run['walk_missed'] is None else run['walk_missed']:>6} "
            f"{run['rechecked'] or 0:>7} {run['removed'] or 0:>7} {run['restored'] or 0:>4} {run_duration(run):>9}"
        )
        if run["health_problems"]:
            print(f"       {run['health_problems']}")
    if totals is None:
        print(f"Articles: none yet ({db_path} is made by the first run)")
    else:
        print(
            f"Articles: {totals['articles']} stored, {totals['versions']} earlier versions, "
            f"{totals['pending']} pages pending, {totals['given_up']} given up"
        )


def listing_word(run: dict) -> str:
    """Where the run found what it walked: a door ("menu", "tags page" ...), "given" (a start
    URL), "all-news feed" (no section: the topic rule chose), "election tag" (with the topic
    rule off, the only door), "-" (none: -a url=, a failure); and the election tags walked
    beside it ("menu +2 tags")."""
    tags = run.get("tags_walked") or 0
    return (run.get("listing_found_by") or "-") + (f" +{tags} tag{'s' * (tags > 1)}" if tags else "")


def excluded(run: dict) -> int:
    """Pages robots.txt forbade the run (its counters): the site's choice, no failure."""
    return json.loads(run.get("counters") or "{}").get(Stat.ROBOTS_EXCLUDED, 0)


def check_problems(running: bool, scheduled: list[dict], overdue: bool) -> list[str]:
    """What `status --check` fails on."""
    trouble = []
    if not running:
        trouble.append("no scheduler is running")
    if overdue:
        trouble.append("a scheduled run is overdue")
    last_of_each: dict[str | None, dict] = {}  # the last scheduled run of each edition: each is checked
    for run in scheduled:
        last_of_each.setdefault(run["edition"], run)
    for edition, last in last_of_each.items():
        if last["status"] != "running" and run_exit_code(last["status"], last["healthy"]) != ExitCode.OK:
            of = f" of the {edition} edition" if len(last_of_each) > 1 else ""
            trouble.append(f"the last scheduled run{of} ({last['id']}) was {last['status']}, {health_word(last)}")
    return trouble


def scheduler_running(state: dict | None) -> bool:
    return bool(state and state.get("pid") and scheduler_alive(state["pid"]))


def scheduler_alive(pid: int) -> bool:
    """Is a scheduler running as `pid`? A scheduler killed outright leaves its PID in the
    state file, and the system may give that number to another program since."""
    if not process_alive(pid):
        return False
    try:  # a process of that number: only its command line can tell whether it is a scheduler
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        return any(Path(os.fsdecode(argument)).name == "scheduler.py" for argument in arguments)
    except OSError:  # no /proc (macOS): the PID is all there is to go by
        return True


def format_time(text: str | None, zone, labelled: bool = True) -> str:
    """An ISO UTC time from the archive as '2026-11-28 06:00 Asia/Almaty'."""
    if not text:
        return "-"
    local = f"{datetime.fromisoformat(text).astimezone(zone):%Y-%m-%d %H:%M}"
    return f"{local} {zone}" if labelled else local


def health_word(run: dict) -> str:
    return {1: "healthy", 0: "UNHEALTHY"}.get(run["healthy"], "-")


def run_duration(run: dict) -> str:
    if not run["finished_at"]:
        return "-"
    return duration(
        (datetime.fromisoformat(run["finished_at"]) - datetime.fromisoformat(run["started_at"])).total_seconds()
    )
