import sqlite3

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.archive import open_archive
from crawler.contracts import Stat
from crawler.items import Article, RawPage
from crawler.signals import archive_opened
from pipelines.dedupe import DedupePipeline
from pipelines.store import StorePipeline
from pipelines.validate import InvalidArticle, ValidatePipeline


def article(number: int, **fields) -> Article:
    values = {
        "article_id": f"a{number}",
        "url": f"https://www.inform.kz/en/story_a{number}",
        "title": f"Story {number}",
        "body": "Text.",
        "published_at": "2022-11-08T09:15:00+00:00",
        "tags": ["CEC"],
        "layout": "legacy",
    }
    return Article({**values, **fields})


def opened_store(db_path, **settings):
    """The store, built as Scrapy builds it, handed its archive as crawler.state.OpenArchive
    hands it, with the run's id as the ledger sets it: (store, archive, crawler)."""
    crawler = get_crawler(settings_dict={"ELECTIONS_MAX_ATTEMPTS": 3, **settings})
    pipeline = build_from_crawler(StorePipeline, crawler)
    archive = open_archive(db_path)
    crawler.signals.send_catch_log(archive_opened, archive=archive)
    crawler.stats.set_value(Stat.RUN_ID, 1)
    return pipeline, archive, crawler


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"title": None}, "missing title"),
        ({"body": ""}, "missing body"),
        ({"published_at": None}, "missing published_at"),
        ({"layout": "unknown", "title": None}, "unknown layout"),
        ({"published_at": "1919-12-31T18:00:00+00:00"}, r"published_at out of range \(1919-12-31T18:00:00\+00:00\)"),
        ({"published_at": "2999-01-01T00:00:00+00:00"}, "published_at out of range"),
    ],
)
def test_validate_names_the_reason(fields, reason):
    crawler = get_crawler()
    pipeline = build_from_crawler(ValidatePipeline, crawler)
    with pytest.raises(InvalidArticle, match=reason):
        pipeline.process_item(article(1, **fields))
    assert sum(v for k, v in crawler.stats.get_stats().items() if k.startswith(Stat.VALIDATE_DROPPED)) == 1


def test_validate_passes_a_whole_article():
    item = article(1)
    assert build_from_crawler(ValidatePipeline, get_crawler()).process_item(item) is item


def test_dedupe_keeps_the_first_copy_of_an_id():
    crawler = get_crawler()
    pipeline = build_from_crawler(DedupePipeline, crawler)
    pipeline.process_item(article(1))
    pipeline.process_item(article(2))
    with pytest.raises(DropItem):
        pipeline.process_item(article(1, title="Another copy"))
    assert crawler.stats.get_value("dedupe/duplicates") == 1


def test_store_writes_in_batches_and_flushes_on_close(tmp_path):
    db_path = tmp_path / "sub" / "elections.db"
    pipeline, archive, crawler = opened_store(db_path, ELECTIONS_DB_BATCH_SIZE=3)
    count = lambda: sqlite3.connect(db_path).execute("select count(*) from articles").fetchone()[0]  # noqa: E731
    for number in range(7):
        pipeline.process_item(article(number))
    assert count() == 6  # two full batches are committed, one item waits
    pipeline.item_dropped(article(9, title=None), None, InvalidArticle("missing title"))
    pipeline.item_dropped(article(1), None, DropItem("duplicate article_id a1"))  # not a broken page
    pipeline.close_spider()
    archive.close()
    assert count() == 7
    with sqlite3.connect(db_path) as db:
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert db.execute("select tags from articles where article_id = 'a3'").fetchone()[0] == '["CEC"]'
        assert db.execute("select url, reason, status, attempts from dropped_items").fetchall() == [
            ("https://www.inform.kz/en/story_a9", "missing title", "pending", 1)
        ]
    assert crawler.stats.get_value("store/new") == 7
    assert crawler.stats.get_value("store/pending") == 1


def test_one_article_the_archive_refuses_does_not_hold_back_its_batch(tmp_path):
    """A row the schema refuses (here, no body) once failed its batch in every later try."""
    db_path = tmp_path / "elections.db"
    pipeline, archive, crawler = opened_store(db_path, ELECTIONS_DB_BATCH_SIZE=4)
    for item in (article(1), article(2, body=None), article(3)):
        pipeline.process_item(item)
    pipeline.page_failed("https://www.inform.kz/en/gone_a4", "a4", "HTTP 404")
    pipeline.close_spider()
    archive.close()
    with sqlite3.connect(db_path) as db:
        assert db.execute("select article_id from articles order by 1").fetchall() == [("a1",), ("a3",)]
        assert db.execute("select article_id, status, reason from dropped_items order by 1").fetchall() == [
            ("a2", "pending", "not stored: the archive refuses it (NOT NULL constraint failed: articles.body)"),
            ("a4", "pending", "HTTP 404"),
        ]
    stats = crawler.stats.get_stats()
    assert (stats["store/new"], stats["store/pending"], stats.get(Stat.UNWRITTEN)) == (2, 2, None)


def test_big_raw_pages_fill_a_batch_sooner(tmp_path):
    """20 pages of 7.5 MiB once all waited in memory for a batch of 100 items."""
    db_path = tmp_path / "elections.db"
    pipeline, archive, _ = opened_store(db_path, ELECTIONS_DB_BATCH_SIZE=100, ELECTIONS_DB_BATCH_BYTES=2_500)
    page = RawPage(
        "https://www.inform.kz/en/story_a1", "https://www.inform.kz/en/story_a1", 200, "{}", "{}", "", b"x" * 1000, 1000
    )
    for number in range(4):
        pipeline.process_item(article(number, raw_page=page))
    count = sqlite3.connect(db_path).execute("select count(*) from raw_pages").fetchone()[0]
    assert count == 3 and pipeline.raw_bytes == 1000  # written at 3,000 bytes held, not at 100 items
    pipeline.close_spider()
    archive.close()


def test_a_row_no_encoder_takes_fails_alone_and_the_rest_of_its_batch_is_stored(tmp_path):
    """Issue 29: a lone surrogate that reached the store (here, past the loader) once failed
    the whole batch with UnicodeEncodeError, in every run: 0 of 5 stored."""
    db_path = tmp_path / "elections.db"
    pipeline, archive, crawler = opened_store(db_path, ELECTIONS_DB_BATCH_SIZE=5)
    page = RawPage(
        "https://www.inform.kz/en/story_a3", "https://www.inform.kz/en/story_a3", 200, "{}", "{}", "", b"x", 1
    )
    for number in range(1, 6):
        author = "\udfff Aigerim Sadykova" if number == 3 else "Aigerim Sadykova"
        pipeline.process_item(article(number, author=author, raw_page=page if number == 3 else None))
    pipeline.close_spider()
    archive.close()
    with sqlite3.connect(db_path) as db:
        assert db.execute("select article_id from articles order by 1").fetchall() == [
            ("a1",),
            ("a2",),
            ("a4",),
            ("a5",),
        ]
        [(url, status, reason)] = db.execute("select url, status, reason from dropped_items").fetchall()
        assert db.execute("select article_id from raw_pages").fetchall() == [("a3",)]  # kept for a better parser
    assert (url, status) == ("https://www.inform.kz/en/story_a3", "pending")
    assert reason.startswith("not stored: UnicodeEncodeError: ") and "surrogates not allowed" in reason
    stats = crawler.stats.get_stats()
    assert (stats["store/new"], stats["store/pending"], stats.get(Stat.UNWRITTEN)) == (4, 1, None)


def test_a_day_ahead_is_counted_on_the_crawls_clock():
    """Issue 29: "published at most a day ahead" was checked against the real clock, not the
    crawl's (ELECTIONS_NOW): one clock everywhere."""
    replay = build_from_crawler(ValidatePipeline, get_crawler(settings_dict={"ELECTIONS_NOW": "2020-01-01T00:00:00"}))
    assert replay.process_item(article(1, published_at="2020-01-01T20:00:00+00:00"))  # within a day of its now
    with pytest.raises(InvalidArticle, match=r"published_at out of range \(2022-11-08T09:15:00\+00:00\)"):
        replay.process_item(article(2))  # 2022: years after the crawl's now
    assert build_from_crawler(ValidatePipeline, get_crawler()).process_item(article(2))  # today's clock
