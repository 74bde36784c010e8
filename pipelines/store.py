from scrapy import signals

from crawler import signals as crawler_signals
from crawler.contracts import FailureStatus, Stat
from crawler.ledger import RunLedger
from pipelines.database import ARTICLES, open_database, utc_now
from pipelines.validate import InvalidArticle

_VERSIONED = ("article_id", "content_hash", "title", "lead", "body", "published_at")


class StorePipeline:
    """Writes articles, their earlier versions, and the pages that failed, in batched
    transactions named after the run (see crawler.ledger)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = settings.get("ELECTIONS_DB")
        self.batch_size = settings.getint("ELECTIONS_DB_BATCH_SIZE")
        self.max_attempts = settings.getint("ELECTIONS_MAX_ATTEMPTS")
        self.db = None
        self.articles: list[dict] = []
        self.failures: dict[str, dict] = {}  # by url: a page that fails twice in a run counts once

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.page_failed, signal=crawler_signals.page_failed)
        return pipeline

    @property
    def run_id(self) -> int | None:
        ledger = self.crawler.get_extension(RunLedger)
        return ledger.run_id if ledger else None

    def open_spider(self):
        self.db = open_database(self.db_path)

    def process_item(self, item):
        self.articles.append(dict(item))
        self.flush_when_full()
        return item

    def item_dropped(self, item, response, exception):
        if isinstance(exception, InvalidArticle):
            self.page_failed(item.get("url") or response.url, item.get("article_id"), str(exception), item.get("layout"))

    def page_failed(self, url, article_id, reason, layout=None):
        self.failures[url] = {"url": url, "article_id": article_id, "layout": layout, "reason": reason}
        self.flush_when_full()

    def close_spider(self):
        self.flush()
        self.db.close()

    def flush_when_full(self):
        if len(self.articles) + len(self.failures) >= self.batch_size:
            self.flush()

    def flush(self):
        run_id = self.run_id
        with self.db.atomic():
            if self.articles:
                self.save_articles(self.articles, run_id)
            if self.failures:
                self.save_failures(list(self.failures.values()), run_id)
        self.articles, self.failures = [], {}

    def save_articles(self, items: list[dict], run_id: int | None) -> None:
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
        self.stats.inc_value(Stat.STORED_NEW, len(rows) - len(versions))
        self.stats.inc_value(Stat.STORED_UPDATED, len(versions))
        self.stats.inc_value(Stat.STORED_UNCHANGED, len(unchanged))

    def save_failures(self, failures: list[dict], run_id: int | None) -> None:
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
        for status, key in ((FailureStatus.PENDING, Stat.PENDING), (FailureStatus.DROPPED, Stat.DROPPED)):
            self.stats.inc_value(key, sum(row["status"] == status for row in rows))

    def select(self, table: str, key: str, values: list) -> list[dict]:
        return list(self.db.query(f"select * from {table} where {key} in ({placeholders(values)})", values))


def placeholders(values: list) -> str:
    """'?, ?, ?' for an SQL IN list of `values`."""
    return ", ".join("?" * len(values))
