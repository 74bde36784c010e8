import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import CloseSpider, DontCloseSpider, DownloadTimeoutError
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import signals
from crawler.arguments import CrawlArguments
from crawler.clock import Clock
from crawler.contracts import CheckOutcome, EventKind, FinishReason, Stat, WalkStop
from crawler.items import RawPage
from crawler.middlewares import BotChallenge, OffSite, RobotsExcluded
from crawler.recheck import Due
from crawler.site.layouts import feeds, home, listing, load_article
from crawler.site.layouts.error_page import is_error_page
from crawler.site.text import valid_text
from crawler.site.urls import (
    article_id,
    canonical_url,
    first_url,
    is_article_url,
    is_navigation_url,
    is_on_site,
    listed_id,
)
from crawler.state import ArchiveState
from crawler.topic import RULE_VERSION
from crawler.walk import Walk, WalkPlan, repeat_reason


class ElectionsSpider(scrapy.Spider):
    """Finds the section's listing, walks its pages newest first, and opens each article it
    needs once.

    Without a start URL, the listing is found from the site's home page, behind one door
    after another (crawler/site/layouts/home.py), each link named like the section
    (ELECTIONS_SITE_URL, ELECTIONS_SECTION); where no door leads to one, the all-news feed
    is walked and the topic rule picks its election articles (ELECTIONS_TOPIC_RULE,
    pipelines/topic.py). Incremental by default: articles already stored are not requested
    again, pages that failed before are requested first, and the walk ends as early as
    crawler/walk.py says is safe.
    """

    name = "elections"
    # Set in from_crawler, from the arguments and settings:
    given_arguments: dict[str, str]
    arguments: CrawlArguments
    site_url: str
    section: str
    edition_lang: str
    keep_raw: bool
    allowed_origins: set[tuple[str, str, int]]
    clock: Clock  # ELECTIONS_NOW: when a page was fetched
    min_listing_bound: int
    requested_ids: set[str]
    archive_state: ArchiveState | None  # handed over by crawler.state.CrawlState
    search: home.SectionSearch  # the doors to the section's listing, once the home page is read
    topic_rule: str  # ELECTIONS_TOPIC_RULE: "fallback", "always" or "off"
    all_news_url: str
    first_days: int  # ELECTIONS_TOPIC_FIRST_DAYS
    second_channel: bool  # ELECTIONS_SECOND_CHANNEL
    feed_paths: list[str]  # ELECTIONS_FEEDS
    sitemap_children: int  # ELECTIONS_SITEMAP_CHILDREN
    max_size: int  # DOWNLOAD_MAXSIZE
    # Set as the crawl goes:
    known_ids: set[str]
    listing_url: str = ""  # until a walk begins
    walk: Walk
    selecting: bool = False  # the listing is the all-news feed: the topic rule judges its articles
    floor: str | None = None  # the feed's walk reads no card older than this (ISO UTC)
    channel_read: bool = False  # the second channel, read once the walk is done
    # The channel's articles taken: those at least this new (ISO UTC; None: all), as the
    # walk's missed ones, or as a fallback for a listing that could not be read.
    channel_since: str | None = None
    channel_fallback: bool = False
    listing_challenged: bool = False  # page 1 of the listing answered a bot challenge
    listed_ids: set[str]  # every article id the walk's cards gave: a complete walk tells what is delisted
    rechecks_begun: bool = False  # the due re-checks, requested once what is new is fetched

    @classmethod
    def check_arguments(cls, settings, arguments: dict) -> CrawlArguments:
        """Raises ArgumentError; the crawl command calls it before the crawl starts."""
        return CrawlArguments.parse(settings, arguments)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=scrapy.signals.request_dropped)
        crawler.signals.connect(spider.spider_idle, signal=scrapy.signals.spider_idle)
        settings = crawler.settings
        spider.given_arguments = dict(kwargs)
        spider.arguments = cls.check_arguments(settings, kwargs)
        spider.site_url = spider.arguments.site.url
        spider.section = spider.arguments.site.section
        spider.edition_lang = spider.arguments.site.lang
        # Only a crawl stores raw pages: `scrapy parse` would print their compressed bytes.
        spider.keep_raw = settings.getbool("ELECTIONS_KEEP_RAW") and settings.getbool("ELECTIONS_RECORD_RUN")
        spider.allowed_origins = spider.arguments.origins  # beside the site's domains (SiteBoundsMiddleware)
        spider.clock = Clock.from_settings(settings)  # checked by the crawl command
        spider.min_listing_bound = settings.getint("ELECTIONS_LISTING_MIN_BOUND")
        spider.topic_rule = settings.get("ELECTIONS_TOPIC_RULE")
        spider.all_news_url = urljoin(spider.site_url, spider.arguments.site.all_news_path)
        spider.first_days = settings.getint("ELECTIONS_TOPIC_FIRST_DAYS")
        spider.second_channel = settings.getbool("ELECTIONS_SECOND_CHANNEL")
        spider.feed_paths = list(spider.arguments.site.feeds)
        spider.sitemap_children = settings.getint("ELECTIONS_SITEMAP_CHILDREN")
        spider.max_size = settings.getint("DOWNLOAD_MAXSIZE")  # of a gzipped sitemap, unpacked
        spider.requested_ids = set()
        spider.listed_ids = set()
        spider.archive_state = None
        return spider

    async def start(self):
        if self.archive_state is None:
            return  # the archive could not be opened: the crawl is closing, and says why
        self.known_ids = self.archive_state.known_ids
        if self.arguments.url:  # one article on demand: that page, stored or updated, nothing else
            self.crawler.stats.set_value(Stat.ONE_ARTICLE, self.arguments.url)
            yield self.article_request(canonical_url(self.arguments.url))
            return
        first, remembered = self.archive_state.first, self.archive_state.remembered_listing
        # Pages fetched first may be the feed's, and are judged as its: known before any door.
        self.selecting = not self.arguments.start_url and (
            self.topic_rule == "always" or bool(remembered and remembered["listing_found_by"] == home.ALL_NEWS_FEED)
        )
        if first or self.archive_state.refresh:
            self.logger.info(
                "Fetching first %d pages that failed before and %d stored articles to refresh",
                len(first),
                len(self.archive_state.refresh),
            )
        for page in first:
            if page["article_id"] not in self.requested_ids:
                yield self.article_request(page["url"])
        for due in self.archive_state.refresh:  # a stored article, fetched again: a re-check
            if due.article_id not in self.requested_ids:
                yield self.recheck_request(due)
        if self.arguments.start_url:
            yield self.begin_walk(self.arguments.start_url, "given")
        elif self.topic_rule == "always":
            self.logger.info("ELECTIONS_TOPIC_RULE=always: the all-news feed, not the section, is walked")
            yield self.begin_walk(self.all_news_url, home.ALL_NEWS_FEED)
        else:
            yield scrapy.Request(self.site_url, callback=self.parse_home, errback=self.listing_failed)

    def parse_home(self, response):
        if not home.listing_links(response):  # no home page: no menu, no listing linked at all
            reason = f"HTTP {response.status}, a page that links to no listing: maintenance, or no home page"
            self.crawler.stats.set_value(Stat.UNREACHABLE_AT, f"{response.url} ({reason})")
            self.logger.error("The home page %s is not the site's (%s): no listing to walk", response.url, reason)
            return
        self.search = home.SectionSearch(response, self.section)
        yield from self.next_door()

    def next_door(self):
        """The next door to the section's listing (crawler/site/layouts/home.py): behind it the
        home page, read, or a page to read first."""
        door = self.search.next_door()
        if door is None:
            problem = self.search.not_found()
            if self.topic_rule != "fallback":
                self.section_not_found(problem)
            self.logger.warning("%s. Walking the all-news feed %s, by the topic rule", problem, self.all_news_url)
            yield self.begin_walk(self.all_news_url, home.ALL_NEWS_FEED)
            return
        name, url = door
        if url is None:
            yield from self.behind(name)
        else:
            # dont_filter: a door that is an article page must leave that article to be fetched
            yield scrapy.Request(
                url, callback=self.parse_door, errback=self.door_failed, cb_kwargs={"door": name}, dont_filter=True
            )

    def parse_door(self, response, door: str):
        yield from self.behind(door, response)

    def behind(self, door: str, page=None):
        candidates = self.search.look(door, page)
        remembered = self.archive_state.remembered_listing if self.archive_state else None
        if door == "menu" and not candidates and remembered:
            # Found behind a deeper door before: walked again without knocking on every door
            # (a run in mode=full looks again).
            self.logger.info(
                "No link named %r in the menu: walking %s, found behind the %s by an earlier run",
                self.section,
                remembered["start_url"],
                remembered["listing_found_by"],
            )
            yield self.begin_walk(remembered["start_url"], remembered["listing_found_by"])
            return
        if len(candidates) > 1:
            self.section_not_found(home.ambiguous(self.section, candidates, door))
        if not candidates:
            self.logger.info("No link named %r behind the %s%s", self.section, door, f" ({page.url})" if page else "")
            yield from self.next_door()
            return
        self.logger.info("Section %r found behind the %s: %s", self.section, door, candidates[0])
        yield self.begin_walk(candidates[0], door)

    def door_failed(self, failure):
        door = failure.request.cb_kwargs["door"]
        self.search.failed(door, failure.request.url, failure_reason(failure))
        stop_on_challenge(failure)
        yield from self.next_door()

    def section_not_found(self, problem: str) -> None:
        self.crawler.stats.set_value(Stat.SECTION_NOT_FOUND, problem)  # the ledger's error line says it
        raise CloseSpider(str(FinishReason.SECTION_NOT_FOUND))

    def begin_walk(self, listing_url: str, found_by: str) -> scrapy.Request:
        """`found_by`: "given" (a start URL), the door the listing was behind, or ALL_NEWS_FEED."""
        self.listing_url = listing_url
        self.crawler.stats.set_value(Stat.LISTING_URL, listing_url)
        self.crawler.stats.set_value(Stat.LISTING_FOUND_BY, found_by)
        self.selecting = found_by == home.ALL_NEWS_FEED
        runs = self.archive_state.runs_by_listing if self.archive_state else {}
        plan = WalkPlan.from_runs(runs.get(listing_url, []))
        if self.selecting:  # what the rule rejected is known: never fetched from the feed again
            self.known_ids |= self.archive_state.rejected_ids if self.archive_state else set()
            self.logger.info("Each article of the feed is judged by the topic rule, version %d", RULE_VERSION)
        self.walk = Walk(
            plan, max_pages=self.arguments.max_pages, known=len(self.known_ids), min_bound=self.min_listing_bound
        )
        if self.arguments.mode != "full":
            self.logger.info("Walking %s: %s", listing_url, plan.describe())
        return self.listing_request(1)

    def set_floor(self, cards) -> None:
        """The feed's first walk (or a mode=full one) reads back first_days from its newest
        card, unless since says how far: the whole feed is the site's whole history."""
        newest = max((card.published_at for card in cards if card.published_at), default=None)
        if newest is None:
            return
        floor = datetime.fromisoformat(newest) - timedelta(days=self.first_days)
        self.floor = floor.astimezone(UTC).isoformat()
        self.logger.info(
            "The all-news feed has no complete walk to stop at: reading back %d days, to %s "
            "(ELECTIONS_TOPIC_FIRST_DAYS; -a since= reads further)",
            self.first_days,
            self.floor,
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
        return listing_page_url(self.listing_url, page) if page > 1 else self.listing_url

    def reread_request(self, page: int, callback, **cb_kwargs) -> scrapy.Request:
        """A listing page read again within the walk: has the listing moved?"""
        return scrapy.Request(
            self.listing_page(page),
            callback=callback,
            errback=self.reread_failed,
            cb_kwargs={"page": page, **cb_kwargs},
            dont_filter=True,
            priority=1,
        )

    def article_request(self, url: str, listed_in: str | None = None) -> scrapy.Request:
        """`listed_in`: the listing whose card gave it."""
        self.requested_ids.add(listed_id(url))
        self.crawler.stats.inc_value(Stat.ARTICLES_REQUESTED)
        meta = {"listed_in": listed_in} if listed_in else {}
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed, meta=meta)

    def parse_listing(self, response, page: int, after_empty: bool = False, recheck: bool = False):
        stats = self.crawler.stats
        cards = listing.cards(response)
        if not cards:
            yield from self.cardless_page(response, page, after_empty)
            return
        if after_empty:
            self.logger.warning("Listing page %d had no cards but page %d has: walking on", page - 1, page)
            stats.inc_value(Stat.EMPTY_LISTING_PAGES)
        stats.inc_value(Stat.LISTING_PAGES)
        if page == 1 and self.selecting and not self.arguments.since and not self.walk.plan.has_gapless_run:
            self.set_floor(cards)
        read = self.read_cards(cards)
        yield from read.requests
        if page == 1:
            stats.set_value(Stat.WALK_TOP_IDS, json.dumps(read.card_ids))
        self.walk.read(page, read.card_ids)
        if recheck:
            yield self.reread_request(page - 1, self.parse_reread)
        yield from self.walk_on(page, read)

    def cardless_page(self, response, page: int, after_empty: bool):
        """A listing page without cards: the listing's end, maybe, or no listing page at all."""
        if listing.looks_like_listing(response):
            yield from self.no_cards(page, after_empty)
        else:
            self.crawler.stats.inc_value(Stat.NOT_A_LISTING)
            self.listing_broken(
                response.url, f"HTTP {response.status}, not a listing page (no cards, no listing markup)"
            )

    def read_cards(self, cards) -> "CardsRead":
        """The page's cards: the articles to fetch, and what the walk needs to know of them."""
        stats, since = self.crawler.stats, self.arguments.since or self.floor
        read = CardsRead()
        for card in cards:
            url = canonical_url(card.url)
            if not is_article_url(url) or not is_on_site(url, self.allowed_origins):
                read.all_known &= not self.skipped_card(card.url, url)
                continue
            card_id = listed_id(url)
            read.card_ids.append(card_id)
            self.listed_ids.add(card_id)
            if card.published_at:
                stats.min_value(Stat.OLDEST_CARD_AT, card.published_at)
            if since and card.published_at and card.published_at < since:
                read.reached_since = True
            elif card_id not in self.known_ids and card_id not in self.requested_ids:
                read.all_known = False
                read.requests.append(self.article_request(url, listed_in=self.listing_url))
        read.all_known &= bool(read.card_ids)  # cards, and none an article: nothing here is known to be stored
        return read

    def skipped_card(self, shown_url: str, url: str) -> bool:
        """A card that links to no article of the site (a category, a tag, another site ...);
        True when it may be an article under a URL form the crawler does not know."""
        self.crawler.stats.inc_value(Stat.CARDS_SKIPPED)
        unknown = is_on_site(url, self.allowed_origins) and not is_navigation_url(url)
        if unknown:
            self.count_with_first(Stat.CARDS_UNKNOWN, Stat.CARDS_UNKNOWN_AT, shown_url)
        return unknown

    def walk_on(self, page: int, read: "CardsRead"):
        """After a page with cards: the walk ends, reads page 1 again, or goes on."""
        stop = self.walk.after_page(
            page, read.card_ids, read.all_known, read.reached_since, floor=not self.arguments.since
        )
        if stop is not None:
            self.logger.info("Listing ends after page %d: %s", page, STOP_REASONS[stop])
            self.crawler.stats.set_value(Stat.WALK_STOP, str(stop))
            return
        if self.walk.repeats_previous(page, read.card_ids):  # a page of new articles on top, or no end
            yield self.reread_request(1, self.parse_top_again, repeated=page)
            return
        runaway = self.walk.runaway(page, read.card_ids)
        if runaway:
            self.stop_runaway(runaway)
            return
        yield self.listing_request(page + 1, recheck=self.walk.at_risk(page, self.known_ids))

    def stop_runaway(self, reason: str) -> None:
        self.crawler.stats.set_value(Stat.RUNAWAY, reason)
        self.logger.error("The walk stops: %s", reason)

    def article_cards(self, response) -> list[tuple[str, str]]:
        """(id, canonical URL) of the cards that link to the site's articles."""
        urls = [canonical_url(card.url) for card in listing.cards(response)]
        return [(listed_id(u), u) for u in urls if is_article_url(u) and is_on_site(u, self.allowed_origins)]

    def fetch(self, cards: list[tuple[str, str]], ids: list[str]):
        """The articles of `ids` among `cards` that are neither stored nor requested."""
        for card_id, url in cards:
            if card_id in ids and card_id not in self.known_ids and card_id not in self.requested_ids:
                yield self.article_request(url)

    def parse_reread(self, response, page: int):
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

    def parse_top_again(self, response, page: int, repeated: int):
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

    def reread_failed(self, failure):
        self.listing_broken(failure.request.url, f"read again: {failure_reason(failure)}")
        stop_on_challenge(failure)

    def no_cards(self, page: int, after_empty: bool):
        """A page with no cards ends the listing once the page after it has none either: a
        server's passing glitch must not pass for the end of the archive."""
        if after_empty:
            self.logger.info("Listing ends: pages %d and %d have no cards", page - 1, page)
            if not self.crawler.stats.get_value(Stat.EMPTY_LISTING_PAGES):
                self.crawler.stats.set_value(Stat.WALK_STOP, str(WalkStop.END))
        elif not (self.arguments.max_pages and page >= self.arguments.max_pages):
            yield self.listing_request(page + 1, after_empty=True)

    def parse(self, response):
        """`scrapy parse <article URL>`: an article page, as the crawl reads one."""
        return self.parse_article(response)

    def spider_idle(self):
        """Once the walk and its articles are done: the second channel (ELECTIONS_SECOND_CHANNEL);
        once that is done too, the stored articles due a re-check."""
        requests = self.begin_channel() or self.begin_rechecks()
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def begin_channel(self) -> list[scrapy.Request]:
        """The second channel's first requests, and the window of what it takes; none when it
        was read already, is not wanted, or no listing was walked (-a url=, no home page)."""
        if self.channel_read or not self.second_channel or not self.listing_url:
            return []
        self.channel_read = True
        stats = self.crawler.stats
        self.channel_fallback = self.listing_challenged or not stats.get_value(Stat.LISTING_PAGES)
        bound = self.arguments.since or self.floor
        if self.channel_fallback:
            self.channel_since = bound
            self.logger.warning(
                "The listing %s could not be read: taking the section's articles from the feeds and sitemaps instead",
                self.listing_url,
            )
        else:  # the walk read cards down to this time: what is newer and the walk missed, it missed
            oldest = stats.get_value(Stat.OLDEST_CARD_AT)
            self.channel_since = max(filter(None, (oldest, bound)), default=None)
            self.logger.info("Cross-checking the walk with the feeds and sitemaps, down to %s", self.channel_since)
        robots = self.channel_request(urljoin(self.listing_url, "/robots.txt"), self.parse_robots)
        return [
            robots,
            *(self.channel_request(urljoin(self.listing_url, path), self.parse_feed) for path in self.feed_paths),
        ]

    def begin_rechecks(self) -> list[scrapy.Request]:
        """The re-checks due (crawler/recheck.py, chosen by CrawlState), once a run: after what
        is new, so that they never delay it."""
        if self.rechecks_begun or self.archive_state is None:
            return []
        self.rechecks_begun = True
        due = [d for d in self.archive_state.due if d.article_id not in self.requested_ids]
        if due:
            self.logger.info("Checking %d stored articles again, as their age makes them due", len(due))
        return [self.recheck_request(d) for d in due]

    def recheck_request(self, due: Due) -> scrapy.Request:
        """Conditional where the page was served with validators: unchanged, it costs a 304.
        dont_filter: a redirect to the home page the walk read is an answer, not a repeat."""
        self.requested_ids.add(due.article_id)
        self.crawler.stats.inc_value(Stat.ARTICLES_REQUESTED)
        self.crawler.stats.inc_value(Stat.RECHECKED)
        headers = {"If-None-Match": due.etag} if due.etag else {}
        if due.last_modified:
            headers["If-Modified-Since"] = due.last_modified
        return scrapy.Request(
            due.url,
            headers=headers,
            callback=self.parse_recheck,
            errback=self.recheck_failed,
            dont_filter=True,
            meta={"handle_httpstatus_list": [304, 404, 410], "article_id": due.article_id},
        )

    def parse_recheck(self, response):
        """A stored article, fetched again: unchanged (304), gone (404, 410, the site's error
        page), sent to a page that is no article or to another article, or its page: stored
        as any fetch is, its edits kept as versions (crawler/archive/changes.py). A re-check
        writes to the article it checks, and to no other."""
        article_id = response.meta["article_id"]
        if response.status == 304:
            self.checked(article_id, CheckOutcome.UNCHANGED)
        elif response.status in (404, 410):
            self.checked(article_id, EventKind.REMOVED, f"HTTP {response.status}")
        elif isinstance(response, HtmlResponse) and is_error_page(response):
            self.checked(article_id, EventKind.REMOVED, f"the site's error page, HTTP {response.status}")
        elif isinstance(response, HtmlResponse) and not is_article_url(response.url):
            self.checked(article_id, EventKind.REDIRECTED, f"sent to {response.url}")
        elif listed_id(response.url) != article_id:  # stories merged: it points to another article now
            self.checked(article_id, EventKind.REDIRECTED, f"sent to {response.url}, article {listed_id(response.url)}")
        else:
            for item in self.parse_article(response):
                item["recheck_of"] = article_id
                yield item

    def checked(self, article_id: str, outcome: str, detail: str | None = None) -> None:
        if outcome not in (CheckOutcome.UNCHANGED, CheckOutcome.EXCLUDED):
            self.logger.warning("Stored article %s is %s: %s", article_id, outcome, detail)
        self.crawler.signals.send_catch_log(
            signals.article_checked, article_id=article_id, outcome=str(outcome), detail=detail
        )

    def recheck_failed(self, failure):
        """Sent to another site: redirected, and nothing fetched there. Forbidden by robots.txt:
        checked, as the site wishes. No answer: tried again after a wait (crawler/recheck.py).
        Never a removal."""
        article_id = failure.request.meta["article_id"]
        if failure.check(OffSite):
            self.checked(article_id, EventKind.REDIRECTED, f"sent to {failure.value.target}, on another site")
        elif failure.check(RobotsExcluded):
            self.excluded(failure.request)
            self.checked(article_id, CheckOutcome.EXCLUDED, "robots.txt forbids it")
        else:
            reason = failure_reason(failure)
            self.logger.warning("Re-check of %s failed (%s): tried again later", failure.request.url, reason)
            self.checked(article_id, CheckOutcome.FAILED, reason)
        stop_on_challenge(failure)

    def channel_request(self, url: str, callback) -> scrapy.Request:
        # A missing feed or robots.txt is an answer: the English feeds are guesses (docs/site.md).
        return scrapy.Request(
            url, callback=callback, errback=self.channel_failed, meta={"handle_httpstatus_list": [404, 410]}
        )

    def parse_robots(self, response):
        if response.status != 200:
            return
        for url in feeds.sitemaps_in_robots(response):
            yield self.channel_request(url, self.parse_sitemap)

    def parse_sitemap(self, response):
        read = self.channel_page(response, feeds.sitemap(response, self.max_size), "sitemap")
        if read is None:
            return
        entries, children = read
        newest = sorted(children, key=lambda child: child.modified_at or "", reverse=True)
        for child in newest[: self.sitemap_children]:
            if not (self.channel_since and child.modified_at and child.modified_at < self.channel_since):
                yield self.channel_request(child.url, self.parse_sitemap)  # else it lists nothing as new
        yield from self.take_from_channel(entries, response.url)

    def parse_feed(self, response):
        entries = self.channel_page(response, feeds.feed(response), "feed")
        if entries is not None:
            yield from self.take_from_channel(entries, response.url)

    def channel_page(self, response, read, kind: str):
        """What a feed or sitemap holds; None (and a line) when there is none."""
        if response.status != 200:
            self.logger.info("No %s at %s (HTTP %d)", kind, response.url, response.status)
            return None
        if read is None:
            self.channel_broken(response.url, f"HTTP {response.status}, not a {kind}")
            return None
        self.crawler.stats.inc_value(Stat.CHANNEL_SOURCES)
        return read

    def take_from_channel(self, entries: list[feeds.Entry], source: str):
        """The articles listed that the section would include (on the all-news feed, every
        one: the topic rule judges it), that are as new as channel_since, and that neither
        the archive holds nor this run requested."""
        stats = self.crawler.stats
        stats.inc_value(Stat.CHANNEL_ENTRIES, len(entries))
        for entry in entries:
            url = canonical_url(entry.url)
            if not is_article_url(url) or not is_on_site(url, self.allowed_origins):
                continue
            card_id = listed_id(url)
            if card_id in self.known_ids or card_id in self.requested_ids:
                continue
            if not (self.selecting or entry.names_section(self.section)):
                continue
            if self.channel_since and not (entry.published_at and entry.published_at >= self.channel_since):
                continue
            stats.inc_value(Stat.CHANNEL_FALLBACK if self.channel_fallback else Stat.CHANNEL_MISSED)
            if not self.channel_fallback:
                self.logger.warning("The walk missed %s, which %s lists: fetching it", url, source)
            request = self.article_request(url)
            request.meta["selected_from"] = source
            yield request

    def channel_failed(self, failure):
        self.channel_broken(failure.request.url, failure_reason(failure))
        stop_on_challenge(failure)

    def channel_broken(self, url: str, reason: str) -> None:
        self.count_with_first(Stat.CHANNEL_FAILED, Stat.CHANNEL_FAILED_AT, f"{url}: {reason}")
        self.logger.warning("The feed or sitemap %s could not be read (%s)", url, reason)

    def parse_article(self, response):
        if not isinstance(response, HtmlResponse):  # a truncated text/plain page, JSON ...
            content_type = response.headers.get("Content-Type", b"none").decode("latin-1")
            self.report_failure(response.request, f"not an HTML page (Content-Type {content_type})")
            return
        if not is_article_url(response.url):  # a removed article sent to the home page, say
            self.report_failure(response.request, no_article_at(response.url), gone=True)
            return
        if is_error_page(response):  # "page not found", served with 200
            self.report_failure(response.request, f"the site's error page, HTTP {response.status}", gone=True)
            return
        item = load_article(response, section=self.section, edition_lang=self.edition_lang)
        item["scraped_at"] = self.clock.iso()
        item["etag"] = header(response, b"ETag")
        item["last_modified"] = header(response, b"Last-Modified")
        item["listed_in"] = response.meta.get("listed_in")
        if self.selecting:
            item["selected_from"] = response.meta.get("selected_from", self.listing_url)
        self.note_alias(response.request, item.get("article_id"))
        if self.keep_raw:
            item["raw_page"] = RawPage.of(response, item["scraped_at"])
        yield item

    def listing_failed(self, failure):
        """A listing page (or the home page) that could not be read. Past page 1, a 404 or 410
        is a page past the end, as a page without cards is."""
        page = failure.request.cb_kwargs.get("page", 0)
        if page > 1 and failure.check(HttpError) and failure.value.response.status in (404, 410):
            yield from self.no_cards(page, failure.request.cb_kwargs.get("after_empty", False))
            return
        reason = failure_reason(failure)
        served = failure.check(HttpError) and failure.value.response.status < 500  # a 404 is an answer
        if not served and not self.crawler.stats.get_value(Stat.UNREACHABLE_AT):
            self.crawler.stats.set_value(Stat.UNREACHABLE_AT, f"{failure.request.url} ({reason})")
        self.listing_broken(failure.request.url, reason)
        if page == 1 and failure.check(BotChallenge) and self.second_channel:
            self.listing_challenged = True  # the feeds and sitemaps are tried; a challenge there stops the crawl
            return
        stop_on_challenge(failure)

    def listing_broken(self, url: str, reason: str) -> None:
        self.count_with_first(Stat.LISTING_FAILED, Stat.LISTING_FAILED_AT, f"{url}: {reason}")
        self.logger.error("Listing page %s failed (%s): the walk ends here", url, reason)

    def count_with_first(self, count: str, first: str, what: str) -> None:
        """Counts one more under `count`; `first` keeps what the first one was."""
        self.crawler.stats.inc_value(count)
        if not self.crawler.stats.get_value(first):
            self.crawler.stats.set_value(first, what)

    def article_failed(self, failure):
        if failure.check(RobotsExcluded):
            self.excluded(failure.request)
            return
        gone = bool(failure.check(HttpError)) and failure.value.response.status in (404, 410)
        self.report_failure(failure.request, failure_reason(failure), gone=gone)
        stop_on_challenge(failure)

    # Scrapy drops two kinds of redirected request without calling their errback; an article
    # lost that way must still be recorded.
    def request_dropped(self, request):
        """The scheduler drops a request for a URL already requested: for an article, a
        redirect back to where it started, to the home page the crawl read, or to another
        card's article."""
        if request.callback != self.parse_article:
            return
        if request.url in request.meta.get("redirect_urls", []):
            self.report_failure(request, "redirect loop")
        elif not is_article_url(request.url):
            self.report_failure(request, no_article_at(request.url), gone=True)
        else:  # another card's article: stored, or failed, under that card's id
            self.note_alias(request, listed_id(request.url))
            self.crawler.stats.inc_value(Stat.DUPLICATES)  # the same article, seen twice

    def note_alias(self, request, article_id: str | None) -> None:
        """The listing's id for an article served under another: known from now on, so that
        the old card is not fetched again every run."""
        alias = listed_id(first_url(request))
        if article_id and alias != article_id:
            self.crawler.signals.send_catch_log(signals.article_moved, alias_id=alias, article_id=article_id)

    def excluded(self, request) -> None:
        """A page robots.txt forbids: the site's choice, not a failure of the run. Counted, never
        fetched, never pending (an earlier failure of it is forgotten)."""
        url = first_url(request)
        self.crawler.stats.inc_value(Stat.ROBOTS_EXCLUDED)
        self.logger.info("robots.txt forbids %s: excluded, as the site wishes", url)
        self.crawler.signals.send_catch_log(signals.page_excluded, url=url, article_id=article_id(url))

    def report_failure(self, request, reason: str, gone: bool = False) -> None:
        """`gone`: the site answered that the article is not there (Stat.ARTICLES_GONE)."""
        url = first_url(request)
        if gone:
            self.crawler.stats.inc_value(Stat.ARTICLES_GONE)
            self.logger.warning("Article %s is gone from the site, it seems: %s", url, reason)
        self.crawler.signals.send_catch_log(signals.page_failed, url=url, article_id=article_id(url), reason=reason)


@dataclass
class CardsRead:
    """What a listing page's cards hold for the walk."""

    requests: list[scrapy.Request] = field(default_factory=list)  # the articles to fetch
    card_ids: list[str] = field(default_factory=list)  # of every card that links to an article
    all_known: bool = True  # every card stored or requested: the walk may stop here
    reached_since: bool = False  # a card older than since (or the feed's floor)


STOP_REASONS = {
    WalkStop.KNOWN: "every card is already stored or requested",
    WalkStop.MAX_PAGES: "max_pages reached",
    WalkStop.SINCE: "it reaches cards older than since",
    WalkStop.FLOOR: "it reaches the all-news feed's floor (ELECTIONS_TOPIC_FIRST_DAYS)",
}


def header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def no_article_at(url: str) -> str:
    """The reason of an article request redirected to a page that is no article."""
    return f"redirected to {url}, which is no article page"


def stop_on_challenge(failure) -> None:
    """A bot challenge stops the crawl: never try to get past one. What is pending stays so."""
    if failure.check(BotChallenge):
        raise CloseSpider(str(FinishReason.BOT_CHALLENGE))


def failure_reason(failure) -> str:
    if failure.check(HttpError):
        response = failure.value.response
        location = response.headers.get("Location", b"").decode("latin-1")
        if 300 <= response.status < 400 and location:  # one Scrapy would not follow: file:, data: ...
            return f"HTTP {response.status}, a redirect not followed, to {valid_text(location[:80])}"
        return f"HTTP {response.status}"
    if failure.check(DownloadTimeoutError):
        return "timeout"
    if failure.check(BotChallenge, OffSite, RobotsExcluded):
        return str(failure.value)
    name, message = type(failure.value).__name__, str(failure.value).strip()
    return f"{name}: {message}" if message else name


def listing_page_url(start_url: str, page: int) -> str:
    """The start URL with ?page=N set, its other query parameters kept."""
    parts = urlsplit(start_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"] + [("page", str(page))]
    return urlunsplit(parts._replace(query=urlencode(query)))
