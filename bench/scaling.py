"""Does the archive slow down or swell as it grows?

python bench/scaling.py

1. Storing: the time (best of three) to store the same 1,000 articles (parsed pages of both layouts, the
   store pipeline's batched transactions, the full-text index and tag triggers included)
   into a database that already holds 1,000 rows, and into one that holds 100,000.
2. Memory: the peak resident memory of a full crawl of a 1,000-article replica against a
   10,000-article one (the crawl as a user runs it, in a child process).
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.archive import open_archive
from crawler.items import Article
from crawler.signals import archive_opened
from crawler.site.layouts import load_article
from pipelines.store import StorePipeline
from replica import ReplicaServer, ReplicaSite, pages
from replica.content import generate
from replica.crawling import ROOT, crawl_command, fill_archive

BASE = "http://replica.test"


def store_seconds(existing: int, items: list[Article], folder: Path) -> float:
    """Best of three: each time into a fresh copy of a database of `existing` rows."""
    base = folder / f"with-{existing}.db"
    fill_archive(base, existing)
    timings = []
    for attempt in range(3):
        path = folder / f"with-{existing}-{attempt}.db"
        shutil.copy(base, path)
        crawler = get_crawler(
            settings_dict={"ELECTIONS_DB": str(path), "ELECTIONS_DB_BATCH_SIZE": 100, "ELECTIONS_MAX_ATTEMPTS": 3}
        )
        store = build_from_crawler(StorePipeline, crawler)
        db = open_archive(path)
        crawler.signals.send_catch_log(archive_opened, archive=db)
        started = time.perf_counter()
        for item in items:
            store.process_item(item.copy())
        store.close_spider()
        timings.append(time.perf_counter() - started)
        db.close()
        path.unlink()
    return min(timings)


def peak_memory_mib(articles: int) -> float:
    with tempfile.TemporaryDirectory() as folder, ReplicaServer(ReplicaSite(articles, seed=1)) as server:
        command = crawl_command("-a", f"start_url={server.start_url}", db=Path(folder) / "x.db")
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        assert status == 0
        return usage.ru_maxrss / 1024


def main() -> None:
    articles = generate(1000, seed=5)
    items = [
        load_article(
            HtmlResponse(url=BASE + a.path, body=pages.article_page(a, articles, BASE).encode(), encoding="utf-8")
        )
        for a in articles
    ]
    with tempfile.TemporaryDirectory() as folder:
        small = store_seconds(1_000, items, Path(folder))
        large = store_seconds(100_000, items, Path(folder))
    print(
        f"storing 1,000 articles: {small:.2f} s into 1,000 rows, {large:.2f} s into 100,000 rows "
        f"(ratio {large / small:.2f})"
    )
    memory_1k, memory_10k = peak_memory_mib(1_000), peak_memory_mib(10_000)
    print(
        f"peak memory of a full crawl: {memory_1k:.0f} MiB for 1,000 articles, {memory_10k:.0f} MiB for 10,000 "
        f"(ratio {memory_10k / memory_1k:.2f})"
    )
    print(
        f"summary: storing scales {large / small:.2f}x from 1,000 to 100,000 rows; "
        f"crawl memory {memory_10k / memory_1k:.2f}x from 1,000 to 10,000 articles"
    )


if __name__ == "__main__":
    main()
