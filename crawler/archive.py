"""The archive: the one module that speaks SQL. Its schema, created on first use and
migrated in place; the structures derived from the tables (full-text index, tag links,
views) and their repair; and every question and write of the crawl, the ledger, the store,
the scheduler and `make explore`.

Times are ISO 8601 text in UTC. The database is the only record of what has been seen:
an article counts as seen once it is stored, never before.
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from crawler.contracts import FailureStatus, RunStatus, Stat, Trigger
from crawler.site.editions import DEFAULT

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
    "layout": str,  # "current", "legacy" or "fallback"
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
    "trigger": str,  # "manual", "scheduled" or "reparse" (contracts.Trigger)
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
    "listing_complete": int,  # 1 when the walk reached the listing's end, every page read
    "oldest_card_at": str,  # the oldest publication time on the cards walked
    "articles_new": int,
    "articles_updated": int,
    "articles_unchanged": int,
    "articles_pending": int,
    "articles_dropped": int,
    "healthy": int,  # 1 when every health check passed (crawler/health.py)
    "health_problems": str,  # what failed, "; "-separated
}
CRAWL_RUNS_WALK = {  # schema version 3: how far the walk went, for the next run (crawler/walk.py)
    "walk_stop": str,  # why the walk ended: "end", "known", "max_pages", "since"; null: it broke off
    "walk_top_ids": str,  # JSON array: the article ids on the first listing page read
    "gapless": int,  # 1 when after this run every card of the listing is stored or pending
}
CRAWL_RUNS_COUNTERS = {  # schema version 4
    "counters": str,  # JSON object: the run's own stats (elections/…, validate/…, dedupe/…, store/…)
}
ARTICLE_VERSIONS_FIELDS = {  # schema version 9: every field a version has, not only its text
    "url": str,
    "lang": str,
    "section": str,
    "dateline": str,
    "source": str,
    "author": str,
    "tags": str,
    "image_url": str,
    "word_count": int,
    "layout": str,
}
ARTICLE_ALIASES = {  # schema version 10: ids a listing gave an article that is stored under another
    "alias_id": str,  # the id of the URL the listing gave ("0eb7f9")
    "article_id": str,  # the id it is stored under, after a redirect ("2192502b")
}
CRAWL_RUNS_DOORS = {  # schema version 11
    # where the listing walked was found: "given" (a start URL), or the door it was behind:
    # "menu", "site map page", "tags page", "article page", "home page" (crawler/site/layouts/home.py);
    # or "all-news feed": no section anywhere, its articles chosen by the topic rule
    "listing_found_by": str,
}
CRAWL_RUNS_CHANNEL = {  # schema version 13
    # articles the feeds and sitemaps list, new enough for the walk to have seen, that it
    # missed (fetched by this run); null: the second channel was not read
    "walk_missed": int,
}
TOPIC_VERDICTS = {  # schema version 12: the topic rule's verdict on each article of an all-news feed (crawler/topic.py)
    "article_id": str,
    "url": str,
    "listing_url": str,  # the feed it was listed in
    "rule_version": int,  # topic.RULE_VERSION
    "score": float,
    "selected": int,  # 1: stored in articles; 0: rejected, never fetched again from the feed
    "reason": str,  # "score 9 ≥ 5: title election ×1; body vote ×3"
    "judged_at": str,
    "run_id": int,  # the run (crawl or reparse) that judged it
}
RAW_PAGES = {  # schema version 5: each article page as the site served it (crawler.items.RawPage)
    "id": int,
    "article_id": str,
    "url": str,  # as requested: the canonical URL
    "final_url": str,  # after redirects
    "status": int,
    "request_headers": str,  # JSON object
    "headers": str,  # JSON object of lists: the response's headers
    "fetched_at": str,
    "body": bytes,  # zlib-compressed
    "body_bytes": int,  # uncompressed
    "run_id": int,  # the run that fetched it
}


# Views for common questions; each recreated if missing.
# A publication time in Kazakhstan's local time, for calendar days and months as a reader
# counts them. SQLite knows no zones: this is Asia/Almaty's rule over the archive's span —
# UTC+6 until 1 March 2024 00:00 local (29 February 18:00 UTC), UTC+5 since — which a unit
# test checks against zoneinfo.
LOCAL_TIME = (
    "datetime(published_at, case when published_at < '2024-02-29T18:00:00' then '+6 hours' else '+5 hours' end)"
)

# articles.published_month since schema version 8: the month in Kazakhstan.
PUBLISHED_MONTH = f"published_month text generated always as (strftime('%Y-%m', {LOCAL_TIME})) virtual"


def per_period(column: str, period: str, following: str) -> str:
    """A view's SQL: articles per calendar period (`period`, an expression on articles),
    newest first, every period from the first to the last there, with 0 when it has none
    (a chart shows the gaps). `following` gives the period after `column`."""
    return f"""
        with recursive counted as (
            select {period} as {column}, count(*) as articles from articles group by {column}
        ), periods({column}) as (
            select min({column}) from counted
            union all
            select {following} from periods where {column} < (select max({column}) from counted)
        )
        select periods.{column}, coalesce(counted.articles, 0) as articles
        from periods left join counted using ({column}) where periods.{column} is not null
        order by periods.{column} desc"""


VIEWS = {
    "articles_per_day": f"""
        select date({LOCAL_TIME}) as day, count(*) as articles
        from articles group by day order by day desc""",
    "articles_per_week": per_period(
        "week_starting", f"date({LOCAL_TIME}, 'weekday 0', '-6 days')", "date(week_starting, '+7 days')"
    ),
    "articles_per_month": per_period("month", "published_month", "strftime('%Y-%m', month || '-01', '+1 month')"),
    # The reader's list in `make explore` (explore/templates/_table.html draws it): one entry
    # per article, its day in Kazakhstan, a summary instead of the body, and the row id that
    # Datasette's search box matches against articles_fts.
    "articles_list": f"""
        select rowid as article_rowid, article_id, date({LOCAL_TIME}) as published_on, published_month,
               title, coalesce(nullif(lead, ''), substr(body, 1, 400)) as summary, tags, author, url, published_at
        from articles""",
    "latest_articles": """
        select published_at, title, author, tags, url, article_id
        from articles order by published_at desc limit 50""",
    "runs_with_health": """
        select id, started_at, trigger, status, healthy, health_problems,
               articles_new, articles_updated, articles_pending, articles_dropped, requests,
               round((julianday(finished_at) - julianday(started_at)) * 86400) as duration_seconds
        from crawl_runs order by id desc""",
}
# article_tags mirrors articles.tags (JSON) one row per tag, so that a tag can be indexed.
_TAG_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS articles_tags_ai AFTER INSERT ON articles BEGIN
  INSERT OR IGNORE INTO article_tags (article_id, tag) SELECT new.article_id, value FROM json_each(new.tags);
END;
CREATE TRIGGER IF NOT EXISTS articles_tags_au AFTER UPDATE OF tags ON articles BEGIN
  DELETE FROM article_tags WHERE article_id = old.article_id;
  INSERT OR IGNORE INTO article_tags (article_id, tag) SELECT new.article_id, value FROM json_each(new.tags);
END;
CREATE TRIGGER IF NOT EXISTS articles_tags_ad AFTER DELETE ON articles BEGIN
  DELETE FROM article_tags WHERE article_id = old.article_id;
END;
"""
SEARCH_COLUMNS = ["title", "lead", "body"]
SEARCH_TOKENIZER = DEFAULT.search_tokenizer  # the edition's (crawler/site/editions.py)
# bm25() weights of title, lead and body: a word in the title counts most (docs/querying.md,
# Datasette's canned queries and the tests write them out).
SEARCH_WEIGHTS = (10.0, 5.0, 1.0)


# Generated columns (3.31) and ALTER TABLE DROP COLUMN (3.35, schema version 8).
MINIMUM_SQLITE = (3, 35, 0)


BUSY_TIMEOUT = 60.0  # seconds a writer waits for another (a backup, rebuild-fts, a script)


class ArchiveUnusable(Exception):
    """The archive's path leads nowhere a database can be: one sentence that says why."""


def unusable_reason(path: str | Path, error: sqlite3.Error | OSError, doing: str = "used") -> str:
    """One sentence for an archive that SQLite or the disk refused: a damaged file says so,
    with what to do; anything else (a full disk, a lock) names the error."""
    name = getattr(error, "sqlite_errorname", "")
    if name == "SQLITE_NOTADB":
        return f"the archive {path} is not an SQLite database ({error})"
    if name == "SQLITE_CORRUPT":
        # SQLite's own words vary (VACUUM INTO names its target file); the cause does not.
        return (
            f"the archive {path} is damaged (SQLite finds it malformed): "
            "restore the newest backup (docs/operations.md, Backups)"
        )
    return f"the archive {path} cannot be {doing} ({error})"


def check_usable(path: str | Path) -> None:
    """Raises ArchiveUnusable when no archive can be opened at `path`: a folder that is a
    file or cannot be made, a file that is not SQLite, or an SQLite too old for the schema.
    Opens nothing for writing."""
    if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
        needed = ".".join(map(str, MINIMUM_SQLITE))
        raise ArchiveUnusable(
            f"this Python's SQLite is {sqlite3.sqlite_version}; the archive needs {needed} or newer "
            "(for generated columns and DROP COLUMN): use a Python built with a newer SQLite"
        )
    path = Path(path)
    blocking = next((folder for folder in path.parents if folder.exists() and not folder.is_dir()), None)
    if blocking:
        raise ArchiveUnusable(f"the archive {path} cannot be made: {blocking} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ArchiveUnusable(
            f"the archive {path} cannot be made: its folder {path.parent} cannot be ({error.strerror})"
        ) from None
    if path.is_dir():
        raise ArchiveUnusable(f"the archive {path} is a folder, not a database file")
    if path.exists():
        try:
            connection = sqlite3.connect(read_only_uri(path), uri=True)
            try:
                connection.execute("pragma schema_version").fetchone()
            finally:
                connection.close()
        except sqlite3.DatabaseError as error:
            raise ArchiveUnusable(unusable_reason(path, error)) from None


def read_only_uri(path: str | Path) -> str:
    """An SQLite URI that opens `path` read-only. Percent-encoded: a '#' or '?' in a folder's
    name would otherwise end the path there, and SQLite would open (and make) another file."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def open_read_only(path: str | Path) -> Database:
    """The archive for reading only: a mistyped path is an error, never a new empty database."""
    check_exists(path)
    return Database(sqlite3.connect(read_only_uri(path), uri=True))


def open_existing(path: str | Path, busy_timeout: float = BUSY_TIMEOUT) -> Database:
    """The archive for writing, for the tools that work on what a crawl made (reparse, WARC
    export): a mistyped path is an error, never a new empty database."""
    check_exists(path)
    return open_database(path, busy_timeout)


def check_exists(path: str | Path) -> None:
    if not Path(path).is_file():
        raise ArchiveUnusable(f"no archive at {path}")
    check_usable(path)


def open_database(path: str | Path, busy_timeout: float = BUSY_TIMEOUT) -> Database:
    """Opens the archive, creating it or upgrading an older one in place."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute(f"pragma busy_timeout = {int(busy_timeout * 1000)}")
    db.enable_wal()
    migrate(db)
    return db


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock first (BEGIN IMMEDIATE), waiting up to the
    busy timeout for another writer: a deferred one that reads first cannot wait, and fails
    at once with "database is locked" when another process wrote meanwhile."""
    db.execute("begin immediate")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def create_tables(db: Database) -> None:
    """Schema version 1: the tables of the first release."""
    db.table("articles").create(
        ARTICLES, pk="article_id", not_null=["url", "title", "body", "published_at"], if_not_exists=True
    )
    db.table("articles").create_index(["published_at"], if_not_exists=True)
    db.table("article_versions").create(ARTICLE_VERSIONS, pk="id", not_null=["article_id"], if_not_exists=True)
    db.table("article_versions").create_index(["article_id"], if_not_exists=True)
    db.table("dropped_items").create(DROPPED_ITEMS, pk="url", not_null=["reason", "status"], if_not_exists=True)
    db.table("dropped_items").create_index(["article_id"], if_not_exists=True)
    db.table("crawl_runs").create(CRAWL_RUNS, pk="id", if_not_exists=True)


def add_tags_and_month(db: Database) -> None:
    """Schema version 2: tags one row each, indexed (filled by ensure_derived), and the
    month of publication as a column to count and facet by."""
    db.table("article_tags").create({"article_id": str, "tag": str}, pk=("article_id", "tag"), if_not_exists=True)
    db.table("article_tags").create_index(["tag"], if_not_exists=True)
    db.execute(
        "alter table articles add column published_month text generated always as (substr(published_at, 1, 7)) virtual"
    )


def add_walk_columns(db: Database) -> None:
    """Schema version 3: what the next run needs to know of this run's walk. Runs made
    before have none, so the first run after the upgrade walks the listing to its end."""
    for column, kind in CRAWL_RUNS_WALK.items():
        db.table("crawl_runs").add_column(column, kind)


def add_counters_column(db: Database) -> None:
    """Schema version 4: the run's own counters, so that nobody needs to read its log."""
    for column, kind in CRAWL_RUNS_COUNTERS.items():
        db.table("crawl_runs").add_column(column, kind)


def add_raw_pages(db: Database) -> None:
    """Schema version 5: the pages themselves, to re-extract without re-crawling and to export
    as WARC. Articles stored before have none, until they are fetched again."""
    db.table("raw_pages").create(RAW_PAGES, pk="id", not_null=["article_id", "body"], if_not_exists=True)
    db.table("raw_pages").create_index(["article_id"], if_not_exists=True)


def stem_search(db: Database) -> None:
    """Schema version 6: search with stemming. The old index goes; ensure_derived() builds
    the new one from the articles."""
    if db.table("articles").detect_fts():
        db.table("articles").disable_fts()


def local_calendar(db: Database) -> None:
    """Schema version 7: the views count days in Kazakhstan's time, and months with none as
    zero. The old views go; ensure_derived() makes the new ones."""
    for name in ("articles_per_day", "articles_per_week"):
        db.execute(f"drop view if exists {name}")


def local_month(db: Database) -> None:
    """Schema version 8: `published_month` is the month in Kazakhstan, as the views' days
    are. A virtual column holds no data, so nothing is rewritten; the view that reads it
    goes first (SQLite refuses to drop a column a view names) and ensure_derived() makes it
    again, with the reader's list."""
    db.execute("drop view if exists articles_per_month")
    db.execute("drop view if exists articles_per_week")  # now with its empty weeks, as months
    db.execute("alter table articles drop column published_month")
    db.execute(f"alter table articles add column {PUBLISHED_MONTH}")


def version_every_field(db: Database) -> None:
    """Schema version 9: an earlier version keeps every field (author, tags ...), not only
    its text and time. Versions saved before have none of them: NULL, unknown."""
    for column, kind in ARTICLE_VERSIONS_FIELDS.items():
        db.table("article_versions").add_column(column, kind)


def add_aliases(db: Database) -> None:
    """Schema version 10: the ids of URLs that redirect to an article stored under another,
    so that a card under an old URL is known, not fetched again every run."""
    db.table("article_aliases").create(ARTICLE_ALIASES, pk="alias_id", not_null=["article_id"], if_not_exists=True)


def add_listing_found_by(db: Database) -> None:
    """Schema version 11: how each run found its listing (runs made before: NULL)."""
    for column, kind in CRAWL_RUNS_DOORS.items():
        db.table("crawl_runs").add_column(column, kind)


def add_topic_verdicts(db: Database) -> None:
    """Schema version 12: the topic rule's verdicts, selected and rejected."""
    db.table("topic_verdicts").create(TOPIC_VERDICTS, pk="article_id", not_null=["selected"], if_not_exists=True)


def add_walk_missed(db: Database) -> None:
    """Schema version 13: how many articles the second channel found that the walk missed."""
    for column, kind in CRAWL_RUNS_CHANNEL.items():
        db.table("crawl_runs").add_column(column, kind)


MIGRATIONS = [  # step n brings the database to version n
    create_tables,
    add_tags_and_month,
    add_walk_columns,
    add_counters_column,
    add_raw_pages,
    stem_search,
    local_calendar,
    local_month,
    version_every_field,
    add_aliases,
    add_listing_found_by,
    add_topic_verdicts,
    add_walk_missed,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: Database) -> int:
    return db.execute("pragma user_version").fetchone()[0]


def migrate(db: Database) -> None:
    """Runs the steps the database has not had, each in a transaction with its version,
    then restores what is derived from the tables."""
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"{db.conn} has schema version {version}; this code knows up to {SCHEMA_VERSION}")
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            step(db)
            db.execute(f"pragma user_version = {number}")
    ensure_derived(db)


def ensure_derived(db: Database) -> None:
    """The full-text index, the tag links and the views, with the triggers that keep them
    in step with `articles`. A schema change can drop triggers (sqlite-utils' transform()
    does, silently): whatever is missing is created again and its index rebuilt from the
    tables. Cheap when all is in place, so it runs on every open."""
    # enable_fts() with replace=True recreates and repopulates the index when its table or
    # triggers are not as asked, and does nothing when they are.
    db.table("articles").enable_fts(SEARCH_COLUMNS, create_triggers=True, tokenize=SEARCH_TOKENIZER, replace=True)
    tag_triggers = {"articles_tags_ai", "articles_tags_au", "articles_tags_ad"}
    if not tag_triggers <= {trigger.name for trigger in db.table("articles").triggers}:
        with db.atomic():
            db.execute("delete from article_tags")
            db.execute(
                "insert or ignore into article_tags (article_id, tag) "
                "select article_id, value from articles, json_each(articles.tags)"
            )
        db.executescript(_TAG_TRIGGERS)
    for name, sql in VIEWS.items():
        if name not in db.view_names():
            db.create_view(name, sql.strip())
    # The month facet and the monthly charts group by it: at 100,000 articles, 150 ms unindexed.
    db.table("articles").create_index(["published_month"], if_not_exists=True)


def tag_counts_sql(rows_sql: str, limit: int) -> str:
    """The tags of the articles `rows_sql` selects (it has an article_id column), most used
    first, counted from the indexed article_tags: the reading room's tag facet."""
    return (
        "select tag as value, count(*) as count from article_tags "
        f"where article_id in (select article_id from ({rows_sql})) "
        f"group by tag order by count desc, tag limit {int(limit)}"
    )


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- What a crawl asks before it starts ----------------------------------------------


def stored_article_ids(db: Database) -> set[str]:
    """The ids of stored articles, and the aliases of those (crawler/signals.article_moved)."""
    return {row[0] for row in db.execute("select article_id from articles")} | {
        row[0]
        for row in db.execute(
            "select alias_id from article_aliases where article_id in (select article_id from articles)"
        )
    }


def rejected_article_ids(db: Database) -> set[str]:
    """The articles the topic rule rejected: known to a walk of the all-news feed."""
    return {row[0] for row in db.execute("select article_id from topic_verdicts where selected = 0")}


def failed_pages(db: Database, *, given_up_too: bool) -> list[dict]:
    """Pages to fetch again: the pending ones, and with `given_up_too` the dropped ones."""
    statuses = [FailureStatus.PENDING, FailureStatus.DROPPED] if given_up_too else [FailureStatus.PENDING]
    return list(
        db.query(
            f"select url, article_id from dropped_items where status in ({placeholders(statuses)}) order by url",
            statuses,
        )
    )


def given_up_article_ids(db: Database) -> set[str]:
    return {
        row[0] for row in db.execute("select article_id from dropped_items where status = ?", [FailureStatus.DROPPED])
    }


def recently_published(db: Database, days: int) -> list[dict]:
    since = (datetime.now(UTC) - timedelta(days=days)).isoformat()
    return list(
        db.query("select url, article_id from articles where published_at >= ? order by published_at desc", [since])
    )


def field_coverage(db: Database, run_id: int, fields: list[str]) -> dict[str, float]:
    """For the articles a run stored: field -> share that have it (not null, '' or [])."""
    unknown = set(fields) - set(ARTICLES)
    if unknown:
        raise ValueError(f"no such article field: {', '.join(sorted(unknown))}")
    shares = ", ".join(f"avg({f} is not null and {f} not in ('', '[]'))" for f in fields)
    row = db.execute(f"select count(*), {shares} from articles where run_id = ?", [run_id]).fetchone()
    return dict(zip(fields, row[1:], strict=False)) if row[0] else {}


def mark_killed_runs(db: Database, problem: str, run_id: int | None = None) -> None:
    """Crawl runs still marked running, though no crawl is running them (the one holding the
    lock calls this), or the one run `run_id` whose crawl has exited, were killed before
    their ledger could close them: say so, with the counts of what they did store. A
    reparse's run is its own to close."""
    which, values = ("id = ?", [run_id]) if run_id is not None else ("trigger is not ?", [Trigger.REPARSE])
    db.execute(
        "update crawl_runs set status = 'failed', finish_reason = 'killed', finished_at = coalesce(finished_at, ?), "
        "healthy = 0, health_problems = ?, "
        "articles_new = (select count(*) from articles a where a.run_id = crawl_runs.id and a.version_count = 1), "
        "articles_updated = (select count(*) from articles a where a.run_id = crawl_runs.id and a.version_count > 1), "
        "articles_pending = (select count(*) from dropped_items d where d.run_id = crawl_runs.id and d.status = ?), "
        "articles_dropped = (select count(*) from dropped_items d where d.run_id = crawl_runs.id and d.status = ?) "
        f"where status = ? and {which}",
        [utc_now(), problem, FailureStatus.PENDING, FailureStatus.DROPPED, RunStatus.RUNNING, *values],
    )


# A time from the future was written under a clock set ahead: stood in for by this, so that
# what waits for time to pass since then (the weekly full walk) does not wait for years.
LONG_AGO = "1970-01-01T00:00:00+00:00"


def last_complete_walk_at(db: Database, now: str | None = None) -> str | None:
    """When a run last walked a listing to its end with every page read; LONG_AGO when the
    only such runs started after `now` (default: the clock's now)."""
    row = db.execute(
        "select max(case when started_at <= ? then started_at end), count(*) "
        "from crawl_runs where listing_complete = 1",
        [now or utc_now()],
    ).fetchone()
    return row[0] or (LONG_AGO if row[1] else None)


def remembered_listing(db: Database) -> dict | None:
    """The listing the last run that searched for one found behind a door past the menu
    (`start_url`, `listing_found_by`), when that run read it (listing pages with cards);
    None when the last search found it in the menu, found none, or could not read it."""
    row = db.execute(
        "select start_url, listing_found_by, listing_pages from crawl_runs "
        "where listing_found_by is not null and listing_found_by != 'given' and status != ? order by id desc limit 1",
        [RunStatus.RUNNING],
    ).fetchone()
    if row is None or row[1] == "menu" or not row[2]:
        return None
    return {"start_url": row[0], "listing_found_by": row[1]}


def runs_by_listing(db: Database) -> dict[str, list[dict]]:
    """The finished runs of each listing, newest first: what crawler.walk plans a walk from."""
    runs: dict[str, list[dict]] = {}
    for run in db.query(
        "select start_url, gapless, walk_top_ids from crawl_runs "
        "where start_url is not null and status != ? order by id desc",
        [RunStatus.RUNNING],
    ):
        runs.setdefault(run["start_url"], []).append(run)
    return runs


# --- The ledger -----------------------------------------------------------------------


def start_run(db: Database, run: dict) -> int:
    return int(db.table("crawl_runs").insert(run).last_pk or 0)


def finish_run(db: Database, run_id: int, run: dict) -> None:
    db.table("crawl_runs").update(run_id, run)


def running_runs(db: Database, trigger: str) -> list[dict]:
    return list(db.query("select * from crawl_runs where status = ? and trigger = ?", [RunStatus.RUNNING, trigger]))


def run_by_id(db: Database, run_id: int) -> dict | None:
    rows = select(db, "crawl_runs", "id", [run_id])
    return rows[0] if rows else None


def runs_after(db: Database, run_id: int, trigger: str) -> list[dict]:
    """The runs of `trigger` after `run_id`, oldest first."""
    return list(db.query("select * from crawl_runs where id > ? and trigger = ? order by id", [run_id, trigger]))


def latest_runs(db: Database, count: int) -> list[dict]:
    return list(db.query("select * from crawl_runs order by id desc limit ?", [count]))


def totals(db: Database) -> dict[str, int]:
    """What the archive holds: articles, earlier versions, pages pending and given up."""
    row = db.execute(
        "select (select count(*) from articles), (select count(*) from article_versions), "
        "(select count(*) from dropped_items where status = ?), (select count(*) from dropped_items where status = ?)",
        [FailureStatus.PENDING, FailureStatus.DROPPED],
    ).fetchone()
    return dict(zip(("articles", "versions", "pending", "given_up"), row, strict=False))


# --- The store ------------------------------------------------------------------------

# What the parsers make of a page: re-extraction compares and replaces these, and an earlier
# version keeps them all.
EXTRACTED = (
    "url",
    "lang",
    "section",
    "title",
    "lead",
    "body",
    "dateline",
    "source",
    "author",
    "published_at",
    "tags",
    "image_url",
    "word_count",
    "layout",
    "content_hash",
)
_VERSIONED = ("article_id", *EXTRACTED)
# A change in any of these is an edit, kept as a version: not the design it is served in, nor
# what follows from the text.
EDITABLE = tuple(column for column in EXTRACTED if column not in ("layout", "word_count", "content_hash"))


def comparable(column: str, value):
    """A stored or an extracted value, made comparable: tags as a list, emptiness as None."""
    if column == "tags":
        value = json.loads(value) if isinstance(value, str) else list(value or [])
    return value or None


def changed_fields(old: dict, item: dict, columns: tuple[str, ...] = EDITABLE) -> list[str]:
    """The columns in which the item differs from the stored article."""
    return [c for c in columns if comparable(c, old[c]) != comparable(c, item.get(c))]


def save_articles(db: Database, items: list[dict], run_id: int | None) -> dict[str, int]:
    """New articles are inserted; an edited one (its text, author, tags, time ... changed)
    keeps its earlier version in article_versions; an unchanged one only gets a new
    last_seen_at. Returns the counts."""
    now, ids = utc_now(), [item["article_id"] for item in items]
    stored = {row["article_id"]: row for row in select(db, "articles", "article_id", ids)}
    rows, versions, unchanged = [], [], []
    for item in items:
        old = stored.get(item["article_id"])
        if old and not changed_fields(old, item):
            unchanged.append(item["article_id"])
            continue
        if old:
            versions.append(earlier_version(old, run_id))
        rows.append(
            {
                **{column: item.get(column) for column in ARTICLES},  # absent fields become NULL
                "first_seen_at": old["first_seen_at"] if old else now,
                "last_seen_at": now,
                "version_count": old["version_count"] + 1 if old else 1,
                "run_id": run_id,
            }
        )
    db.table("articles").upsert_all(rows, pk="article_id")
    db.table("article_versions").insert_all(versions)
    db.execute(
        f"update articles set last_seen_at = ? where article_id in ({placeholders(unchanged)})", [now, *unchanged]
    )
    # A page stored is no longer a failure; one listed in the section is the section's, whatever
    # the topic rule once said of it.
    db.execute(f"delete from dropped_items where article_id in ({placeholders(ids)})", ids)
    listed = [item["article_id"] for item in items if not item.get("topic_verdict")]
    db.execute(f"delete from topic_verdicts where article_id in ({placeholders(listed)})", listed)
    return {
        Stat.STORED_NEW: len(rows) - len(versions),
        Stat.STORED_UPDATED: len(versions),
        Stat.STORED_UNCHANGED: len(unchanged),
    }


def save_aliases(db: Database, aliases: dict[str, str]) -> None:
    db.table("article_aliases").upsert_all(
        [{"alias_id": alias, "article_id": article_id} for alias, article_id in aliases.items()], pk="alias_id"
    )


def save_verdicts(db: Database, verdicts: list[dict], run_id: int | None) -> None:
    """The topic rule's verdicts (TOPIC_VERDICTS' fields but the time and run), replacing earlier ones."""
    now = utc_now()
    db.table("topic_verdicts").upsert_all(
        [{**verdict, "judged_at": now, "run_id": run_id} for verdict in verdicts], pk="article_id"
    )


def topic_verdict(db: Database, article_id: str) -> dict | None:
    rows = select(db, "topic_verdicts", "article_id", [article_id])
    return rows[0] if rows else None


def remove_article(db: Database, article_id: str) -> None:
    """An article the topic rule selected once and rejects now (reparse): out of `articles`;
    its earlier versions and raw page stay."""
    db.execute("delete from articles where article_id = ?", [article_id])


def earlier_version(old: dict, run_id: int | None) -> dict:
    """The article_versions row of a stored article about to be replaced."""
    return {**{k: old[k] for k in _VERSIONED}, "seen_at": old["last_seen_at"], "run_id": run_id}


def save_failures(db: Database, failures: list[dict], run_id: int | None, max_attempts: int) -> dict[str, int]:
    """A failed page stays pending, to be fetched first by the next run, until it has
    failed in `max_attempts` runs; then it is dropped (given up) until mode=full."""
    now = utc_now()
    earlier = {row["url"]: row for row in select(db, "dropped_items", "url", [f["url"] for f in failures])}
    rows = []
    for failure in failures:
        old = earlier.get(failure["url"])
        attempts = (old["attempts"] if old else 0) + 1
        rows.append(
            {
                **failure,
                "status": FailureStatus.DROPPED if attempts >= max_attempts else FailureStatus.PENDING,
                "attempts": attempts,
                "first_failed_at": old["first_failed_at"] if old else now,
                "last_failed_at": now,
                "run_id": run_id,
            }
        )
    db.table("dropped_items").upsert_all(rows, pk="url")
    return {
        key: sum(row["status"] == status for row in rows)
        for status, key in ((FailureStatus.PENDING, Stat.PENDING), (FailureStatus.DROPPED, Stat.DROPPED))
    }


def select(db: Database, table: str, key: str, values: list) -> list[dict]:
    return list(db.query(f"select * from {table} where {key} in ({placeholders(values)})", values))


def placeholders(values: list) -> str:
    """'?, ?, ?' for an SQL IN list of `values`."""
    return ", ".join("?" * len(values))


# --- Raw pages ------------------------------------------------------------------------


def save_raw_pages(db: Database, pages: list[dict], run_id: int | None) -> int:
    """Keeps each page (a RawPage's fields and its article_id); of an article's copies, only
    the first and the latest stay. Returns how many were written."""
    db.table("raw_pages").insert_all([{**page, "run_id": run_id} for page in pages])
    ids = sorted({page["article_id"] for page in pages})
    db.execute(
        f"delete from raw_pages where article_id in ({placeholders(ids)}) and id not in "
        f"(select min(id) from raw_pages where article_id in ({placeholders(ids)}) group by article_id "
        f"union select max(id) from raw_pages where article_id in ({placeholders(ids)}) group by article_id)",
        [*ids, *ids, *ids],
    )
    return len(pages)


def latest_raw_pages(
    db: Database, since: str | None = None, layout: str | None = None, article_id: str | None = None
) -> Iterator[dict]:
    """The latest raw page of each article, in the order they were kept; `since`: fetched at
    or after; `layout`: of articles stored in that design; `article_id`: of one article."""
    where, values = ["r.id in (select max(id) from raw_pages group by article_id)"], []
    for condition, value in (("r.fetched_at >= ?", since), ("a.layout = ?", layout), ("r.article_id = ?", article_id)):
        if value:
            where.append(condition)
            values.append(value)
    conditions = " and ".join(where)
    ids = [
        row[0]
        for row in db.execute(
            f"select r.id from raw_pages r left join articles a using (article_id) where {conditions} order by r.id",
            values,
        )
    ]
    yield from raw_pages_in_batches(db, ids)


def all_raw_pages(db: Database) -> Iterator[dict]:
    yield from raw_pages_in_batches(db, [row[0] for row in db.execute("select id from raw_pages order by id")])


RAW_PAGES_BATCH = 50


def raw_pages_in_batches(db: Database, ids: list[int]) -> Iterator[dict]:
    """The raw pages of `ids`, read a batch at a time, so that no read stays open between
    batches: a reader that writes as it goes (reparse) can then wait for a crawl's writes,
    where a write from inside a live SELECT fails at once with "database is locked"."""
    for start in range(0, len(ids), RAW_PAGES_BATCH):
        yield from sorted(select(db, "raw_pages", "id", ids[start : start + RAW_PAGES_BATCH]), key=lambda r: r["id"])


def stored_article(db: Database, article_id: str) -> dict | None:
    rows = select(db, "articles", "article_id", [article_id])
    return rows[0] if rows else None


def replace_article(db: Database, item: dict, old: dict, run_id: int | None) -> None:
    """An article read again from its stored page, differently: its earlier state goes to
    article_versions, as a refresh's does; when it was fetched stays as it was."""
    db.table("article_versions").insert(earlier_version(old, run_id))
    db.table("articles").update(
        old["article_id"],
        {
            **{column: item.get(column) for column in EXTRACTED},
            "version_count": old["version_count"] + 1,
            "run_id": run_id,
        },
    )


def copy_to(db: Database, target: Path) -> None:
    """A consistent, compacted copy (VACUUM INTO reads one snapshot, so a crawl may go on
    writing), replacing `target` only once the copy is whole."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    db.execute("vacuum into ?", [str(partial)])
    partial.replace(target)
