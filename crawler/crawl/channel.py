"""The second channel: robots.txt's sitemaps, the sitemaps (an index's newest children) and
the edition's feeds, read once the walk is done (ELECTIONS_SECOND_CHANNEL). It cross-checks
the walk: an article of the section newer than the oldest card the walk read, and neither
stored nor requested, is one the walk missed (Stat.CHANNEL_MISSED). Where the listing could
not be read at all, it stands in for it (Stat.CHANNEL_FALLBACK)."""

from collections.abc import Callable, Iterator
from typing import TypeVar
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.python.failure import Failure

from crawler.contracts import Stat
from crawler.crawl.context import CrawlContext
from crawler.crawl.outcomes import Outcomes, failed_request, failure_reason, stop_on_challenge
from crawler.crawl.run import RunState
from crawler.site.editions import edition_of_url
from crawler.site.layouts import feeds
from crawler.site.urls import canonical_url, is_article_url, is_on_site, listed_id

T = TypeVar("T")  # what a feed or sitemap reads as


class SecondChannel:
    def __init__(
        self,
        context: CrawlContext,
        run: RunState,
        stats: StatsCollector,
        outcomes: Outcomes,
        article_request: Callable[[str], scrapy.Request],
    ):
        self.context, self.run, self.stats, self.outcomes = context, run, stats, outcomes
        self.logger = outcomes.logger
        self.article_request = article_request
        self.begun = False
        # The channel's articles taken: those at least this new (ISO UTC; None: all), as the
        # walk's missed ones, or as a fallback for a listing that could not be read.
        self.since: str | None = None
        self.fallback = False

    def begin(self) -> list[scrapy.Request]:
        """The channel's first requests, and the window of what it takes; none when it was
        read already, is not wanted, or no listing was walked (-a url=, no home page)."""
        if self.begun or not self.context.second_channel or not self.run.listing_url:
            return []
        self.begun = True
        main = self.run.main_walk  # the election tags' pages are no stand-in for the section's
        self.fallback = self.run.listing_challenged or not (main and main.pages)
        bound = self.context.arguments.since or self.run.floor
        if self.fallback:
            self.since = bound
            self.logger.warning(
                "The listing %s could not be read: taking the section's articles from the feeds and sitemaps instead",
                self.run.listing_url,
            )
        else:  # the walk read cards down to this time: what is newer and the walk missed, it missed
            oldest = self.stats.get_value(Stat.OLDEST_CARD_AT)
            self.since = max(filter(None, (oldest, bound)), default=None)
            self.logger.info("Cross-checking the walk with the feeds and sitemaps, down to %s", self.since)
        robots = self.request(urljoin(self.run.listing_url, "/robots.txt"), self.parse_robots)
        feed_urls = (urljoin(self.run.listing_url, path) for path in self.context.site.feeds)
        return [robots, *(self.request(url, self.parse_feed) for url in feed_urls)]

    def request(self, url: str, callback: Callable[[Response], Iterator[scrapy.Request]]) -> scrapy.Request:
        # A missing feed or robots.txt is an answer: the English feeds are guesses (docs/site.md).
        return scrapy.Request(url, callback=callback, errback=self.failed, meta={"handle_httpstatus_list": [404, 410]})

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status != 200:
            return
        for url in feeds.sitemaps_in_robots(response):
            yield self.request(url, self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        read = self.page(response, lambda: feeds.sitemap(response, self.context.max_size), "sitemap")
        if read is None:
            return
        entries, children = read
        newest = sorted(children, key=lambda child: child.modified_at or "", reverse=True)
        for child in newest[: self.context.sitemap_children]:
            if not (self.since and child.modified_at and child.modified_at < self.since):
                yield self.request(child.url, self.parse_sitemap)  # else it lists nothing as new
        yield from self.take(entries, response.url)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        entries = self.page(response, lambda: feeds.feed(response), "feed")
        if entries is not None:
            yield from self.take(entries, response.url)

    def page(self, response: Response, reader: Callable[[], T | None], kind: str) -> T | None:
        """What a feed or sitemap holds; None (and a line) when there is none."""
        if response.status != 200:
            self.logger.info("No %s at %s (HTTP %d)", kind, response.url, response.status)
            return None
        read = reader()
        if read is None:
            self.broken(response.url, f"HTTP {response.status}, not a {kind}")
            return None
        self.stats.inc_value(Stat.CHANNEL_SOURCES)
        return read

    def take(self, entries: list[feeds.Entry], source: str) -> Iterator[scrapy.Request]:
        """The edition's own articles listed that the section would include (on the all-news
        feed, every one: the topic rule judges it), that are as new as `since`, and that
        neither the archive holds nor this run requested. A host's sitemaps may list every
        edition it serves: another's articles are its own crawl's."""
        self.stats.inc_value(Stat.CHANNEL_ENTRIES, len(entries))
        for entry in entries:
            url = canonical_url(entry.url)
            if not is_article_url(url) or not is_on_site(url, self.context.origins):
                continue
            if edition_of_url(url).code != self.context.edition or not self.run.is_new(listed_id(url)):
                continue
            if not (self.run.selecting or entry.names_section(self.context.site.section)):
                continue
            if self.since and not (entry.published_at and entry.published_at >= self.since):
                continue
            self.stats.inc_value(Stat.CHANNEL_FALLBACK if self.fallback else Stat.CHANNEL_MISSED)
            if not self.fallback:
                self.logger.warning("The walk missed %s, which %s lists: fetching it", url, source)
            request = self.article_request(url)
            request.meta["selected_from"] = source
            yield request

    def failed(self, failure: Failure) -> None:
        self.broken(failed_request(failure).url, failure_reason(failure))
        stop_on_challenge(failure)

    def broken(self, url: str, reason: str) -> None:
        self.outcomes.count_with_first(Stat.CHANNEL_FAILED, Stat.CHANNEL_FAILED_AT, f"{url}: {reason}")
        self.logger.warning("The feed or sitemap %s could not be read (%s)", url, reason)
