"""The archive: its schema, created on first use, and the questions a crawl asks of it.

Times are ISO 8601 text in UTC. The database is the only record of what has been seen:
an article counts as seen once it is stored, never before.
"""

from datetime import datetime, timedelta, timezone
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
    "scraped_at": str,  # when this version was fetched
    "first_seen_at": str,
    "last_seen_at": str,  # the last fetch, changed or not
    "version_count": int,  # 1 + rows in article_versions
    "run_id": int,  # the crawl run that stored this version
}
ARTICLE_VERSIONS = {  # earlier versions of articles that were edited
    "id": int,
    "article_id": str,
    "content_hash": str,
    "title": str,
    "lead": str,
    "body": str,
    "published_at": str,
    "seen_at": str,  # when this version was last seen
    "run_id": int,  # the run that found it replaced
}
DROPPED_ITEMS = {  # pages that failed, until they are stored
    "url": str,
    "article_id": str,
    "layout": str,
    "reason": str,  # "HTTP 503", "timeout", "missing title", "unknown layout", ...
    "status": str,  # "pending": retried by the next run; "dropped": given up until mode=full
    "attempts": int,  # runs in which it failed
    "first_failed_at": str,
    "last_failed_at": str,
    "run_id": int,  # the last run in which it failed
}
CRAWL_RUNS = {
    "id": int,
    "started_at": str,
    "finished_at": str,
    "trigger": str,  # "manual" or "scheduled"
    "arguments": str,  # JSON object of the spider arguments
    "start_url": str,
    "status": str,  # "running", then "ok", "partial" or "failed"
    "finish_reason": str,  # Scrapy's: "finished", "shutdown", ...
    "requests": int,
    "responses_2xx": int,
    "responses_3xx": int,
    "responses_4xx": int,
    "responses_5xx": int,
    "download_errors": int,  # timeouts, refused connections ...
    "bytes": int,  # response bytes received
    "listing_pages": int,  # listing pages with cards
    "listing_complete": int,  # 1 when the walk reached the listing's end
    "oldest_card_at": str,  # the oldest publication time on the cards walked
    "articles_new": int,
    "articles_updated": int,
    "articles_unchanged": int,
    "articles_pending": int,
    "articles_dropped": int,
    "healthy": int,  # 1 when every health check passed (crawler/health.py)
    "health_problems": str,  # what failed, "; "-separated
}


def open_database(path: str | Path) -> Database:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.enable_wal()
    create_schema(db)
    return db


def create_schema(db: Database) -> None:
    db["articles"].create(
        ARTICLES, pk="article_id", not_null=["url", "title", "body", "published_at"], if_not_exists=True
    )
    db["articles"].create_index(["published_at"], if_not_exists=True)
    db["article_versions"].create(ARTICLE_VERSIONS, pk="id", not_null=["article_id"], if_not_exists=True)
    db["article_versions"].create_index(["article_id"], if_not_exists=True)
    db["dropped_items"].create(DROPPED_ITEMS, pk="url", not_null=["reason", "status"], if_not_exists=True)
    db["dropped_items"].create_index(["article_id"], if_not_exists=True)
    db["crawl_runs"].create(CRAWL_RUNS, pk="id", if_not_exists=True)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- What a crawl asks before it starts ----------------------------------------------


def stored_article_ids(db: Database) -> set[str]:
    return {row[0] for row in db.execute("select article_id from articles")}


def failed_pages(db: Database, *, given_up_too: bool) -> list[dict]:
    """Pages to fetch again: the pending ones, and with `given_up_too` the dropped ones."""
    statuses = ("pending", "dropped") if given_up_too else ("pending",)
    placeholders = ", ".join("?" * len(statuses))
    return list(db.query(f"select url, article_id from dropped_items where status in ({placeholders}) order by url", statuses))


def given_up_article_ids(db: Database) -> set[str]:
    return {row[0] for row in db.execute("select article_id from dropped_items where status = 'dropped'")}


def recently_published(db: Database, days: int) -> list[dict]:
    since = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()
    return list(db.query("select url, article_id from articles where published_at >= ? order by published_at desc", [since]))


def field_coverage(db: Database, run_id: int, fields: list[str]) -> dict[str, float]:
    """For the articles a run stored: field -> share that have it (not null, '' or [])."""
    unknown = set(fields) - set(ARTICLES)
    if unknown:
        raise ValueError(f"no such article field: {', '.join(sorted(unknown))}")
    shares = ", ".join(f"avg({f} is not null and {f} not in ('', '[]'))" for f in fields)
    row = db.execute(f"select count(*), {shares} from articles where run_id = ?", [run_id]).fetchone()
    return dict(zip(fields, row[1:])) if row[0] else {}


def listing_walked_to_end(db: Database, start_url: str) -> bool:
    """Has any run walked this listing to its end? If not, older articles may be unseen."""
    return bool(
        db.execute(
            "select 1 from crawl_runs where start_url = ? and listing_complete = 1 limit 1", [start_url]
        ).fetchone()
    )
