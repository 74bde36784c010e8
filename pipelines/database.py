"""The archive's schema, created on first use. Times are ISO 8601 text in UTC."""

from pathlib import Path

from sqlite_utils import Database

ARTICLES = {
    "article_id": str,  # the site's id: "a3996297" (legacy), "97d5e1" (current)
    "url": str,  # canonical URL
    "lang": str,
    "section": str,
    "title": str,
    "lead": str,
    "body": str,  # paragraphs separated by one blank line
    "dateline": str,
    "source": str,
    "author": str,
    "published_at": str,
    "tags": str,  # JSON array of strings: filter with json_each()
    "image_url": str,
    "word_count": int,
    "layout": str,  # "current" or "legacy"
    "content_hash": str,  # SHA-256 hex of title, lead and body
    "scraped_at": str,
}
DROPPED_ITEMS = {
    "id": int,
    "url": str,
    "article_id": str,
    "layout": str,
    "reason": str,  # "missing title", "unknown layout", ...
    "dropped_at": str,
}


def open_database(path: str | Path) -> Database:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.enable_wal()
    create_schema(db)
    return db


def create_schema(db: Database) -> None:
    db["articles"].create(
        ARTICLES,
        pk="article_id",
        not_null=["url", "title", "body", "published_at"],
        if_not_exists=True,
    )
    db["articles"].create_index(["published_at"], if_not_exists=True)
    db["dropped_items"].create(DROPPED_ITEMS, pk="id", not_null=["url", "reason"], if_not_exists=True)
