"""The extensions around a crawl (OpenArchive, RunLedger, CrawlState), the spider middleware
and the lock, in this process: wired as Scrapy wires them, sent the signals Scrapy sends, on an
archive built here."""

import logging

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.archive import open_archive
from crawler.contracts import Stat
from crawler.ledger import RunLedger
from crawler.lock import LockHeld, ProcessLock, process_alive
from crawler.spidermiddlewares import PageErrorsMiddleware
from crawler.spiders.elections import ElectionsSpider
from crawler.state import CrawlState, OpenArchive
from replica.crawling import rows

PROJECT = {name: value for name, value in vars(project_settings).items() if name.isupper()}
LISTING = "https://qazinform.com/news/elections"


def opened_crawl(db, *arguments: str, **settings):
    """A crawler with our extensions, its spider opened: the archive open, the run started,
    the spider's state loaded."""
    crawler = get_crawler(
        ElectionsSpider, {**PROJECT, "ELECTIONS_DB": str(db), "ELECTIONS_RECORD_RUN": True, **settings}
    )
    spider = ElectionsSpider.from_crawler(crawler, **dict(argument.split("=", 1) for argument in arguments))
    crawler.spider = spider
    built = crawler.extensions.middlewares  # as get_crawler builds them, from EXTENSIONS
    extensions = [next(e for e in built if isinstance(e, cls)) for cls in (OpenArchive, RunLedger, CrawlState)]
    crawler.stats.open_spider()
    spider.opened()  # Scrapy's spider_opened, to the spider (first connected), then to ours alone
    extensions[0].spider_opened(spider)
    return crawler, spider, extensions


def test_a_crawl_opens_the_archive_starts_its_run_and_hands_the_spider_its_state(tmp_path):
    db = tmp_path / "elections.db"
    with open_archive(db) as archive, archive.transaction():
        archive.save_articles(
            [
                {
                    "article_id": "0eb7f9",
                    "url": "https://qazinform.com/news/x-0eb7f9",
                    "title": "T",
                    "body": "B",
                    "published_at": "2026-11-30T06:00:00+00:00",
                }
            ],
            run_id=None,
        )
        archive.save_failures(
            [{"url": "https://qazinform.com/news/y-a1b2c3", "article_id": "a1b2c3", "reason": "HTTP 500"}], None, 3
        )
        archive.start_run({"started_at": "2026-11-29T06:00:00+00:00", "trigger": "scheduled", "status": "running"})
    crawler, spider, (opener, ledger, _) = opened_crawl(db, "mode=incremental")
    assert spider.run.archive.known_ids == {"0eb7f9"}
    assert spider.run.archive.first == [{"url": "https://qazinform.com/news/y-a1b2c3", "article_id": "a1b2c3"}]
    assert crawler.stats.get_value(Stat.RUN_ID) == ledger.run_id == 2
    killed, started = rows(db, "crawl_runs")
    assert (killed["status"], killed["finish_reason"], killed["health_problems"]) == (
        "failed",
        "killed",
        "the crawl was killed",
    )
    assert (started["status"], started["trigger"], started["arguments"]) == (
        "running",
        "manual",
        '{"mode": "incremental"}',
    )

    crawler.stats.set_value(Stat.LISTING_PAGES, 2)
    crawler.stats.set_value(Stat.LISTING_URL, LISTING)
    ledger.spider_closed(spider, "finished")
    opener.engine_stopped()
    run = rows(db, "crawl_runs")[-1]
    assert (run["status"], run["finish_reason"], run["start_url"], run["listing_pages"]) == (
        "ok",
        "finished",
        LISTING,
        2,
    )
    assert run["healthy"] == 1 and run["health_problems"] is None
    assert crawler.stats.get_value(Stat.RUN_STATUS) == "ok"
    with pytest.raises(Exception, match="closed database"):
        opener.archive.totals()  # closed when the engine stopped


def test_a_run_cut_short_is_partial_and_one_with_no_listing_page_failed_and_unhealthy(tmp_path, caplog):
    db = tmp_path / "elections.db"
    crawler, spider, (_, ledger, _) = opened_crawl(db)
    crawler.stats.set_value(Stat.LISTING_PAGES, 1)
    ledger.spider_closed(spider, "closespider_timeout")
    crawler, spider, (_, ledger, _) = opened_crawl(db)
    with caplog.at_level(logging.ERROR):
        ledger.spider_closed(spider, "finished")
    short, empty = rows(db, "crawl_runs")
    assert (short["status"], empty["status"], empty["healthy"]) == ("partial", "failed", 0)
    assert f"Crawl run {ledger.run_id} is unhealthy: " in caplog.text
    ledger.close_if_unclosed()  # closed already: nothing happens twice
    assert len(rows(db, "crawl_runs")) == 2


def test_a_run_stopped_before_its_engine_started_is_closed_as_shut_down(tmp_path):
    _, _, (_, ledger, _) = opened_crawl(tmp_path / "elections.db")
    ledger.close_if_unclosed()
    [run] = rows(tmp_path / "elections.db", "crawl_runs")
    assert (run["finish_reason"], run["status"]) == ("shutdown", "partial")


def test_scrapys_other_tools_never_open_the_archive():
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        OpenArchive.from_crawler(get_crawler(ElectionsSpider, {**PROJECT, "ELECTIONS_RECORD_RUN": False}))


def article_request(errback) -> Request:
    return Request("https://qazinform.com/news/x-0eb7f9", errback=errback)


def test_an_exception_while_a_page_is_handled_goes_to_its_errback(caplog):
    crawler = get_crawler(ElectionsSpider)
    crawler.stats.open_spider()
    middleware = build_from_crawler(PageErrorsMiddleware, crawler)
    failures = []
    request = article_request(lambda failure: failures.append(failure) or ["recorded"])
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    with caplog.at_level(logging.ERROR):
        assert middleware.process_spider_exception(response, KeyError("title")) == ["recorded"]
    [failure] = failures
    assert failure.request is request and isinstance(failure.value, KeyError)
    assert crawler.stats.get_value(Stat.PAGE_ERRORS) == 1
    assert caplog.messages == [f"KeyError raised while handling {request.url}: 'title'"]
    assert middleware.process_spider_exception(response, CloseSpider("enough")) is None  # Scrapy's own
    no_errback = HtmlResponse(request.url, body=b"", request=Request(request.url))
    assert middleware.process_spider_exception(no_errback, KeyError("title")) is None
    assert crawler.stats.get_value(Stat.PAGE_ERRORS) == 1


def test_one_crawl_at_a_time_and_a_lock_left_by_a_dead_holder_is_taken(tmp_path, caplog):
    path = tmp_path / "elections.db.lock"
    held = pytest.raises(LockHeld, match=r"^another scheduler holds .*: PID \d+, started 20")
    with ProcessLock(path), held, ProcessLock(path, holder_kind="scheduler"):
        pass
    assert path.read_text() == ""  # a clean exit leaves no holder behind
    path.write_text("4194304 2026-11-30T06:00:00+00:00\n")  # as a killed crawl leaves it: its flock gone
    with caplog.at_level(logging.WARNING), ProcessLock(path):
        pass
    assert "left by a crawl that ended uncleanly (PID 4194304, started 2026-11-30T06:00:00+00:00)" in caplog.text
    assert process_alive(1) and not process_alive(None) and not process_alive(4194304)
