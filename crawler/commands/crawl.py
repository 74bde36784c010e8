"""`scrapy crawl`, with the spider's arguments checked and the database's lock taken
before the crawl starts.

Scrapy itself would build the spider inside the running crawl and print a traceback;
this prints one line and exits with status 2 (bad argument) or 3 (another crawl holds
the lock), having fetched and written nothing.
"""

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.arguments import ArgumentError
from crawler.lock import CrawlLock, LockHeld

EXIT_BAD_ARGUMENT = 2
EXIT_LOCKED = 3


class Command(ScrapyCrawlCommand):
    def run(self, args, opts):
        if len(args) == 1 and args[0] in self.crawler_process.spider_loader.list():
            spider_class = self.crawler_process.spider_loader.load(args[0])
            check = getattr(spider_class, "check_arguments", None)
            if check:
                try:
                    check(self.settings, opts.spargs)
                except ArgumentError as error:
                    print(f"scrapy crawl {args[0]}: error: {error}", file=sys.stderr)
                    self.exitcode = EXIT_BAD_ARGUMENT
                    return
        try:
            with CrawlLock(self.settings.get("ELECTIONS_DB") + ".lock"):
                super().run(args, opts)
        except LockHeld as held:
            print(f"scrapy crawl: error: {held}; try again when it has finished", file=sys.stderr)
            self.exitcode = EXIT_LOCKED
