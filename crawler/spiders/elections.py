from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import DownloadTimeoutError
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import signals
from crawler.arguments import CrawlArguments
from crawler.layouts import listing, load_article
from crawler.urls import SITE_DOMAINS, article_id, canonical_url, is_article_url, is_on_domains
from pipelines import database


class ElectionsSpider(scrapy.Spider):
    """Walks the section's listing pages, newest first, and opens each article it needs once.

    Incremental by default: articles already stored are not requested again, pages that
    failed before are requested first, and once the listing has been walked to its end the
    walk stops at the first page whose cards are all known.
    """

    name = "elections"

    @classmethod
    def check_arguments(cls, settings, arguments: dict) -> CrawlArguments:
        """Raises ArgumentError; the crawl command calls it before the crawl starts."""
        return CrawlArguments.parse(settings, arguments)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=scrapy.signals.request_dropped)
        crawler.signals.connect(spider.request_scheduled, signal=scrapy.signals.request_scheduled)
        spider.given_arguments = dict(kwargs)
        spider.arguments = cls.check_arguments(crawler.settings, kwargs)
        # The site's domains, and the start URL's host so that a replica works.
        spider.allowed_domains = [*SITE_DOMAINS, urlsplit(spider.arguments.start_url).hostname]
        spider.db_path = crawler.settings.get("ELECTIONS_DB")
        spider.requested_ids = set()
        return spider

    async def start(self):
        full = self.arguments.mode == "full"
        db = database.open_database(self.db_path)
        try:
            self.known_ids = database.stored_article_ids(db)
            if not full:
                self.known_ids |= database.given_up_article_ids(db)
            first = database.failed_pages(db, given_up_too=full)
            if self.arguments.refresh:
                first += database.recently_published(db, self.arguments.refresh)
            self.stop_at_known_page = not full and database.listing_walked_to_end(db, self.arguments.start_url)
        finally:
            db.close()
        if first:
            self.logger.info("Fetching %d pages first: earlier failures and refreshes", len(first))
        for page in first:
            if page["article_id"] not in self.requested_ids:
                yield self.article_request(page["url"])
        yield self.listing_request(1)

    def listing_request(self, page: int, after_empty: bool = False) -> scrapy.Request:
        url = listing_page_url(self.arguments.start_url, page) if page > 1 else self.arguments.start_url
        return scrapy.Request(
            url, callback=self.parse_listing, errback=self.listing_failed,
            cb_kwargs={"page": page, "after_empty": after_empty},
        )

    def article_request(self, url: str) -> scrapy.Request:
        self.requested_ids.add(article_id(url))
        self.crawler.stats.inc_value("elections/articles_requested")
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed)

    def parse_listing(self, response, page: int, after_empty: bool = False):
        """A page with no cards ends the listing once the page after it has none either: a
        server's passing glitch must not pass for the end of the archive."""
        stats = self.crawler.stats
        cards = listing.cards(response)
        if not cards:
            if after_empty:
                self.logger.info("Listing ends: pages %d and %d have no cards", page - 1, page)
                if not stats.get_value("elections/empty_listing_pages"):
                    stats.set_value("elections/listing_complete", 1)
            elif not (self.arguments.max_pages and page >= self.arguments.max_pages):
                yield self.listing_request(page + 1, after_empty=True)
            return
        if after_empty:
            self.logger.warning("Listing page %d had no cards but page %d has: walking on", page - 1, page)
            stats.inc_value("elections/empty_listing_pages")
        stats.inc_value("elections/listing_pages")
        reached_since, all_known = False, True
        for card in cards:
            url = canonical_url(card.url)
            if not is_article_url(url) or not is_on_domains(url, self.allowed_domains):
                stats.inc_value("elections/cards_skipped")  # a category, a tag, another site ...
                continue
            if card.published_at:
                stats.min_value("elections/oldest_card_at", card.published_at)
            if self.arguments.since and card.published_at and card.published_at < self.arguments.since:
                reached_since = True
                continue
            card_id = article_id(url)
            if card_id in self.known_ids or card_id in self.requested_ids:
                continue
            all_known = False
            yield self.article_request(url)
        if reached_since:
            self.logger.info("Listing ends: page %d reaches cards older than since", page)
        elif all_known and self.stop_at_known_page:
            self.logger.info("Listing ends: every card on page %d is already stored or requested", page)
        elif self.arguments.max_pages and page >= self.arguments.max_pages:
            self.logger.info("Listing ends: max_pages=%d reached", page)
        else:
            yield self.listing_request(page + 1)

    def parse_article(self, response):
        yield load_article(response)

    def listing_failed(self, failure):
        self.crawler.stats.inc_value("elections/listing_failed")
        self.logger.error("Listing page %s failed (%s): the walk ends here", failure.request.url, failure_reason(failure))

    def article_failed(self, failure):
        self.report_failure(failure.request, failure_reason(failure))

    # Scrapy drops two kinds of redirected request without calling their errback; an article
    # lost that way must still be recorded.
    def request_dropped(self, request):
        """The scheduler drops a request for a URL already requested: for an article, that
        is a redirect coming back to where it started."""
        if request.callback == self.parse_article:
            self.report_failure(request, "redirect loop")

    def request_scheduled(self, request):
        """OffsiteMiddleware drops a redirect to another site as it is scheduled."""
        if request.callback == self.parse_article and not is_on_domains(request.url, self.allowed_domains):
            self.report_failure(request, f"redirect to another site ({urlsplit(request.url).hostname})")

    def report_failure(self, request, reason: str) -> None:
        url = request.meta.get("redirect_urls", [request.url])[0]  # the URL the listing gave
        self.crawler.signals.send_catch_log(signals.page_failed, url=url, article_id=article_id(url), reason=reason)


def failure_reason(failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    if failure.check(DownloadTimeoutError):
        return "timeout"
    name, message = type(failure.value).__name__, str(failure.value).strip()
    return f"{name}: {message}" if message else name


def listing_page_url(start_url: str, page: int) -> str:
    """The start URL with ?page=N set, its other query parameters kept."""
    parts = urlsplit(start_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"] + [("page", str(page))]
    return urlunsplit(parts._replace(query=urlencode(query)))
