"""Log hygiene for an unattended crawl: a site that is down is news, not a bug."""

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)

NETWORK_ERRORS = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)


class OneLineNetworkErrors(logging.Filter):
    """Scrapy's RobotsTxtMiddleware logs a failed robots.txt download with its traceback.
    For a network failure the message says all: keep it, drop the traceback. Any other
    exception keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], NETWORK_ERRORS):
            record.exc_info, record.exc_text = None, None
        return True


class QuietNetworkErrors:
    """Extension: puts OneLineNetworkErrors on the loggers that need it, for the crawl."""

    LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        for name in cls.LOGGERS:
            logger = logging.getLogger(name)
            if not any(isinstance(f, OneLineNetworkErrors) for f in logger.filters):
                logger.addFilter(OneLineNetworkErrors())
        return cls()
