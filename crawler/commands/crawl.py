"""`scrapy crawl`, with the spider's arguments checked and the database's lock taken
before the crawl starts, and an exit status that tells the truth (crawler.contracts.ExitCode):

0 the run is ok and healthy; 1 it failed, was cut short or is unhealthy; 2 a bad argument
(one line, nothing fetched or written); 3 another crawl holds the database's lock.
"""

import argparse
import logging

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.spiderloader import get_spider_loader

from crawler import archive
from crawler.arguments import ArgumentError
from crawler.command import CommandFailed, ElectionsCommand
from crawler.contracts import ExitCode, RunStatus, Stat
from crawler.coverage import subjects
from crawler.crawl.context import CrawlContext
from crawler.ledger import RunLedger
from crawler.lock import LockHeld, ProcessLock


class Command(ElectionsCommand, ScrapyCrawlCommand):
    command_name = "crawl"

    def check(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None  # set by scrapy.cmdline
        if len(args) != 1:
            raise CommandFailed("name one spider: scrapy crawl elections")
        self.command_name = f"crawl {args[0]}"
        known = get_spider_loader(self.settings).list()
        try:
            if args[0] not in known:
                raise ArgumentError(f"no spider named {args[0]!r}; known: {', '.join(known)}")
            CrawlContext.from_settings(self.settings, opts.spargs)  # the one spider's: elections
            archive.check_usable(self.settings.get("ELECTIONS_DB"))
            subjects.from_settings(self.settings)  # the crawl measures who each article refers to
        except (ArgumentError, archive.ArchiveUnusable, subjects.SubjectsError) as error:
            raise CommandFailed(error) from None
        if opts.loglevel is None and not opts.nolog:
            quiet_scrapy()

    def act(self, args: list[str], opts: argparse.Namespace) -> int:
        assert self.crawler_process is not None and self.settings is not None  # set by scrapy.cmdline
        self.settings.set("ELECTIONS_RECORD_RUN", True, priority="cmdline")  # a crawl, unlike shell or parse
        try:
            with ProcessLock(archive.archive_location(self.settings.get("ELECTIONS_DB")).lock_path):
                crawler = self._create_crawler(args[0])
                self.crawler_process.crawl(crawler, **opts.spargs)
                self.crawler_process.start()
                ledger = crawler.get_extension(RunLedger)
                assert ledger is not None  # crawler/settings.py enables it
                ledger.close_if_unclosed()
        except LockHeld as held:
            raise CommandFailed(f"{held}; try again when it has finished", ExitCode.LOCKED) from None
        return run_exit_code(crawler.stats.get_value(Stat.RUN_STATUS), crawler.stats.get_value(Stat.RUN_HEALTHY))


# Scrapy's start-up banner, its lists of enabled components and settings, and its stats dump:
# a screen of text before the crawl says anything. Shown with -L INFO (or DEBUG).
CHATTY_LOGGERS = (
    "scrapy.utils.log",
    "scrapy.crawler",
    "scrapy.middleware",
    "scrapy.addons",
    "scrapy.extensions.telnet",
    "scrapy.extensions.logstats",  # crawler.progress says it better
    "scrapy.statscollectors",
)


def quiet_scrapy() -> None:
    """A filter, not a level: Scrapy's logging set-up resets the levels of its loggers."""
    for name in CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, WarningsOnly) for f in logger.filters):
            logger.addFilter(WarningsOnly())


class WarningsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def run_exit_code(status: str | None, healthy: int | None) -> int:
    """0 only for a run the ledger recorded as ok and healthy."""
    return ExitCode.OK if status == RunStatus.OK and healthy else ExitCode.UNHEALTHY
