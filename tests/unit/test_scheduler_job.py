"""The scheduler's command line, `status`, and the job around each crawl, in this process: an
archive and a state file built here, and for a crawl only what refuses its arguments at once
(the crawls themselves run in tests/e2e/test_scheduler.py)."""

import json
import sys
import time
from pathlib import Path

import pytest

from crawler.archive import PROJECT_ROOT, open_archive
from crawler.scheduler.job import (
    JobOptions,
    alert_safe,
    database_path,
    finished_run,
    own_run_id,
    report,
    report_changes,
    report_unreported,
    run_alert,
    run_crawl,
    supervise,
)
from crawler.scheduler.options import argument_parser
from crawler.scheduler.service import main
from crawler.scheduler.status_file import REPORTED_RUN, record_state, scheduler_state
from tests.checks import damage

RUN = {
    "started_at": "2026-11-30T01:00:00+00:00",
    "finished_at": "2026-11-30T01:04:10+00:00",
    "edition": "en",
    "trigger": "scheduled",
    "status": "ok",
    "healthy": 1,
    "articles_new": 5,
    "articles_updated": 1,
    "articles_pending": 0,
    "articles_dropped": 0,
    "walk_missed": 2,
    "listing_found_by": "menu",
}


def archive_with_runs(path: Path, *runs: dict) -> Path:
    with open_archive(path) as archive, archive.transaction():
        for run in runs:
            archive.start_run({**RUN, **run})
    return path


def test_status_shows_the_last_runs_in_the_zone_and_check_fails_without_a_scheduler(tmp_path, capsys):
    db = archive_with_runs(
        tmp_path / "elections.db", {}, {"status": "failed", "healthy": 0, "health_problems": "no listing page read"}
    )
    arguments = ["status", "--data-dir", str(tmp_path / "data"), "--", "-s", f"ELECTIONS_DB={db}"]
    assert main(arguments) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        f"Scheduler: not running (no scheduler with --data-dir {tmp_path / 'data'})",
        "Last scheduled run: 2026-11-30 06:00 Asia/Almaty",
        "Next scheduled run: none (no scheduler is running with this data dir)",
    ]
    assert lines[3] == f"Last runs ({db}):"
    assert lines[5].split()[:14] == [
        "2",
        "2026-11-30",
        "06:00",
        "en",
        "menu",  # where it found its listing: a door, given, the all-news feed
        "scheduled",
        "failed",
        "UNHEALTHY",
        "5",
        "1",
        "0",
        "0",
        "0",
        "2",
    ]
    assert lines[5].endswith(" 4 min") and lines[6].strip() == "no listing page read"
    assert lines[-1] == "Articles: 0 stored, 0 earlier versions, 0 pages pending, 0 given up"
    assert main([*arguments[:1], "--check", *arguments[1:]]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == ("Check: no scheduler is running; the last scheduled run (2) was failed, UNHEALTHY")


def test_status_reads_the_archive_the_state_file_names_in_its_zone(tmp_path, capsys):
    data_dir = tmp_path / "data"
    record_state(data_dir, db=str(tmp_path / "not-yet.db"), timezone="UTC", stopped_at="2026-11-30T08:00:00+00:00")
    assert main(["status", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Scheduler: not running (stopped 2026-11-30 08:00 UTC)"
    assert out[-1] == f"Articles: none yet ({tmp_path / 'not-yet.db'} is made by the first run)"


def test_status_of_a_damaged_archive_is_one_line(tmp_path, capsys):
    db = archive_with_runs(tmp_path / "elections.db", *[{}] * 50)
    damage(db)
    assert main(["status", "--data-dir", str(tmp_path / "data"), "--", "-s", f"ELECTIONS_DB={db}"]) in (1, 2)
    err = capsys.readouterr().err
    assert err.startswith(f"python scheduler.py status: error: the archive {db} is ") and err.count("\n") == 1


def test_next_prints_the_fire_times_with_their_weekdays(tmp_path, capsys):
    assert main(["--next", "3", "--cron", "0 6 * * 1", "--data-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.endswith("06:00 Asia/Almaty (Monday)") for line in lines)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (["--cron", "0 6 * * 1-5/2"], "day of week '1-5/2': steps are not supported; list the days, e.g. mon,wed,fri"),
        (["--cron", "0 6 * * 9"], "day of week '9': crontab numbers run 0-7 (0 and 7 are Sunday); or write mon-sun"),
        (["--timezone", "Mars/Olympus"], "no such time zone (examples: Asia/Almaty, UTC, Europe/Berlin)"),
        (["--cron", "0 0 30 2 *"], "--cron '0 0 30 2 *' never fires (no such day): no run would ever start"),
    ],
)
def test_a_timetable_that_cannot_be_meant_is_refused_in_one_line(tmp_path, capsys, options, error):
    assert main([*options, "--next", "1", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python scheduler.py: error: ") and err.rstrip().endswith(error) and err.count("\n") == 1


def test_a_crawl_that_refuses_its_arguments_is_reported_and_alerted(tmp_path):
    alert = tmp_path / "alert.txt"
    options = JobOptions(
        crawl_arguments=("-a", "mode=bogus", "-s", f"ELECTIONS_DB={tmp_path / 'elections.db'}"),
        log_dir=str(tmp_path / "logs"),
        on_failure=f'cat > {alert}; echo "$ELECTIONS_RUN_STATUS" >> {alert}',
        trigger="manual",
    )
    assert run_crawl(options) == 2
    [log] = (tmp_path / "logs").iterdir()
    assert alert.read_text() == (
        "Elections crawl: the crawl did not run: scrapy crawl elections: error: mode must be one of incremental, "
        f"full, got 'bogus'. Log: {log}\nfailed\n"
    )
    assert not (tmp_path / "elections.db").exists()  # a bad argument stops before anything is written


def test_a_crawl_that_outlasts_its_timeout_and_ignores_the_stop_is_killed(tmp_path):
    ignores_sigterm = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(30)"
    )
    started = time.monotonic()
    with open(tmp_path / "crawl.log", "w") as log:
        code, deliberate = supervise([sys.executable, "-c", ignores_sigterm], log, JobOptions(timeout=0.2, grace=0.4))
    assert (code, deliberate) == (-9, False) and time.monotonic() - started < 10


def test_a_run_the_crawl_left_open_is_closed_as_killed_by_its_job(tmp_path):
    db = archive_with_runs(tmp_path / "elections.db", {"status": "running", "finished_at": None})
    run_id_file = tmp_path / "crawl.run"
    run_id_file.write_text("1\n")
    assert own_run_id(run_id_file) == 1 and not run_id_file.exists()
    assert own_run_id(run_id_file) is None
    run = finished_run(str(db), 1, -9, tmp_path / "crawl.log")
    assert (run["status"], run["finish_reason"], run["healthy"]) == ("failed", "killed", 0)
    assert run["health_problems"] == "the crawl was killed (exit code -9)"
    assert finished_run(str(db), 7, 1, tmp_path / "crawl.log")["health_problems"] == f"run 7 is missing from {db}"


def test_runs_that_ended_while_no_scheduler_watched_are_reported_once(tmp_path):
    db = archive_with_runs(
        tmp_path / "elections.db",
        {},
        {"status": "failed", "healthy": 0, "health_problems": "the crawl was killed"},
        {"status": "running", "finished_at": None},
    )
    data_dir, alert = tmp_path / "data", tmp_path / "alerts.txt"
    options = JobOptions(
        crawl_arguments=("-s", f"ELECTIONS_DB={db}"), data_dir=str(data_dir), on_failure=f"cat >> {alert}"
    )
    report_unreported(options)  # the first start: notes where the archive stands, alerts nobody
    assert not alert.exists() and scheduler_state(data_dir)[REPORTED_RUN] == 2
    record_state(data_dir, **{REPORTED_RUN: 0})
    report_unreported(options)
    assert alert.read_text() == (
        "Elections crawl run 2: failed, UNHEALTHY: the crawl was killed. "
        "new 5, updated 1, unchanged 0, pending 0, dropped 0.\n"
    )
    assert json.loads((data_dir / "scheduler.json").read_text())[REPORTED_RUN] == 2  # the running one waits


def test_an_alert_that_hangs_is_stopped_with_everything_it_started(tmp_path):
    started = time.monotonic()
    assert run_alert(f"sleep 30 & echo $! > {tmp_path / 'child'}; wait", "summary", {}, timeout=0.3) is None
    assert time.monotonic() - started < 10
    child = Path(f"/proc/{int((tmp_path / 'child').read_text())}")
    deadline = time.monotonic() + 5  # a SIGKILL lands when the child is next scheduled
    while child.exists() and "zombie" not in (child / "status").read_text().lower() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not child.exists() or "zombie" in (child / "status").read_text().lower()
    assert run_alert("exit 3", "summary", {}, timeout=5) == 3


def test_an_alert_is_sent_whatever_bytes_the_site_put_in_its_summary(tmp_path):
    """Issue 29: a NUL from a redirect's Location reached the summary, and Popen refused the
    alert's environment (embedded null byte): no alert, a traceback, and no next edition."""
    heard = tmp_path / "heard.txt"
    options = JobOptions(on_failure=f'cat > {heard}; printf "%s" "$ELECTIONS_RUN_SUMMARY" >> {heard}')
    run = {**RUN, "id": 4, "status": "failed", "healthy": 0}
    text = "Elections crawl run 4: failed, UNHEALTHY: to file:///a\x00b\udfff\nc."
    report(run, text, options, code=1)
    said = heard.read_text()
    line = "Elections crawl run 4: failed, UNHEALTHY: to file:///a\\x00b\\udfff\\nc."
    assert said == f"{line}\n{line}"  # its standard input, then its environment
    assert alert_safe("tab\tstays, ünïcode too") == "tab\tstays, ünïcode too"


def test_the_scheduler_keeps_its_data_at_the_projects_root_wherever_it_is_started(tmp_path, monkeypatch):
    """Issue 29: its data folder was crawler/data/, beside the package, not data/ at the root
    that --help, docs/operations.md and the systemd recipe name; relative paths followed."""
    monkeypatch.chdir(tmp_path)
    assert (PROJECT_ROOT / "scrapy.cfg").is_file()
    assert argument_parser().parse_args([]).data_dir == str(PROJECT_ROOT / "data")
    assert JobOptions().log_dir == str(PROJECT_ROOT / "data" / "logs")
    assert database_path(("-s", "ELECTIONS_DB=data/x.db")) == str(PROJECT_ROOT / "data" / "x.db")
    assert database_path(("-s", "ELECTIONS_DB=sqlite:///data/x.db")) == str(PROJECT_ROOT / "data" / "x.db")
    assert "data/*" in (PROJECT_ROOT / ".gitignore").read_text().splitlines()  # what it writes is ignored
    assert main(["--next", "1", "--data-dir", "data"]) == 0  # the root's data/, not the working folder's
    assert not (tmp_path / "data").exists()


def test_a_run_that_found_edits_or_removals_runs_the_on_change_command_with_counts_only(tmp_path):
    heard = tmp_path / "heard.txt"
    command = (
        f'cat > {heard}; echo "$ELECTIONS_RUN_ID $ELECTIONS_EDITED $ELECTIONS_REMOVED $ELECTIONS_RESTORED" >> {heard}'
    )
    options = JobOptions(on_change=command)
    run = {**RUN, "id": 9, "title": "never shown", "articles_updated": 2, "removed": 1, "restored": 0, "minor_edits": 4}
    report_changes(run, options)
    assert heard.read_text() == (
        "Elections crawl run 9 found 2 edited, 1 removed, 0 restored, 4 minor edits "
        "(recent_changes in the archive says which)\n9 2 1 0\n"
    )
    heard.unlink()
    report_changes({**run, "articles_updated": 0, "removed": 0}, options)  # minor edits alone page nobody
    assert not heard.exists()


def test_status_checks_the_last_scheduled_run_of_each_edition(tmp_path, capsys):
    """A healthy English run after an unhealthy Russian one does not hide it."""
    db = archive_with_runs(
        tmp_path / "elections.db",
        {"edition": "ru", "status": "partial", "healthy": 0, "health_problems": "no listing page read"},
        {"edition": "en"},
    )
    arguments = ["status", "--check", "--data-dir", str(tmp_path / "data"), "--", "-s", f"ELECTIONS_DB={db}"]
    assert main(arguments) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[3] for line in lines[5:7]] == ["en", "ru"]
    assert lines[-1] == (
        "Check: no scheduler is running; the last scheduled run of the ru edition (1) was partial, UNHEALTHY"
    )


def test_editions_are_refused_before_anything_runs_unless_the_crawl_knows_them(tmp_path, capsys):
    data_dir = tmp_path / "data"
    assert main(["--once", "--editions", "en,fr", "--data-dir", str(data_dir)]) == 2
    assert capsys.readouterr().err == "python scheduler.py: error: --editions 'en,fr': each must be one of en, ru, kk\n"
    assert main(["--once", "--editions", "ru", "--data-dir", str(data_dir), "--", "-a", "edition=kk"]) == 2
    assert "both choose the edition" in capsys.readouterr().err
    assert not (data_dir / "logs").exists()


def test_status_shows_what_each_run_rechecked_found_removed_and_back_and_robots_txt_excluded(tmp_path, capsys):
    counters = json.dumps({"elections/robots_excluded": 3})
    db = archive_with_runs(
        tmp_path / "elections.db", {"rechecked": 12, "removed": 2, "restored": 1, "counters": counters}
    )
    assert main(["status", "--data-dir", str(tmp_path / "data"), "--", "-s", f"ELECTIONS_DB={db}"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[4].split()[-6:] == ["excluded", "missed", "checked", "removed", "back", "duration"]
    assert lines[5].split()[12:17] == ["3", "2", "12", "2", "1"]


def test_the_job_reads_the_edition_its_crawl_takes():
    from crawler.scheduler.job import crawl_edition

    assert crawl_edition(()) == "en"
    assert crawl_edition(("-s", "ELECTIONS_EDITION=kk")) == "kk"
    assert crawl_edition(("-s", "ELECTIONS_EDITION=kk", "-a", "edition=ru", "-a", "max_pages=2")) == "ru"
