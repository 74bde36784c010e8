import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.replica import ReplicaServer, ReplicaSite

ROOT = Path(__file__).resolve().parents[1]
# Fit for a server on this machine; the live-site defaults are polite and slow.
LOCAL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


def crawl(*arguments: str, db: Path, **settings: str) -> subprocess.CompletedProcess:
    """`scrapy crawl elections` in a child process, as a user runs it."""
    command = [sys.executable, "-m", "scrapy", "crawl", "elections", *arguments]
    for name, value in {**LOCAL_SETTINGS, "ELECTIONS_DB": str(db), **settings}.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def rows(db: Path, table: str) -> list[dict]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(f"select * from {table}")]


def stored_articles(db: Path) -> dict[str, dict]:
    """The `articles` table by article_id, tags decoded from JSON."""
    return {row["article_id"]: {**row, "tags": json.loads(row["tags"])} for row in rows(db, "articles")}


@pytest.fixture(scope="session")
def replica():
    with ReplicaServer(ReplicaSite(articles=200, seed=1)) as server:
        yield server
