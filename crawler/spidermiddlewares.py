"""Spider middlewares: what happens to a page between its download and the spider's output."""

import logging
from collections.abc import Iterable
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.python.failure import Failure

from crawler.contracts import Stat

logger = logging.getLogger(__name__)


class PageErrorsMiddleware:
    """An exception raised while a page is handled — in its callback, the layout parser, the
    loader or a processor — is that page's failure, not a lost page: the request's errback
    gets it, as it gets a failed download, and records it (an article: pending with the
    exception as its reason; a listing page: a broken walk). One log line, no traceback."""

    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_spider_exception(self, response: Response, exception: Exception) -> Iterable[Any] | None:
        request = response.request
        if isinstance(exception, CloseSpider) or request is None or request.errback is None:
            return None  # Scrapy's own handling
        self.stats.inc_value(Stat.PAGE_ERRORS)
        logger.error("%s raised while handling %s: %s", type(exception).__name__, request.url, exception)
        failure = Failure(exception)
        failure.request = request  # type: ignore[attr-defined]  # as Scrapy sets it for errbacks
        return request.errback(failure) or []
