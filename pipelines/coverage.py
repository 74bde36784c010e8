"""Who each article refers to, and how much (crawler/coverage): measured as it goes to the
store, which writes the rows with the article whenever it writes its text."""

from typing import Self

from scrapy.crawler import Crawler

from crawler.coverage.matcher import Matcher
from crawler.coverage.measure import matcher_of, measure
from crawler.coverage.subjects import from_settings
from crawler.items import Article


class CoveragePipeline:
    """Adds the article's subject_mentions rows (crawler/coverage/measure.py) to the item:
    who it refers to, as ELECTIONS_SUBJECTS' file (the repository's, by default) says."""

    def __init__(self, matcher: Matcher):
        self.matcher = matcher

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(matcher_of(from_settings(crawler.settings)))  # checked by the crawl command

    def process_item(self, item: Article) -> Article:
        item["subject_mentions"] = measure(dict(item), self.matcher)
        return item
