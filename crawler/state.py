"""Extensions that hand the archive, and what the spider needs to know of it, around.

OpenArchive opens (and migrates) the archive once per crawl when the spider opens, and sends
it with the archive_opened signal to those who use it: the ledger, the store, CrawlState.
CrawlState loads what the spider needs from the archive and hands it to the spider, as
Scrapy's SpiderState extension does with `spider.state`: the spider never opens SQLite.
"""

import logging
from dataclasses import dataclass, field
from typing import Protocol, Self, cast

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.archive import Archive, ArchiveError, open_archive
from crawler.arguments import CrawlArguments
from crawler.clock import Clock
from crawler.contracts import FinishReason, Stat
from crawler.coverage import subjects
from crawler.recheck import Due, parse_schedule
from crawler.signals import archive_opened

logger = logging.getLogger(__name__)


class OpenArchive:
    def __init__(self, crawler):
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

    def spider_opened(self, spider):
        try:
            self.archive = open_archive(self.path, self.busy_timeout, self.clock)
            with self.archive.transaction():  # the subjects as the repository's file has them now
                self.archive.save_subjects(subjects.from_settings(self.crawler.settings))
        except ArchiveError as error:
            stop_unwritable(self.crawler, error)
            return
        self.crawler.signals.send_catch_log(archive_opened, archive=self.archive)

    def engine_stopped(self):
        if self.archive is not None:
            self.archive.close()


def stop_unwritable(crawler, error: ArchiveError) -> None:
    """Nothing could be stored: stop before fetching the site for nothing."""
    crawler.stats.set_value(Stat.WRITE_ERROR, str(error))
    logger.error("%s: the crawl stops", error.reason(doing="written"))
    deferred_from_coro(crawler.engine.close_spider_async(reason=FinishReason.UNWRITABLE))


@dataclass
class ArchiveState:
    """What the spider knows of the archive when it starts."""

    known_ids: set[str] = field(default_factory=set)  # stored, or given up (until mode=full)
    first: list[dict] = field(default_factory=list)  # pages to fetch first: earlier failures
    refresh: list[Due] = field(default_factory=list)  # stored articles to check again first (-a refresh=DAYS)
    runs_by_listing: dict[str, list[dict]] = field(default_factory=dict)  # for crawler.walk.WalkPlan
    # The listing a run found behind a door past the menu: tried after the menu, before the doors
    remembered_listing: dict | None = None
    rejected_ids: set[str] = field(default_factory=set)  # by the topic rule: known to a walk of the all-news feed
    due: list[Due] = field(default_factory=list)  # stored articles to fetch again, once what is new is fetched


class ArchiveSpider(Protocol):
    """What the archive's extensions read off the spider (crawler/spiders/elections.py), and
    hand it: the ledger records its arguments, CrawlState gives it its state."""

    given_arguments: dict[str, str]  # as given with -a, for crawl_runs.arguments
    listed_ids: set[str]  # the article ids the walk's cards gave: what a complete walk lists
    arguments: CrawlArguments
    archive_state: ArchiveState | None


class CrawlState:
    def __init__(self, crawler):
        self.crawler = crawler
        self.schedule = parse_schedule(crawler.settings.get("ELECTIONS_RECHECK_SCHEDULE"))
        self.recheck_max = crawler.settings.getint("ELECTIONS_RECHECK_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.archive_opened, signal=archive_opened)
        return extension

    def archive_opened(self, archive: Archive):
        spider = cast(ArchiveSpider, self.crawler.spider)
        arguments = spider.arguments
        full, edition = arguments.mode == "full", arguments.site.edition.code
        state = ArchiveState(known_ids=archive.stored_article_ids())  # ids are unique across editions
        if not full:  # a full run also looks behind every door again
            state.known_ids |= archive.given_up_article_ids()
            state.runs_by_listing = archive.runs_by_listing()  # by listing: each edition has its own
            state.remembered_listing = archive.remembered_listing(edition)
        state.rejected_ids = archive.rejected_article_ids()  # a full run too: judging again is reparse's
        state.first = archive.failed_pages(edition, given_up_too=full)
        if arguments.refresh:  # an edition's crawl checks its own articles alone
            state.refresh = archive.recently_published(arguments.refresh, edition)
        if arguments.recheck and not arguments.url:
            state.due = archive.due_for_recheck(self.schedule, self.recheck_max, edition)
        spider.archive_state = state
