"""The archive object: where the setting points, its one kind of error, and the questions and
writes of the crawl, answered from a database built here."""

import sqlite3
from pathlib import Path

import pytest

from crawler.archive import (
    PROJECT_ROOT,
    ArchiveError,
    ArchiveRefused,
    ArchiveUnusable,
    archive_location,
    open_archive,
    open_existing,
    open_read_only,
)
from crawler.contracts import Stat
from crawler.scheduler.service import main as scheduler_main
from replica.crawling import rows


def article(number: int, **fields) -> dict:
    return {
        "article_id": f"a{number}",
        "url": f"https://qazinform.com/news/a{number}",
        "title": f"Title {number}",
        "body": f"Body {number}",
        "published_at": f"2026-11-{number:02d}T06:00:00+00:00",
        "tags": ["CEC"],
        **fields,
    }


@pytest.mark.parametrize(
    ("location", "path"),
    [
        ("data/elections.db", PROJECT_ROOT / "data/elections.db"),  # the project's, wherever started
        ("sqlite:///data/elections.db", PROJECT_ROOT / "data/elections.db"),
        ("sqlite:////var/lib/elections.db", Path("/var/lib/elections.db")),
        ("sqlite:///data/my%20archive.db", PROJECT_ROOT / "data/my archive.db"),
    ],
)
def test_the_archive_is_named_by_a_path_or_an_sqlite_url(location, path):
    assert archive_location(location).path == path
    assert archive_location(location).lock_path == Path(f"{path}.lock")
    assert str(archive_location(location)) == str(path)  # the name messages give it


def test_a_path_and_a_url_and_a_symlink_to_one_archive_share_one_lock(tmp_path):
    """Issue 29: `scrapy crawl` built its lock from the setting's text, so that
    ELECTIONS_DB=sqlite:///…/x.db locked `<cwd>/sqlite:/…/x.db.lock`, and no other crawl."""
    (tmp_path / "x.db").touch()
    (tmp_path / "link.db").symlink_to(tmp_path / "x.db")
    locks = {
        archive_location(location).lock_path
        for location in (tmp_path / "x.db", f"sqlite:///{tmp_path}/x.db", str(tmp_path / "link.db"))
    }
    assert locks == {tmp_path / "x.db.lock"}


@pytest.mark.parametrize("location", ["postgresql://archive.example/elections", "sqlite://host/elections.db"])
def test_a_location_naming_no_sqlite_file_is_one_sentence(location):
    with pytest.raises(ArchiveUnusable) as raised:
        archive_location(location)
    assert raised.value.reason() == (
        f"the archive {location} is not one this crawler can open: name an SQLite file, as a path or as sqlite:///path"
    )


def test_a_scheduler_given_such_a_location_stops_before_anything_is_written(tmp_path, capsys):
    data_dir = tmp_path / "scheduler"
    code = scheduler_main(["--once", "--data-dir", str(data_dir), "--", "-s", "ELECTIONS_DB=postgresql://h/e"])
    assert code == 2
    assert capsys.readouterr().err == (
        "python scheduler.py: error: the archive postgresql://h/e is not one this crawler can open: "
        "name an SQLite file, as a path or as sqlite:///path\n"
    )
    assert not (data_dir / "scheduler.json").exists() and not (data_dir / "logs").exists()


def test_an_archive_opened_by_url_is_the_file_it_names(tmp_path):
    with open_archive(f"sqlite:///{tmp_path}/elections.db") as archive, archive.transaction():
        archive.save_articles([article(1)], run_id=None)
    assert [row["article_id"] for row in rows(tmp_path / "elections.db", "articles")] == ["a1"]


def test_a_lock_held_by_another_writer_is_an_archive_error_with_a_sentence(tmp_path):
    path = tmp_path / "elections.db"
    with open_archive(path, busy_timeout=0.1) as archive:
        other = sqlite3.connect(path)
        other.execute("begin immediate")
        try:
            with pytest.raises(ArchiveError) as raised, archive.transaction():
                pass
        finally:
            other.rollback()
            other.close()
    error = raised.value
    assert not isinstance(error, sqlite3.Error) and isinstance(error.__cause__, sqlite3.OperationalError)
    assert str(error) == "database is locked"
    assert error.reason(doing="written") == f"the archive {path} cannot be written (database is locked)"


def test_a_row_the_schema_refuses_is_refused_and_the_transaction_rolled_back(tmp_path):
    path = tmp_path / "elections.db"
    with open_archive(path) as archive:
        with pytest.raises(ArchiveRefused, match=r"NOT NULL constraint failed: articles\.body"), archive.transaction():
            archive.save_articles([article(1)], run_id=None)
            archive.save_articles([article(2, body=None)], run_id=None)
        assert archive.totals()["articles"] == 0  # a1 went with it


def test_a_generator_raises_the_archive_error_while_it_is_read(tmp_path):
    archive = open_archive(tmp_path / "elections.db")
    archive.close()
    with pytest.raises(ArchiveError, match="closed database"):
        list(archive.all_raw_pages())


def test_a_damaged_file_says_what_to_do(tmp_path):
    path = tmp_path / "elections.db"
    path.write_bytes(b"not a database at all, " * 100)
    with pytest.raises(ArchiveUnusable) as raised:
        open_existing(path)
    assert raised.value.reason() == f"the archive {path} is not an SQLite database (file is not a database)"
    with pytest.raises(ArchiveUnusable, match=r"^no archive at "):
        open_read_only(tmp_path / "typo.db")


def test_an_edited_article_keeps_its_earlier_version_and_an_unchanged_one_only_its_sighting(tmp_path):
    with open_archive(tmp_path / "elections.db") as archive:
        with archive.transaction():
            first = archive.save_articles([article(1), article(2)], run_id=1)
        with archive.transaction():
            again = archive.save_articles([article(1, title="Title 1, corrected"), article(2)], run_id=2)
        nothing_else = {Stat.MINOR_EDITS: 0, Stat.RESTORED: 0}
        assert first == {Stat.STORED_NEW: 2, Stat.STORED_UPDATED: 0, Stat.STORED_UNCHANGED: 0, **nothing_else}
        assert again == {Stat.STORED_NEW: 0, Stat.STORED_UPDATED: 1, Stat.STORED_UNCHANGED: 1, **nothing_else}
        assert archive.stored_article("a1")["title"] == "Title 1, corrected"
        assert archive.stored_article("a1")["version_count"] == 2
        assert archive.totals() == {"articles": 2, "versions": 1, "pending": 0, "given_up": 0}
    [version] = rows(tmp_path / "elections.db", "article_versions")
    assert (version["article_id"], version["title"], version["run_id"]) == ("a1", "Title 1", 2)


def test_a_page_failing_in_as_many_runs_as_allowed_is_given_up_and_a_stored_one_forgotten(tmp_path):
    failure = {
        "url": "https://qazinform.com/news/a3",
        "article_id": "a3",
        "reason": "HTTP 500",
        "layout": None,
        "edition": "en",
    }
    with open_archive(tmp_path / "elections.db") as archive:
        assert archive.save_failures([failure], run_id=1, max_attempts=2) == {Stat.PENDING: 1, Stat.DROPPED: 0}
        assert archive.failed_pages("en", given_up_too=False) == [{"url": failure["url"], "article_id": "a3"}]
        assert archive.save_failures([failure], run_id=2, max_attempts=2) == {Stat.PENDING: 0, Stat.DROPPED: 1}
        assert archive.failed_pages("en", given_up_too=False) == []
        assert archive.given_up_article_ids() == {"a3"}
        archive.save_articles([article(3)], run_id=3)
        assert archive.given_up_article_ids() == set() and archive.stored_article_ids() == {"a3"}


def test_a_run_left_running_is_marked_killed_with_what_it_stored(tmp_path):
    with open_archive(tmp_path / "elections.db") as archive:
        run_id = archive.start_run({"started_at": "2026-12-01T06:00:00+00:00", "trigger": "scheduled"})
        archive.finish_run(run_id, {"status": "running"})
        archive.save_articles([article(1)], run_id=run_id)
        assert [run["id"] for run in archive.running_runs("scheduled")] == [run_id]
        archive.mark_killed_runs("the crawl was killed")
        run = archive.run_by_id(run_id)
    assert (run["status"], run["finish_reason"], run["healthy"], run["articles_new"]) == ("failed", "killed", 0, 1)
    assert run["health_problems"] == "the crawl was killed"


def test_each_edition_keeps_its_own_walk_state_in_one_archive(tmp_path):
    """A Russian run's listing, failures and complete walks are its own: the English runs'
    stop rules and the pages they left pending never reach it, and the other way round."""
    with open_archive(tmp_path / "elections.db") as archive, archive.transaction():
        for edition, listing in (("en", "https://qazinform.com/x_s1"), ("ru", "https://www.inform.kz/ru/vybory")):
            archive.start_run(
                {
                    "started_at": "2026-11-30T06:00:00+00:00",
                    "status": "ok",
                    "edition": edition,
                    "start_url": listing,
                    "listing_found_by": "site map page",
                    "listing_pages": 3,
                    "listing_complete": int(edition == "ru"),
                }
            )
        archive.save_failures(
            [
                {
                    "url": "https://www.inform.kz/ru/x-4f2a1b9c",
                    "article_id": "ru-4f2a1b9c",
                    "reason": "HTTP 500",
                    "edition": "ru",
                },
                {"url": "https://qazinform.com/news/x-97d5e1", "article_id": "97d5e1", "reason": "HTTP 500"},
            ],
            run_id=2,
            max_attempts=3,
        )
        assert archive.remembered_listing("ru")["start_url"] == "https://www.inform.kz/ru/vybory"
        assert archive.remembered_listing("en")["start_url"] == "https://qazinform.com/x_s1"
        assert [p["article_id"] for p in archive.failed_pages("ru", given_up_too=False)] == ["ru-4f2a1b9c"]
        assert [p["article_id"] for p in archive.failed_pages("en", given_up_too=False)] == ["97d5e1"]
        assert archive.last_complete_walk_at("ru") == "2026-11-30T06:00:00+00:00"
        assert archive.last_complete_walk_at("en") is None
        assert archive.remembered_listing("kk") is None


def test_an_election_tags_walks_plan_its_next_walk_and_a_tag_that_listed_nothing_is_forgotten(tmp_path):
    """listing_walks, beside crawl_runs: each tag's last walk is what its next one plans from
    (WalkPlan.from_runs), and the tags whose last walk read cards are the edition's to walk again."""
    kept, emptied = "https://www.inform.kz/ru/tag/vybory-2023_t12", "https://www.inform.kz/ru/tag/referendum_t40"
    with open_archive(tmp_path / "elections.db") as archive, archive.transaction():
        for number, (pages, gapless) in enumerate(((2, 0), (1, 1)), start=1):
            run_id = archive.start_run(
                {"status": "ok", "edition": "ru", "start_url": "https://www.inform.kz/ru/lenta", "gapless": 1}
            )
            archive.save_listing_walks(
                [
                    {
                        "run_id": run_id,
                        "listing_url": kept,
                        "name": "Выборы-2023",
                        "found_by": "election tag",
                        "listing_pages": pages,
                        "walk_top_ids": f'["ru-{number}"]',
                        "gapless": gapless,
                    },
                    {
                        "run_id": run_id,
                        "listing_url": emptied,
                        "name": "Референдум",
                        "found_by": "election tag",
                        "listing_pages": 2 - number,
                        "walk_top_ids": "[]",
                        "gapless": 1,
                    },
                ]
            )
        archive.start_run({"status": "running", "edition": "ru"})  # this run: none of its walks count
        runs = archive.runs_by_listing()
        assert [run["gapless"] for run in runs[kept]] == [1, 0]  # newest first
        assert [run["walk_top_ids"] for run in runs[kept]] == ['["ru-2"]', '["ru-1"]']
        assert len(runs["https://www.inform.kz/ru/lenta"]) == 2
        assert archive.election_tags("ru") == {kept: "Выборы-2023"}
        archive.db.execute("update listing_walks set newest_card_at = '2026-09-01T06:00:00+00:00'")
        assert archive.election_tags("ru", quiet_before="2026-10-01T00:00:00+00:00") == {}  # quiet: walked weekly
        assert archive.election_tags("ru", quiet_before="2026-08-01T00:00:00+00:00") == {kept: "Выборы-2023"}
        assert archive.election_tags("en") == {}
        [latest] = archive.latest_runs(1)
        assert latest["tags_walked"] == 0 and archive.latest_runs(2)[1]["tags_walked"] == 2
