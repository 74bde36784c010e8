"""The schema's history: step n of MIGRATIONS brings a database to `user_version` n, each in
a transaction with its version; then what is derived from the tables is put right."""

from collections.abc import Iterable

from sqlite_utils import Database

from crawler.archive.schema import (
    ARTICLE_ALIASES,
    ARTICLE_EVENTS,
    ARTICLE_TWINS,
    ARTICLE_VERSIONS,
    ARTICLE_VERSIONS_FIELDS,
    ARTICLES,
    ARTICLES_CHECK_FAILURES,
    ARTICLES_WATCH,
    CRAWL_RUNS,
    CRAWL_RUNS_CHANNEL,
    CRAWL_RUNS_COUNTERS,
    CRAWL_RUNS_DOORS,
    CRAWL_RUNS_WALK,
    CRAWL_RUNS_WATCH,
    DROPPED_ITEMS,
    EDITION,
    ELECTION_SUBJECTS,
    ELECTIONS,
    LISTING_WALKS,
    PUBLISHED_MONTH,
    RAW_PAGES,
    SEARCH_QUEUE,
    SEARCH_STEMMERS,
    SUBJECT_ALIASES,
    SUBJECT_MENTIONS,
    SUBJECT_TONES,
    SUBJECTS,
    TAG_TRIGGERS,
    TOPIC_VERDICTS,
    TOPIC_VERDICTS_LANGUAGE,
    VIEWS,
)
from crawler.archive.search import (
    ALL_LANGUAGES,
    ALL_LANGUAGES_USED,
    SEARCH_QUEUE_TRIGGERS,
    STEMMED,
    STEMMERS_USED,
    drain_sql,
    every_language_drain_sql,
    every_language_index_sql,
    rebuild_sql,
    search_queue_sql,
    stemmed_index_sql,
)
from crawler.clock import REAL


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


def watch_stored_articles(db: Database) -> None:
    """Schema version 14: re-checks, their validators and what they find, as events. Articles
    stored before count as checked when they were last seen."""
    for column, kind in ARTICLES_WATCH.items():
        db.table("articles").add_column(column, kind)
    db.execute("update articles set last_checked_at = last_seen_at")
    # the listing of the run that stored it, as near as the runs tell
    db.execute(
        "update articles set listed_in = (select start_url from crawl_runs where crawl_runs.id = articles.run_id)"
    )
    db.table("article_events").create(ARTICLE_EVENTS, pk="id", not_null=["article_id", "kind", "at"])
    db.table("article_events").create_index(["article_id"])
    db.table("article_events").create_index(["at"])
    for count in CRAWL_RUNS_WATCH:
        db.table("crawl_runs").add_column(count, int)


def add_edition(db: Database) -> None:
    """Schema version 15: the edition of each article, failed page and crawl; what came
    before is English, the one edition crawled until then. A reparse's run has none."""
    for table in ("articles", "dropped_items", "crawl_runs"):
        for column, kind in EDITION.items():
            db.table(table).add_column(column, kind)
        where = " where trigger is not 'reparse'" if table == "crawl_runs" else ""
        db.execute(f"update {table} set edition = 'en'{where}")
    db.table("articles").create_index(["edition"])
    db.execute("drop view if exists articles_list")  # made again with the edition and language (ensure_derived)


def add_twins(db: Database) -> None:
    """Schema version 16: the links between an article and its versions in other editions."""
    db.table("article_twins").create(ARTICLE_TWINS, pk=("article_id", "twin_id"), not_null=["twin_url"])
    db.table("article_twins").create_index(["twin_id"])


def add_stemmed_search(db: Database) -> None:
    """Schema version 17: stemmed indexes of the Russian and Kazakh articles, derived from the
    table as the English one is (ensure_derived makes and fills them, crawler/archive/search.py);
    runs_with_health names each run's edition (made again by ensure_derived)."""
    db.execute("drop view if exists runs_with_health")


def queue_search_and_back_off_rechecks(db: Database) -> None:
    """Schema version 18 (issue 29): the stemmed indexes follow `articles` through a queue that
    plain triggers fill, so that any SQLite tool can write it (the triggers that stemmed in
    SQL needed the project's tokenizers); each index records its stemmer (ensure_derived
    rebuilds them); a failing re-check is counted and backed off."""
    for table, _ in STEMMED.values():
        for suffix in ("ai", "ad", "au"):
            db.execute(f"drop trigger if exists {table}_{suffix}")
    db.table("search_queue").create(SEARCH_QUEUE, pk="id")
    db.table("search_stemmers").create(SEARCH_STEMMERS, pk="index_name")
    for column, kind in ARTICLES_CHECK_FAILURES.items():
        db.table("articles").add_column(column, kind)
    db.execute("update articles set check_failures = 0")


def add_coverage(db: Database) -> None:
    """Schema version 19 (issue 30): the political subjects and their aliases, the elections,
    and per article and subject what observers measure; the tone people coded. Articles
    stored before are measured by `scrapy coverage`."""
    db.table("subjects").create(SUBJECTS, pk="subject_id", not_null=["kind"])
    db.table("subject_aliases").create(SUBJECT_ALIASES, pk="id", not_null=["subject_id", "lang", "alias"])
    db.table("elections").create(ELECTIONS, pk="election_id")
    db.table("election_subjects").create(ELECTION_SUBJECTS, pk=("election_id", "subject_id"))
    db.table("subject_mentions").create(SUBJECT_MENTIONS, pk=("article_id", "subject_id"))
    db.table("subject_mentions").create_index(["subject_id"])
    db.table("subject_tones").create(SUBJECT_TONES, pk=("article_id", "subject_id", "coder"), not_null=["tone"])


def search_every_language(db: Database) -> None:
    """Schema version 21 (issue 32): articles_fts finds every language's words in all their
    forms (search.py, elections_all), and follows `articles` through the queue as the
    stemmed indexes do; sqlite-utils' triggers, which any tool without the tokenizer could not
    run, go, and the queue takes every article. ensure_derived builds the new index."""
    for suffix in ("ai", "ad", "au"):
        db.execute(f"drop trigger if exists articles_{suffix}")
    for trigger in SEARCH_QUEUE_TRIGGERS:
        db.execute(f"drop trigger if exists {trigger}")
    db.execute("drop table if exists articles_fts")


def add_verdict_language(db: Database) -> None:
    """Schema version 20 (issue 32): the language whose vocabulary made each topic verdict;
    rule 1 judged in English alone."""
    for column, kind in TOPIC_VERDICTS_LANGUAGE.items():
        db.table("topic_verdicts").add_column(column, kind)
    db.execute("update topic_verdicts set lang = 'en'")


def add_listing_walks(db: Database) -> None:
    """Schema version 22 (issue 32): the election tags each run walked beside its listing."""
    db.table("listing_walks").create(LISTING_WALKS, pk="id", if_not_exists=True)
    db.table("listing_walks").create_index(["run_id"], if_not_exists=True)  # a run's tags (status, the ledger)


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
    watch_stored_articles,
    add_edition,
    add_twins,
    add_stemmed_search,
    queue_search_and_back_off_rechecks,
    add_coverage,
    add_verdict_language,
    search_every_language,
    add_listing_walks,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: Database) -> int:
    version: int = db.execute("pragma user_version").fetchone()[0]
    return version


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
    tag_triggers = {"articles_tags_ai", "articles_tags_au", "articles_tags_ad"}
    if not tag_triggers <= {trigger.name for trigger in db.table("articles").triggers}:
        with db.atomic():
            db.execute("delete from article_tags")
            db.execute(
                "insert or ignore into article_tags (article_id, tag) "
                "select article_id, value from articles, json_each(articles.tags)"
            )
        db.executescript(TAG_TRIGGERS)
    ensure_stemmed_indexes(db)
    # A view is only a query: one whose definition changed is made again, with no migration.
    for name, sql in VIEWS.items():
        if name not in db.view_names() or db.view(name).schema != f'CREATE VIEW "{name}" AS {sql.strip()}':
            db.create_view(name, sql.strip(), replace=True)
    # The month facet and the monthly charts group by it: at 100,000 articles, 150 ms unindexed.
    db.table("articles").create_index(["published_month"], if_not_exists=True)


def ensure_stemmed_indexes(db: Database) -> None:
    """Each stemmed index, and articles_fts, in place, caught up with what was written since it
    last was, and rebuilt where it is missing, its queue's triggers were, or another stemmer
    built it (search.STEMMERS_USED): its entries could then not be taken out."""
    triggers = {trigger.name for trigger in db.table("articles").triggers}
    queued = set(SEARCH_QUEUE_TRIGGERS) <= triggers
    built = {row["index_name"]: row["stemmer"] for row in db.query("select * from search_stemmers")}
    stale = [
        language
        for language, (table, _) in STEMMED.items()
        if not (queued and table in db.table_names() and f"{table}_content" in db.view_names())
        or built.get(table) != STEMMERS_USED[language]
    ]
    every, _ = ALL_LANGUAGES
    every_stale = not (queued and every in db.table_names()) or built.get(every) != ALL_LANGUAGES_USED
    if not queued:
        db.executescript(search_queue_sql())
    for language in stale:
        db.executescript(stemmed_index_sql(language))  # a script commits: outside the transaction
    if every not in db.table_names():
        db.executescript(every_language_index_sql())
    with db.atomic():
        drain_search_queue(db, [language for language in STEMMED if language not in stale], every=not every_stale)
        if every_stale:
            db.execute(f"INSERT INTO {every} ({every}) VALUES ('rebuild')")
            db.table("search_stemmers").upsert(
                {"index_name": every, "stemmer": ALL_LANGUAGES_USED, "built_at": REAL.iso()}, pk="index_name"
            )
        for language in stale:
            for statement in rebuild_sql(language):
                db.execute(statement)
            table, _ = STEMMED[language]
            db.table("search_stemmers").upsert(
                {"index_name": table, "stemmer": STEMMERS_USED[language], "built_at": REAL.iso()}, pk="index_name"
            )


def drain_search_queue(db: Database, languages: Iterable[str] = tuple(STEMMED), every: bool = True) -> None:
    """The stemmed indexes of `languages`, and articles_fts (`every`), caught up with every
    write to `articles` since they last were (search.py), and the queue emptied: inside the
    caller's transaction, so that a crash leaves both or neither."""
    if db.execute("select 1 from search_queue limit 1").fetchone() is None:
        return
    for statement in every_language_drain_sql() if every else ():
        db.execute(statement)
    for language in languages:
        for statement in drain_sql(language):
            db.execute(statement)
    db.execute("delete from search_queue")
