from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.clock import Clock
from crawler.contracts import Stat
from crawler.items import Article
from crawler.validation import invalid_reason


class InvalidArticle(DropItem):
    """A page that did not yield a storable article; recorded in `dropped_items`."""


class ValidatePipeline:
    """An article needs an id, a URL, a title, a body and a real publication time
    (crawler/validation.py)."""

    def __init__(self, stats: StatsCollector, clock: Clock):
        self.stats = stats
        self.clock = clock  # the crawl's (ELECTIONS_NOW): a day ahead of it is no publication time

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats, Clock.from_settings(crawler.settings))

    def process_item(self, item: Article) -> Article:
        self.stats.inc_value(Stat.VALIDATED)
        self.stats.inc_value(Stat.VALIDATE_LAYOUT + str(item.get("layout")))  # the health check watches for drift
        reason = invalid_reason(item, self.clock.now())
        if reason:
            self.stats.inc_value(Stat.VALIDATE_DROPPED + reason.split(" (")[0].replace(" ", "_"))
            raise InvalidArticle(reason)
        return item
