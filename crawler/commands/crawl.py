"""`scrapy crawl`, with the spider's arguments checked and the database's lock taken
before the crawl starts, and an exit status that tells the truth (crawler.contracts.ExitCode):

0 the run is ok and healthy; 1 it failed, was cut short or is unhealthy; 2 a bad argument
(one line, nothing fetched or written); 3 another crawl holds the database's lock.
"""

import sys
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.arguments import ArgumentError
from crawler.contracts import ExitCode, RunStatus, Stat
from crawler.lock import CrawlLock, LockHeld


class Command(ScrapyCrawlCommand):
    def run(self, args, opts):
        assert self.crawler_process is not None and self.settings is not None  # set by scrapy.cmdline
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl elections")
        known = self.crawler_process.spider_loader.list()
        if args[0] not in known:
            print(f"scrapy crawl: error: no spider named {args[0]!r}; known: {', '.join(known)}", file=sys.stderr)
            self.exitcode = ExitCode.BAD_ARGUMENT
            return
        spider_class = self.crawler_process.spider_loader.load(args[0])
        check = getattr(spider_class, "check_arguments", None)
        if check:
            try:
                check(self.settings, opts.spargs)
            except ArgumentError as error:
                print(f"scrapy crawl {args[0]}: error: {error}", file=sys.stderr)
                self.exitcode = ExitCode.BAD_ARGUMENT
                return
        try:
            with CrawlLock(lock_path(self.settings.get("ELECTIONS_DB"))):
                crawler = self._create_crawler(args[0])
                self.crawler_process.crawl(crawler, **opts.spargs)
                self.crawler_process.start()
        except LockHeld as held:
            print(f"scrapy crawl: error: {held}; try again when it has finished", file=sys.stderr)
            self.exitcode = ExitCode.LOCKED
            return
        self.exitcode = run_exit_code(
            crawler.stats.get_value(Stat.RUN_STATUS), crawler.stats.get_value(Stat.RUN_HEALTHY)
        )


def lock_path(db_path: str) -> str:
    """The lock of the database the path leads to: a symlink to it shares its lock."""
    return str(Path(db_path).resolve()) + ".lock"


def run_exit_code(status: str | None, healthy: int | None) -> int:
    """0 only for a run the ledger recorded as ok and healthy."""
    return ExitCode.OK if status == RunStatus.OK and healthy else ExitCode.UNHEALTHY
