from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy

from crawler.arguments import CrawlArguments
from crawler.layouts import listing, load_article
from crawler.urls import SITE_DOMAINS, article_id, canonical_url


class ElectionsSpider(scrapy.Spider):
    """Walks the section's listing pages, newest first, and opens each article once."""

    name = "elections"

    @classmethod
    def check_arguments(cls, settings, arguments: dict) -> CrawlArguments:
        """Raises ArgumentError; the crawl command calls it before the crawl starts."""
        return CrawlArguments.parse(settings, arguments)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.arguments = cls.check_arguments(crawler.settings, kwargs)
        # The site's domains, and the start URL's host so that a replica works.
        spider.allowed_domains = [*SITE_DOMAINS, urlsplit(spider.arguments.start_url).hostname]
        spider.requested_ids = set()
        return spider

    async def start(self):
        yield scrapy.Request(self.arguments.start_url, callback=self.parse_listing, cb_kwargs={"page": 1})

    def parse_listing(self, response, page: int):
        cards = listing.cards(response)
        if not cards:
            self.logger.info("Listing ends: page %d has no cards (%s)", page, response.url)
            return
        self.crawler.stats.inc_value("elections/listing_pages")
        reached_since = False
        for card in cards:
            if self.arguments.since and card.published_at and card.published_at < self.arguments.since:
                reached_since = True
                continue
            url = canonical_url(card.url)
            card_id = article_id(url)
            if card_id in self.requested_ids:
                continue
            self.requested_ids.add(card_id)
            yield scrapy.Request(url, callback=self.parse_article)
        if reached_since:
            self.logger.info("Listing ends: page %d reaches cards older than since", page)
        elif self.arguments.max_pages and page >= self.arguments.max_pages:
            self.logger.info("Listing ends: max_pages=%d reached", page)
        else:
            yield scrapy.Request(
                listing_page_url(self.arguments.start_url, page + 1),
                callback=self.parse_listing,
                cb_kwargs={"page": page + 1},
            )

    def parse_article(self, response):
        yield load_article(response)


def listing_page_url(start_url: str, page: int) -> str:
    """The start URL with ?page=N set, its other query parameters kept."""
    parts = urlsplit(start_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"] + [("page", str(page))]
    return urlunsplit(parts._replace(query=urlencode(query)))
