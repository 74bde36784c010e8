from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.contracts import Stat
from crawler.items import Article


class DedupePipeline:
    """One article_id is stored once per crawl: the first copy wins."""

    def __init__(self, stats: StatsCollector):
        self.stats = stats
        self.seen_ids: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Article) -> Article:
        if item["article_id"] in self.seen_ids:
            self.stats.inc_value(Stat.DUPLICATES)
            raise DropItem(f"duplicate article_id {item['article_id']}", log_level="DEBUG")
        self.seen_ids.add(item["article_id"])
        return item
