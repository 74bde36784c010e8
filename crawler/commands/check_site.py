"""`scrapy check_site` (`make check-site`): can the crawler read the site as it is today?

Prints one line per step and per field, then a verdict; exits 0 when ready, 1 when not,
2 on a bad setting. Writes nothing to the archive.
"""

import argparse

from crawler.arguments import ArgumentError
from crawler.command import CommandFailed, ElectionsCommand
from crawler.contracts import ExitCode
from crawler.crawl.context import CrawlContext
from crawler.site_check import SiteCheck


class Command(ElectionsCommand):
    command_name = "check_site"

    def short_desc(self) -> str:
        return "Check the live site with the project's settings; write nothing"

    def check(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None  # set by scrapy.cmdline
        try:
            CrawlContext.from_settings(self.settings, {})
        except ArgumentError as error:
            raise CommandFailed(error) from None
        if opts.loglevel is None and not opts.nolog:  # the report is the output; the log only for errors
            self.settings.set("LOG_LEVEL", "ERROR", priority="cmdline")

    def act(self, args: list[str], opts: argparse.Namespace) -> int:
        assert self.crawler_process is not None and self.settings is not None  # set by scrapy.cmdline
        crawler = self.crawler_process.create_crawler(SiteCheck)
        self.crawler_process.crawl(crawler, report=lambda line: print(line, flush=True))
        self.crawler_process.start()
        spider = crawler.spider
        assert isinstance(spider, SiteCheck)
        return ExitCode.UNHEALTHY if spider.problems else ExitCode.OK
