"""The archive's schema: upgrades, full-text search, tag links and views."""

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from crawler.archive import SCHEMA_VERSION, VIEWS, ArchiveUnusable, check_usable, open_database, schema_version
from replica.crawling import rows
from tests.checks import fts_integrity_check, search

ROOT = Path(__file__).resolve().parents[2]
FIRST_SCHEMA = ROOT / "tests" / "data" / "elections-schema-v1.db"
V1_TABLES = ("articles", "article_versions", "dropped_items", "crawl_runs")


def test_a_first_schema_database_is_upgraded_keeping_every_row(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIRST_SCHEMA, path)
    with sqlite3.connect(path) as old:
        assert old.execute("pragma user_version").fetchone()[0] == 0
        before = {t: old.execute(f"select * from {t} order by 1").fetchall() for t in V1_TABLES}
        columns = {t: [c[0] for c in old.execute(f"select * from {t}").description] for t in V1_TABLES}
        tags = sum(len(json.loads(t)) for (t,) in old.execute("select tags from articles"))
    assert len(before["articles"]) == 29 and len(before["article_versions"]) == 1

    db = open_database(path)
    assert schema_version(db) == SCHEMA_VERSION == 22
    for table in V1_TABLES:
        assert db.execute(f"select {', '.join(columns[table])} from {table} order by 1").fetchall() == before[table]
    assert db.execute("select count(*) from article_tags").fetchone()[0] == tags
    assert set(VIEWS) <= set(db.view_names())
    assert set(db["crawl_runs"].columns_dict) >= {"walk_stop", "walk_top_ids", "gapless", "counters"}
    assert db["raw_pages"].count == 0  # articles stored before have no raw page yet
    assert {"author", "tags", "url"} <= set(db["article_versions"].columns_dict)  # every field, from version 9
    assert db["topic_verdicts"].count == 0  # version 12
    assert (
        db["article_events"].count == 0
        and db.execute("select count(*) from articles where last_checked_at is null").fetchone()[0] == 0
    )  # version 14
    assert {row[0] for row in db.execute("select distinct edition from articles")} == {"en"}  # version 15
    assert {row[0] for row in db.execute("select distinct edition from crawl_runs")} <= {"en"}
    _title, body = db.execute("select title, body from articles limit 1").fetchone()
    db.close()
    word = max(body.split(), key=len).strip(".,«»")
    assert search(path, f'"{word}"')
    fts_integrity_check(path)
    # opening again changes nothing
    assert open_database(path).execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as db:
        db.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match=f"schema version {SCHEMA_VERSION + 1}"):
        open_database(path)


def test_search_folds_case_and_diacritics(tmp_path):
    db = open_database(tmp_path / "x.db")
    db["articles"].insert(
        {
            "article_id": "a1",
            "url": "u",
            "title": "Öskemen votes",
            "body": "Turnout in ÖSKEMEN.",
            "published_at": "2024-01-01T00:00:00+00:00",
            "tags": "[]",
        }
    )
    db.close()
    open_database(tmp_path / "x.db").close()  # the index catches up as the archive next opens
    assert search(tmp_path / "x.db", "oskemen") == ["a1"]
    assert search(tmp_path / "x.db", "OSKEMEN votes") == ["a1"]


def test_a_schema_change_that_drops_triggers_is_repaired_on_open(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIRST_SCHEMA, path)
    db = open_database(path)
    db["articles"].transform(types={"word_count": str})  # sqlite-utils drops every trigger of the table
    assert db["articles"].triggers == []
    db["articles"].update(
        db.execute("select article_id from articles limit 1").fetchone()[0],
        {"body": "A body rewritten while no trigger watched: zanzibar.", "tags": '["Zanzibar"]'},
    )
    db.close()
    assert search(path, "zanzibar") == []  # the index has fallen behind

    db = open_database(path)
    assert {t.name for t in db["articles"].triggers} == {
        "articles_tags_ai",
        "articles_tags_au",
        "articles_tags_ad",
        *(f"search_queue_{event}" for event in ("ai", "ad", "au")),
    }
    assert db.execute("select count(*) from article_tags where tag = 'Zanzibar'").fetchone()[0] == 1
    db.close()
    assert len(search(path, "zanzibar")) == 1
    fts_integrity_check(path)


def test_the_views_count_what_the_tables_hold(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIRST_SCHEMA, path)
    db = open_database(path)
    total = db.execute("select count(*) from articles").fetchone()[0]
    assert db.execute("select sum(articles) from articles_per_week").fetchone()[0] == total
    assert db.execute("select sum(articles) from articles_per_day").fetchone()[0] == total
    assert db.execute("select count(*) from latest_articles").fetchone()[0] == min(total, 50)
    assert [r["id"] for r in db.query("select id from runs_with_health")] == [2, 1]
    mondays = [r[0] for r in db.execute("select week_starting from articles_per_week")]
    assert all(datetime.fromisoformat(day).weekday() == 0 for day in mondays)
    db.close()


def test_a_view_whose_definition_changed_is_made_again_on_opening(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIRST_SCHEMA, path)
    db = open_database(path)
    db.create_view("latest_articles", "select 1 as stale", replace=True)
    db.close()
    db = open_database(path)
    assert db.view("latest_articles").schema == f'CREATE VIEW "latest_articles" AS {VIEWS["latest_articles"].strip()}'
    assert db.execute("select count(*) from latest_articles").fetchone()[0] == 29
    db.close()


def test_sqlite_utils_search_finds_articles(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIRST_SCHEMA, path)
    open_database(path).close()
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")
    result = subprocess.run(
        [sqlite_utils, "search", path, "articles", "observers", "-c", "article_id"],
        capture_output=True,
        text=True,
        check=True,
    )
    found = {row["article_id"] for row in json.loads(result.stdout)}
    assert found and found == set(search(path, "observers"))
    assert len(rows(path, "articles")) == 29


def test_search_stems_english_words_and_weighs_titles_most(tmp_path):
    db = open_database(tmp_path / "x.db")
    base = {"url": "u", "published_at": "2024-01-01T00:00:00+00:00", "tags": "[]"}
    db["articles"].insert_all(
        [
            {**base, "article_id": "in-body", "title": "Polls open", "body": "The observers arrived. " * 3},
            {**base, "article_id": "in-title", "title": "Observers arrive", "body": "They came by train."},
        ]
    )
    db.close()
    open_database(tmp_path / "x.db").close()  # the index catches up as the archive next opens
    assert search(tmp_path / "x.db", "observer") == ["in-title", "in-body"]  # stemmed; the title first


@pytest.mark.parametrize("phrase", ["by-election", "OSCE/ODIHR", 'the "CEC"', "akim's", "Öskemen", ""])
def test_datasettes_canned_searches_take_any_phrase(tmp_path, phrase):
    """Hyphens, slashes and quotes are FTS5 operators: the canned queries and the phrase
    chart quote the phrase."""
    db = open_database(tmp_path / "x.db")
    db["articles"].insert(
        {
            "article_id": "a1",
            "url": "u",
            "title": "OSCE/ODIHR on the by-election",
            "body": "Text.",
            "published_at": "2023-12-31T20:00:00+00:00",  # 1 January 2024, 02:00 in Kazakhstan
            "tags": "[]",
        }
    )
    db.close()
    db = open_database(tmp_path / "x.db")  # the index catches up with a plain write as the archive opens
    queries = yaml.safe_load((ROOT / "explore" / "metadata.yml").read_text())["databases"]["archive"]["queries"]
    for name in ("search", "phrase_per_week"):
        db.execute(queries[name]["sql"], {"phrase": phrase}).fetchall()  # no sqlite3.OperationalError
    db.execute(phrase_chart_sql(), {"phrase": phrase}).fetchall()
    found = db.execute(queries["search"]["sql"], {"phrase": "by-election"}).fetchall()
    assert found == [("2024-01-01", "OSCE/ODIHR on the by-election", "Text.", "u", None)]  # Kazakhstan's day
    assert db.execute(queries["phrase_per_week"]["sql"], {"phrase": "OSCE/ODIHR"}).fetchall() == [("2024-01-01", 1)]
    db.close()


def phrase_chart_sql(**dates: str) -> str:
    """The phrase chart's SQL as datasette-dashboards runs it: its optional [[…]] parts kept
    where their filter is given (From, To)."""
    from datasette_dashboards import replace_opts_in_query

    dashboards = yaml.safe_load((ROOT / "explore" / "metadata.yml").read_text())["plugins"]["datasette-dashboards"]
    return replace_opts_in_query(dashboards["phrase-per-month"]["charts"]["phrase-per-month"]["query"], dates)


def test_the_phrase_chart_counts_matching_articles_in_every_month(tmp_path):
    db = open_database(tmp_path / "x.db")
    for n, (when, body) in enumerate(
        [
            ("2026-01-10T06:00:00+00:00", "A by-election in Astana."),
            ("2026-01-31T19:30:00+00:00", "By-elections in February, Astana time."),  # 1 February in Kazakhstan
            ("2026-02-03T06:00:00+00:00", "No vote today."),
            ("2026-04-02T06:00:00+00:00", "The by election."),
        ]
    ):
        db["articles"].insert({"article_id": f"a{n}", "url": "u", "title": "T", "body": body, "published_at": when})
    db.close()
    db = open_database(tmp_path / "x.db")  # the index catches up with a plain write as the archive opens
    assert db.execute(phrase_chart_sql(), {"phrase": "by-election"}).fetchall() == [
        ("2026-01", 1),
        ("2026-02", 1),
        ("2026-03", 0),
        ("2026-04", 1),
    ]
    campaign = {"date_start": "2026-02-01", "date_end": "2026-03-31"}  # issue 33: a chart for a period
    assert db.execute(phrase_chart_sql(**campaign), {"phrase": "by-election", **campaign}).fetchall() == [
        ("2026-02", 1),
        ("2026-03", 0),
    ]
    db.close()


@pytest.mark.parametrize(
    "utc",
    [
        "2019-03-01T17:59:00+00:00",
        "2019-03-01T18:00:00+00:00",
        "2024-02-29T17:59:00+00:00",
        "2024-02-29T18:00:00+00:00",
        "2024-02-29T19:30:00+00:00",
        "2026-11-20T19:00:00+00:00",
    ],
)
def test_views_count_kazakhstans_calendar_days(tmp_path, utc):
    db = open_database(tmp_path / "x.db")
    db["articles"].insert(
        {"article_id": "a1", "url": "u", "title": "T", "body": "B", "published_at": utc, "tags": "[]"}
    )
    local = datetime.fromisoformat(utc).astimezone(ZoneInfo("Asia/Almaty"))
    assert db.execute("select day from articles_per_day").fetchone()[0] == local.date().isoformat()
    assert db.execute("select month from articles_per_month").fetchone()[0] == f"{local:%Y-%m}"
    assert db.execute("select published_month from articles").fetchone()[0] == f"{local:%Y-%m}"
    assert db.execute("select published_on from articles_list").fetchone()[0] == local.date().isoformat()
    db.close()


def test_months_and_weeks_without_articles_count_zero(tmp_path):
    db = open_database(tmp_path / "x.db")
    for n, when in enumerate(["2026-01-10T06:00:00+00:00", "2026-04-02T06:00:00+00:00", "2026-04-03T06:00:00+00:00"]):
        db["articles"].insert(
            {"article_id": f"a{n}", "url": "u", "title": "T", "body": "B", "published_at": when, "tags": "[]"}
        )
    assert db.execute("select month, articles from articles_per_month").fetchall() == [
        ("2026-04", 2),
        ("2026-03", 0),
        ("2026-02", 0),
        ("2026-01", 1),
    ]
    weeks = db.execute("select week_starting, articles from articles_per_week").fetchall()
    assert len(weeks) == 13 and weeks[0] == ("2026-03-30", 2) and weeks[-1] == ("2026-01-05", 1)
    assert sum(articles for _week, articles in weeks) == 3  # the eleven weeks between count 0
    db.close()


def test_an_sqlite_too_old_for_the_schema_is_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(ArchiveUnusable, match=r"^this Python's SQLite is 3.31.1; the archive needs 3.35.0 or newer"):
        check_usable(tmp_path / "elections.db")
