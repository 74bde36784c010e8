"""Progress of long work: every ELECTIONS_PROGRESS_INTERVAL seconds, how far the walk has got,
counted as Scrapy counts (articles scraped: through the pipelines), and, once the walk has
reached its end and only queued pages are left, of how many articles and about how long the
rest takes."""

import logging
from typing import Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from twisted.internet.task import LoopingCall

from crawler.contracts import Stat

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, stats: StatsCollector, interval: float):
        self.stats = stats
        self.interval = interval
        self.task: LoopingCall | AsyncioLoopingCall | None = None
        self.responses_then = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("ELECTIONS_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        progress = cls(crawler.stats, interval)
        crawler.signals.connect(progress.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def spider_opened(self, spider: Spider) -> None:
        task = self.task = create_looping_call(self.log)
        task.start(self.interval, now=False)

    def log(self) -> None:
        value = self.stats.get_value
        responses = value("response_received_count", 0)
        rate, self.responses_then = (responses - self.responses_then) / self.interval, responses
        queued = value("scheduler/enqueued", 0) - value("scheduler/dequeued", 0)
        scraped = value("item_scraped_count", 0)
        of_total, left = "", ""
        if value(Stat.WALK_STOP):  # the walk is over: what is queued is all there is
            of_total = f" of {value(Stat.ARTICLES_REQUESTED, 0)}"
            if rate:
                left = f"; about {duration(queued / rate)} left at {rate:.1f} pages/s"
        logger.info(
            "Progress: %d listing pages walked, %d%s articles scraped, %d stored (%d new, %d updated), %d pending, "
            "%d requests queued%s; oldest card reached %s",
            value(Stat.LISTING_PAGES, 0),
            scraped,
            of_total,
            value(Stat.STORED_NEW, 0) + value(Stat.STORED_UPDATED, 0),
            value(Stat.STORED_NEW, 0),
            value(Stat.STORED_UPDATED, 0),
            value(Stat.PENDING, 0),
            queued,
            left,
            value(Stat.OLDEST_CARD_AT, "none yet"),
        )

    def spider_closed(self, spider: Spider) -> None:
        if self.task and self.task.running:
            self.task.stop()


def duration(seconds: float) -> str:
    """'40 s', '12 min', '3 h 10 min': a length of time as a person reads it (also for
    scheduler.py status)."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 90 else f"{minutes // 60} h {minutes % 60} min"
