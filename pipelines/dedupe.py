from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.contracts import Stat


class DedupePipeline:
    """One article_id is stored once per crawl: the first copy wins."""

    def __init__(self, stats):
        self.stats = stats
        self.seen_ids = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item):
        if item["article_id"] in self.seen_ids:
            self.stats.inc_value(Stat.DUPLICATES)
            raise DropItem(f"duplicate article_id {item['article_id']}", log_level="DEBUG")
        self.seen_ids.add(item["article_id"])
        return item
