import json
from collections.abc import Iterator
from typing import Any, Self

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure

from crawler import signals
from crawler.contracts import FinishReason, Stat, WalkStop
from crawler.crawl.channel import SecondChannel
from crawler.crawl.context import CrawlContext
from crawler.crawl.outcomes import (
    Outcomes,
    failed_request,
    failure_reason,
    no_article_at,
    refused_status,
    stop_on_challenge,
)
from crawler.crawl.run import RunState
from crawler.crawl.section_search import SectionSearch
from crawler.crawl.walks import Walks
from crawler.items import Article, RawPage
from crawler.middlewares import BotChallenge, RobotsExcluded
from crawler.recheck.fetch import Rechecks
from crawler.responses import header
from crawler.site.layouts import home, listing, load_article
from crawler.site.layouts.error_page import is_error_page
from crawler.site.urls import (
    canonical_url,
    is_article_url,
    is_navigation_url,
    is_on_site,
    listed_id,
    listing_page_url,
)
from crawler.walk import STOP_REASONS, CardsRead, Walk, feed_floor, repeat_reason

# The meta key of an article request a walk of an election tag makes: its tag's name. Such
# an article belongs to the archive by its tag; the topic rule does not judge it.
TAG_META = "election_tag"


class ElectionsSpider(scrapy.Spider):
    """Finds the section's listing, walks its pages newest first, and opens each article it
    needs once.

    Without a start URL, the listing is found from the site's home page, behind one door
    after another (crawler/crawl/section_search.py), each link named like the section
    (ELECTIONS_SITE_URL, ELECTIONS_SECTION); where no door leads to one, the all-news feed
    is walked and the topic rule picks its election articles (ELECTIONS_TOPIC_RULE,
    pipelines/topic.py). Beside that listing, each election tag seen behind a door, or walked
    by an earlier run, is walked (home.election_tags): before the all-news feed, after the
    section. Incremental by default: articles already stored are not requested
    again, pages that failed before are requested first, and the walk ends as early as
    crawler/walk.py says is safe. Once the walk is done, the second channel cross-checks it
    (crawler/crawl/channel.py), then the stored articles due are checked again
    (crawler/recheck/fetch.py).
    """

    name = "elections"
    context: CrawlContext  # what the crawl was told, settled once
    run: RunState  # what it has done so far; the archive's part handed over by crawler.state.CrawlState
    outcomes: Outcomes
    channel: SecondChannel
    rechecks: Rechecks
    walks: Walks
    walk: Walk  # the walk under way, once one begins

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.context = CrawlContext.from_settings(crawler.settings, kwargs)  # checked by the crawl command
        spider.run = RunState()
        # The first handler of spider_opened: the context is out before the archive opens.
        crawler.signals.connect(spider.opened, signal=scrapy.signals.spider_opened)
        crawler.signals.connect(spider.request_dropped, signal=scrapy.signals.request_dropped)
        crawler.signals.connect(spider.spider_idle, signal=scrapy.signals.spider_idle)
        return spider

    def opened(self) -> None:
        """The collaborators, once the crawl has its stats; then the context, to every component."""
        stats = self.crawler.stats
        self.outcomes = Outcomes(self.crawler, self.logger)
        self.channel = SecondChannel(self.context, self.run, stats, self.outcomes, self.article_request)
        self.rechecks = Rechecks(self.run, stats, self.outcomes, self.parse_article)
        self.walks = Walks(self.context, self.run, stats, self.logger)
        self.crawler.signals.send_catch_log(signals.crawl_opened, context=self.context, run=self.run)

    async def start(self) -> Any:
        state = self.run.archive
        if state is None:
            return  # the archive could not be opened: the crawl is closing, and says why
        arguments = self.context.arguments
        if arguments.url:  # one article on demand: that page, stored or updated, nothing else
            self.crawler.stats.set_value(Stat.ONE_ARTICLE, arguments.url)
            yield self.article_request(canonical_url(arguments.url))
            return
        remembered = state.remembered_listing
        # Pages fetched first may be the feed's, and are judged as its: known before any door.
        self.run.selecting = not arguments.start_url and (
            self.context.topic_rule == "always"
            or bool(remembered and remembered["listing_found_by"] == home.ALL_NEWS_FEED)
        )
        if state.first or state.refresh:
            self.logger.info(
                "Fetching first %d pages that failed before and %d stored articles to refresh",
                len(state.first),
                len(state.refresh),
            )
        for page in state.first:
            if page["article_id"] not in self.run.requested_ids:
                yield self.article_request(page["url"])
        for due in state.refresh:  # a stored article, fetched again: a re-check
            if due.article_id not in self.run.requested_ids:
                yield self.rechecks.request(due)
        if arguments.start_url:
            yield self.begin_walk(self.walks.new(arguments.start_url, "given"))
        elif self.context.topic_rule == "always":
            self.logger.info("ELECTIONS_TOPIC_RULE=always: the all-news feed, not the section, is walked")
            yield self.begin_walk(self.walks.new(self.context.all_news_url, home.ALL_NEWS_FEED))
        else:
            yield scrapy.Request(self.context.site.url, callback=self.parse_home, errback=self.listing_failed)

    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse) or not home.listing_links(response):  # no menu, no listing linked
            reason = f"HTTP {response.status}, a page that links to no listing: maintenance, or no home page"
            self.crawler.stats.set_value(Stat.UNREACHABLE_AT, f"{response.url} ({reason})")
            self.logger.error("The home page %s is not the site's (%s): no listing to walk", response.url, reason)
            return
        remembered = self.run.archive.remembered_listing if self.run.archive else None
        search = SectionSearch(
            response,
            self.context.site.section,
            self,
            self.logger.info,
            remembered=remembered,
            kept=self.run.door_pages,
            tags=self.run.election_tags,
        )
        yield from search.next_door()

    def section_found(self, door: str, url: str) -> Iterator[scrapy.Request]:
        self.logger.info("Section %r found behind the %s: %s", self.context.site.section, door, url)
        yield self.begin_walk(self.walks.plan(self.walks.new(url, door)))

    def section_ambiguous(self, problem: str) -> Iterator[scrapy.Request]:
        self.section_not_found(problem)
        yield from ()

    def section_nowhere(self, problem: str) -> Iterator[scrapy.Request]:
        """No section: the all-news feed, by the topic rule, after the election tags; with the
        topic rule off, the election tags alone, or nothing."""
        feed = self.context.topic_rule == "fallback"
        if not feed and not self.walks.tags():
            self.section_not_found(problem)
        last = self.run.archive.last_search if self.run.archive else None
        if last and last["listing_found_by"] not in (home.ALL_NEWS_FEED, home.ELECTION_TAG):  # health.py says it
            found = f"{last['start_url']}, found behind the {last['listing_found_by']} by run {last['run_id']}"
            self.crawler.stats.set_value(Stat.SECTION_LOST, found)
        if feed:
            feed_url = self.context.all_news_url
            self.logger.warning("%s. Walking the all-news feed %s, by the topic rule", problem, feed_url)
            yield self.begin_walk(self.walks.plan(self.walks.new(feed_url, home.ALL_NEWS_FEED)))
        else:
            self.logger.warning("%s. Walking the election tags alone (ELECTIONS_TOPIC_RULE=off)", problem)
            yield self.begin_walk(self.walks.plan(None))

    def section_not_found(self, problem: str) -> None:
        self.crawler.stats.set_value(Stat.SECTION_NOT_FOUND, problem)  # the ledger's error line says it
        raise CloseSpider(str(FinishReason.SECTION_NOT_FOUND))

    def begin_walk(self, walk: Walk) -> scrapy.Request:
        self.walks.begin(walk)
        self.walk = walk
        return self.listing_request(1)

    def set_floor(self, cards: list[listing.Card]) -> None:
        """The feed's first walk (or a mode=full one) reads back first_days from its newest
        card, unless since says how far: the whole feed is the site's whole history."""
        self.run.floor = feed_floor([card.published_at for card in cards], self.context.first_days)
        if self.run.floor is None:
            return
        self.logger.info(
            "The all-news feed has no complete walk to stop at: reading back %d days, to %s "
            "(ELECTIONS_TOPIC_FIRST_DAYS; -a since= reads further)",
            self.context.first_days,
            self.run.floor,
        )

    def listing_request(self, page: int, after_empty: bool = False, recheck: bool = False) -> scrapy.Request:
        """`recheck`: read the page before again once this one is read (crawler/walk.py)."""
        return scrapy.Request(
            self.listing_page(page),
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"page": page, "after_empty": after_empty, "recheck": recheck},
        )

    def listing_page(self, page: int) -> str:
        return listing_page_url(self.walk.listing_url, page) if page > 1 else self.walk.listing_url

    def reread_request(self, page: int, callback: Any, **cb_kwargs: Any) -> scrapy.Request:
        """A listing page read again within the walk: has the listing moved?"""
        return scrapy.Request(
            self.listing_page(page),
            callback=callback,
            errback=self.reread_failed,
            cb_kwargs={"page": page, **cb_kwargs},
            dont_filter=True,
            priority=1,
        )

    def article_request(self, url: str, listed_in: Walk | None = None) -> scrapy.Request:
        """`listed_in`: the walk whose card gave it."""
        self.run.requested_ids.add(listed_id(url))
        self.crawler.stats.inc_value(Stat.ARTICLES_REQUESTED)
        meta: dict[str, Any] = {"listed_in": listed_in.listing_url} if listed_in else {}
        if listed_in and listed_in.found_by == home.ELECTION_TAG:
            meta[TAG_META] = listed_in.name
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed, meta=meta)

    def parse_listing(
        self, response: Response, page: int, after_empty: bool = False, recheck: bool = False
    ) -> Iterator[scrapy.Request]:
        stats = self.crawler.stats
        cards = listing.cards(response) if isinstance(response, TextResponse) else []
        if not cards:
            yield from self.cardless_page(response, page, after_empty)
            return
        if after_empty:
            self.logger.warning("Listing page %d had no cards but page %d has: walking on", page - 1, page)
            stats.inc_value(Stat.EMPTY_LISTING_PAGES)
            self.walk.passed_empty = True
        stats.inc_value(Stat.LISTING_PAGES)
        feed = self.walk.main and self.run.selecting
        if page == 1 and feed and not self.context.arguments.since and not self.walk.plan.has_gapless_run:
            self.set_floor(cards)
        read = self.read_cards(cards)
        yield from read.requests
        if page == 1:
            self.walk.top_ids = read.card_ids
            self.walk.newest_at = max(filter(None, (card.published_at for card in cards)), default=None)
            if self.walk.main:
                stats.set_value(Stat.WALK_TOP_IDS, json.dumps(read.card_ids))
        self.walk.read(page, read.card_ids)
        if recheck:
            yield self.reread_request(page - 1, self.parse_reread)
        yield from self.walk_on(page, read)

    def cardless_page(self, response: Response, page: int, after_empty: bool) -> Iterator[scrapy.Request]:
        """A listing page without cards: the listing's end, maybe, or no listing page at all."""
        if isinstance(response, TextResponse) and listing.looks_like_listing(response):
            yield from self.no_cards(page, after_empty)
        else:
            self.crawler.stats.inc_value(Stat.NOT_A_LISTING)
            self.listing_broken(
                response.url, f"HTTP {response.status}, not a listing page (no cards, no listing markup)"
            )

    def read_cards(self, cards: list[listing.Card]) -> CardsRead:
        """The page's cards: the articles to fetch, and what the walk needs to know of them."""
        stats, since = self.crawler.stats, self.context.arguments.since or self.run.floor
        read = CardsRead()
        for card in cards:
            url = canonical_url(card.url)
            if not is_article_url(url) or not is_on_site(url, self.context.origins):
                read.all_known &= not self.skipped_card(card.url, url)
                continue
            card_id = listed_id(url)
            read.card_ids.append(card_id)
            if self.walk.main:  # what the section lists, and how far back the walk read it
                self.run.listed_ids.add(card_id)
                if card.published_at:
                    stats.min_value(Stat.OLDEST_CARD_AT, card.published_at)
            if since and card.published_at and card.published_at < since:
                read.reached_since = True
            elif self.run.is_new(card_id):
                read.all_known = False
                read.requests.append(self.article_request(url, listed_in=self.walk))
        read.all_known &= bool(read.card_ids)  # cards, and none an article: nothing here is known to be stored
        return read

    def skipped_card(self, shown_url: str, url: str) -> bool:
        """A card that links to no article of the site (a category, a tag, another site ...);
        True when it may be an article under a URL form the crawler does not know."""
        self.crawler.stats.inc_value(Stat.CARDS_SKIPPED)
        unknown = is_on_site(url, self.context.origins) and not is_navigation_url(url)
        if unknown:
            self.outcomes.count_with_first(Stat.CARDS_UNKNOWN, Stat.CARDS_UNKNOWN_AT, shown_url)
        return unknown

    def walk_on(self, page: int, read: CardsRead) -> Iterator[scrapy.Request]:
        """After a page with cards: the walk ends, reads page 1 again, or goes on."""
        stop = self.walk.after_page(
            page, read.card_ids, read.all_known, read.reached_since, floor=not self.context.arguments.since
        )
        if stop is not None:
            self.logger.info("Listing ends after page %d: %s", page, STOP_REASONS[stop])
            self.walks.ended(stop)
            return
        if self.walk.repeats_previous(page, read.card_ids):  # a page of new articles on top, or no end
            yield self.reread_request(1, self.parse_top_again, repeated=page)
            return
        runaway = self.walk.runaway(page, read.card_ids)
        if runaway:
            self.stop_runaway(runaway)
            return
        yield self.listing_request(page + 1, recheck=self.walk.at_risk(page, self.run.known_ids))

    def stop_runaway(self, reason: str) -> None:
        self.crawler.stats.set_value(Stat.RUNAWAY, reason)
        self.logger.error("The walk stops: %s", reason)

    def article_cards(self, response: Response) -> list[tuple[str, str]]:
        """(id, canonical URL) of the cards that link to the site's articles."""
        cards = listing.cards(response) if isinstance(response, TextResponse) else []
        urls = [canonical_url(card.url) for card in cards]
        return [(listed_id(u), u) for u in urls if is_article_url(u) and is_on_site(u, self.context.origins)]

    def fetch(self, cards: list[tuple[str, str]], ids: list[str]) -> Iterator[scrapy.Request]:
        """The articles of `ids` among `cards` that are neither stored nor requested."""
        for card_id, url in cards:
            if card_id in ids and self.run.is_new(card_id):
                yield self.article_request(url, listed_in=self.walk)

    def parse_reread(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        """A page read again after the next: cards that moved up onto it while the walk went
        on (articles unpublished above) are fetched, not lost; so are articles published on
        top meanwhile, when it is page 1."""
        cards = self.article_cards(response)
        top, moved, trusted = self.walk.reread(page, [card_id for card_id, _ in cards])
        if top:
            self.logger.info("Listing page 1, read again, has %d articles published during the walk", len(top))
        if moved:
            self.crawler.stats.inc_value(Stat.CARDS_MOVED_UP, len(moved))
            self.logger.warning(
                "Listing page %d, read again, holds %d cards the walk had not seen: the listing moved up "
                "while it was walked (articles removed above); fetching them",
                page,
                len(moved),
            )
        yield from self.fetch(cards, [*top, *moved])
        if not trusted:
            reason = f"listing page {page}, read again, shares no card with its first read: the listing moved too far"
            self.crawler.stats.set_value(Stat.SHIFT_UNVERIFIED, reason)
            self.logger.error("%s; the walk may have skipped cards, so it is not gapless", reason)

    def parse_top_again(self, response: Response, page: int, repeated: int) -> Iterator[scrapy.Request]:
        """Page `repeated` repeated the page before it: page 1 read again tells a listing that
        grew by a page during the walk (walk on) from one that does not end (a runaway)."""
        cards = self.article_cards(response)
        new = self.walk.new_on_top([card_id for card_id, _ in cards])
        if not new:
            self.stop_runaway(repeat_reason(repeated, repeated - 1))
            return
        self.logger.warning(
            "Listing page %d repeats page %d: %d articles were published on top during the walk; walking on",
            repeated,
            repeated - 1,
            len(new),
        )
        yield from self.fetch(cards, new)
        yield self.listing_request(repeated + 1)

    def reread_failed(self, failure: Failure) -> None:
        self.listing_broken(failed_request(failure).url, f"read again: {failure_reason(failure)}")
        stop_on_challenge(failure)

    def no_cards(self, page: int, after_empty: bool) -> Iterator[scrapy.Request]:
        """A page with no cards ends the listing once the page after it has none either: a
        server's passing glitch must not pass for the end of the archive."""
        if after_empty:
            self.logger.info("Listing ends: pages %d and %d have no cards", page - 1, page)
            if not self.walk.passed_empty:
                self.walks.ended(WalkStop.END)
        elif not (self.context.arguments.max_pages and page >= self.context.arguments.max_pages):
            yield self.listing_request(page + 1, after_empty=True)

    def parse(self, response: Response) -> Iterator[Article]:
        """`scrapy parse <article URL>`: an article page, as the crawl reads one."""
        return self.parse_article(response)

    def spider_idle(self) -> None:
        """Once a walk and its articles are done: the next walk; after the last, the second
        channel (ELECTIONS_SECOND_CHANNEL); once that is done too, the stored articles due a
        re-check."""
        if self.run.walks_due:
            requests = [self.begin_walk(self.run.walks_due.pop(0))]
        else:
            requests = self.channel.begin() or self.rechecks.begin()
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def parse_article(self, response: Response) -> Iterator[Article]:
        request = response.request
        assert request is not None  # Scrapy's, for every response a callback gets
        if not isinstance(response, HtmlResponse):  # a truncated text/plain page, JSON ...
            content_type = header(response, b"Content-Type") or "none"
            self.outcomes.report_failure(request, f"not an HTML page (Content-Type {content_type})")
            return
        if not is_article_url(response.url):  # a removed article sent to the home page, say
            self.outcomes.report_failure(request, no_article_at(response.url), gone=True)
            return
        if is_error_page(response):  # "page not found", served with 200
            self.outcomes.report_failure(request, f"the site's error page, HTTP {response.status}", gone=True)
            return
        item = load_article(response, section=self.context.site.section, edition_lang=self.context.site.lang)
        item["scraped_at"] = self.context.clock.iso()
        item["etag"] = header(response, b"ETag")
        item["last_modified"] = header(response, b"Last-Modified")
        item["listed_in"] = response.meta.get("listed_in")
        if self.run.selecting and TAG_META not in response.meta:
            item["selected_from"] = response.meta.get("selected_from", self.run.listing_url)
        self.outcomes.note_alias(request, item.get("article_id"))
        self.walks.note_tags(response)
        if self.context.keep_raw:
            item["raw_page"] = RawPage.of(response, item["scraped_at"])
        yield item

    def listing_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """A listing page (or the home page) that could not be read. Past page 1, a 404 or 410
        is a page past the end, as a page without cards is."""
        page = failed_request(failure).cb_kwargs.get("page", 0)
        if page > 1 and refused_status(failure) in (404, 410):
            yield from self.no_cards(page, failed_request(failure).cb_kwargs.get("after_empty", False))
            return
        reason = failure_reason(failure)
        status = refused_status(failure)
        served = status is not None and status < 500  # a 404 is an answer
        if not served and not self.crawler.stats.get_value(Stat.UNREACHABLE_AT):
            self.crawler.stats.set_value(Stat.UNREACHABLE_AT, f"{failed_request(failure).url} ({reason})")
        self.listing_broken(failed_request(failure).url, reason)
        if page == 1 and failure.check(BotChallenge) and self.context.second_channel:
            self.run.listing_challenged = True  # the feeds and sitemaps are tried; a challenge there stops the crawl
            return
        stop_on_challenge(failure)

    def listing_broken(self, url: str, reason: str) -> None:
        self.outcomes.count_with_first(Stat.LISTING_FAILED, Stat.LISTING_FAILED_AT, f"{url}: {reason}")
        self.logger.error("Listing page %s failed (%s): the walk ends here", url, reason)

    def article_failed(self, failure: Failure) -> None:
        if failure.check(RobotsExcluded):
            self.outcomes.excluded(failed_request(failure))
            return
        gone = refused_status(failure) in (404, 410)
        self.outcomes.report_failure(failed_request(failure), failure_reason(failure), gone=gone)
        stop_on_challenge(failure)

    # Scrapy drops two kinds of redirected request without calling their errback; an article
    # lost that way must still be recorded.
    def request_dropped(self, request: scrapy.Request) -> None:
        """The scheduler drops a request for a URL already requested: for an article, a
        redirect back to where it started, to the home page the crawl read, or to another
        card's article."""
        if request.callback != self.parse_article:
            return
        if request.url in request.meta.get("redirect_urls", []):
            self.outcomes.report_failure(request, "redirect loop")
        elif not is_article_url(request.url):
            self.outcomes.report_failure(request, no_article_at(request.url), gone=True)
        else:  # another card's article: stored, or failed, under that card's id
            self.outcomes.note_alias(request, listed_id(request.url))
            self.crawler.stats.inc_value(Stat.DUPLICATES)  # the same article, seen twice
