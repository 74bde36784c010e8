import logging
import sqlite3

from scrapy import signals

from crawler import signals as crawler_signals
from crawler.contracts import FailureStatus, Stat
from crawler.ledger import RunLedger
from pipelines.database import ARTICLES, open_database, utc_now, write_transaction
from pipelines.validate import InvalidArticle

logger = logging.getLogger(__name__)

_VERSIONED = ("article_id", "content_hash", "title", "lead", "body", "published_at")


class StorePipeline:
    """Writes articles, their earlier versions, and the pages that failed, in batched
    transactions named after the run (see crawler.ledger).

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
        self.busy_timeout = settings.getfloat("ELECTIONS_DB_BUSY_TIMEOUT")
        self.db = None
        self.flush_at = self.batch_size  # items held at which the next write is tried
        self.articles: list[dict] = []
        self.failures: dict[str, dict] = {}  # by url: a page that fails twice in a run counts once

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        crawler.signals.connect(pipeline.page_failed, signal=crawler_signals.page_failed)
        return pipeline

    @property
    def run_id(self) -> int | None:
        ledger = self.crawler.get_extension(RunLedger)
        return ledger.run_id if ledger else None

    def open_spider(self):
        self.db = open_database(self.db_path, self.busy_timeout)

    def process_item(self, item):
        self.articles.append(dict(item))
        self.flush_when_full()
        return item

    def item_dropped(self, item, response, exception):
        if isinstance(exception, InvalidArticle):
            self.page_failed(item.get("url") or response.url, item.get("article_id"), str(exception), item.get("layout"))

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
            logger.error("%d fetched articles and failures could not be written: %s", held,
                         self.stats.get_value(Stat.WRITE_ERROR))
        self.db.close()

    def flush_when_full(self):
        if len(self.articles) + len(self.failures) >= self.flush_at:
            self.flush()

    def flush(self):
        if not (self.articles or self.failures):
            return
        run_id, counts = self.run_id, {}
        try:
            with write_transaction(self.db):
                if self.articles:
                    counts.update(self.save_articles(self.articles, run_id))
                if self.failures:
                    counts.update(self.save_failures(list(self.failures.values()), run_id))
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
        self.articles, self.failures, self.flush_at = [], {}, self.batch_size

    def save_articles(self, items: list[dict], run_id: int | None) -> dict[str, int]:
        """New articles are inserted; an edited one keeps its earlier version in
        article_versions; an unchanged one only gets a new last_seen_at."""
        now, ids = utc_now(), [item["article_id"] for item in items]
        stored = {row["article_id"]: row for row in self.select("articles", "article_id", ids)}
        rows, versions, unchanged = [], [], []
        for item in items:
            old = stored.get(item["article_id"])
            if old and old["content_hash"] == item["content_hash"]:
                unchanged.append(item["article_id"])
                continue
            if old:
                versions.append({**{k: old[k] for k in _VERSIONED}, "seen_at": old["last_seen_at"], "run_id": run_id})
            rows.append(
                {
                    **{column: item.get(column) for column in ARTICLES},  # absent fields become NULL
                    "first_seen_at": old["first_seen_at"] if old else now,
                    "last_seen_at": now,
                    "version_count": old["version_count"] + 1 if old else 1,
                    "run_id": run_id,
                }
            )
        self.db["articles"].upsert_all(rows, pk="article_id")
        self.db["article_versions"].insert_all(versions)
        self.db.execute(
            f"update articles set last_seen_at = ? where article_id in ({placeholders(unchanged)})",
            [now, *unchanged],
        )
        # A page stored is no longer a failure.
        self.db.execute(f"delete from dropped_items where article_id in ({placeholders(ids)})", ids)
        return {Stat.STORED_NEW: len(rows) - len(versions), Stat.STORED_UPDATED: len(versions),
                Stat.STORED_UNCHANGED: len(unchanged)}

    def save_failures(self, failures: list[dict], run_id: int | None) -> dict[str, int]:
        """A failed page stays pending, to be fetched first by the next run, until it has
        failed in ELECTIONS_MAX_ATTEMPTS runs; then it is dropped (given up) until mode=full."""
        now = utc_now()
        earlier = {row["url"]: row for row in self.select("dropped_items", "url", [f["url"] for f in failures])}
        rows = []
        for failure in failures:
            old = earlier.get(failure["url"])
            attempts = (old["attempts"] if old else 0) + 1
            rows.append(
                {
                    **failure,
                    "status": FailureStatus.DROPPED if attempts >= self.max_attempts else FailureStatus.PENDING,
                    "attempts": attempts,
                    "first_failed_at": old["first_failed_at"] if old else now,
                    "last_failed_at": now,
                    "run_id": run_id,
                }
            )
        self.db["dropped_items"].upsert_all(rows, pk="url")
        return {key: sum(row["status"] == status for row in rows)
                for status, key in ((FailureStatus.PENDING, Stat.PENDING), (FailureStatus.DROPPED, Stat.DROPPED))}

    def select(self, table: str, key: str, values: list) -> list[dict]:
        return list(self.db.query(f"select * from {table} where {key} in ({placeholders(values)})", values))


def placeholders(values: list) -> str:
    """'?, ?, ?' for an SQL IN list of `values`."""
    return ", ".join("?" * len(values))
