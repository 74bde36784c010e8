import logging
import sqlite3
from dataclasses import asdict

from scrapy import signals

from crawler import archive
from crawler import signals as crawler_signals
from crawler.contracts import Stat
from pipelines.validate import InvalidArticle

logger = logging.getLogger(__name__)


class StorePipeline:
    """Writes articles, their earlier versions, the pages that failed, and the raw page each
    was read from (in the same transaction as what it produced), in batched transactions
    named after the run (the ledger's Stat.RUN_ID), into the archive the
    archive_opened signal hands it (crawler.state.OpenArchive).

    A writer waits for another (ELECTIONS_DB_BUSY_TIMEOUT); a batch that still cannot be
    written is kept and tried again with the next one, and at the end. Counts go into the
    stats only once their transaction has committed; what is never written is counted as
    unwritten, and the ledger records the run as failed."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = settings.get("ELECTIONS_DB")
        self.batch_size = settings.getint("ELECTIONS_DB_BATCH_SIZE")
        self.max_attempts = settings.getint("ELECTIONS_MAX_ATTEMPTS")
        self.db = None
        self.flush_at = self.batch_size  # items held at which the next write is tried
        self.articles: list[dict] = []
        self.failures: dict[str, dict] = {}  # by url: a page that fails twice in a run counts once
        self.raw_pages: list[dict] = []  # of the articles and failures held

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        crawler.signals.connect(pipeline.page_failed, signal=crawler_signals.page_failed)
        crawler.signals.connect(pipeline.archive_opened, signal=crawler_signals.archive_opened)
        return pipeline

    def archive_opened(self, db):
        self.db = db

    def process_item(self, item):
        self.keep_raw_page(item)
        self.articles.append(dict(item))
        self.flush_when_full()
        return item

    def item_dropped(self, item, response, exception):
        if isinstance(exception, InvalidArticle):  # a page read wrong is kept too: a better parser may read it
            self.keep_raw_page(item)
            self.page_failed(
                item.get("url") or response.url, item.get("article_id"), str(exception), item.get("layout")
            )

    def keep_raw_page(self, item) -> None:
        raw_page = item.get("raw_page")
        if raw_page is not None:
            self.raw_pages.append({"article_id": item["article_id"], **asdict(raw_page)})

    def item_error(self, item, response, spider, failure):
        """An exception in a pipeline: the page failed, with that reason."""
        reason = f"{type(failure.value).__name__}: {failure.value}"
        self.page_failed(item.get("url") or response.url, item.get("article_id"), reason, item.get("layout"))

    def page_failed(self, url, article_id, reason, layout=None):
        self.failures[url] = {"url": url, "article_id": article_id, "layout": layout, "reason": reason}
        self.flush_when_full()

    def close_spider(self):
        self.flush()
        held = len(self.articles) + len(self.failures)
        if held:
            self.stats.set_value(Stat.UNWRITTEN, held)
            logger.error(
                "%d fetched articles and failures could not be written: %s",
                held,
                self.stats.get_value(Stat.WRITE_ERROR),
            )

    def flush_when_full(self):
        if len(self.articles) + len(self.failures) >= self.flush_at:
            self.flush()

    def flush(self):
        if not (self.articles or self.failures) or self.db is None:
            return
        run_id, counts = self.stats.get_value(Stat.RUN_ID), {}
        try:
            with archive.write_transaction(self.db):
                if self.articles:
                    counts.update(archive.save_articles(self.db, self.articles, run_id))
                if self.failures:
                    failures = list(self.failures.values())
                    counts.update(archive.save_failures(self.db, failures, run_id, self.max_attempts))
                if self.raw_pages:
                    counts[Stat.RAW_PAGES] = archive.save_raw_pages(self.db, self.raw_pages, run_id)
        except sqlite3.Error as error:
            # Kept, and tried again once another batch has come in (each try may wait the
            # whole busy timeout), and when the spider closes.
            held = len(self.articles) + len(self.failures)
            self.flush_at = held + self.batch_size
            self.stats.set_value(Stat.WRITE_ERROR, f"{type(error).__name__}: {error}")
            logger.error("Could not write %d articles and failures (%s): kept, to be tried again", held, error)
            return
        for key, count in counts.items():  # only what was committed
            self.stats.inc_value(key, count)
        self.articles, self.failures, self.raw_pages, self.flush_at = [], {}, [], self.batch_size
