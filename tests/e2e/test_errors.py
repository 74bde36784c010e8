"""Every mistake at the command line ends in one line that says what is wrong, and a non-zero
exit, before anything is fetched or written; Scrapy's own tools leave the archive alone."""

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.items import EXPORTED_FIELDS
from replica.crawling import ROOT, crawl, rows, setting_options
from tests.checks import damage


def run(*command: str, **settings: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("problem", ["under a file", "not sqlite", "a folder"])
def test_a_database_path_that_cannot_be_used_is_one_line(replica, tmp_path, problem):
    (tmp_path / "a-file").write_text("these are notes, not a database\n")
    db = {
        "under a file": tmp_path / "a-file" / "elections.db",
        "not sqlite": tmp_path / "a-file",
        "a folder": tmp_path,
    }[problem]
    before = sum(replica.site.requests.values())
    result = crawl("-a", f"start_url={replica.start_url}", db=db)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"scrapy crawl elections: error: the archive {db} ")
    assert sum(replica.site.requests.values()) == before


def test_a_bad_argument_is_truly_one_line(replica, tmp_path):
    result = crawl("-a", f"start_url={replica.start_url}", "-a", "since=someday", db=tmp_path / "x.db")
    assert (result.returncode, result.stderr.splitlines()) == (
        2,
        ["scrapy crawl elections: error: since must be a date written YYYY-MM-DD, got 'someday'"],
    )


@pytest.mark.parametrize(
    "options, message",
    [
        (["--timezone", "Asia/Almat"], "no such time zone (examples: Asia/Almaty, UTC, Europe/Berlin)"),
        (["--cron", "0 6 * * 8"], "crontab numbers run 0-7 (0 and 7 are Sunday); or write mon-sun"),
        (["--cron", "0 6 * *"], "Wrong number of fields"),
        (["--cron", "0 0 30 2 *"], "never fires (no such day): no run would ever start"),
        (["--cron", "0 6 * * 1-5/2"], "steps are not supported; list the days, e.g. mon,wed,fri"),
        (["--cron", "0 6 * * mon-fri/2"], "steps are not supported"),  # APScheduler dropped the step
    ],
)
def test_a_bad_schedule_is_one_line(options, message):
    result = run("scheduler.py", "--next", "1", *options)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("python scheduler.py: error: --cron ") and message in line


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--next", "0"], "--next N prints the next N fire times: N must be at least 1, got 0"),
        (["--next", "-3"], "--next N prints the next N fire times: N must be at least 1, got -3"),
        (["--once", "--data-dir", "/proc/x"], "--data-dir /proc/x cannot be used ("),
    ],
)
def test_a_bad_scheduler_argument_starts_nothing_and_is_one_line(arguments, message):
    result = run("scheduler.py", *arguments)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"python scheduler.py: error: {message}")


@pytest.mark.parametrize("damaged", ["scheduler.json", "scheduler.db"])
def test_status_beside_a_garbage_state_file_or_job_store_is_no_traceback(replica, tmp_path, damaged):
    db = tmp_path / "elections.db"
    assert crawl("-a", f"start_url={replica.start_url}", "-a", "max_pages=1", db=db).returncode == 0
    data = tmp_path / "data"
    data.mkdir()
    (data / damaged).write_bytes(b"\x00garbage, not what the scheduler wrote\xff" * 100)
    result = run("scheduler.py", "status", "--data-dir", str(data), "--", "-s", f"ELECTIONS_DB={db}")
    assert "Traceback" not in result.stderr
    if damaged == "scheduler.json":  # no state: as before a first start
        assert result.returncode == 0 and "Articles: 20 stored" in result.stdout
    else:
        assert result.returncode == 2
        [line] = result.stderr.splitlines()
        assert line.startswith(f"python scheduler.py: error: the job store {data / 'scheduler.db'} cannot be read (")


def test_status_into_a_closed_pipe_is_no_traceback(replica, tmp_path):
    db = tmp_path / "elections.db"
    assert crawl("-a", f"start_url={replica.start_url}", "-a", "max_pages=1", db=db).returncode == 0
    command = f"{sys.executable} scheduler.py status --data-dir {tmp_path / 'data'} -- -s ELECTIONS_DB={db} | head -1"
    result = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("Scheduler: not running") and result.stderr == ""


def test_the_next_fire_times_across_a_dst_change_are_real_wall_times():
    result = run("scheduler.py", "--next", "400", "--cron", "30 2 * * *", "--timezone", "Europe/Berlin")
    assert result.returncode == 0
    # On the last Sunday of March Berlin's clocks go from 02:00 to 03:00: 02:30 does not exist.
    skipped = [line for line in result.stdout.splitlines() if line.endswith("(Sunday)") and "-03-2" in line]
    assert not [line for line in result.stdout.splitlines() if " 02:30 " not in line and " 03:30 " not in line]
    assert any(" 03:30 " in line for line in skipped), skipped


def test_explore_on_a_broken_database_is_one_line(tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_text("not a database")
    result = run("explore/serve.py", str(broken))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"make explore: error: the archive {broken} is not an SQLite database (file is not a database)"
    ]


def test_explore_on_a_file_with_no_archive_in_it_refuses_in_one_line_and_writes_nothing(tmp_path):
    """Issue 33: a mistyped `sqlite-utils search data/elections.db …` left an empty file there,
    and make explore served it (made it an empty archive) without a word."""
    empty = tmp_path / "elections.db"
    empty.touch()
    result = run("explore/serve.py", str(empty))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"make explore: error: {empty} holds no archive (no articles table): run make crawl, "
        "or make demo and then make explore DB=data/demo.db"
    ]
    assert empty.stat().st_size == 0  # left as it was


def test_scrapy_parse_reads_an_article_and_leaves_the_archive_alone(replica, tmp_path):
    db = tmp_path / "elections.db"
    article = replica.site.articles[2]
    result = run(
        "-m",
        "scrapy",
        "parse",
        replica.base_url + article.path,
        "--spider",
        "elections",
        *setting_options(db, ELECTIONS_SITE_URL=replica.home_url),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"'article_id': '{article.article_id}'" in result.stdout and "'section': 'Elections'" in result.stdout
    assert "raw_page" not in result.stdout and "\\x" not in result.stdout  # once its compressed bytes, printed
    assert not db.exists()


def test_a_feed_export_has_every_field_in_every_row(replica, tmp_path):
    feed = tmp_path / "items.jsonl"
    result = crawl("-a", f"start_url={replica.start_url}", "-a", "max_pages=1", "-O", str(feed), db=tmp_path / "x.db")
    assert result.returncode == 0, result.stderr[-2000:]
    exported = [json.loads(line) for line in feed.read_text().splitlines()]
    assert len(exported) == 20 and all(list(item) == EXPORTED_FIELDS for item in exported)
    assert any(item["author"] is None for item in exported)  # null where the page has none


def test_a_backup_works_every_day_and_during_a_crawl(replica, tmp_path):
    db = tmp_path / "elections.db"
    assert crawl("-a", f"start_url={replica.start_url}", "-a", "max_pages=1", db=db).returncode == 0
    writer = sqlite3.connect(db)
    writer.execute("begin immediate")  # a crawl writing meanwhile
    for _ in range(2):  # today's backup, then again: it replaces today's
        result = run("-m", "scrapy", "backup", str(tmp_path / "backups"), *setting_options(db))
        assert result.returncode == 0, result.stderr
    writer.rollback()
    writer.close()
    target = tmp_path / "backups" / f"elections-{datetime.now(UTC):%Y-%m-%d}.db"
    assert result.stdout.startswith(f"backup: {db} copied to {target} (")
    assert len(rows(target, "articles")) == 20
    assert run("-m", "scrapy", "backup", *setting_options(tmp_path / "none.db")).returncode == 2


@pytest.mark.parametrize("folder", ["run #2", "what?", "50%25 done"])
def test_a_backup_and_status_of_an_archive_whose_path_holds_uri_characters(replica, tmp_path, folder):
    """SQLite's URIs once cut such a path at '#' or '?' and opened a new, empty file there."""
    db = tmp_path / folder / "elections.db"
    assert crawl("-a", f"start_url={replica.start_url}", "-a", "max_pages=1", db=db).returncode == 0
    result = run("-m", "scrapy", "backup", str(tmp_path / "backups"), *setting_options(db))
    assert result.returncode == 0, result.stderr
    [backup] = (tmp_path / "backups").iterdir()
    assert len(rows(backup, "articles")) == 20
    shown = run("scheduler.py", "status", "--", "-s", f"ELECTIONS_DB={db}")
    assert shown.returncode == 0, shown.stderr
    assert "Articles: 20 stored" in shown.stdout
    assert {path.name for path in tmp_path.iterdir()} == {folder, "backups"}  # no stray file beside them


@pytest.fixture(scope="module")
def damaged(tmp_path_factory, replica) -> Path:
    """A crawled archive, damaged (tests.checks.damage)."""
    db = tmp_path_factory.mktemp("damaged") / "elections.db"
    assert crawl("-a", f"start_url={replica.start_url}", "-a", "max_pages=2", db=db).returncode == 0
    damage(db)
    return db


@pytest.mark.parametrize(
    "command, exit_code",
    [
        (["-m", "scrapy", "reparse"], 1),
        (["-m", "scrapy", "export_warc", "OUT"], 1),
        (["-m", "scrapy", "backup", "BACKUPS"], 2),
        (["scheduler.py", "status", "--"], 1),
        (["explore/serve.py", "DB"], 1),
    ],
    ids=["reparse", "export_warc", "backup", "status", "explore"],
)
def test_a_damaged_archive_is_one_line_that_says_so(damaged, tmp_path, command, exit_code):
    paths = {"DB": damaged, "OUT": tmp_path / "out.warc.gz", "BACKUPS": tmp_path / "backups"}
    arguments = [str(paths.get(argument, argument)) for argument in command]
    if "explore" not in command[0]:
        arguments += ["-s", f"ELECTIONS_DB={damaged}"]
    result = run(*arguments)
    assert result.returncode == exit_code
    [line] = result.stderr.splitlines()
    assert line.endswith(
        f"error: the archive {damaged} is damaged (SQLite finds it malformed): "
        "restore the newest backup (docs/operations.md, Backups)"
    )


def test_a_crawl_on_a_damaged_archive_stops_before_fetching_and_says_so(damaged, replica):
    before = sum(replica.site.requests.values())
    result = crawl("-a", f"start_url={replica.start_url}", db=damaged)
    assert result.returncode == 1
    [error] = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert error.endswith(
        f"the archive {damaged} is damaged (SQLite finds it malformed): "
        "restore the newest backup (docs/operations.md, Backups): the crawl stops"
    )
    assert sum(replica.site.requests.values()) == before
