"""The spider's decisions, in-process: built as Scrapy builds it, handed its archive state as
crawler.state.CrawlState hands it, and fed built responses, as Scrapy's own tests do. Its
collaborators have tests of their own (test_channel, test_rechecks, test_section_search,
test_outcomes); here, the walk and what the spider does with their conclusions."""

from contextlib import nullcontext
from dataclasses import replace

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler import signals as crawler_signals
from crawler.contracts import Stat
from crawler.crawl.run import ArchiveState
from crawler.middlewares import BotChallenge, OffSite, RobotsExcluded, SiteBoundsMiddleware
from crawler.spiders.elections import ElectionsSpider
from replica import pages
from replica.content import generate
from tests.checks import started
from tests.unit.crawl_parts import LISTING, PROJECT, SITE


def spider_for(known: set[str] = frozenset(), **settings) -> ElectionsSpider:
    crawler = get_crawler(ElectionsSpider, {**PROJECT, "ELECTIONS_SITE_URL": SITE + "/", **settings})
    spider = ElectionsSpider.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    spider.opened()  # Scrapy's spider_opened, to the spider
    spider.run.take(ArchiveState(known_ids=set(known)))
    spider.begin_walk(spider.walks.new(LISTING, "menu"))
    return spider


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


def bare_spider(state: ArchiveState | None = None, **arguments) -> ElectionsSpider:
    """The spider as the engine gets it, with its -a arguments and its archive state."""
    crawler = get_crawler(ElectionsSpider, {**PROJECT, "ELECTIONS_SITE_URL": SITE + "/"})
    spider = ElectionsSpider.from_crawler(crawler, **arguments)
    crawler.spider = spider
    crawler.stats.open_spider()
    spider.opened()
    if state is not None:
        spider.run.take(state)
    return spider


class Engine:
    """What the spider hands Scrapy's engine from spider_idle, kept."""

    def __init__(self):
        self.crawled: list[Request] = []

    def crawl(self, request: Request) -> None:
        self.crawled.append(request)


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
    [walk] = door.callback(site_map, **door.cb_kwargs)
    assert walk.url == LISTING and spider.crawler.stats.get_value(Stat.LISTING_FOUND_BY) == "site map page"


def test_with_no_door_to_the_section_the_all_news_feed_is_walked_or_the_crawl_stops(articles):
    unlinked = pages.unwalkable_tags(pages.unlinked_section(pages.home_page(articles, section_in_menu=False)))
    for topic_rule, ends_in in (("fallback", "walk"), ("off", "stop")):
        spider = home_spider()
        spider.context = replace(spider.context, topic_rule=topic_rule)
        home_page = HtmlResponse(SITE + "/", body=unlinked.encode())
        requests = list(spider.parse_home(home_page))
        with pytest.raises(CloseSpider) if ends_in == "stop" else nullcontext():
            while requests and requests[-1].callback.__name__ == "parse_door":
                door = requests[-1]
                not_there = HtmlResponse(door.url, body=b"<html><body><p>Nothing here</p></body></html>", request=door)
                failure = Failure(HttpError(not_there, "Ignoring non-200 response"))
                failure.request = door
                requests = list(
                    door.errback(failure) if "tags" in door.url else door.callback(not_there, **door.cb_kwargs)
                )
        if ends_in == "walk":
            [walk] = requests
            assert walk.url == SITE + "/lenta" and spider.run.selecting
        else:
            assert spider.crawler.stats.get_value(Stat.SECTION_NOT_FOUND).startswith("section 'Elections' not found")


def test_election_tags_are_walked_after_the_section_before_the_feed_and_alone_with_the_topic_rule_off(articles):
    referendum = SITE + pages.tag_path("Referendum 2026")
    earlier = SITE + "/tag/x_t5"  # walked by an earlier run, and remembered
    for section_in_menu, topic_rule, walks in (
        (
            True,
            "fallback",
            [(LISTING, "menu", True), (earlier, "election tag", False), (referendum, "election tag", False)],
        ),
        (
            False,
            "fallback",
            [
                (earlier, "election tag", False),
                (referendum, "election tag", False),
                (SITE + "/lenta", "all-news feed", True),
            ],
        ),
        (False, "off", [(earlier, "election tag", True), (referendum, "election tag", False)]),
    ):
        spider = home_spider()
        spider.context = replace(spider.context, topic_rule=topic_rule)
        spider.run.election_tags = {earlier: "Выборы-2023"}
        home = pages.home_page(articles, section_in_menu=section_in_menu)
        requests = list(spider.parse_home(HtmlResponse(SITE + "/", body=home.encode())))
        while requests and requests[-1].callback.__name__ == "parse_door":  # no door but the menu answers
            door = requests[-1]
            requests = list(door.callback(HtmlResponse(door.url, body=b"<html></html>", request=door), door="x"))
        spider.crawler.engine = Engine()
        while spider.run.walks_due:  # each next walk begins once the crawl is idle
            with pytest.raises(DontCloseSpider):
                spider.spider_idle()
        assert [request.url for request in [*requests, *spider.crawler.engine.crawled]] == [walk[0] for walk in walks]
        assert [(walk.listing_url, walk.found_by, walk.main) for walk in spider.run.walks] == walks
        main = next(walk for walk in walks if walk[2])
        assert spider.crawler.stats.get_value(Stat.LISTING_URL) == main[0] == spider.run.listing_url
        assert spider.run.selecting == (main[1] == "all-news feed")

    # The feed remembered from an earlier run, walked without knocking on the doors: tags first too.
    spider = home_spider()
    spider.run.archive.remembered_listing = {"start_url": SITE + "/lenta", "listing_found_by": "all-news feed"}
    spider.run.election_tags = {earlier: "Выборы-2023"}
    home = pages.home_page(articles, section_in_menu=False)
    [first] = spider.parse_home(HtmlResponse(SITE + "/", body=home.encode()))
    assert first.url == earlier and [walk.listing_url for walk in spider.run.walks_due] == [referendum, SITE + "/lenta"]


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
        assert spider.run.listing_challenged is not stops
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
    spider.opened()  # again: the crawl context, to the middleware built since
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
