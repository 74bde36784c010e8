from datetime import datetime, timezone

from scrapy import signals

from pipelines.database import open_database
from pipelines.validate import InvalidArticle


class StorePipeline:
    """Writes articles, and the pages that failed validation, in batched transactions."""

    def __init__(self, db_path: str, batch_size: int, stats):
        self.db_path = db_path
        self.batch_size = batch_size
        self.stats = stats
        self.db = None
        self.articles: list[dict] = []
        self.dropped: list[dict] = []

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(
            crawler.settings.get("ELECTIONS_DB"),
            crawler.settings.getint("ELECTIONS_DB_BATCH_SIZE"),
            crawler.stats,
        )
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def open_spider(self):
        self.db = open_database(self.db_path)

    def process_item(self, item):
        self.articles.append(dict(item))
        self.flush_when_full()
        return item

    def item_dropped(self, item, response, exception):
        if isinstance(exception, InvalidArticle):
            self.dropped.append(
                {
                    "url": item.get("url") or (response.url if response else None),
                    "article_id": item.get("article_id"),
                    "layout": item.get("layout"),
                    "reason": str(exception),
                    "dropped_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                }
            )
            self.flush_when_full()

    def close_spider(self):
        self.flush()
        self.db.close()

    def flush_when_full(self):
        if len(self.articles) + len(self.dropped) >= self.batch_size:
            self.flush()

    def flush(self):
        with self.db.atomic():
            if self.articles:
                self.db["articles"].upsert_all(self.articles, pk="article_id")
            if self.dropped:
                self.db["dropped_items"].insert_all(self.dropped)
        self.stats.inc_value("store/articles", len(self.articles))
        self.stats.inc_value("store/dropped_items", len(self.dropped))
        self.articles, self.dropped = [], []
