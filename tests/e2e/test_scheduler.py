"""scheduler.py over the replica, with seconds-level cron expressions."""

import itertools
import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.archive import archive_location
from crawler.lock import ProcessLock
from crawler.scheduler.service import stored_next_run_time
from replica import ReplicaServer, ReplicaSite
from replica.crawling import (
    LOCAL_SETTINGS,
    ROOT,
    crawl,
    crawl_command,
    mismatches,
    rows,
    setting_options,
    stored_articles,
)
from replica.editions import RUSSIAN
from replica.pages import LISTING_PATH
from tests.checks import damage

SLOW = {"DOWNLOAD_DELAY": "0.25", "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "RANDOMIZE_DOWNLOAD_DELAY": "False"}


class Scheduler:
    """`python scheduler.py ...` in a child process, its output in a file."""

    def __init__(self, tmp_path: Path, server: ReplicaServer):
        self.tmp, self.server = tmp_path, server
        self.db = tmp_path / "elections.db"
        self.data_dir = tmp_path / "data"
        self.output = tmp_path / "scheduler.out"

    def start(
        self, *options: str, crawl_arguments: tuple[str, ...] = (), preexec_fn=None, **settings: str
    ) -> subprocess.Popen:
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
        return subprocess.Popen(command, cwd=ROOT, stdout=self.out, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)

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
    assert "did not start" not in scheduler.log()


def test_sigterm_during_a_crawl_leaves_a_consistent_database_and_pages_nobody(scheduler, tmp_path):
    alert = tmp_path / "alert.txt"
    process = scheduler.start("--once", "--on-failure", f"touch {alert}", ELECTIONS_DB_BATCH_SIZE="5", **SLOW)
    wait_for(lambda: scheduler.rows("articles"), what="articles being stored")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 1  # not an ok run: it was cut short
    [run] = scheduler.runs()
    assert (run["status"], run["finish_reason"], run["healthy"], run["health_problems"]) == (
        "partial",
        "shutdown",
        1,
        None,
    )  # recorded as stopped, and no malfunction
    assert not alert.exists() and "stopped on purpose: no alert" in scheduler.log()
    with sqlite3.connect(scheduler.db) as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    stored = stored_articles(scheduler.db)
    assert 0 < len(stored) < 40
    expected = scheduler.server.site.expected_items(scheduler.server.base_url)
    assert mismatches(stored, {k: v for k, v in expected.items() if k in stored}) == {}  # nothing half-written
    again = crawl("-a", f"start_url={scheduler.server.start_url}", db=scheduler.db)  # the lock was released
    assert again.returncode == 0
    assert len(rows(scheduler.db, "articles")) == 40


def test_a_sigterm_before_the_engine_starts_records_the_run_as_shut_down(small_replica, tmp_path):
    """Scrapy stops without closing a spider that is still opening: the run must not be left
    `running`, to be taken later for a killed, failed one. The signal goes as soon as the
    run's row exists; on a busy machine the engine may start first, so it is tried again
    until one lands before (the log says so), each try checked."""
    for attempt in range(5):
        db = tmp_path / f"elections-{attempt}.db"
        command = crawl_command("-a", f"start_url={small_replica.start_url}", "-L", "INFO", db=db)
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        for line in process.stderr:
            if "Crawl run 1 started" in line:
                process.send_signal(signal.SIGTERM)
                break
        log = process.stderr.read()
        assert process.wait(timeout=60) == 1
        [run] = rows(db, "crawl_runs")
        assert (run["status"], run["finish_reason"], run["healthy"]) == ("partial", "shutdown", 1)
        if "Crawl run 1 was stopped before its engine started" in log:
            break
    else:
        pytest.fail("in five tries, the SIGTERM never came before the engine started")
    assert crawl("-a", f"start_url={small_replica.start_url}", db=db).returncode == 0
    assert len(rows(db, "articles")) == 40


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
    # Stored as the generic extractor reads them (the archive fills), and a human is told.
    assert (run["status"], run["healthy"], run["articles_new"]) == ("ok", 0, 40)
    assert "40 page(s) in an unknown design, stored as read by the generic extractor" in run["health_problems"]
    assert "layout drift: 40 of 40 article pages in no known layout" in run["health_problems"]
    assert "ERROR: Elections crawl run 1: ok, UNHEALTHY: " in scheduler.log()
    text = alert.read_text()
    assert text.startswith("Elections crawl run 1: ok, UNHEALTHY:") and "unknown design" in text
    assert text.splitlines()[-1] == "ok"
    [crawl_log] = (scheduler.data_dir / "logs").glob("crawl-*.log")
    assert "ERROR: Crawl run 1 is unhealthy: " in crawl_log.read_text()


def status(scheduler, *crawl_arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "scheduler.py", "status", "--data-dir", str(scheduler.data_dir)]
    if crawl_arguments:
        command += ["--", *crawl_arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ})


def test_status_tells_the_truth_about_the_scheduler_and_the_archive(scheduler):
    process = scheduler.start("--cron", "0 6 * * 1")  # Mondays at 06:00, as crontab means it
    wait_for(lambda: (scheduler.data_dir / "scheduler.json").exists(), what="the scheduler to start")
    running = status(scheduler)  # no arguments: the archive the running scheduler fills
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    lines = running.stdout.splitlines()
    assert running.returncode == 0, running.stderr
    assert lines[0].startswith(f"Scheduler: running (PID {process.pid}, since ")
    assert lines[1] == "Last scheduled run: none yet"
    next_run = lines[2].removeprefix("Next scheduled run: ")
    moment = datetime.strptime(next_run.removesuffix(" Asia/Almaty"), "%Y-%m-%d %H:%M")
    assert next_run.endswith(" Asia/Almaty") and moment.weekday() == 0 and moment.hour == 6  # a Monday
    assert lines[3] == f"Last runs ({scheduler.db}):"
    assert "started (Asia/Almaty)" in lines[4]

    scheduler.start("--once").wait(timeout=120)  # a manual run: "scheduled" is what the timetable ran
    stopped = status(scheduler).stdout.splitlines()  # still no arguments: the archive it filled
    assert re.fullmatch(r"Scheduler: not running \(stopped 20\d\d-\d\d-\d\d \d\d:\d\d Asia/Almaty\)", stopped[0])
    assert stopped[1] == "Last scheduled run: none yet"
    assert not stopped[2].startswith("Next scheduled run: 20")  # never a time in the past as "next"
    assert stopped[3] == f"Last runs ({scheduler.db}):"
    # id, day, time (the heading names the zone), edition, listing, trigger, status, health, new
    row = stopped[5].split()
    assert row[0] == "1" and row[3:9] == ["en", "given", "manual", "ok", "healthy", "40"]
    assert "Articles: 40 stored, 0 earlier versions, 0 pages pending, 0 given up" in stopped


def test_status_of_a_mistyped_archive_is_an_error_and_creates_nothing(scheduler, tmp_path):
    missing = tmp_path / "no-such.db"
    result = status(scheduler, "-s", f"ELECTIONS_DB={missing}")
    assert result.returncode == 2 and not missing.exists()
    message = f"no archive at {missing} (the scheduler's --data-dir, or -- -s ELECTIONS_DB=...)"
    assert result.stderr.splitlines() == [f"python scheduler.py status: error: {message}"]


def test_once_exits_as_scrapy_crawl_does_and_alerts_when_not_ok(scheduler, tmp_path):
    alert = tmp_path / "alert.txt"
    on_failure = ("--on-failure", f"echo $ELECTIONS_RUN_STATUS >> {alert}")
    bad = scheduler.start("--once", *on_failure, crawl_arguments=("-a", "max_pages=0"))
    assert bad.wait(timeout=120) == 2
    with ProcessLock(f"{scheduler.db}.lock"):
        locked = scheduler.start("--once", *on_failure)
        assert locked.wait(timeout=120) == 3
    assert scheduler.runs() == []
    assert alert.read_text().splitlines() == ["failed", "failed"]
    assert "Elections crawl: another crawl holds the database's lock; this one did not start. Log: " in scheduler.log()
    assert "Elections crawl: the crawl did not run: scrapy crawl elections: error: max_pages must be" in scheduler.log()
    ok = scheduler.start("--once", *on_failure)
    assert ok.wait(timeout=120) == 0
    assert alert.read_text().splitlines() == ["failed", "failed"]  # no alert for an ok, healthy run
    shown = status(scheduler)  # --once shares its archive with status, as the scheduler does
    assert shown.returncode == 0 and f"Last runs ({scheduler.db}):" in shown.stdout.splitlines()


def test_a_symlink_to_the_database_shares_its_lock(scheduler, tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(scheduler.db)
    with ProcessLock(archive_location(scheduler.db).lock_path):
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


@pytest.mark.parametrize("problem", ["not sqlite", "under a file", "damaged"])
def test_an_archive_that_cannot_be_used_ends_in_an_alert_not_a_traceback(scheduler, tmp_path, problem):
    db = scheduler.db
    if problem == "not sqlite":
        scheduler.db.write_text("these are notes, not a database\n")
    elif problem == "damaged":
        assert crawl("-a", f"start_url={scheduler.server.start_url}", db=db).returncode == 0
        damage(db)
    else:
        (tmp_path / "a-file").write_text("x")
        db = tmp_path / "a-file" / "elections.db"
    alert = tmp_path / "alert.txt"
    command = [
        sys.executable,
        "scheduler.py",
        "--once",
        "--data-dir",
        str(scheduler.data_dir),
        "--on-failure",
        f"cat > {alert}",
        "--",
        "-a",
        f"start_url={scheduler.server.start_url}",
        *setting_options(db),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    text = alert.read_text()
    because = {
        "not sqlite": f"the archive {db} is not an SQLite database (file is not a database)",
        "under a file": f"the archive {db} cannot be made: {db.parent} is a file, not a folder",
        "damaged": f"the archive {db} is damaged (SQLite finds it malformed): restore the newest backup",
    }[problem]
    assert text.startswith(f"Elections crawl: {because}")


def disk_full_at(size: int):
    """For a child process: no file it writes grows past `size` bytes. SQLite then fails as on
    a full disk (EFBIG here, ENOSPC there: the same failed write)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def test_a_disk_that_fills_up_during_a_crawl_ends_in_an_alert_and_loses_nothing(tmp_path):
    with ReplicaServer(ReplicaSite(articles=3, seed=21)) as server:
        scheduler = Scheduler(tmp_path, server)
        alert = tmp_path / "alert.txt"
        on_failure = ("--on-failure", f"cat > {alert}")
        assert scheduler.start("--once", *on_failure).wait(timeout=120) == 0
        server.site.publish(60)
        # Room to open the archive and record the run, not to store 60 articles.
        room = max(file.stat().st_size for file in tmp_path.glob("elections.db*")) + 32 * 1024
        assert scheduler.start("--once", *on_failure, preexec_fn=disk_full_at(room)).wait(timeout=120) == 1
        text = alert.read_text()
        assert text.startswith("Elections crawl run 2: failed, UNHEALTHY: the archive could not be written (")
        assert "60 fetched articles and failures were not stored; the next run fetches them again" in text
        assert len(scheduler.rows("articles")) == 3
        assert scheduler.start("--once", *on_failure).wait(timeout=120) == 0
        assert mismatches(stored_articles(scheduler.db), server.site.expected_items(server.base_url)) == {}
        assert [(run["status"], run["articles_new"]) for run in scheduler.runs()] == [
            ("ok", 3),
            ("failed", 0),
            ("ok", 60),
        ]


def test_status_is_not_fooled_by_a_pid_that_another_program_has_taken(scheduler):
    """A scheduler killed outright leaves its PID behind; this test's own process plays the
    program that got the number since."""
    assert scheduler.start("--once").wait(timeout=120) == 0
    state = scheduler.data_dir / "scheduler.json"
    left = {"pid": os.getpid(), "started_at": "2026-11-20T01:00:00+00:00", "cron": "0 6 * * *"}
    state.write_text(json.dumps({**json.loads(state.read_text()), **left}))
    shown = status(scheduler)
    assert shown.returncode == 0
    assert shown.stdout.splitlines()[0] == f"Scheduler: not running (no scheduler with --data-dir {scheduler.data_dir})"


@pytest.mark.parametrize("weekday, name", [("0", "Sunday"), ("7", "Sunday"), ("1", "Monday"), ("sat", "Saturday")])
def test_next_shows_the_weekdays_a_crontab_line_means(weekday, name):
    result = subprocess.run(
        [sys.executable, "scheduler.py", "--next", "2", "--cron", f"0 6 * * {weekday}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and len(lines) == 2
    assert all(re.fullmatch(rf"20\d\d-\d\d-\d\d 06:00 Asia/Almaty \({name}\)", line) for line in lines), lines


def test_once_reports_its_own_run_not_a_reparse_that_ended_meanwhile(scheduler, tmp_path):
    """A reparse finishing during the crawl once hid the crawl's challenge: 'run 3: ok'."""
    site = scheduler.server.site
    site.add_fault("challenge", f"^{site.articles[35].path}$")
    assert crawl("-a", f"start_url={scheduler.server.start_url}", "-a", "max_pages=1", db=scheduler.db).returncode == 0
    alert = tmp_path / "alert.txt"
    process = scheduler.start("--once", "--on-failure", f"cat > {alert}", **SLOW)
    wait_for(lambda: len(scheduler.runs()) == 2, what="the crawl to open its run")
    reparse = subprocess.run(
        [sys.executable, "-m", "scrapy", "reparse", *setting_options(scheduler.db)], cwd=ROOT, capture_output=True
    )
    assert reparse.returncode == 0
    assert process.wait(timeout=120) == 1
    runs = scheduler.runs()
    assert [(run["trigger"], run["status"]) for run in runs] == [
        ("manual", "ok"),
        ("manual", "partial"),
        ("reparse", "ok"),
    ]
    assert alert.read_text().startswith("Elections crawl run 2: partial, UNHEALTHY: the site blocked the crawler")


def test_a_refused_once_leaves_the_live_crawls_run_alone(scheduler):
    manual = subprocess.Popen(
        crawl_command("-a", f"start_url={scheduler.server.start_url}", db=scheduler.db, **SLOW),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: scheduler.runs(), what="the manual crawl to open its run")
    assert scheduler.start("--once").wait(timeout=120) == 3
    assert [run["status"] for run in scheduler.runs()] == ["running"]  # not marked killed
    assert manual.wait(timeout=120) == 0
    assert [run["status"] for run in scheduler.runs()] == ["ok"]


def test_a_second_scheduler_on_one_data_folder_is_refused(scheduler):
    first = scheduler.start("--cron", "0 6 * * *")
    state = scheduler.data_dir / "scheduler.json"
    wait_for(lambda: state.exists() and json.loads(state.read_text()).get("pid") == first.pid, what="the first")
    second = scheduler.start("--cron", "0 6 * * *")
    assert second.wait(timeout=60) == 3
    assert first.poll() is None
    assert (
        f"python scheduler.py: error: another scheduler holds {scheduler.data_dir / 'scheduler.lock'}: "
        f"PID {first.pid}, started "
    ) in scheduler.log()
    assert json.loads(state.read_text())["pid"] == first.pid  # status still names the one running
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=60) == 0


def test_a_run_that_ends_after_its_scheduler_was_killed_is_reported_at_the_next_start(scheduler, tmp_path):
    site = scheduler.server.site
    for article in site.articles[:6]:
        site.fail(article, 503)  # 6 of 40 fail (not gone: a 404 would be the site's doing): an unhealthy run
    alert = tmp_path / "alert.txt"
    on_failure = ("--on-failure", f"cat >> {alert}")
    first = scheduler.start("--cron", "*/2 * * * * *", *on_failure, **SLOW)
    wait_for(lambda: scheduler.runs(), what="the scheduled crawl to start")
    first.kill()  # out of memory, say: its crawl goes on, with nobody to report it
    first.wait()
    wait_for(lambda: finished_runs(scheduler), seconds=120, what="the orphaned crawl to end")
    assert not alert.exists()
    second = scheduler.start("--cron", "0 6 * * *", *on_failure)
    wait_for(lambda: "Run 1 ended while no scheduler watched it: reporting it now" in scheduler.log(), what="it")
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 0
    assert alert.read_text().startswith("Elections crawl run 1: partial, UNHEALTHY: error rate: 6 of 40")
    third = scheduler.start("--cron", "0 6 * * *", *on_failure)  # reported once, not at every start
    wait_for(lambda: scheduler.log().count("Scheduler started: cron") == 3, what="the third start")
    time.sleep(1)
    third.send_signal(signal.SIGTERM)
    third.wait(timeout=60)
    assert alert.read_text().count("Elections crawl run 1:") == 1


def test_status_check_exits_as_monitoring_needs(scheduler):
    process = scheduler.start("--cron", "*/2 * * * * *")
    wait_for(lambda: finished_runs(scheduler), what="a scheduled run")
    checked = subprocess.run(
        [sys.executable, "scheduler.py", "status", "--check", "--data-dir", str(scheduler.data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    assert (checked.returncode, checked.stdout.splitlines()[-1]) == (0, "Check: all well")
    stopped = subprocess.run(
        [sys.executable, "scheduler.py", "status", "--check", "--data-dir", str(scheduler.data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert stopped.returncode == 1 and stopped.stdout.splitlines()[-1].startswith("Check: no scheduler is running")
    assert status(scheduler).returncode == 0  # without --check, status only shows


def test_an_on_failure_command_that_hangs_is_stopped_with_what_it_started(scheduler, tmp_path):
    pid_file = tmp_path / "alert.pid"
    hanging = f"sleep 300 & echo $! > {pid_file}; wait"
    process = scheduler.start(
        "--once", "--on-failure", hanging, "--alert-timeout", "2", crawl_arguments=("-a", "max_pages=0")
    )
    assert process.wait(timeout=60) == 2
    child = int(pid_file.read_text())
    time.sleep(0.5)
    assert not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text().lower()
    assert "did not finish within 2 s, and was stopped with everything it started" in scheduler.log()


def test_the_scheduler_reads_every_form_of_scrapys_set_option(small_replica, tmp_path):
    db = tmp_path / "elsewhere.db"
    data = tmp_path / "data"
    command = [
        sys.executable,
        "scheduler.py",
        "--once",
        "--data-dir",
        str(data),
        "--",
        "-a",
        f"start_url={small_replica.start_url}",
        f"--set=ELECTIONS_DB={db}",  # Scrapy's long form, in one word
        *[f"-s{name}={value}" for name, value in LOCAL_SETTINGS.items()],  # and its short one
    ]
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=120).returncode == 0
    assert len(rows(db, "articles")) == 40
    shown = subprocess.run(
        [sys.executable, "scheduler.py", "status", "--data-dir", str(data)], cwd=ROOT, capture_output=True, text=True
    )
    assert f"Last runs ({db}):" in shown.stdout  # the archive the run filled, read back


def editions_command(server: ReplicaServer, russian: ReplicaSite, db: Path, data_dir: Path, alert: str) -> list[str]:
    """`scheduler.py --once --editions en,ru` over the replica, `alert` its --on-failure command."""
    urls = json.dumps({"ru": server.edition_url(russian) + "/"})
    return [
        sys.executable,
        "scheduler.py",
        "--once",
        "--editions",
        "en,ru",
        "--data-dir",
        str(data_dir),
        "--on-failure",
        alert,
        "--",
        *setting_options(db, ELECTIONS_SITE_URL=server.home_url, ELECTIONS_SITE_URLS=urls),
    ]


def once_with_both_editions(english: ReplicaSite, russian: ReplicaSite, tmp_path: Path) -> tuple:
    """`--once --editions en,ru` over the two; its alert writes what it is given on its
    standard input, then in $ELECTIONS_RUN_SUMMARY. (the result, the archive, the alert's
    file, the replica's host)"""
    db, data_dir, alert = tmp_path / "elections.db", tmp_path / "data", tmp_path / "alert.txt"
    on_failure = f'cat >> {alert}; printf "%s\\n" "$ELECTIONS_RUN_SUMMARY" >> {alert}'
    with ReplicaServer(english, editions=(russian,)) as server:
        command = editions_command(server, russian, db, data_dir, on_failure)
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return result, db, alert, server.base_url.removeprefix("http://")


def test_once_with_editions_crawls_each_in_turn_a_run_and_an_alert_each(tmp_path):
    """`scheduler.py --once --editions en,ru`: one run per edition, one after another; the
    exit code is 0 only when both were ok and healthy, and the alert names the edition."""
    english, russian = ReplicaSite(articles=30, seed=41), ReplicaSite(articles=25, seed=42, edition=RUSSIAN)
    db, data_dir, alert = tmp_path / "elections.db", tmp_path / "data", tmp_path / "alert.txt"
    with ReplicaServer(english, editions=(russian,)) as server:
        command = editions_command(server, russian, db, data_dir, f"cat >> {alert}")
        first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert first.returncode == 0, first.stderr[-3000:]
        assert [(run["edition"], run["status"], run["healthy"]) for run in rows(db, "crawl_runs")] == [
            ("en", "ok", 1),
            ("ru", "ok", 1),
        ]
        runs = rows(db, "crawl_runs")
        assert datetime.fromisoformat(runs[0]["finished_at"]) <= datetime.fromisoformat(runs[1]["started_at"])
        expected = {**english.expected_items(server.base_url), **russian.expected_items(server.edition_url(russian))}
        assert mismatches(stored_articles(db), expected) == {}
        assert sorted(path.name.rsplit("-", 1)[1] for path in (data_dir / "logs").glob("crawl-*.log")) == [
            "en.log",
            "ru.log",
        ]
        assert not alert.exists()

        russian.add_fault("status", f"^{LISTING_PATH}", 503)  # the Russian section's listing fails
        english.publish(2)
        second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert second.returncode == 1, second.stderr[-3000:]
    runs = rows(db, "crawl_runs")[2:]
    assert [(run["edition"], run["healthy"], run["articles_new"]) for run in runs] == [("en", 1, 2), ("ru", 0, 0)]
    assert alert.read_text().startswith(f"Elections crawl run {runs[1]['id']} (ru edition): ")
    assert alert.read_text().count("Elections crawl run") == 1  # the healthy English run alerts nobody


def test_a_nul_byte_from_the_site_still_alerts_and_the_next_edition_is_still_crawled(tmp_path):
    """Issue 29: a NUL in a listing redirect's Location reached the run's summary; Popen refused
    the alert's environment, the job died with a traceback, and the ru edition was never crawled."""
    english, russian = ReplicaSite(articles=20, seed=43), ReplicaSite(articles=15, seed=44, edition=RUSSIAN)
    english.add_fault("redirect", f"^{LISTING_PATH}$", "file:///srv/\x00listing")  # page 1 of the listing
    result, db, alert, _ = once_with_both_editions(english, russian, tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    runs = rows(db, "crawl_runs")
    assert [(run["edition"], run["healthy"]) for run in runs] == [("en", 0), ("ru", 1)]
    assert "\x00" not in runs[0]["health_problems"] and "file:///srv/" in runs[0]["health_problems"]
    said = alert.read_text().splitlines()
    assert len(said) == 2 and all(line.startswith(f"Elections crawl run {runs[0]['id']}: ") for line in said)
    assert len({a.path for a in russian.articles} & set(russian.requests)) == 15  # crawled, every article


def test_a_bot_challenge_stops_every_edition_on_its_host_with_one_alert(tmp_path):
    """Issue 29: one challenge gave two statuses and two alerts, and the next edition's requests
    went to the host that had just challenged the crawler."""
    english, russian = ReplicaSite(articles=20, seed=45), ReplicaSite(articles=15, seed=46, edition=RUSSIAN)
    english.add_fault("challenge", "^/")  # every page of the host, robots.txt and the home page first
    result, db, alert, host = once_with_both_editions(english, russian, tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert [(run["edition"], run["healthy"]) for run in rows(db, "crawl_runs")] == [("en", 0)]
    assert sum(russian.requests.values()) == 0  # not one request to a host that challenged us
    said = alert.read_text()
    assert said.count("Elections crawl run") == 2  # one alert: its standard input and its summary
    assert f"The site challenged the crawler at {host}: not crawled in this run, on that host: ru." in said


@pytest.mark.parametrize("holder_form", ["path", "url"])
def test_a_crawl_given_the_archive_as_a_url_and_one_given_its_path_refuse_each_other(replica, tmp_path, holder_form):
    """Issue 29: `scrapy crawl` built its lock from the setting's text: ELECTIONS_DB=sqlite:///…
    locked `<cwd>/sqlite:/…/x.db.lock`, and two crawls of one archive wrote it at once."""
    db = tmp_path / "elections.db"
    forms = {"path": str(db), "url": f"sqlite:///{db}"}
    other_form = "url" if holder_form == "path" else "path"
    first = subprocess.Popen(
        crawl_command("-a", f"start_url={replica.start_url}", db=db, ELECTIONS_DB=forms[holder_form], **SLOW),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        lock = Path(f"{db}.lock")
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        second = crawl("-a", f"start_url={replica.start_url}", db=db, ELECTIONS_DB=forms[other_form])
        assert first.poll() is None, "the first crawl ended before the second was tried"
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=120)
    assert second.returncode == 3, second.stderr[-2000:]
    assert f"another crawl holds {db}.lock" in second.stderr
    assert not (ROOT / "sqlite:").exists()
