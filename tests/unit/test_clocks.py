"""Moved clocks: times from the future are not trusted, and a scheduler notices a jump."""

from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from crawler import archive
from crawler.scheduler.job import JobOptions, needs_full_walk
from crawler.scheduler.service import JOB_ID, ClockWatch, clock_moved, cron_trigger


def walked(db, *started: str) -> None:
    for moment in started:
        db.start_run({"started_at": moment, "status": "ok", "listing_complete": 1, "edition": "en"})


def test_a_complete_walk_stamped_in_the_future_does_not_put_off_the_weekly_one(tmp_path):
    db = archive.open_archive(tmp_path / "x.db")
    now = "2026-12-01T06:00:00+00:00"
    assert db.last_complete_walk_at("en", now) is None  # never walked: the first runs walk to the end
    walked(db, "2031-05-01T06:00:00+00:00")  # one run under a clock set years ahead
    assert db.last_complete_walk_at("en", now) == archive.LONG_AGO
    assert needs_full_walk(archive.LONG_AGO, JobOptions(full_every=7))
    walked(db, "2026-11-30T06:00:00+00:00")
    assert db.last_complete_walk_at("en", now) == "2026-11-30T06:00:00+00:00"  # the true one counts


class Clocks:
    def __init__(self):
        self.wall_time, self.steady_time = 1_800_000_000.0, 100.0

    def wall(self):
        return self.wall_time

    def steady(self):
        return self.steady_time


def test_the_clock_watch_tells_a_jump_from_time_passing():
    clocks, jumps = Clocks(), []
    watch = ClockWatch(jumps.append, tolerance=60, wall=clocks.wall, steady=clocks.steady)
    clocks.wall_time += 3600
    clocks.steady_time += 3600  # an hour passes
    assert watch.check() is None
    clocks.wall_time -= 5 * 365 * 86400  # set back five years
    assert watch.check() == -5 * 365 * 86400
    clocks.wall_time += 30  # drift within the tolerance
    assert watch.check() is None
    assert jumps == [-5 * 365 * 86400]


def test_after_the_clock_moves_back_the_next_run_is_the_timetables_from_now():
    trigger = cron_trigger("0 6 * * *", "Asia/Almaty")
    scheduler = BackgroundScheduler(jobstores={"default": MemoryJobStore()}, timezone=trigger.timezone)
    scheduler.start(paused=True)
    try:
        years_ahead = datetime(2031, 5, 2, 6, 0, tzinfo=trigger.timezone)  # computed under the wrong clock
        scheduler.add_job(print, trigger, id=JOB_ID, next_run_time=years_ahead)
        clock_moved(scheduler, trigger, jump=-5 * 365 * 86400.0)
        next_run = scheduler.get_job(JOB_ID).next_run_time
    finally:
        scheduler.shutdown(wait=False)
    now = datetime.now(UTC)
    assert now < next_run <= now + timedelta(days=1) and (next_run.hour, next_run.minute) == (6, 0)
