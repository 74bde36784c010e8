"""Extensions that hand the archive, and what the spider needs to know of it, around.

OpenArchive opens (and migrates) the archive once per crawl when the spider opens, and sends
it with the archive_opened signal to those who use it: the ledger, the store, CrawlState.
CrawlState loads what the run needs from the archive and hands it to the run's state
(crawler/crawl/run.py), as Scrapy's SpiderState extension hands the spider its `state`: the
spider never opens SQLite.
"""

import logging
from datetime import timedelta
from typing import Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.archive import Archive, ArchiveError, open_archive
from crawler.arguments import campaigns_of
from crawler.clock import Clock
from crawler.contracts import FinishReason, Stat
from crawler.coverage import subjects
from crawler.crawl.context import CrawlContext
from crawler.crawl.run import ArchiveState, RunState
from crawler.recheck.schedule import parse_schedule
from crawler.signals import archive_opened, crawl_opened

logger = logging.getLogger(__name__)


class OpenArchive:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.path = crawler.settings.get("ELECTIONS_DB")
        self.busy_timeout = crawler.settings.getfloat("ELECTIONS_DB_BUSY_TIMEOUT")
        self.clock = Clock.from_settings(crawler.settings)  # checked by the crawl command
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("ELECTIONS_RECORD_RUN"):
            # scrapy shell, fetch, parse, check: they leave the archive and crawl_runs alone.
            raise NotConfigured("only `scrapy crawl` writes the archive")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        try:
            self.archive = open_archive(self.path, self.busy_timeout, self.clock)
            with self.archive.transaction():  # the subjects as the repository's file has them now
                self.archive.save_subjects(subjects.from_settings(self.crawler.settings))
        except ArchiveError as error:
            stop_unwritable(self.crawler, error)
            return
        self.crawler.signals.send_catch_log(archive_opened, archive=self.archive)

    def engine_stopped(self) -> None:
        if self.archive is not None:
            self.archive.close()


def stop_unwritable(crawler: Crawler, error: ArchiveError) -> None:
    """Nothing could be stored: stop before fetching the site for nothing."""
    crawler.stats.set_value(Stat.WRITE_ERROR, str(error))
    logger.error("%s: the crawl stops", error.reason(doing="written"))
    deferred_from_coro(crawler.engine.close_spider_async(reason=FinishReason.UNWRITABLE))


class CrawlState:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.schedule = parse_schedule(crawler.settings.get("ELECTIONS_RECHECK_SCHEDULE"))
        self.recheck_max = crawler.settings.getint("ELECTIONS_RECHECK_MAX")
        self.campaigns = campaigns_of(crawler.settings)  # ELECTIONS_CAMPAIGNS, checked by the crawl command
        self.context: CrawlContext | None = None
        self.run: RunState | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.crawl_opened, signal=crawl_opened)
        crawler.signals.connect(extension.archive_opened, signal=archive_opened)
        return extension

    def crawl_opened(self, context: CrawlContext, run: RunState) -> None:
        self.context, self.run = context, run

    def archive_opened(self, archive: Archive) -> None:
        if self.context is None or self.run is None:
            return  # a spider of no crawl (scrapy parse): nothing to hand over
        arguments, edition = self.context.arguments, self.context.edition
        full = arguments.mode == "full"
        state = ArchiveState(known_ids=archive.stored_article_ids())  # ids are unique across editions
        if not full:  # a full run also looks behind every door again
            state.known_ids |= archive.given_up_article_ids()
            state.runs_by_listing = archive.runs_by_listing()  # by listing: each edition has its own
            state.remembered_listing = archive.remembered_listing(edition)
        state.last_search = archive.last_search(edition)
        # A tag quiet for long is walked by the weekly full run (or when a page links to it)
        quiet = None if full else (self.context.clock.now() - timedelta(days=self.context.tag_quiet_days)).isoformat()
        state.election_tags = archive.election_tags(edition, quiet_before=quiet)
        state.rejected_ids = archive.rejected_article_ids()  # a full run too: judging again is reparse's
        state.first = archive.failed_pages(edition, given_up_too=full)
        if arguments.refresh:  # an edition's crawl checks its own articles alone
            state.refresh = archive.recently_published(arguments.refresh, edition)
        if arguments.recheck and not arguments.url:
            state.due = archive.due_for_recheck(self.schedule, self.recheck_max, edition, self.campaigns)
        self.run.take(state)
