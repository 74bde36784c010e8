"""`scrapy save_page <article URL>`: the first machine that reaches the site saves a live page
for the tests, as the crawl fetches it (our User-Agent, robots.txt, the challenge check).

It is written to tests/pages/<layout>/saved_<id>.html, and what the crawler reads of it to
tests/pages/ground_truth.json. That reading is a draft: check every field against the page
in a browser and correct the file before committing it (docs/site.md).
"""

import argparse
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from twisted.python.failure import Failure

from crawler.command import STORES_NOTHING, CommandFailed, ElectionsCommand
from crawler.contracts import ExitCode
from crawler.crawl.outcomes import failure_reason
from crawler.site.layouts import load_article
from crawler.site.urls import is_article_url

ROOT = Path(__file__).resolve().parents[2]
TRUTH_FIELDS = ("url", "layout", "title", "lead", "published_at", "dateline", "author", "tags", "body")


class PageSaver(scrapy.Spider):
    name = "save_page"
    custom_settings = STORES_NOTHING

    def __init__(self, url: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.url = url
        self.page: scrapy.http.TextResponse | None = None
        self.reason = "not fetched"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.url, callback=self.keep, errback=self.failed)

    def keep(self, response: scrapy.http.Response) -> None:
        if isinstance(response, scrapy.http.TextResponse):
            self.page = response
        else:
            self.reason = "not a page of text"

    def failed(self, failure: Failure) -> None:
        self.reason = failure_reason(failure)


class Command(ElectionsCommand):
    command_name = "save_page"

    def syntax(self) -> str:
        return "<article URL>"

    def short_desc(self) -> str:
        return "Save a live article page and a draft of its ground truth for the tests"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--into", default=str(ROOT / "tests" / "pages"), help="the saved pages' folder")

    def act(self, args: list[str], opts: argparse.Namespace) -> int:
        assert self.crawler_process is not None  # set by scrapy.cmdline
        if len(args) != 1 or not is_article_url(args[0]):
            raise CommandFailed("give one article URL")
        crawler = self.crawler_process.create_crawler(PageSaver)
        self.crawler_process.crawl(crawler, url=args[0])
        self.crawler_process.start()
        spider = crawler.spider
        assert isinstance(spider, PageSaver)
        if spider.page is None:
            raise CommandFailed(f"{args[0]} could not be fetched ({spider.reason})", ExitCode.UNHEALTHY)
        print(save(spider.page, Path(opts.into)))
        return ExitCode.OK

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if opts.loglevel is None and not opts.nolog:
            self.settings.set("LOG_LEVEL", "ERROR", priority="cmdline")


def save(response: scrapy.http.TextResponse, folder: Path) -> str:
    """Writes the page and its draft ground truth; the line that says where."""
    item = load_article(response)
    name = f"{item['layout']}/saved_{item['article_id']}.html"
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(response.body)
    truth_file = folder / "ground_truth.json"
    truth = json.loads(truth_file.read_text()) if truth_file.exists() else {}
    truth[name] = {field: item.get(field) for field in TRUTH_FIELDS}
    truth_file.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n")
    return (
        f"saved {folder / name} (layout {item['layout']}) and a draft of its ground truth in {truth_file}: "
        "check every field against the page in a browser before committing"
    )
