"""The spider's decisions, in-process: built as Scrapy builds it, handed its archive state as
crawler.state.CrawlState hands it, and fed built responses, as Scrapy's own tests do."""

import pytest
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.contracts import Stat
from crawler.site.layouts import feeds
from crawler.spiders.elections import ElectionsSpider
from crawler.state import ArchiveState
from replica import pages
from replica.content import generate

SITE = "https://qazinform.com"
LISTING = SITE + pages.LISTING_PATH


PROJECT = {name: value for name, value in vars(project_settings).items() if name.isupper()}


def spider_for(known: set[str] = frozenset(), **settings) -> ElectionsSpider:
    crawler = get_crawler(ElectionsSpider, {**PROJECT, "ELECTIONS_SITE_URL": SITE + "/", **settings})
    spider = ElectionsSpider.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    spider.archive_state = ArchiveState(known_ids=set(known))
    spider.known_ids = spider.archive_state.known_ids
    spider.begin_walk(LISTING, "menu")
    return spider


def entry(path: str, published_at: str | None, *names: str) -> feeds.Entry:
    return feeds.Entry(SITE + path, published_at, "A title", names)


def test_the_channel_is_read_once_after_the_walk_from_robots_txt_and_each_feed():
    spider = spider_for(ELECTIONS_FEEDS="/rss/en.xml,/rss/eng.xml")
    spider.crawler.stats.set_value(Stat.LISTING_PAGES, 3)
    spider.crawler.stats.set_value(Stat.OLDEST_CARD_AT, "2026-11-01T00:00:00+00:00")
    requests = spider.begin_channel()
    assert [r.url for r in requests] == [SITE + "/robots.txt", SITE + "/rss/en.xml", SITE + "/rss/eng.xml"]
    assert all(r.meta["handle_httpstatus_list"] == [404, 410] for r in requests)  # guesses: a 404 is an answer
    assert (spider.channel_fallback, spider.channel_since) == (False, "2026-11-01T00:00:00+00:00")
    assert spider.begin_channel() == []  # once a run
    assert spider_for(ELECTIONS_SECOND_CHANNEL=False).begin_channel() == []


def test_a_listing_with_no_page_read_makes_the_channel_a_fallback_of_any_age():
    spider = spider_for()
    spider.begin_channel()
    assert (spider.channel_fallback, spider.channel_since) == (True, None)


def test_the_cross_check_takes_what_the_section_would_include_and_the_walk_missed():
    spider = spider_for(known={"0eb7f9"})
    spider.requested_ids.add("666326")
    spider.crawler.stats.set_value(Stat.LISTING_PAGES, 1)
    spider.crawler.stats.set_value(Stat.OLDEST_CARD_AT, "2026-11-01T00:00:00+00:00")
    spider.begin_channel()
    entries = [
        entry("/news/missed-by-the-walk-a1b2c3", "2026-11-20T05:00:00+00:00", "Elections 2026"),
        entry("/news/stored-already-0eb7f9", "2026-11-20T05:00:00+00:00", "Elections"),
        entry("/news/requested-already-666326", "2026-11-20T05:00:00+00:00", "Elections"),
        entry("/news/another-section-d4e5f6", "2026-11-20T05:00:00+00:00", "Economy"),
        entry("/news/older-than-the-walk-reached-a7b8c9", "2026-10-01T05:00:00+00:00", "Elections"),
        entry("/news/undated-aabbcc", None, "Elections"),
        feeds.Entry("https://example.org/news/elsewhere-ddeeff", "2026-11-20T05:00:00+00:00", None, ("Elections",)),
    ]
    taken = list(spider.take_from_channel(entries, SITE + "/rss/en.xml"))
    assert [r.url for r in taken] == [SITE + "/news/missed-by-the-walk-a1b2c3"]
    assert taken[0].callback == spider.parse_article
    stats = spider.crawler.stats
    assert (stats.get_value(Stat.CHANNEL_MISSED), stats.get_value(Stat.CHANNEL_ENTRIES)) == (1, len(entries))
    assert stats.get_value(Stat.CHANNEL_FALLBACK) is None
    assert list(spider.take_from_channel(entries, SITE + "/rss/en.xml")) == []  # requested now


def test_on_the_all_news_feed_every_entry_is_taken_for_the_topic_rule_to_judge():
    spider = spider_for()
    spider.begin_walk(SITE + "/lenta", "all-news feed")
    spider.crawler.stats.set_value(Stat.LISTING_PAGES, 1)
    spider.begin_channel()
    [request] = spider.take_from_channel(
        [entry("/news/sport-news-a1b2c3", "2026-11-20T05:00:00+00:00", "Sport")], SITE + "/rss/en.xml"
    )
    assert request.meta["selected_from"] == SITE + "/rss/en.xml"  # the verdict names where it was listed
    assert spider.crawler.stats.get_value(Stat.CHANNEL_MISSED) == 1


def listing_page(articles, page: int = 1) -> HtmlResponse:
    url = LISTING if page == 1 else f"{LISTING}?page={page}"
    return HtmlResponse(url=url, body=pages.listing_page(articles, page).encode(), encoding="utf-8")


@pytest.fixture(scope="module")
def articles():
    return generate(45, seed=4)


def test_a_listing_page_requests_its_unknown_cards_and_the_next_page(articles):
    known = {a.article_id for a in articles[5:20]}
    spider = spider_for(known=known)
    requests = list(spider.parse_listing(listing_page(articles), page=1))
    fetched = [r.url for r in requests if r.callback == spider.parse_article]
    assert fetched == [SITE + a.path for a in articles[:5]]
    [next_page] = [r for r in requests if r.callback == spider.parse_listing]
    assert (next_page.url, next_page.cb_kwargs["page"]) == (f"{LISTING}?page=2", 2)
    assert spider.crawler.stats.get_value(Stat.LISTING_PAGES) == 1


def test_a_page_that_is_no_listing_is_a_failed_listing_page_not_the_end():
    spider = spider_for()
    response = HtmlResponse(url=LISTING, body=b"<html><body><h1>Maintenance</h1></body></html>", encoding="utf-8")
    assert list(spider.parse_listing(response, page=1)) == []
    stats = spider.crawler.stats
    assert (stats.get_value(Stat.NOT_A_LISTING), stats.get_value(Stat.LISTING_FAILED)) == (1, 1)
    assert stats.get_value(Stat.LISTING_FAILED_AT).startswith(LISTING + ": HTTP 200, not a listing page")
    assert stats.get_value(Stat.WALK_STOP) is None


def test_a_sitemap_index_is_followed_newest_first_within_the_window():
    spider = spider_for(ELECTIONS_SITEMAP_CHILDREN=2)
    spider.crawler.stats.set_value(Stat.LISTING_PAGES, 1)
    spider.crawler.stats.set_value(Stat.OLDEST_CARD_AT, "2026-11-01T00:00:00+00:00")
    spider.begin_channel()
    body = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{SITE}/s-2026-09.xml</loc><lastmod>2026-09-30</lastmod></sitemap>"
        f"<sitemap><loc>{SITE}/s-2026-11.xml</loc><lastmod>2026-11-20</lastmod></sitemap>"
        f"<sitemap><loc>{SITE}/s-2026-10.xml</loc><lastmod>2026-10-31</lastmod></sitemap>"
        "</sitemapindex>"
    )
    requests = list(spider.parse_sitemap(XmlResponse(url=SITE + "/sitemap.xml", body=body.encode())))
    # The newest two; of those, October's was last changed before the walk's oldest card.
    assert [r.url for r in requests] == [SITE + "/s-2026-11.xml"]
