"""scheduler.py over the replica, with seconds-level cron expressions."""

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.commands.crawl import lock_path
from crawler.lock import CrawlLock
from crawler.scheduling import stored_next_run_time
from replica import ReplicaServer, ReplicaSite
from replica.crawling import ROOT, crawl, mismatches, rows, setting_options, stored_articles

SLOW = {"DOWNLOAD_DELAY": "0.25", "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "RANDOMIZE_DOWNLOAD_DELAY": "False"}


class Scheduler:
    """`python scheduler.py ...` in a child process, its output in a file."""

    def __init__(self, tmp_path: Path, server: ReplicaServer):
        self.tmp, self.server = tmp_path, server
        self.db = tmp_path / "elections.db"
        self.data_dir = tmp_path / "data"
        self.output = tmp_path / "scheduler.out"

    def start(self, *options: str, crawl_arguments: tuple[str, ...] = (), **settings: str) -> subprocess.Popen:
        command = [
            sys.executable,
            "scheduler.py",
            *options,
            "--data-dir",
            str(self.data_dir),
            "--grace",
            "20",
            "--",
            "-a",
            f"start_url={self.server.start_url}",
            *crawl_arguments,
            *setting_options(self.db, **settings),
        ]
        self.out = open(self.output, "a")  # noqa: SIM115 -- the child writes to it for as long as it runs
        return subprocess.Popen(command, cwd=ROOT, stdout=self.out, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.output.read_text()

    def runs(self) -> list[dict]:
        return self.rows("crawl_runs")

    def rows(self, table: str) -> list[dict]:
        """The table's rows; none while the crawl has not yet created it."""
        try:
            return rows(self.db, table) if self.db.exists() else []
        except sqlite3.OperationalError:  # no such table, yet
            return []


def wait_for(condition, seconds: float = 60, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def finished_runs(scheduler: Scheduler) -> list[dict]:
    return [run for run in scheduler.runs() if run["finished_at"]]


@pytest.fixture
def small_replica():
    with ReplicaServer(ReplicaSite(articles=40, seed=21)) as server:
        yield server


@pytest.fixture
def scheduler(tmp_path, small_replica):
    return Scheduler(tmp_path, small_replica)


def test_two_scheduled_runs_store_every_article_once(scheduler):
    process = scheduler.start("--cron", "*/3 * * * * *")
    wait_for(lambda: len(finished_runs(scheduler)) >= 2, what="two runs")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    runs = finished_runs(scheduler)
    assert [(r["trigger"], r["status"], r["healthy"]) for r in runs[:2]] == [("scheduled", "ok", 1)] * 2
    assert (runs[0]["articles_new"], runs[1]["articles_new"]) == (40, 0)
    site = scheduler.server.site
    assert len(rows(scheduler.db, "articles")) == 40
    assert mismatches(stored_articles(scheduler.db), site.expected_items(scheduler.server.base_url)) == {}
    assert len(list((scheduler.data_dir / "logs").glob("crawl-*.log"))) >= 2
    assert "Scheduler stopped" in scheduler.log()


def test_a_run_that_outlasts_its_interval_makes_the_next_one_skip(scheduler):
    process = scheduler.start("--cron", "* * * * * *", **SLOW)
    wait_for(lambda: "maximum number of running instances reached" in scheduler.log(), what="a skipped run")
    wait_for(lambda: finished_runs(scheduler), what="the first run to end")
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    runs = scheduler.runs()
    for earlier, later in itertools.pairwise(runs):  # one after another, never two at once
        assert later["started_at"] >= earlier["finished_at"]
    assert "no crawl ran" not in scheduler.log()


def test_sigterm_during_a_crawl_leaves_a_consistent_database(scheduler):
    process = scheduler.start("--once", ELECTIONS_DB_BATCH_SIZE="5", **SLOW)
    wait_for(lambda: scheduler.rows("articles"), what="articles being stored")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 1  # not a healthy run: it ended early
    [run] = scheduler.runs()
    assert (run["status"], run["finish_reason"], run["healthy"]) == ("partial", "shutdown", 0)
    assert "ended early (shutdown)" in run["health_problems"]
    with sqlite3.connect(scheduler.db) as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    stored = stored_articles(scheduler.db)
    assert 0 < len(stored) < 40
    expected = scheduler.server.site.expected_items(scheduler.server.base_url)
    assert mismatches(stored, {k: v for k, v in expected.items() if k in stored}) == {}  # nothing half-written
    again = crawl("-a", f"start_url={scheduler.server.start_url}", db=scheduler.db)  # the lock was released
    assert again.returncode == 0
    assert len(rows(scheduler.db, "articles")) == 40


def test_a_manual_crawl_during_a_scheduled_one_is_refused(scheduler):
    process = scheduler.start("--once", **SLOW)
    wait_for(lambda: scheduler.runs(), what="the scheduled crawl to start")
    holder = Path(f"{scheduler.db}.lock").read_text().split()
    manual = crawl("-a", f"start_url={scheduler.server.start_url}", db=scheduler.db)
    assert manual.returncode == 3
    assert f"another crawl holds {scheduler.db}.lock: PID {holder[0]}, started {holder[1]}" in manual.stderr
    assert len(scheduler.runs()) == 1
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


def test_a_lock_left_by_a_killed_crawl_is_taken_over(scheduler):
    Path(f"{scheduler.db}.lock").write_text("999999 2026-01-01T00:00:00+00:00\n")  # nobody holds it
    result = crawl("-a", f"start_url={scheduler.server.start_url}", db=scheduler.db)
    assert result.returncode == 0
    assert "Taking over the lock" in result.stderr and "PID 999999" in result.stderr
    assert len(rows(scheduler.db, "articles")) == 40


def test_a_run_missed_while_the_scheduler_was_down_runs_once(scheduler):
    fire = (datetime.now(ZoneInfo("Asia/Almaty")) + timedelta(seconds=12)).replace(microsecond=0)
    cron = f"{fire.second} {fire.minute} {fire.hour} * * *"  # once a day, in 12 seconds
    first = scheduler.start("--cron", cron)
    jobstore = f"sqlite:///{scheduler.data_dir / 'scheduler.db'}"
    wait_for(
        lambda: scheduler.data_dir.joinpath("scheduler.db").exists() and stored_next_run_time(jobstore),
        seconds=10,
        what="the job to be stored",
    )
    first.kill()  # the machine goes down before the run is due
    assert datetime.now(ZoneInfo("Asia/Almaty")) < fire and stored_next_run_time(jobstore) == fire
    first.wait()
    time.sleep(max(0, (fire - datetime.now(ZoneInfo("Asia/Almaty"))).total_seconds()) + 2)
    assert scheduler.runs() == []

    second = scheduler.start("--cron", cron)  # back up, after the fire time
    wait_for(lambda: finished_runs(scheduler), what="the missed run")
    time.sleep(2)
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=60)
    assert len(scheduler.runs()) == 1
    assert "was missed while the scheduler was down: it runs now" in scheduler.log()
    assert stored_next_run_time(jobstore) > fire  # tomorrow's


def test_an_unknown_layout_makes_an_unhealthy_run_and_an_alert(tmp_path):
    site = ReplicaSite(articles=40, seed=21, defects=dict.fromkeys(range(40), "unknown layout"))
    with ReplicaServer(site) as server:
        scheduler = Scheduler(tmp_path, server)
        alert = tmp_path / "alert.txt"
        process = scheduler.start("--once", "--on-failure", f"cat > {alert}; echo $ELECTIONS_RUN_STATUS >> {alert}")
        assert process.wait(timeout=120) == 1
    [run] = scheduler.runs()
    assert run["healthy"] == 0
    assert "layout drift: 40 of 40 article pages in no known layout" in run["health_problems"]
    assert "40 article pages requested, none stored" in run["health_problems"]
    assert "ERROR: Elections crawl run 1: partial, UNHEALTHY: " in scheduler.log()
    text = alert.read_text()
    assert text.startswith("Elections crawl run 1: partial, UNHEALTHY:") and "layout drift" in text
    assert text.splitlines()[-1] == "partial"
    [crawl_log] = (scheduler.data_dir / "logs").glob("crawl-*.log")
    assert "ERROR: Crawl run 1 is unhealthy: " in crawl_log.read_text()


def test_status_shows_the_runs_and_the_next_one(scheduler):
    scheduler.start("--once").wait(timeout=120)
    result = subprocess.run(
        [
            sys.executable,
            "scheduler.py",
            "status",
            "--data-dir",
            str(scheduler.data_dir),
            "--",
            "-s",
            f"ELECTIONS_DB={scheduler.db}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    lines = result.stdout.splitlines()
    assert lines[0] == f"Last runs ({scheduler.db}):"
    assert lines[2].split()[:7] == ["1", lines[2].split()[1], lines[2].split()[2], "scheduled", "ok", "healthy", "40"]
    assert "Articles: 40 stored, 0 earlier versions, 0 pages pending, 0 given up" in lines
    assert lines[-1] == "Next scheduled run: none (no scheduler has run with this data dir)"


def test_once_exits_as_scrapy_crawl_does_and_alerts_when_not_ok(scheduler, tmp_path):
    alert = tmp_path / "alert.txt"
    on_failure = ("--on-failure", f"echo $ELECTIONS_RUN_STATUS >> {alert}")
    bad = scheduler.start("--once", *on_failure, crawl_arguments=("-a", "max_pages=0"))
    assert bad.wait(timeout=120) == 2
    with CrawlLock(f"{scheduler.db}.lock"):
        locked = scheduler.start("--once", *on_failure)
        assert locked.wait(timeout=120) == 3
    assert scheduler.runs() == []
    assert alert.read_text().splitlines() == ["failed", "failed"]
    assert "no crawl ran: another crawl holds the lock" in scheduler.log()
    ok = scheduler.start("--once", *on_failure)
    assert ok.wait(timeout=120) == 0
    assert alert.read_text().splitlines() == ["failed", "failed"]  # no alert for an ok, healthy run


def test_a_symlink_to_the_database_shares_its_lock(scheduler, tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(scheduler.db)
    with CrawlLock(lock_path(str(scheduler.db))):
        through_link = crawl("-a", f"start_url={scheduler.server.start_url}", db=link)
    assert through_link.returncode == 3 and "another crawl holds" in through_link.stderr


def test_the_weekly_safety_net_walks_the_whole_listing(scheduler):
    assert scheduler.start("--once").wait(timeout=120) == 0
    assert scheduler.start("--once").wait(timeout=120) == 0  # a full walk just happened: a daily run
    assert scheduler.start("--once", "--full-every", "0.000001").wait(timeout=120) == 0  # overdue
    runs = scheduler.runs()
    assert ['"mode": "full"' in r["arguments"] for r in runs] == [False, False, True]
    assert [r["listing_pages"] for r in runs] == [2, 1, 2]
    assert "No run has walked the whole listing since" in scheduler.log()
