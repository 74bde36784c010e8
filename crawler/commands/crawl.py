"""`scrapy crawl`, with the spider's arguments checked before the crawl starts.

Scrapy itself would build the spider inside the running crawl and print a traceback;
this prints one line and exits with status 2, having fetched and written nothing.
"""

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.arguments import ArgumentError


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
                    self.exitcode = 2
                    return
        super().run(args, opts)
