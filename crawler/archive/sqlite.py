"""The archive in SQLite: where the setting points (a path, or a sqlite:/// URL), opening
it (checked, migrated), and the Archive object whose methods are every question and write
of the crawl, the ledger, the store, the scheduler and the commands. No SQLite error leaves
this module: each becomes an ArchiveError (crawler/archive/errors.py)."""

import functools
import inspect
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import unquote, urlsplit

from sqlite_utils import Database

from crawler.archive.changes import classify
from crawler.archive.coverage import CoverageQueries
from crawler.archive.errors import ArchiveError, ArchiveRefused, ArchiveUnusable
from crawler.archive.migrations import drain_search_queue, migrate
from crawler.archive.schema import ARTICLES, EXTRACTED, STORED_FACTS, VERSIONED
from crawler.archive.search import register_tokenizers
from crawler.clock import REAL, Clock
from crawler.contracts import GONE, CheckOutcome, EventKind, FailureStatus, RunStatus, Stat, Trigger
from crawler.recheck.schedule import Campaign, Due, campaign_due, choose, due_since, retry_at
from crawler.site.editions import DEFAULT
from crawler.site.urls import listed_id

# Generated columns (3.31) and ALTER TABLE DROP COLUMN (3.35, schema version 8).
MINIMUM_SQLITE = (3, 35, 0)


BUSY_TIMEOUT = 60.0  # seconds a writer waits for another (a backup, rebuild-fts, a script)


# Where a relative archive location is taken from, whatever folder a command is started in:
# the project's (scrapy.cfg's), where `scrapy` commands run and the scheduler starts its crawls.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ArchiveLocation:
    """Where an archive is, as the one place that reads a location (ELECTIONS_DB) tells it:
    its file, the lock of the crawl that writes it, and its name in messages (`str()`)."""

    path: Path  # absolute

    @property
    def lock_path(self) -> Path:
        """`<archive>.lock` beside the file the path leads to: a symlink to it, or the archive
        named by a path and by an sqlite:/// URL, share one lock."""
        return Path(f"{self.path.resolve()}.lock")

    def __str__(self) -> str:
        return str(self.path)


Location = str | Path | ArchiveLocation


def archive_location(location: Location) -> ArchiveLocation:
    """The archive a location names: a path, or a URL in SQLAlchemy's form
    (sqlite:///data/elections.db, sqlite:////var/archive.db), so that the setting can name
    another backend's URL one day; relative, from the project's folder (PROJECT_ROOT). Any
    other scheme is refused (ArchiveUnusable)."""
    if isinstance(location, ArchiveLocation):
        return location
    text = str(location)
    path = Path(text)
    if "://" in text:
        url = urlsplit(text)
        if url.scheme != "sqlite" or url.netloc:
            raise ArchiveUnusable(
                f"the archive {text} is not one this crawler can open: name an SQLite file, as a path or as "
                "sqlite:///path"
            )
        path = Path(unquote(url.path[1:]))
    return ArchiveLocation(path if path.is_absolute() else PROJECT_ROOT / path)


def archive_error(error: sqlite3.Error | OSError, location: object) -> ArchiveError:
    """SQLite's or the disk's error as the archive's: a damaged file says so, with what to do."""
    if isinstance(error, sqlite3.IntegrityError):
        return ArchiveRefused(str(error), location)
    name = getattr(error, "sqlite_errorname", "")
    damage = None
    if name == "SQLITE_NOTADB":
        damage = f"the archive {location} is not an SQLite database ({error})"
    elif name == "SQLITE_CORRUPT":
        # SQLite's own words vary (VACUUM INTO names its target file); the cause does not.
        damage = (
            f"the archive {location} is damaged (SQLite finds it malformed): "
            "restore the newest backup (docs/operations.md, Backups)"
        )
    return ArchiveError(str(error), location, damage)


@contextmanager
def archive_errors(location: object) -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        raise archive_error(error, location) from error


Class = TypeVar("Class", bound=type)


def raising_archive_errors(cls: Class) -> Class:
    """Every public method of the class, its bases' included, raises ArchiveError where SQLite
    or the disk fails; a generator's, while it is read."""

    def wrapped(method: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.isgeneratorfunction(method):

            @functools.wraps(method)
            def generator(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
                with archive_errors(self.location):
                    yield from method(self, *args, **kwargs)

            return generator

        @functools.wraps(method)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            with archive_errors(self.location):
                return method(self, *args, **kwargs)

        return call

    methods = {name: method for klass in reversed(cls.__mro__[:-1]) for name, method in vars(klass).items()}
    for name, method in methods.items():  # its own and its bases' (CoverageQueries)
        if not name.startswith("_") and inspect.isfunction(method):
            setattr(cls, name, wrapped(method))
    return cls


def check_usable(location: Location) -> None:
    """Raises ArchiveUnusable when no archive can be opened at `location`: a folder that is a
    file or cannot be made, a file that is not SQLite, or an SQLite too old for the schema.
    Opens nothing for writing."""
    if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
        needed = ".".join(map(str, MINIMUM_SQLITE))
        raise ArchiveUnusable(
            f"this Python's SQLite is {sqlite3.sqlite_version}; the archive needs {needed} or newer "
            "(for generated columns and DROP COLUMN): use a Python built with a newer SQLite"
        )
    path = archive_location(location).path
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
            raise ArchiveUnusable(archive_error(error, path).reason()) from None


def holds_articles(location: Location) -> bool:
    """Does the file hold an archive's articles table? Opens nothing for writing, and makes
    no file: an empty one (as a mistyped `sqlite-utils` command leaves) holds none. Raises
    ArchiveError for a damaged one."""
    path = archive_location(location).path
    if not path.is_file():
        return False
    connection = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        return connection.execute("select 1 from sqlite_master where name = 'articles'").fetchone() is not None
    except sqlite3.DatabaseError as error:
        raise archive_error(error, path) from None
    finally:
        connection.close()


def read_only_uri(path: str | Path) -> str:
    """An SQLite URI that opens `path` read-only. Percent-encoded: a '#' or '?' in a folder's
    name would otherwise end the path there, and SQLite would open (and make) another file."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def open_database(path: Location, busy_timeout: float = BUSY_TIMEOUT) -> Database:
    """The sqlite-utils Database at `path`, created or upgraded in place: for the Archive, and
    for what works on SQLite itself (the reading room, tests, benchmarks)."""
    path = archive_location(path).path
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    register_tokenizers(db.conn)  # also done by the sqlite-utils plugin, when the package is installed
    db.execute(f"pragma busy_timeout = {int(busy_timeout * 1000)}")
    db.enable_wal()
    migrate(db)
    return db


def open_archive(location: Location, busy_timeout: float = BUSY_TIMEOUT, clock: Clock = REAL) -> "Archive":
    """The archive for a crawl: created, or an older one upgraded in place. `clock`: what the
    crawl takes as now (ELECTIONS_NOW), for the times it stamps."""
    where = archive_location(location)
    with archive_errors(where):
        return Archive(open_database(where, busy_timeout), where, clock)


def open_existing(location: Location, busy_timeout: float = BUSY_TIMEOUT) -> "Archive":
    """The archive for writing, for the tools that work on what a crawl made (reparse, WARC
    export): a mistyped path is an error, never a new empty database."""
    check_exists(location)
    return open_archive(location, busy_timeout)


def open_read_only(location: Location) -> "Archive":
    """The archive for reading only: a mistyped path is an error, never a new empty database."""
    where = archive_location(location)
    check_exists(where)
    with archive_errors(where):
        connection = sqlite3.connect(read_only_uri(where.path), uri=True)
        register_tokenizers(connection)
        return Archive(Database(connection), where)


def check_exists(location: Location) -> None:
    where = archive_location(location)
    if not where.path.is_file():
        raise ArchiveUnusable(f"no archive at {where}")
    check_usable(where)


def tag_counts_sql(rows_sql: str, limit: int) -> str:
    """The tags of the articles `rows_sql` selects (it has an article_id column), most used
    first, counted from the indexed article_tags: the reading room's tag facet."""
    return (
        "select tag as value, count(*) as count from article_tags "
        f"where article_id in (select article_id from ({rows_sql})) "
        f"group by tag order by count desc, tag limit {int(limit)}"
    )


# The reading room's article page (explore/plugins/reading.py): what happened to the article,
# and its earlier versions, oldest first.
ARTICLE_EVENTS_SQL = (
    "select kind, at, fields, words_added, words_removed, detail from article_events "
    "where article_id = :article_id order by id"
)
ARTICLE_VERSIONS_SQL = "select * from article_versions where article_id = :article_id order by id"
ARTICLE_SQL = "select * from articles where article_id = :article_id"
ARTICLE_TWINS_SQL = (
    "select twin_id, twin_lang, twin_url, twin_title, twin_published_at from article_translations "
    "where article_id = :article_id order by twin_lang"
)


def utc_now() -> str:
    return REAL.iso()


# A time from the future was written under a clock set ahead: stood in for by this, so that
# what waits for time to pass since then (the weekly full walk) does not wait for years.
LONG_AGO = "1970-01-01T00:00:00+00:00"


def twin_row(article_id: str, twin_lang: str, twin_url: str, now: str, run_id: int | None) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "twin_id": listed_id(twin_url),
        "twin_url": twin_url,
        "twin_lang": twin_lang,
        "first_seen_at": now,
        "run_id": run_id,
    }


def event(
    article_id: str,
    kind: str,
    at: str,
    run_id: int | None,
    fields: list[str] | None = None,
    words_added: int | None = None,
    words_removed: int | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    """An article_events row."""
    return {
        "article_id": article_id,
        "kind": str(kind),
        "at": at,
        "run_id": run_id,
        "fields": json.dumps(fields) if fields else None,
        "words_added": words_added,
        "words_removed": words_removed,
        "detail": detail,
    }


def with_stored_facts(item: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """The item with the stored article's edition and section (schema.STORED_FACTS): facts of
    the article, which no re-check, refresh or re-read takes from the crawl that happens to
    run. A new article's are the item's own."""
    return {**item, **{column: old[column] for column in STORED_FACTS}} if old else item


def earlier_version(old: dict[str, Any], run_id: int | None) -> dict[str, Any]:
    """The article_versions row of a stored article about to be replaced."""
    return {**{k: old[k] for k in VERSIONED}, "seen_at": old["last_seen_at"], "run_id": run_id}


def placeholders(values: list[Any]) -> str:
    """'?, ?, ?' for an SQL IN list of `values`."""
    return ", ".join("?" * len(values))


RAW_PAGES_BATCH = 50


@raising_archive_errors
class Archive(CoverageQueries):
    """The archive, open: `location` where it is (ArchiveLocation), `db` the sqlite-utils Database
    for what works on SQLite itself, `clock` what the crawl takes as now. Its writes belong in
    a `transaction()`, which commits them together. Closed by close(), or at the end of a
    `with` block."""

    def __init__(self, db: Database, location: ArchiveLocation, clock: Clock = REAL):
        self.db = db
        self.location = location
        self.clock = clock

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        """A transaction that takes the write lock first (BEGIN IMMEDIATE), waiting up to the
        busy timeout for another writer: a deferred one that reads first cannot wait, and fails
        at once with "database is locked" when another process wrote meanwhile."""
        with archive_errors(self.location):
            self.db.execute("begin immediate")
        try:
            yield self
            with archive_errors(self.location):
                drain_search_queue(self.db)  # the stemmed indexes, caught up with what was written
        except BaseException:
            self.db.conn.rollback()
            raise
        with archive_errors(self.location):
            self.db.conn.commit()

    def copy_to(self, target: Path) -> None:
        """A consistent, compacted copy (VACUUM INTO reads one snapshot, so a crawl may go on
        writing), replacing `target` only once the copy is whole."""
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        self.db.execute("vacuum into ?", [str(partial)])
        partial.replace(target)

    def _select(self, table: str, key: str, values: list[Any]) -> list[dict[str, Any]]:
        return list(self.db.query(f"select * from {table} where {key} in ({placeholders(values)})", values))

    def _first(self, table: str, key: str, value: object) -> dict[str, Any] | None:
        rows = self._select(table, key, [value])
        return rows[0] if rows else None

    # --- What a crawl asks before it starts ----------------------------------------------

    def stored_article_ids(self) -> set[str]:
        """The ids of stored articles, and the aliases of those (crawler/signals.article_moved)."""
        return {row[0] for row in self.db.execute("select article_id from articles")} | {
            row[0]
            for row in self.db.execute(
                "select alias_id from article_aliases where article_id in (select article_id from articles)"
            )
        }

    def rejected_article_ids(self) -> set[str]:
        """The articles the topic rule rejected: known to a walk of the all-news feed."""
        return {row[0] for row in self.db.execute("select article_id from topic_verdicts where selected = 0")}

    def failed_pages(self, edition: str, *, given_up_too: bool) -> list[dict[str, Any]]:
        """The edition's pages to fetch again: the pending ones, and with `given_up_too` the
        dropped ones."""
        statuses = [FailureStatus.PENDING, FailureStatus.DROPPED] if given_up_too else [FailureStatus.PENDING]
        return list(
            self.db.query(
                f"select url, article_id from dropped_items where status in ({placeholders(statuses)}) "
                "and edition = ? order by url",
                [*statuses, edition],
            )
        )

    def given_up_article_ids(self) -> set[str]:
        return {
            row[0]
            for row in self.db.execute("select article_id from dropped_items where status = ?", [FailureStatus.DROPPED])
        }

    def recently_published(self, days: int, edition: str) -> list[Due]:
        """The edition's stored articles published in the last `days` days, to check again now
        (`-a refresh=DAYS`): unconditionally, since whoever asks wants the pages."""
        now = self.clock.now()
        return [
            Due(article_id, url, now)
            for article_id, url in self.db.execute(
                "select article_id, url from articles where published_at >= ? and edition = ? "
                "order by published_at desc",
                [(now - timedelta(days=days)).isoformat(), edition],
            )
        ]

    def field_coverage(self, run_id: int, fields: list[str]) -> dict[str, float]:
        """For the articles a run stored: field -> share that have it (not null, '' or [])."""
        unknown = set(fields) - set(ARTICLES)
        if unknown:
            raise ValueError(f"no such article field: {', '.join(sorted(unknown))}")
        shares = ", ".join(f"avg({f} is not null and {f} not in ('', '[]'))" for f in fields)
        row = self.db.execute(f"select count(*), {shares} from articles where run_id = ?", [run_id]).fetchone()
        return dict(zip(fields, row[1:], strict=False)) if row[0] else {}

    def mark_killed_runs(self, problem: str, run_id: int | None = None) -> None:
        """Crawl runs still marked running, though no crawl is running them (the one holding the
        lock calls this), or the one run `run_id` whose crawl has exited, were killed before
        their ledger could close them: say so, with the counts of what they did store. A
        reparse's run is its own to close."""
        which, values = ("id = ?", [run_id]) if run_id is not None else ("trigger is not ?", [Trigger.REPARSE])
        self.db.execute(
            "update crawl_runs set status = 'failed', finish_reason = 'killed', "
            "finished_at = coalesce(finished_at, ?), healthy = 0, health_problems = ?, "
            "articles_new = (select count(*) from articles a "
            "where a.run_id = crawl_runs.id and a.version_count = 1), "
            "articles_updated = (select count(*) from articles a "
            "where a.run_id = crawl_runs.id and a.version_count > 1), "
            "articles_pending = (select count(*) from dropped_items d "
            "where d.run_id = crawl_runs.id and d.status = ?), "
            "articles_dropped = (select count(*) from dropped_items d "
            "where d.run_id = crawl_runs.id and d.status = ?) "
            f"where status = ? and {which}",
            [self.clock.iso(), problem, FailureStatus.PENDING, FailureStatus.DROPPED, RunStatus.RUNNING, *values],
        )

    def last_complete_walk_at(self, edition: str, now: str | None = None) -> str | None:
        """When a run of the edition last walked a listing to its end with every page read;
        LONG_AGO when the only such runs started after `now` (default: the clock's now)."""
        row = self.db.execute(
            "select max(case when started_at <= ? then started_at end), count(*) "
            "from crawl_runs where listing_complete = 1 and edition = ?",
            [now or self.clock.iso(), edition],
        ).fetchone()
        return row[0] or (LONG_AGO if row[1] else None)

    def remembered_listing(self, edition: str) -> dict[str, Any] | None:
        """The listing the edition's last run that searched for one found behind a door past the
        menu (`start_url`, `listing_found_by`), when that run read it (listing pages with cards);
        None when the last search found it in the menu, found none, or could not read it."""
        row = self.db.execute(
            "select start_url, listing_found_by, listing_pages from crawl_runs "
            "where listing_found_by is not null and listing_found_by != 'given' and status != ? and edition = ? "
            "order by id desc limit 1",
            [RunStatus.RUNNING, edition],
        ).fetchone()
        if row is None or row[1] == "menu" or not row[2]:
            return None
        return {"start_url": row[0], "listing_found_by": row[1]}

    def last_search(self, edition: str) -> dict[str, Any] | None:
        """What the edition's last run that searched for its listing found: `start_url`,
        `listing_found_by` (a door, or the all-news feed) and its `run_id`; None before one."""
        rows = self.db.query(
            "select id as run_id, start_url, listing_found_by from crawl_runs "
            "where listing_found_by is not null and listing_found_by != 'given' and status != ? and edition = ? "
            "order by id desc limit 1",
            [RunStatus.RUNNING, edition],
        )
        return next(iter(rows), None)

    def runs_by_listing(self) -> dict[str, list[dict[str, Any]]]:
        """The finished runs' walks of each listing, main or beside it (listing_walks), newest
        first: what crawler.walk plans a walk from."""
        runs: dict[str, list[dict[str, Any]]] = {}
        for run in self.db.query(
            "select start_url, gapless, walk_top_ids, id as run_id from crawl_runs "
            "where start_url is not null and status != ? "
            "union all select w.listing_url, w.gapless, w.walk_top_ids, w.run_id from listing_walks w "
            "join crawl_runs r on r.id = w.run_id where r.status != ? order by run_id desc",
            [RunStatus.RUNNING, RunStatus.RUNNING],
        ):
            runs.setdefault(run.pop("start_url"), []).append(run)
        return runs

    def election_tags(self, edition: str, quiet_before: str | None = None) -> dict[str, str]:
        """The election tags the edition's runs walked whose last walk read cards, newer than
        `quiet_before` (ISO UTC) if given: URL -> name. A tag whose listing went away is walked
        once more, fails (the run says so), and is forgotten."""
        rows = self.db.execute(
            "select listing_url, name, newest_card_at from listing_walks where listing_pages > 0 and id in "
            "(select max(w.id) from listing_walks w join crawl_runs r on r.id = w.run_id "
            "where r.edition = ? and r.status != ? group by w.listing_url) order by id",  # each tag's last walk
            [edition, RunStatus.RUNNING],
        ).fetchall()
        return {url: name for url, name, newest in rows if not (quiet_before and newest and newest < quiet_before)}

    def save_listing_walks(self, walks: list[dict[str, Any]]) -> None:
        self.db.table("listing_walks").insert_all(walks)

    # --- The ledger -----------------------------------------------------------------------

    def start_run(self, run: dict[str, Any]) -> int:
        return int(self.db.table("crawl_runs").insert(run).last_pk or 0)

    def finish_run(self, run_id: int, run: dict[str, Any]) -> None:
        self.db.table("crawl_runs").update(run_id, run)

    def running_runs(self, trigger: str) -> list[dict[str, Any]]:
        return list(
            self.db.query("select * from crawl_runs where status = ? and trigger = ?", [RunStatus.RUNNING, trigger])
        )

    def run_by_id(self, run_id: int) -> dict[str, Any] | None:
        return self._first("crawl_runs", "id", run_id)

    def runs_after(self, run_id: int, trigger: str) -> list[dict[str, Any]]:
        """The runs of `trigger` after `run_id`, oldest first."""
        return list(
            self.db.query("select * from crawl_runs where id > ? and trigger = ? order by id", [run_id, trigger])
        )

    def latest_runs(self, count: int) -> list[dict[str, Any]]:
        """The last runs, each with `tags_walked`: the election tags it walked beside its listing."""
        return list(
            self.db.query(
                "select *, (select count(*) from listing_walks w where w.run_id = crawl_runs.id) as tags_walked "
                "from crawl_runs order by id desc limit ?",
                [count],
            )
        )

    def totals(self) -> dict[str, int]:
        """What the archive holds: articles, earlier versions, pages pending and given up."""
        row = self.db.execute(
            "select (select count(*) from articles), (select count(*) from article_versions), "
            "(select count(*) from dropped_items where status = ?), "
            "(select count(*) from dropped_items where status = ?)",
            [FailureStatus.PENDING, FailureStatus.DROPPED],
        ).fetchone()
        return dict(zip(("articles", "versions", "pending", "given_up"), row, strict=False))

    # --- The store ------------------------------------------------------------------------

    def save_articles(self, items: list[dict[str, Any]], run_id: int | None) -> dict[str, int]:
        """New articles are inserted. A stored one fetched again: edited in words (title, lead,
        body, author, tags, time), its earlier version goes to article_versions and an `edited`
        event names the fields; changed in form only, a `minor_edit` event and no version;
        unchanged, only its sighting. One that was removed is `restored`. Returns the counts."""
        now, ids = self.clock.iso(), [item["article_id"] for item in items]
        stored = {row["article_id"]: row for row in self._select("articles", "article_id", ids)}
        rows, versions, unchanged, events, measured = [], [], [], [], {}
        for item in items:
            old = stored.get(item["article_id"])
            item = with_stored_facts(item, old)
            if old and old["removed_at"]:
                events.append(event(item["article_id"], EventKind.RESTORED, now, run_id, detail=item["url"]))
            change = classify(old, item) if old else None
            if old and change is None:
                unchanged.append(item)
                continue
            if change:
                events.append(
                    event(
                        item["article_id"],
                        change.kind,
                        now,
                        run_id,
                        change.fields,
                        change.words_added,
                        change.words_removed,
                    )
                )
            edited = change is not None and change.kind == EventKind.EDITED
            if edited and old:  # an edit is of a stored article
                versions.append(earlier_version(old, run_id))
            if "subject_mentions" in item:  # its text is written: who it refers to, with it
                measured[item["article_id"]] = item["subject_mentions"]
            rows.append(
                {
                    **{column: item.get(column) for column in ARTICLES},  # absent fields become NULL
                    "edition": item.get("edition") or DEFAULT.code,
                    "first_seen_at": old["first_seen_at"] if old else now,
                    "last_seen_at": now,
                    "version_count": old["version_count"] + edited if old else 1,
                    "run_id": run_id if edited or not old else old["run_id"],  # a minor edit is no version
                    **self._sighting(item, now),
                    "listed_in": old["listed_in"] if old else item.get("listed_in"),
                    "delisted_at": old["delisted_at"] if old else None,
                }
            )
        self.db.table("articles").upsert_all(rows, pk="article_id")
        self.db.table("article_versions").insert_all(versions)
        self.db.conn.executemany(
            "update articles set last_seen_at = :last_seen_at, last_checked_at = :last_checked_at, removed_at = null, "
            "check_failures = 0, etag = :etag, last_modified = :last_modified where article_id = :article_id",
            [
                {"article_id": item["article_id"], "last_seen_at": now, **self._sighting(item, now)}
                for item in unchanged
            ],
        )
        self.db.table("article_events").insert_all(events)
        self.save_mentions(measured)
        self.save_twins(items, run_id)
        # A page stored is no longer a failure; one listed in the section is the section's, whatever
        # the topic rule once said of it.
        self.db.execute(f"delete from dropped_items where article_id in ({placeholders(ids)})", ids)
        listed = [item["article_id"] for item in items if not item.get("topic_verdict")]
        self.db.execute(f"delete from topic_verdicts where article_id in ({placeholders(listed)})", listed)
        kinds = Counter(e["kind"] for e in events)
        return {
            Stat.STORED_NEW: len(rows) - kinds[EventKind.EDITED] - kinds[EventKind.MINOR_EDIT],
            Stat.STORED_UPDATED: kinds[EventKind.EDITED],
            Stat.STORED_UNCHANGED: len(unchanged),
            Stat.MINOR_EDITS: kinds[EventKind.MINOR_EDIT],
            Stat.RESTORED: kinds[EventKind.RESTORED],
        }

    @staticmethod
    def _sighting(item: dict[str, Any], now: str) -> dict[str, Any]:
        """What a fetch of an article tells of it, changed or not: it is there, checked now,
        served with these validators."""
        return {
            "last_checked_at": now,
            "removed_at": None,
            "check_failures": 0,
            "etag": item.get("etag"),
            "last_modified": item.get("last_modified"),
        }

    def save_checks(self, checks: list[dict[str, Any]], run_id: int | None) -> dict[str, int]:
        """Re-checks that stored no page (contracts.CheckOutcome, GONE): `unchanged` (a 304) or
        `excluded` (robots.txt forbids it now) count as checked; `failed` (no answer, no page
        that reads) counts one more failure in a row, which backs the next try off
        (crawler/recheck/schedule.py); a removal, a redirect or a withdrawal (the detail says how) is
        an event once, until the article comes back (a 304 says so too); its text, versions
        and raw page stay. Returns the counts."""
        now, events = self.clock.iso(), []
        ids = [check["article_id"] for check in checks]
        removed = {row["article_id"] for row in self._select("articles", "article_id", ids) if row["removed_at"]}
        for check in checks:
            article_id, outcome = check["article_id"], check["outcome"]
            if outcome == CheckOutcome.FAILED:
                self.db.execute(
                    "update articles set check_failures = coalesce(check_failures, 0) + 1, check_failed_at = ? "
                    "where article_id = ?",
                    [now, article_id],
                )
                continue
            if outcome == CheckOutcome.EXCLUDED:
                self.db.execute(
                    "update articles set last_checked_at = ?, check_failures = 0 where article_id = ?",
                    [now, article_id],
                )
                continue
            gone = outcome in GONE
            if gone != (article_id in removed):  # removed now, or back now
                kind = outcome if gone else EventKind.RESTORED
                events.append(event(article_id, kind, now, run_id, detail=check.get("detail")))
                (removed.add if gone else removed.discard)(article_id)
            self.db.execute(
                "update articles set last_checked_at = ?, check_failures = 0, "
                f"removed_at = {'coalesce(removed_at, ?)' if gone else 'null'} where article_id = ?",
                [now, now, article_id] if gone else [now, article_id],
            )
        self.db.table("article_events").insert_all(events)
        kinds, outcomes = Counter(e["kind"] for e in events), Counter(check["outcome"] for check in checks)
        return {
            Stat.REMOVED: len(events) - kinds[EventKind.RESTORED],
            Stat.RESTORED: kinds[EventKind.RESTORED],
            Stat.RECHECK_UNCHANGED: outcomes[CheckOutcome.UNCHANGED],
            Stat.RECHECK_FAILED: outcomes[CheckOutcome.FAILED],
            # each request counted once: a failed one as failed, an excluded one as excluded
            Stat.RECHECK_RECORDED: len(checks) - outcomes[CheckOutcome.FAILED] - outcomes[CheckOutcome.EXCLUDED],
        }

    def due_for_recheck(
        self, schedule: tuple[timedelta, ...], limit: int, edition: str, campaigns: tuple[Campaign, ...] = ()
    ) -> list[Due]:
        """The edition's stored articles a re-check is due for now (crawler/recheck/schedule.py), at most
        `limit`: a watched campaign's articles first (due daily), then those whose re-checks never
        failed, the longest overdue first. Past its schedule's last point an article is never
        due but in a campaign; one whose re-checks keep failing waits longer after each failure
        (recheck.retry_at)."""
        now, last = self.clock.now(), schedule[-1].total_seconds() / 86400
        watched = [campaign for campaign in campaigns if campaign.watched(now)]
        in_campaign = "".join(" or published_at >= ? and published_at < ?" for _ in watched)
        rows = self.db.execute(
            "select article_id, url, published_at, coalesce(last_checked_at, last_seen_at), etag, last_modified, "
            "coalesce(check_failures, 0), check_failed_at from articles "
            f"where (julianday(coalesce(last_checked_at, last_seen_at)) < julianday(published_at) + ?{in_campaign}) "
            "and edition = ?",
            [last, *(moment.isoformat() for c in watched for moment in (c.start, c.end)), edition],
        ).fetchall()
        due = []
        for article_id, url, published_at, checked_at, etag, last_modified, failures, failed_at in rows:
            published, checked = datetime.fromisoformat(published_at), datetime.fromisoformat(checked_at)
            campaign = campaign_due(published, checked, now, tuple(watched))
            since = campaign[0] if campaign else due_since(published, checked, now, schedule)
            if failures and failed_at:
                ready = retry_at(datetime.fromisoformat(failed_at), failures, schedule)
                since = since if ready is not None and ready <= now else None
            if since:
                due.append(Due(article_id, url, since, etag, last_modified, failures, campaign and campaign[1]))
        return choose(due, limit)

    def save_delisted(self, listing_url: str, listed_ids: set[str], run_id: int | None) -> int:
        """After a complete walk of `listing_url`: the stored articles first found on it that
        it no longer lists (nor under an alias), each a `delisted` event once. Returns how many."""
        now = self.clock.iso()
        aliases = {row[0]: row[1] for row in self.db.execute("select alias_id, article_id from article_aliases")}
        listed = {aliases.get(article_id, article_id) for article_id in listed_ids}
        gone = [
            row[0]
            for row in self.db.execute(
                "select article_id from articles where listed_in = ? and delisted_at is null", [listing_url]
            )
            if row[0] not in listed
        ]
        self.db.execute(f"update articles set delisted_at = ? where article_id in ({placeholders(gone)})", [now, *gone])
        self.db.table("article_events").insert_all(
            [event(article_id, EventKind.DELISTED, now, run_id, detail=listing_url) for article_id in gone]
        )
        return len(gone)

    def save_aliases(self, aliases: dict[str, str]) -> None:
        self.db.table("article_aliases").upsert_all(
            [{"alias_id": alias, "article_id": article_id} for alias, article_id in aliases.items()], pk="alias_id"
        )

    def save_verdicts(self, verdicts: list[dict[str, Any]], run_id: int | None) -> None:
        """The topic rule's verdicts (TOPIC_VERDICTS' fields but the time and run), replacing earlier ones."""
        now = self.clock.iso()
        self.db.table("topic_verdicts").upsert_all(
            [{**verdict, "judged_at": now, "run_id": run_id} for verdict in verdicts], pk="article_id"
        )

    def topic_verdict(self, article_id: str) -> dict[str, Any] | None:
        return self._first("topic_verdicts", "article_id", article_id)

    def remove_article(self, article_id: str) -> None:
        """An article the topic rule selected once and rejects now (reparse): out of `articles`;
        its earlier versions and raw page stay."""
        self.db.execute("delete from articles where article_id = ?", [article_id])

    def save_failures(self, failures: list[dict[str, Any]], run_id: int | None, max_attempts: int) -> dict[str, int]:
        """A failed page stays pending, to be fetched first by the next run, until it has
        failed in `max_attempts` runs; then it is dropped (given up) until mode=full."""
        now = self.clock.iso()
        earlier = {row["url"]: row for row in self._select("dropped_items", "url", [f["url"] for f in failures])}
        rows = []
        for failure in failures:
            old = earlier.get(failure["url"])
            attempts = (old["attempts"] if old else 0) + 1
            rows.append(
                {
                    **failure,
                    "edition": failure.get("edition") or DEFAULT.code,
                    "status": FailureStatus.DROPPED if attempts >= max_attempts else FailureStatus.PENDING,
                    "attempts": attempts,
                    "first_failed_at": old["first_failed_at"] if old else now,
                    "last_failed_at": now,
                    "run_id": run_id,
                }
            )
        self.db.table("dropped_items").upsert_all(rows, pk="url")
        return {
            key: sum(row["status"] == status for row in rows)
            for status, key in ((FailureStatus.PENDING, Stat.PENDING), (FailureStatus.DROPPED, Stat.DROPPED))
        }

    def forget_failures(self, urls: list[str]) -> None:
        """Pages that are no failures after all (robots.txt forbids them): neither pending nor
        given up."""
        self.db.execute(f"delete from dropped_items where url in ({placeholders(urls)})", urls)

    # --- Raw pages ------------------------------------------------------------------------

    def save_raw_pages(self, pages: list[dict[str, Any]], run_id: int | None) -> int:
        """Keeps each page (a RawPage's fields and its article_id); of an article's copies, only
        the first and the latest stay. Returns how many were written."""
        self.db.table("raw_pages").insert_all([{**page, "run_id": run_id} for page in pages])
        ids = sorted({page["article_id"] for page in pages})
        self.db.execute(
            f"delete from raw_pages where article_id in ({placeholders(ids)}) and id not in "
            f"(select min(id) from raw_pages where article_id in ({placeholders(ids)}) group by article_id "
            f"union select max(id) from raw_pages where article_id in ({placeholders(ids)}) group by article_id)",
            [*ids, *ids, *ids],
        )
        return len(pages)

    def latest_raw_pages(
        self, since: str | None = None, layout: str | None = None, article_id: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The latest raw page of each article, in the order they were kept; `since`: fetched at
        or after; `layout`: of articles stored in that design; `article_id`: of one article."""
        where, values = ["r.id in (select max(id) from raw_pages group by article_id)"], []
        for condition, value in (
            ("r.fetched_at >= ?", since),
            ("a.layout = ?", layout),
            ("r.article_id = ?", article_id),
        ):
            if value:
                where.append(condition)
                values.append(value)
        conditions = " and ".join(where)
        ids = [
            row[0]
            for row in self.db.execute(
                f"select r.id from raw_pages r left join articles a using (article_id) "
                f"where {conditions} order by r.id",
                values,
            )
        ]
        yield from self._raw_pages_in_batches(ids)

    def all_raw_pages(self) -> Iterator[dict[str, Any]]:
        yield from self._raw_pages_in_batches(
            [row[0] for row in self.db.execute("select id from raw_pages order by id")]
        )

    def _raw_pages_in_batches(self, ids: list[int]) -> Iterator[dict[str, Any]]:
        """The raw pages of `ids`, read a batch at a time, so that no read stays open between
        batches: a reader that writes as it goes (reparse) can then wait for a crawl's writes,
        where a write from inside a live SELECT fails at once with "database is locked"."""
        for start in range(0, len(ids), RAW_PAGES_BATCH):
            yield from sorted(
                self._select("raw_pages", "id", ids[start : start + RAW_PAGES_BATCH]), key=lambda r: r["id"]
            )

    def stored_article(self, article_id: str) -> dict[str, Any] | None:
        return self._first("articles", "article_id", article_id)

    def edition_of(self, article_id: str) -> str | None:
        """The edition an article, or a page that failed, was recorded under; None if neither."""
        row = self.db.execute(
            "select edition from articles where article_id = ? "
            "union all select edition from dropped_items where article_id = ? and edition is not null",
            [article_id, article_id],
        ).fetchone()
        return row[0] if row else None

    def save_twins(self, items: list[dict[str, Any]], run_id: int | None) -> None:
        """The links of the items' pages to their versions in other editions; a link known
        already keeps its first sighting."""
        now = self.clock.iso()
        self.db.table("article_twins").insert_all(
            [
                twin_row(item["article_id"], lang, url, now, run_id)
                for item in items
                for lang, url in (item.get("twins") or {}).items()
            ],
            ignore=True,
        )

    def replace_article(self, item: dict[str, Any], old: dict[str, Any], run_id: int | None) -> None:
        """An article read again from its stored page, differently: its earlier state goes to
        article_versions, as a refresh's does; when it was fetched stays as it was."""
        self.db.table("article_versions").insert(earlier_version(old, run_id))
        item = with_stored_facts(item, old)
        if "subject_mentions" in item:
            self.save_mentions({old["article_id"]: item["subject_mentions"]})
        self.db.table("articles").update(
            old["article_id"],
            {
                **{column: item.get(column) for column in EXTRACTED},
                "version_count": old["version_count"] + 1,
                "run_id": run_id,
            },
        )
