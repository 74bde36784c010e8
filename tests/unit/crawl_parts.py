"""The crawl's parts as the spider wires them, built here one at a time: a crawler with the
project's settings, the crawl's context and run state, and what the parts send."""

import logging
from dataclasses import dataclass, field

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler import signals as crawler_signals
from crawler.crawl.context import CrawlContext
from crawler.crawl.outcomes import Outcomes
from crawler.crawl.run import ArchiveState, RunState
from crawler.site.urls import listed_id
from replica import pages

SITE = "https://qazinform.com"
LISTING = SITE + pages.LISTING_PATH
PROJECT = {name: value for name, value in vars(project_settings).items() if name.isupper()}


@dataclass
class Parts:
    crawler: Crawler
    context: CrawlContext
    run: RunState
    outcomes: Outcomes
    sent: dict[str, list[tuple]] = field(default_factory=dict)  # by signal: page_failed, article_checked ...

    def article_request(self, url: str) -> Request:
        """As the spider's: the article counted as requested in this run."""
        self.run.requested_ids.add(listed_id(url))
        return Request(url)


SENT = {
    "page_failed": crawler_signals.page_failed,
    "page_excluded": crawler_signals.page_excluded,
    "article_moved": crawler_signals.article_moved,
    "article_checked": crawler_signals.article_checked,
}


def crawl_parts(known: set[str] = frozenset(), arguments: dict | None = None, **settings) -> Parts:
    crawler = get_crawler(settings_dict={**PROJECT, "ELECTIONS_SITE_URL": SITE + "/", **settings})
    crawler.stats.open_spider()
    context = CrawlContext.from_settings(crawler.settings, arguments or {})
    run = RunState()
    run.take(ArchiveState(known_ids=set(known)))
    parts = Parts(crawler, context, run, Outcomes(crawler, logging.getLogger("crawl")))
    for name, signal in SENT.items():
        parts.sent[name] = []
        crawler.signals.connect(
            lambda _into=parts.sent[name], **sent: _into.append(
                tuple(value for key, value in sent.items() if key not in ("signal", "sender"))
            ),
            signal=signal,
            weak=False,
        )
    return parts
