"""A live check of the site with the project's settings: robots.txt, the feeds and sitemaps
(the second channel), the home page and every door to the section, the first listing page
(or the all-news feed's, where no door leads to the section) and its three newest articles,
one printed line per step and per field (and the topic rule's verdict, on the feed), then a
verdict. It stores nothing: no pipeline, no ledger, no database.

Run by `scrapy check_site` (crawler/commands/check_site.py), `make check-site`.
"""

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Self
from urllib.parse import urljoin

import scrapy
from protego import Protego
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler import topic
from crawler.command import STORES_NOTHING
from crawler.contracts import Layout, Stat
from crawler.crawl.context import CrawlContext
from crawler.crawl.outcomes import failed_request, failure_reason
from crawler.crawl.run import RunState
from crawler.crawl.section_search import SectionSearch
from crawler.middlewares import RobotsExcluded
from crawler.signals import crawl_opened
from crawler.site.layouts import feeds, home, listing, load_article
from crawler.site.urls import canonical_url, is_article_url
from crawler.validation import REQUIRED_FIELDS

ARTICLES_TO_READ = 3
FIELDS = ("title", "lead", "body", "author", "published_at", "tags", "image_url", "lang")


class SiteCheck(scrapy.Spider):
    name = "site_check"
    context: CrawlContext  # what `make crawl` would be told
    channel: list[tuple[str, str]]  # ("sitemap" or "feed", URL), still to read
    channel_read: int
    selecting: bool = False  # the listing read is the all-news feed: the topic rule judges its articles
    custom_settings = STORES_NOTHING

    def __init__(self, *args: Any, report: Callable[[str], None] = print, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.report = report
        self.problems: list[str] = []
        self.articles_to_read: list[str] = []
        self.election_tags: dict[str, str] = {}  # seen behind the doors: URL -> name

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.context = CrawlContext.from_settings(crawler.settings, {})
        crawler.signals.connect(spider.opened, signal=scrapy.signals.spider_opened)
        crawler.signals.connect(spider.closed_with_verdict, signal=scrapy.signals.spider_closed)
        return spider

    def opened(self) -> None:
        """Where a request may go, as for a crawl (SiteBoundsMiddleware)."""
        self.crawler.signals.send_catch_log(crawl_opened, context=self.context, run=RunState())

    def problem(self, text: str) -> None:
        self.problems.append(text)
        self.report(f"  PROBLEM: {text}")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        url = urljoin(self.context.arguments.start_url or self.context.site.url, "/robots.txt")
        yield scrapy.Request(
            url,
            callback=self.parse_robots,
            errback=self.failed,
            # A robots.txt that is missing (404) lets everything be fetched, as Scrapy reads it:
            # an answer, not a problem.
            meta={"dont_obey_robotstxt": True, "step": "robots.txt", "handle_httpstatus_list": [404, 410]},
        )

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        robots = Protego.parse(response.text if response.status == 200 else "")
        sitemaps = list(robots.sitemaps)
        none = ", none: every page may be fetched" if response.status in (404, 410) else ""
        self.report(
            f"robots.txt: HTTP {response.status}{none}, {len(sitemaps)} Sitemap line(s)"
            + (f": {', '.join(sitemaps)}" if sitemaps else "")
        )
        for name, url in (("home page", self.context.site.url), ("listing", self.context.arguments.start_url)):
            if url and not robots.can_fetch(url, self.context.user_agent):
                self.problem(f"robots.txt forbids our User-Agent to fetch the {name} {url}")
        base = self.context.arguments.start_url or self.context.site.url
        self.channel = [("sitemap", url) for url in sitemaps]
        self.channel += (
            [("feed", urljoin(base, path)) for path in self.context.site.feeds] if self.context.second_channel else []
        )
        self.channel_read = 0
        yield from self.next_channel()

    def next_channel(self) -> Iterator[scrapy.Request]:
        """The second channel, one feed or sitemap at a time (crawler/site/layouts/feeds.py); then
        the home page and the doors."""
        if self.channel:
            kind, url = self.channel.pop(0)
            yield scrapy.Request(
                url,
                callback=self.parse_channel,
                errback=self.channel_failed,
                cb_kwargs={"kind": kind},
                meta={"step": kind, "handle_httpstatus_list": [404, 410]},
            )
            return
        if not self.context.second_channel:
            self.report("second channel: off (ELECTIONS_SECOND_CHANNEL)")
        elif self.channel_read:
            self.report(
                f"second channel: make crawl would cross-check its walk with {self.channel_read} feed(s) and sitemap(s)"
            )
        else:
            self.report("second channel: no feed or sitemap found, so make crawl cannot cross-check its walk")
        yield from self.read_home()

    def parse_channel(self, response: Response, kind: str) -> Iterator[scrapy.Request]:
        if response.status != 200:
            self.report(f"{kind} {response.url}: not found (HTTP {response.status})")
            yield from self.next_channel()
            return
        read = feeds.sitemap(response, self.context.max_size) if kind == "sitemap" else feeds.feed(response)
        if read is None:
            self.report(f"{kind} {response.url}: HTTP 200, but not a {kind}")
            yield from self.next_channel()
            return
        self.channel_read += 1
        entries, children = read if isinstance(read, tuple) else (read, [])
        if children:
            newest = sorted(children, key=lambda child: child.modified_at or "", reverse=True)
            shown = newest[: self.context.sitemap_children]
            self.report(
                f"{kind} {response.url}: HTTP 200, a sitemap index of {len(children)} sitemap(s); "
                f"make crawl reads the newest {len(shown)}"
            )
            self.channel[:0] = [("sitemap", child.url) for child in shown]
        else:
            named = sum(entry.names_section(self.context.site.section) for entry in entries)
            newest_at = max((entry.published_at for entry in entries if entry.published_at), default="-")
            self.report(
                f"{kind} {response.url}: HTTP 200, {len(entries)} article(s), {named} filed under "
                f"{self.context.site.section!r}, newest {newest_at}"
            )
        yield from self.next_channel()

    def channel_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.report(
            f"{failed_request(failure).meta['step']} {failed_request(failure).url}: failed, {failure_reason(failure)}"
        )
        yield from self.next_channel()

    def read_home(self) -> Iterator[scrapy.Request]:
        if self.context.arguments.start_url:
            self.report(f"home page: not read, the listing is given: {self.context.arguments.start_url}")
            yield self.listing_request(self.context.arguments.start_url)
        elif self.context.topic_rule == "always":
            self.report("home page: not read, ELECTIONS_TOPIC_RULE=always")
            yield self.all_news_request()
        else:
            yield scrapy.Request(
                self.context.site.url, callback=self.parse_home, errback=self.failed, meta={"step": "home page"}
            )

    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        """Every door to the section's listing (crawler/crawl/section_search.py), a line each;
        then the listing behind the first that answers, as `make crawl` would walk it."""
        self.report(f"home page: HTTP {response.status}, {response.url}")
        if not isinstance(response, TextResponse):
            self.problem(f"the home page {response.url} is no HTML page")
            return
        search = SectionSearch(
            response, self.context.site.section, self, self.report, every_door=True, tags=self.election_tags
        )
        yield from search.next_door()

    def section_found(self, door: str, url: str) -> Iterator[scrapy.Request]:
        self.report(f"make crawl would use the {door}: {url}{self.beside()}")
        yield self.listing_request(url)

    def beside(self) -> str:
        return f", and walk beside it the election tags {', '.join(self.election_tags)}" if self.election_tags else ""

    def section_ambiguous(self, problem: str) -> Iterator[scrapy.Request]:
        self.problem(problem)
        yield from ()

    def section_nowhere(self, problem: str) -> Iterator[scrapy.Request]:
        if self.context.topic_rule == "off":
            if not self.election_tags:
                self.problem(problem)
                return
            url = next(iter(self.election_tags))
            self.report(f"no door leads to the section: make crawl would walk the election tags alone{self.beside()}")
            yield self.listing_request(url)
            return
        self.report(
            f"no door leads to the section {self.context.site.section!r}: make crawl would use the "
            f"{home.ALL_NEWS_FEED}, {self.context.all_news_url}, keeping what the topic rule selects "
            f"(ELECTIONS_TOPIC_RULE=off: fail instead){self.beside()}"
        )
        yield self.all_news_request()

    def listing_request(self, url: str, step: str = "listing") -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, errback=self.failed, meta={"step": step})

    def all_news_request(self) -> scrapy.Request:
        self.selecting = True
        return self.listing_request(self.context.all_news_url, home.ALL_NEWS_FEED)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request | None]:
        cards = listing.cards(response) if isinstance(response, TextResponse) else []
        articles = [card for card in cards if is_article_url(canonical_url(card.url))]
        dated = [card.published_at for card in articles if card.published_at]
        self.report(
            f"{response.meta['step']}: HTTP {response.status}, {len(articles)} article cards "
            f"({len(articles) - len(dated)} without a readable time), newest {max(dated, default='-')}"
        )
        if not articles:
            self.problem(f"no article cards on {response.url}: the listing's design is not one we know (docs/site.md)")
            return
        self.articles_to_read = [canonical_url(card.url) for card in articles[:ARTICLES_TO_READ]]
        yield self.next_article()

    def next_article(self) -> scrapy.Request | None:
        """One article at a time, so that the report reads in order."""
        if not self.articles_to_read:
            return None
        number = ARTICLES_TO_READ - len(self.articles_to_read) + 1
        return scrapy.Request(
            self.articles_to_read.pop(0),
            callback=self.parse_article,
            errback=self.failed,
            meta={"step": f"article {number}"},
        )

    def parse_article(self, response: Response) -> Iterator[scrapy.Request | None]:
        yield self.next_article()
        step = response.meta["step"]
        if not isinstance(response, TextResponse):
            self.problem(f"{step} ({response.url}) is no page of text")
            return
        item = load_article(response, section=self.context.site.section, edition_lang=self.context.site.lang)
        self.report(f"{step}: HTTP {response.status}, layout {item['layout']}, {response.url}")
        for field in FIELDS:
            value = item.get(field)
            shown = f"found: {shorten(value)}" if value not in (None, "", []) else "not found"
            self.report(f"  {field:<13} {shown}")
        if self.selecting:
            verdict = topic.judge(dict(item))
            self.report(f"  {'topic rule':<13} {'selected' if verdict.selected else 'rejected'}: {verdict.reason}")
        missing = [field for field in REQUIRED_FIELDS if not item.get(field)]
        if item["layout"] in (Layout.UNKNOWN, Layout.FALLBACK, Layout.GENERIC):
            self.problem(
                f"{step} is in no design we know (read as {item['layout']}): docs/site.md says what to send us"
            )
        elif missing:
            self.problem(f"{step} has no {', '.join(missing)}: the selectors of layout {item['layout']} miss it")

    def failed(self, failure: Failure) -> Iterator[scrapy.Request | None]:
        step = failed_request(failure).meta.get("step", "request")
        self.report(f"{step}: {failed_request(failure).url}")
        if step.startswith("article") and failure.check(RobotsExcluded):  # the site's choice, no problem
            self.report(f"  excluded: robots.txt forbids it; make crawl counts it ({Stat.ROBOTS_EXCLUDED}), no failure")
            yield self.next_article()
            return
        self.problem(f"{step} failed: {failure_reason(failure)}")
        if step == home.ALL_NEWS_FEED:
            self.problem(
                f"no listing to walk: no door leads to the section {self.context.site.section!r}, and the "
                f"all-news feed {failed_request(failure).url} cannot be read; set ELECTIONS_START_URL "
                "(-a start_url=) to the section's listing, ELECTIONS_SECTION to its name as the site writes it, or "
                "ELECTIONS_ALL_NEWS_PATH to the feed"
            )
        if step.startswith("article"):
            yield self.next_article()

    def closed_with_verdict(self, spider: scrapy.Spider, reason: str) -> None:
        if reason != "finished":
            self.problems.append(f"the check ended early ({reason})")
        if self.crawler.stats.get_value("spider_exceptions/count"):
            self.problems.append("an error in the check itself: see the log above")
        if self.problems:
            self.report(f"verdict: NOT READY, {len(self.problems)} problem(s): {'; '.join(self.problems)}")
        else:
            self.report("verdict: ready: `make crawl` can read the site as it is today")


def shorten(value: object, width: int = 70) -> str:
    if isinstance(value, list):
        value = ", ".join(value)
    text = " ".join(str(value).split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    words = len(str(value).split())
    return f"{text} ({words} words)" if words > 12 else text
