"""The unattended crawl: `python scheduler.py` (see README, "Running it every day").

An APScheduler 3 BlockingScheduler with one cron job, kept in a persistent job store so
that a run missed while the machine was down runs once when the scheduler starts again.
Each run is crawler.job.scheduled_crawl: `scrapy crawl elections` in a child process.
"""

import argparse
import logging
import os
import signal
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.util import undefined

from crawler import archive
from crawler.job import ROOT, JobOptions, database_path, run_crawl, stop_running_crawl

logger = logging.getLogger("scheduler")
JOB_ID = "elections-crawl"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    own, crawl_arguments = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = argument_parser()
    args = parser.parse_args(own)
    try:
        trigger = cron_trigger(args.cron, args.timezone)
    except ValueError as error:
        parser.error(f"--cron {args.cron!r} --timezone {args.timezone!r}: {error}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    data_dir = Path(args.data_dir)
    jobstore_url = f"sqlite:///{data_dir / 'scheduler.db'}"
    options = JobOptions(
        crawl_arguments=tuple(crawl_arguments),
        log_dir=str(data_dir / "logs"),
        timeout=args.timeout,
        grace=args.grace,
        on_failure=args.on_failure,
        trigger=args.trigger,
        full_every=args.full_every,
    )
    if args.command == "status":
        print_status(database_path(options.crawl_arguments), jobstore_url)
        return 0
    if args.next:
        print_next_fire_times(trigger, args.next)
        return 0
    stop_on_signals(lambda: None)
    if args.once:
        return run_crawl(options)
    return run_scheduler(trigger, options, data_dir, jobstore_url, args.misfire_grace)


def argument_parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog="python scheduler.py",
        description="Run the Elections crawl on a timetable. Arguments after -- go to every `scrapy crawl elections`.",
        epilog="Example: python scheduler.py --once -- -a max_pages=2 -s ELECTIONS_DB=/tmp/x.db",
    )
    parser.add_argument(
        "command",
        nargs="?",
        choices=["run", "status"],
        default="run",
        help="run (default): schedule crawls until stopped; status: the last runs and the next one",
    )
    parser.add_argument(
        "--cron",
        default=env("ELECTIONS_CRON", "0 6 * * *"),
        help="crontab expression, 5 fields, or 6 with seconds first (env ELECTIONS_CRON; "
        "default '0 6 * * *'). Weekday numbers count from 0 = Monday: prefer mon-sun",
    )
    parser.add_argument(
        "--timezone",
        default=env("ELECTIONS_TIMEZONE", "Asia/Almaty"),
        help="time zone of the cron expression (env ELECTIONS_TIMEZONE; default Asia/Almaty)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(env("ELECTIONS_RUN_TIMEOUT", 6 * 3600)),
        help="seconds a crawl may run before it is stopped cleanly (env ELECTIONS_RUN_TIMEOUT; default 21600)",
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=60.0,
        help="seconds a stopped crawl gets to close before it is killed (default 60)",
    )
    parser.add_argument(
        "--misfire-grace",
        type=float,
        default=12 * 3600,
        help="a run missed by at most this many seconds still runs, once (default 43200)",
    )
    parser.add_argument(
        "--on-failure",
        default=env("ELECTIONS_ON_FAILURE"),
        help="shell command run after an unhealthy run, with its summary on stdin and in "
        "$ELECTIONS_RUN_SUMMARY (env ELECTIONS_ON_FAILURE)",
    )
    parser.add_argument(
        "--full-every",
        type=float,
        default=float(env("ELECTIONS_FULL_EVERY", 7)),
        metavar="DAYS",
        help="the safety net: a run walks the whole listing (mode=full: listing pages and what is "
        "missing) when none has for DAYS days (env ELECTIONS_FULL_EVERY; default 7; 0: never)",
    )
    parser.add_argument(
        "--trigger",
        choices=["scheduled", "manual"],
        default="scheduled",
        help="what crawl_runs.trigger records (default scheduled)",
    )
    parser.add_argument(
        "--data-dir",
        default=env("ELECTIONS_DATA_DIR", str(ROOT / "data")),
        help="where the job store (scheduler.db) and logs/ live (env ELECTIONS_DATA_DIR; default data/)",
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--once", action="store_true", help="run one crawl now; exit 0 only if it was healthy")
    when.add_argument(
        "--next", type=int, nargs="?", const=5, metavar="N", help="print the next N fire times (default 5)"
    )
    return parser


def cron_trigger(expression: str, zone: str) -> CronTrigger:
    fields = expression.split()
    if len(fields) == 6:  # seconds first, for tests and demos
        names = ("second", "minute", "hour", "day", "month", "day_of_week")
        return CronTrigger(**dict(zip(names, fields, strict=False)), timezone=zone)
    return CronTrigger.from_crontab(expression, timezone=zone)


def print_next_fire_times(trigger: CronTrigger, count: int) -> None:
    moment = datetime.now(UTC)
    previous = None
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, moment)
        if previous is None:
            break
        print(previous.isoformat())
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
    trigger: CronTrigger, options: JobOptions, data_dir: Path, jobstore_url: str, misfire_grace: float
) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=jobstore_url)}, timezone=trigger.timezone
    )
    # replace_existing re-creates the job from today's command line, which would forget a
    # fire time missed while the scheduler was down: carry a missed one over.
    missed = stored_next_run_time(jobstore_url)
    if missed and missed <= datetime.now(UTC):
        logger.warning("A run due at %s was missed while the scheduler was down: it runs now", missed.isoformat())
    scheduler.add_job(
        "crawler.job:scheduled_crawl",
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
    stop_on_signals(lambda: scheduler.shutdown(wait=False))
    logger.info("Scheduler started: cron %s (%s), job store %s", trigger, trigger.timezone, jobstore_url)
    scheduler.start()
    logger.info("Scheduler stopped")
    return 0


def stored_next_run_time(jobstore_url: str) -> datetime | None:
    engine = sqlalchemy.create_engine(jobstore_url)
    try:
        with engine.connect() as connection:
            if not sqlalchemy.inspect(connection).has_table("apscheduler_jobs"):
                return None
            value = connection.execute(
                sqlalchemy.text("select next_run_time from apscheduler_jobs where id = :id"), {"id": JOB_ID}
            ).scalar()
    finally:
        engine.dispose()
    return datetime.fromtimestamp(value, UTC) if value else None


def print_status(db_path: str, jobstore_url: str) -> None:
    db = archive.open_database(db_path)
    try:
        runs = archive.latest_runs(db, 10)
        print(f"Last runs ({db_path}):")
        print(
            f"{'id':>5}  {'started (UTC)':<20} {'trigger':<10} {'status':<8} {'health':<10} "
            f"{'new':>5} {'updated':>7} {'dropped':>7} {'duration':>9}"
        )
        for run in runs:
            print(
                f"{run['id']:>5}  {run['started_at'][:19].replace('T', ' '):<20} {run['trigger'] or '':<10} "
                f"{run['status']:<8} {health_word(run):<10} {run['articles_new'] or 0:>5} "
                f"{run['articles_updated'] or 0:>7} {failed_pages(run):>7} "
                f"{duration(run):>9}"
            )
            if run["health_problems"]:
                print(f"       {run['health_problems']}")
        totals = archive.totals(db)
        print(
            f"Articles: {totals['articles']} stored, {totals['versions']} earlier versions, "
            f"{totals['pending']} pages pending, {totals['given_up']} given up"
        )
    finally:
        db.close()
    upcoming = stored_next_run_time(jobstore_url)
    print(
        f"Next scheduled run: {upcoming.isoformat() if upcoming else 'none (no scheduler has run with this data dir)'}"
    )


def failed_pages(run: dict) -> int:
    return (run["articles_dropped"] or 0) + (run["articles_pending"] or 0)


def health_word(run: dict) -> str:
    return {1: "healthy", 0: "UNHEALTHY"}.get(run["healthy"], "-")


def duration(run: dict) -> str:
    if not run["finished_at"]:
        return "-"
    seconds = (datetime.fromisoformat(run["finished_at"]) - datetime.fromisoformat(run["started_at"])).total_seconds()
    return f"{seconds:.0f} s"
