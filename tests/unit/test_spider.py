"""The spider's decisions, in-process: built as Scrapy builds it, handed its archive state as
crawler.state.CrawlState hands it, and fed built responses, as Scrapy's own tests do."""

from contextlib import nullcontext
from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider, DownloadTimeoutError
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler import settings as project_settings
from crawler import signals as crawler_signals
from crawler.contracts import Stat
from crawler.middlewares import BotChallenge, OffSite, RobotsExcluded, SiteBoundsMiddleware
from crawler.recheck import Due
from crawler.site.layouts import feeds
from crawler.spiders.elections import ElectionsSpider, failure_reason
from crawler.state import ArchiveState
from replica import pages
from replica.content import generate
from tests.checks import started

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


def bare_spider(state: ArchiveState | None = None, **arguments) -> ElectionsSpider:
    """The spider as the engine gets it, with its -a arguments and its archive state."""
    crawler = get_crawler(ElectionsSpider, {**PROJECT, "ELECTIONS_SITE_URL": SITE + "/"})
    spider = ElectionsSpider.from_crawler(crawler, **arguments)
    crawler.spider = spider
    crawler.stats.open_spider()
    spider.archive_state = state
    return spider


def home_spider() -> ElectionsSpider:
    """A spider that has asked for the home page, as the engine starts it."""
    spider = bare_spider(ArchiveState())
    [home_page] = started(spider)
    assert (home_page.url, home_page.callback) == (SITE + "/", spider.parse_home)
    return spider


def failures_of(spider: ElectionsSpider) -> list[dict]:
    """What the spider reports failed (crawler.signals.page_failed), as the store receives it."""
    failed: list[dict] = []
    spider.crawler.signals.connect(
        lambda url, article_id, reason: failed.append({"url": url, "article_id": article_id, "reason": reason}),
        signal=crawler_signals.page_failed,
        weak=False,
    )
    return failed


def test_a_run_fetches_earlier_failures_first_then_walks_what_it_was_given():
    state = ArchiveState(first=[{"url": SITE + "/news/failed-before-a1b2c3", "article_id": "a1b2c3"}])
    first, walk = started(bare_spider(state, start_url=LISTING))
    assert first.url == SITE + "/news/failed-before-a1b2c3" and first.callback.__name__ == "parse_article"
    assert (walk.url, walk.callback.__name__) == (LISTING, "parse_listing")
    [home_page] = started(bare_spider(ArchiveState()))
    assert (home_page.url, home_page.callback.__name__) == (SITE + "/", "parse_home")
    [one] = started(bare_spider(ArchiveState(), url=SITE + "/news/one-article-0eb7f9?utm=x"))
    assert one.url == SITE + "/news/one-article-0eb7f9"
    assert started(bare_spider(None)) == []  # the archive could not be opened: the crawl is closing


def test_the_menus_link_is_walked_and_without_one_each_door_is_knocked_on_in_turn(articles):
    spider = home_spider()
    menu = HtmlResponse(SITE + "/", body=pages.home_page(articles).encode(), encoding="utf-8")
    [walk] = spider.parse_home(menu)
    assert walk.url == LISTING and spider.crawler.stats.get_value(Stat.LISTING_FOUND_BY) == "menu"

    spider = home_spider()
    home_page = HtmlResponse(SITE + "/", body=pages.home_page(articles, section_in_menu=False).encode())
    [door] = spider.parse_home(home_page)
    assert (door.url, door.cb_kwargs) == (SITE + pages.SITE_MAP_PATH, {"door": "site map page"})
    site_map = HtmlResponse(door.url, body=pages.site_map_page(with_section=True).encode(), request=door)
    [walk] = spider.parse_door(site_map, **door.cb_kwargs)
    assert walk.url == LISTING and spider.crawler.stats.get_value(Stat.LISTING_FOUND_BY) == "site map page"


def test_with_no_door_to_the_section_the_all_news_feed_is_walked_or_the_crawl_stops(articles):
    unlinked = pages.unlinked_section(pages.home_page(articles, section_in_menu=False))
    for topic_rule, ends_in in (("fallback", "walk"), ("off", "stop")):
        spider = home_spider()
        spider.topic_rule = topic_rule
        home_page = HtmlResponse(SITE + "/", body=unlinked.encode())
        requests = list(spider.parse_home(home_page))
        with pytest.raises(CloseSpider) if ends_in == "stop" else nullcontext():
            while requests and requests[-1].callback.__name__ == "parse_door":
                door = requests[-1]
                not_there = HtmlResponse(door.url, body=b"<html><body><p>Nothing here</p></body></html>", request=door)
                failure = Failure(HttpError(not_there, "Ignoring non-200 response"))
                failure.request = door
                requests = list(
                    spider.door_failed(failure)
                    if "tags" in door.url
                    else spider.parse_door(not_there, **door.cb_kwargs)
                )
        if ends_in == "walk":
            [walk] = requests
            assert walk.url == SITE + "/lenta" and spider.selecting
        else:
            assert spider.crawler.stats.get_value(Stat.SECTION_NOT_FOUND).startswith("section 'Elections' not found")


def test_a_home_page_that_links_to_no_listing_is_unreachable():
    spider = home_spider()
    response = HtmlResponse(SITE + "/", status=200, body=b"<html><body>Down for maintenance</body></html>")
    assert list(spider.parse_home(response)) == []
    assert spider.crawler.stats.get_value(Stat.UNREACHABLE_AT) == (
        f"{SITE}/ (HTTP 200, a page that links to no listing: maintenance, or no home page)"
    )


def article_response(url: str, body: bytes, first: str | None = None, **kwargs):
    request = Request(url, meta={"redirect_urls": [first]} if first else {})
    return HtmlResponse(url, body=body, request=request, **kwargs)


def test_an_article_page_is_loaded_kept_and_an_alias_noted(articles):
    spider = spider_for(ELECTIONS_RECORD_RUN=True)  # a crawl keeps the raw page
    moved = []
    spider.crawler.signals.connect(
        lambda alias_id, article_id: moved.append((alias_id, article_id)),
        signal=crawler_signals.article_moved,
        weak=False,
    )
    article = articles[0]
    body = pages.article_page(article, articles, SITE).encode()
    [item] = spider.parse_article(article_response(SITE + article.path, body, first=SITE + "/news/old-url-0a0b0c"))
    assert (item["article_id"], item["title"]) == (article.article_id, article.title)
    assert item["raw_page"].url == SITE + "/news/old-url-0a0b0c" and item["raw_page"].final_url == SITE + article.path
    assert moved == [("0a0b0c", article.article_id)]


def test_an_article_request_that_ends_on_no_article_page_is_a_failure_and_gone_when_the_site_says_so():
    spider = spider_for()
    failed = failures_of(spider)
    url = SITE + "/news/removed-a1b2c3"
    text = TextResponse(url, body=b"{}", headers={"Content-Type": "application/json"}, request=Request(url))
    assert list(spider.parse_article(text)) == []
    assert list(spider.parse_article(article_response(SITE + "/", b"<html></html>", first=url))) == []
    not_found = HtmlResponse(url, status=404, request=Request(url))
    failure = Failure(HttpError(not_found, "Ignoring non-200 response"))
    failure.request = not_found.request
    spider.article_failed(failure)
    assert [(f["article_id"], f["reason"]) for f in failed] == [
        ("a1b2c3", "not an HTML page (Content-Type application/json)"),
        ("a1b2c3", f"redirected to {SITE}/, which is no article page"),
        ("a1b2c3", "HTTP 404"),
    ]
    assert spider.crawler.stats.get_value(Stat.ARTICLES_GONE) == 2


def test_a_listing_page_past_the_end_ends_the_walk_and_a_failed_first_one_breaks_it():
    spider = spider_for()
    past = spider.listing_request(7)
    for _ in range(2):  # once is a glitch, maybe: the page after it is read too
        failure = Failure(HttpError(HtmlResponse(past.url, status=404, request=past), "Ignoring non-200 response"))
        failure.request = past
        [past] = list(spider.listing_failed(failure)) or [None]
        if past is None:
            break
        assert (past.cb_kwargs["page"], past.cb_kwargs["after_empty"]) == (8, True)
    assert past is None and spider.crawler.stats.get_value(Stat.WALK_STOP) == "end"
    assert spider.crawler.stats.get_value(Stat.LISTING_FAILED) is None
    first = spider.listing_request(1)
    failure = Failure(HttpError(HtmlResponse(first.url, status=503, request=first), "Ignoring non-200 response"))
    failure.request = first
    assert list(spider.listing_failed(failure)) == []
    stats = spider.crawler.stats
    assert stats.get_value(Stat.UNREACHABLE_AT) == f"{first.url} (HTTP 503)"
    assert stats.get_value(Stat.LISTING_FAILED_AT) == f"{first.url}: HTTP 503"
    assert stats.get_value(Stat.LISTING_FAILED) == 1


def test_a_challenge_on_the_listing_leaves_it_to_the_channel_and_elsewhere_stops_the_crawl():
    for channel, stops in ((True, False), (False, True)):
        spider = spider_for(ELECTIONS_SECOND_CHANNEL=channel)
        first = spider.listing_request(1)
        failure = Failure(BotChallenge(f"a bot challenge at {first.url}"))
        failure.request = first
        with pytest.raises(CloseSpider) if stops else nullcontext() as stopped:
            list(spider.listing_failed(failure))
        assert spider.listing_challenged is not stops
        assert not stops or stopped.value.reason == "bot_challenge"
    spider = spider_for()
    article = spider.article_request(SITE + "/news/x-a1b2c3")
    failure = Failure(BotChallenge("a bot challenge"))
    failure.request = article
    with pytest.raises(CloseSpider) as stopped:
        spider.article_failed(failure)
    assert stopped.value.reason == "bot_challenge"


def test_redirects_scrapy_drops_without_an_errback_are_recorded():
    spider = spider_for()
    failed = failures_of(spider)
    listed = SITE + "/news/listed-a1b2c3"

    def redirected(to: str) -> Request:
        return spider.article_request(listed).replace(url=to, meta={"redirect_urls": [listed]})

    spider.request_dropped(redirected(listed))  # back where it started
    spider.request_dropped(redirected(SITE + "/"))  # to the home page the crawl read
    spider.request_dropped(redirected(SITE + "/news/another-card-d4e5f6"))  # another card's article
    bounds = build_from_crawler(SiteBoundsMiddleware, spider.crawler)
    bounds.spider_opened(spider)
    for target in ("https://example.org/news/elsewhere", "ftp://files.qazinform.com/news/x"):
        request = redirected(target)
        with pytest.raises(OffSite) as refused:  # before anything is fetched: the errback says so
            bounds.process_request(request)
        spider.article_failed(failure_of(refused.value, request))
    spider.request_dropped(spider.listing_request(2))  # a listing page: the walk's own business
    assert [f["reason"] for f in failed] == [
        "redirect loop",
        f"redirected to {SITE}/, which is no article page",
        "redirect to another site (example.org)",
        "redirect to a ftp: URL",
    ]
    assert {f["url"] for f in failed} == {listed}
    assert spider.crawler.stats.get_value(Stat.DUPLICATES) == 1


def failure_of(error: Exception, request: Request) -> Failure:
    failure = Failure(error)
    failure.request = request
    return failure


def test_every_request_and_redirect_off_the_site_is_refused_before_it_is_made_re_checks_too():
    """Issue 29: a re-check (dont_filter) followed a 301 to another host and stored its
    casino page as an Elections article; Scrapy's OffsiteMiddleware lets dont_filter through."""
    spider = spider_for()
    checked = recorded_checks(spider)
    bounds = build_from_crawler(SiteBoundsMiddleware, spider.crawler)
    bounds.spider_opened(spider)
    due = Due("a1b2c3", SITE + "/news/stored-a1b2c3", datetime(2026, 11, 1, tzinfo=UTC))
    recheck = spider.recheck_request(due)
    assert recheck.dont_filter and bounds.process_request(recheck) is None  # on the site
    away = recheck.replace(url="http://casino.example:8080/bonus", meta={**recheck.meta, "redirect_urls": [due.url]})
    with pytest.raises(OffSite, match=r"^redirect to another site \(casino.example:8080\)$") as refused:
        bounds.process_request(away)
    spider.recheck_failed(failure_of(refused.value, away))
    assert checked == [("a1b2c3", "redirected", "sent to http://casino.example:8080/bonus, on another site")]
    for request in (  # whatever asks: the channel, robots.txt, a door, -a url=
        spider.channel_request("https://example.org/sitemap.xml", spider.parse_sitemap),
        Request("https://example.org/robots.txt", dont_filter=True),
        Request("http://127.0.0.1:9/news/x-a1b2c3"),  # another port of a replica's host
    ):
        with pytest.raises(OffSite, match=r"^request to another site"):
            bounds.process_request(request)
    assert spider.crawler.stats.get_value(Stat.OFFSITE_REFUSED) == 4


def test_a_card_robots_txt_forbids_is_excluded_not_a_failure():
    """Issue 29: such a card was pending, every run partial with an alert, until given up."""
    spider = spider_for()
    failed, excluded = failures_of(spider), []
    spider.crawler.signals.connect(
        lambda url, article_id: excluded.append((url, article_id)), signal=crawler_signals.page_excluded, weak=False
    )
    card = spider.article_request(SITE + "/news/private-a1b2c3")
    spider.article_failed(failure_of(RobotsExcluded("Forbidden by robots.txt"), card))
    assert failed == [] and excluded == [(card.url, "a1b2c3")]
    assert spider.crawler.stats.get_value(Stat.ROBOTS_EXCLUDED) == 1


def recorded_checks(spider) -> list[tuple]:
    """What the spider sends as article_checked, in order."""
    checked: list[tuple] = []
    spider.crawler.signals.connect(
        lambda article_id, outcome, detail: checked.append((article_id, outcome, detail)),
        signal=crawler_signals.article_checked,
        weak=False,
    )
    return checked


def test_a_failure_says_what_happened_in_a_few_words():
    request = Request(SITE + "/news/x-a1b2c3")

    def reason(error) -> str:
        failure = Failure(error)
        failure.request = request
        return failure_reason(failure)

    moved = HtmlResponse(request.url, status=301, headers={"Location": "file:///etc/passwd"}, request=request)
    assert reason(HttpError(moved, "")) == "HTTP 301, a redirect not followed, to file:///etc/passwd"
    assert reason(DownloadTimeoutError("took too long")) == "timeout"
    assert reason(ConnectionRefusedError()) == "ConnectionRefusedError"
    assert reason(ValueError(" bad  ")) == "ValueError: bad"


def test_rechecks_come_once_after_the_channel_conditional_and_skip_what_the_run_fetched():
    due = [
        Due("a1b2c3", SITE + "/news/edited-a1b2c3", datetime(2026, 11, 1, tzinfo=UTC), etag='"v1"', last_modified="x"),
        Due("d4e5f6", SITE + "/news/fetched-d4e5f6", datetime(2026, 11, 2, tzinfo=UTC)),
    ]
    spider = spider_for()
    spider.archive_state.due = due
    spider.requested_ids.add("d4e5f6")
    [request] = spider.begin_rechecks()
    assert (request.url, request.callback, request.dont_filter) == (due[0].url, spider.parse_recheck, True)
    assert request.headers["If-None-Match"] == b'"v1"' and request.headers["If-Modified-Since"] == b"x"
    assert request.meta["handle_httpstatus_list"] == [304, 404, 410]
    assert spider.begin_rechecks() == []  # once a run
    assert spider.crawler.stats.get_value(Stat.RECHECKED) == 1


def test_a_recheck_tells_unchanged_removed_and_redirected_apart_and_reads_a_page(articles):
    spider = spider_for()
    checked = recorded_checks(spider)
    article = articles[0]
    url = SITE + article.path
    request = spider.recheck_request(Due(article.article_id, url, datetime(2026, 11, 1, tzinfo=UTC)))

    def answer(status: int, body: bytes = b"", at: str = url):
        return list(spider.parse_recheck(HtmlResponse(at, status=status, body=body, request=request)))

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
    assert checked == [
        (stored, "unchanged", None),
        (stored, "removed", "HTTP 404"),
        (stored, "removed", "HTTP 410"),
        (stored, "removed", "the site's error page, HTTP 200"),
        (stored, "redirected", f"sent to {SITE}/"),
        # stories merged: it points to another article, which this re-check does not touch
        (stored, "redirected", f"sent to {SITE}{articles[1].path}, article {articles[1].article_id}"),
    ]
    [item] = answer(200, pages.article_page(article, articles, SITE).encode())
    assert item["title"] == article.title and item["recheck_of"] == stored and len(checked) == 6
