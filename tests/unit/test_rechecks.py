"""Re-checks' requests and outcomes (crawler/recheck/fetch.py) on their own: built as the
spider builds them, fed built answers, what they send checked."""

from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from twisted.python.failure import Failure

from crawler.contracts import Stat
from crawler.middlewares import OffSite, RobotsExcluded, SiteBoundsMiddleware
from crawler.recheck.fetch import Rechecks
from crawler.recheck.schedule import Due
from crawler.site.layouts import load_article
from replica import pages
from replica.content import generate
from tests.unit.crawl_parts import SITE, Parts, crawl_parts


@pytest.fixture(scope="module")
def articles():
    return generate(3, seed=4)


def rechecks_of(parts: Parts) -> Rechecks:
    return Rechecks(parts.run, parts.crawler.stats, parts.outcomes, lambda response: iter([load_article(response)]))


def failed(request, error: Exception) -> Failure:
    failure = Failure(error)
    failure.request = request
    return failure


def test_rechecks_come_once_after_the_channel_conditional_and_skip_what_the_run_fetched():
    due = [
        Due("a1b2c3", SITE + "/news/edited-a1b2c3", datetime(2026, 11, 1, tzinfo=UTC), etag='"v1"', last_modified="x"),
        Due("d4e5f6", SITE + "/news/fetched-d4e5f6", datetime(2026, 11, 2, tzinfo=UTC)),
    ]
    parts = crawl_parts()
    parts.run.archive.due = due
    parts.run.requested_ids.add("d4e5f6")
    rechecks = rechecks_of(parts)
    [request] = rechecks.begin()
    assert (request.url, request.callback, request.dont_filter) == (due[0].url, rechecks.parse, True)
    assert request.headers["If-None-Match"] == b'"v1"' and request.headers["If-Modified-Since"] == b"x"
    assert request.meta["handle_httpstatus_list"] == [304, 404, 410]
    assert rechecks.begin() == []  # once a run
    assert parts.crawler.stats.get_value(Stat.RECHECKED) == 1
    assert parts.run.requested_ids == {"a1b2c3", "d4e5f6"}


def test_a_recheck_tells_unchanged_removed_and_redirected_apart_and_reads_a_page(articles):
    parts = crawl_parts()
    rechecks = rechecks_of(parts)
    article = articles[0]
    url = SITE + article.path
    request = rechecks.request(Due(article.article_id, url, datetime(2026, 11, 1, tzinfo=UTC)))

    def answer(status: int, body: bytes = b"", at: str = url):
        return list(rechecks.parse(HtmlResponse(at, status=status, body=body, request=request)))

    error_page = b'<html><body><div class="error__wrapper"><h1>Page not found</h1></div></body></html>'
    assert (
        answer(304)
        == answer(404)
        == answer(410)
        == answer(200, error_page)
        == answer(200, b"<h1>Home</h1>", SITE + "/")
        == answer(200, pages.article_page(articles[1], articles, SITE).encode(), SITE + articles[1].path)
        == []
    )
    stored = article.article_id
    assert parts.sent["article_checked"] == [
        (stored, "unchanged", None),
        (stored, "removed", "HTTP 404"),
        (stored, "removed", "HTTP 410"),
        (stored, "removed", "the site's error page, HTTP 200"),
        (stored, "redirected", f"sent to {SITE}/"),
        # stories merged: it points to another article, which this re-check does not touch
        (stored, "redirected", f"sent to {SITE}{articles[1].path}, article {articles[1].article_id}"),
    ]
    [item] = answer(200, pages.article_page(article, articles, SITE).encode())
    assert item["title"] == article.title and item["recheck_of"] == stored


def test_a_recheck_sent_off_the_site_or_forbidden_or_unanswered_is_never_a_removal():
    """Issue 29: a re-check (dont_filter) followed a 301 to another host and stored its
    casino page as an Elections article; Scrapy's OffsiteMiddleware lets dont_filter through."""
    parts = crawl_parts()
    rechecks = rechecks_of(parts)
    bounds = build_from_crawler(SiteBoundsMiddleware, parts.crawler)
    bounds.crawl_opened(parts.context, parts.run)
    due = Due("a1b2c3", SITE + "/news/stored-a1b2c3", datetime(2026, 11, 1, tzinfo=UTC))
    recheck = rechecks.request(due)
    assert recheck.dont_filter and bounds.process_request(recheck) is None  # on the site
    away = recheck.replace(url="http://casino.example:8080/bonus", meta={**recheck.meta, "redirect_urls": [due.url]})
    with pytest.raises(OffSite, match=r"^redirect to another site \(casino.example:8080\)$") as refused:
        bounds.process_request(away)
    rechecks.failed(failed(away, refused.value))
    rechecks.failed(failed(recheck, RobotsExcluded("Forbidden by robots.txt")))
    rechecks.failed(failed(recheck, ConnectionRefusedError()))
    assert parts.sent["article_checked"] == [
        ("a1b2c3", "redirected", "sent to http://casino.example:8080/bonus, on another site"),
        ("a1b2c3", "excluded", "robots.txt forbids it"),
        ("a1b2c3", "failed", "ConnectionRefusedError"),
    ]
    assert parts.sent["page_excluded"] == [(due.url, "a1b2c3")]
    for request in (  # whatever asks: the channel, robots.txt, a door, -a url=
        Request("https://example.org/sitemap.xml"),
        Request("https://example.org/robots.txt", dont_filter=True),
        Request("http://127.0.0.1:9/news/x-a1b2c3"),  # another port of a replica's host
    ):
        with pytest.raises(OffSite, match=r"^request to another site"):
            bounds.process_request(request)
    assert parts.crawler.stats.get_value(Stat.OFFSITE_REFUSED) == 4
