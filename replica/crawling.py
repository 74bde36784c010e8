"""Running the real crawler against a replica, shared by the tests, the demo and bench/."""

import json
import math
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.archive import open_database
from replica.content import archive_rows
from replica.pages import ALL_NEWS_PATH, CARDS_PER_PAGE, RSS_PATH

if TYPE_CHECKING:
    from replica.server import ReplicaServer, ReplicaSite

ROOT = Path(__file__).resolve().parents[1]
# Fit for a server on this machine; the project's defaults are for the live site.
LOCAL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "ELECTIONS_FEEDS": RSS_PATH,  # the replica's one feed (the live site's are guesses: one may be a 404)
}


def setting_options(db: Path, **settings: str) -> list[str]:
    """`-s NAME=VALUE` options: the local settings, the database, and `settings`."""
    options = []
    for name, value in {**LOCAL_SETTINGS, "ELECTIONS_DB": str(db), **settings}.items():
        options += ["-s", f"{name}={value}"]
    return options


def crawl_command(*arguments: str, db: Path, **settings: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "elections", *arguments, *setting_options(db, **settings)]


def crawl(*arguments: str, db: Path, **settings: str) -> subprocess.CompletedProcess:
    """`scrapy crawl elections` in a child process, as a user runs it."""
    command = crawl_command(*arguments, db=db, **settings)
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)


def crawl_edition(
    server: "ReplicaServer", site: "ReplicaSite", db: Path, *arguments: str
) -> subprocess.CompletedProcess:
    """`scrapy crawl elections -a edition=ru -s ELECTIONS_SITE_URL=<replica>/ru/`, with the
    edition's own RSS feed and all-news feed on the replica (under its prefix there, where
    the site has a host of its own: kaz.inform.kz/lenta is /kz/lenta)."""
    return crawl(
        "-a",
        f"edition={site.edition.code}",
        *arguments,
        db=db,
        ELECTIONS_SITE_URL=server.edition_url(site) + "/",
        ELECTIONS_FEEDS=site.edition.prefix + site.edition.rss_path,
        ELECTIONS_ALL_NEWS_PATH=site.edition.prefix + ALL_NEWS_PATH,
    )


def rows(db: Path, table: str) -> list[dict]:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(f"select * from {table}")]
    finally:
        connection.close()


def stored_articles(db: Path) -> dict[str, dict]:
    """The `articles` table by article_id, tags decoded from JSON."""
    return {row["article_id"]: {**row, "tags": json.loads(row["tags"])} for row in rows(db, "articles")}


def mismatches(stored: dict[str, dict], expected: dict[str, dict]) -> dict[str, list[str]]:
    """For each article that differs from the ground truth, how it differs."""
    found: dict[str, list[str]] = {}
    for article_id in expected.keys() | stored.keys():
        if article_id not in stored:
            found[article_id] = ["not stored"]
        elif article_id not in expected:
            found[article_id] = ["stored, but not in the replica"]
        else:
            row, truth = stored[article_id], expected[article_id]
            wrong = [
                f"{field}: stored {row[field]!r}, expected {truth[field]!r}"
                for field in truth
                if row[field] != truth[field]
            ]
            if wrong:
                found[article_id] = wrong
    return found


# The second channel's requests in a run (crawler/site/layouts/feeds.py): robots.txt read again
# for its Sitemap lines (Scrapy's robots middleware keeps its copy to itself), the replica's
# sitemap index, its news sitemap and its RSS feed.
CHANNEL_REQUESTS = 4


def minimum_requests(new: int, retries: int = 0, discovery: bool = False) -> int:
    """The fewest requests a daily run can make without risking a skipped card: robots.txt,
    the home page when the listing is found there, the listing pages up to the first one
    whose cards are all known, each page whose last card is new read once more after the
    next (crawler/walk.py: cards that moved up while walked), the new articles, the
    retries of failed pages, and the second channel's cross-check."""
    first_known_page = math.ceil(new / CARDS_PER_PAGE) + 1
    return 1 + int(discovery) + first_known_page + listing_rereads(new) + new + retries + CHANNEL_REQUESTS


def listing_rereads(new: int) -> int:
    """Pages read again in a walk over `new` cards on top of known ones: those whose last
    card is new, when a page follows them."""
    return new // CARDS_PER_PAGE


def counters(run: dict) -> dict:
    """The run's own counters, from crawl_runs."""
    return json.loads(run["counters"] or "{}")


def exit_code_of(run: dict) -> int:
    """What `scrapy crawl` must exit with for this crawl_runs row: 0 only if ok and healthy."""
    return 0 if run["status"] == "ok" and run["healthy"] else 1


def fill_archive(db: Path, count: int, offset: int = 0) -> None:
    """An archive of `count` stored articles (replica.content.archive_rows), in batches,
    checkpointed: one of any size in seconds, without a crawl."""
    archive = open_database(db)
    for start in range(offset, offset + count, 5000):
        with archive.atomic():
            archive.table("articles").insert_all(archive_rows(min(5000, offset + count - start), start))
    archive.close()
    archive = open_database(db)  # the indexes catch up with what was written, as an archive opens
    archive.execute("pragma wal_checkpoint(truncate)")
    archive.close()
