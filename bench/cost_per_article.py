"""CPU time to turn one saved article page into a stored row, against plain lxml parsing;
and a Russian page's cost against an English one's.

python bench/cost_per_article.py [--pages 1000]

Pages of both layouts, rendered by the replica and held in memory. "Ours" is the whole
path a page takes after download: parse, recognise the layout, load and clean the item,
validate, dedupe, and store (batched transactions into a fresh SQLite database with its
full-text index). The baseline is `lxml.html.fromstring` on the same bytes. CPU time
(time.process_time) is measured, best of three rounds each.

Editions: as many Russian pages as English ones of the same two designs (the 2023 and the
2026 ones, the only ones the Russian replica writes), the whole path each, the Russian ones
stored into the stemmed Russian index besides; the editions measured in turn, seven rounds,
the best of each.
"""

import argparse
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path

import lxml.html
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.archive import open_archive
from crawler.signals import archive_opened
from crawler.site.layouts import load_article
from pipelines.dedupe import DedupePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline
from replica import pages
from replica.content import Generator, generate
from replica.editions import RUSSIAN

BASE = "http://replica.test"
EDITION_ROUNDS = 7


def saved_pages(count: int) -> list[tuple[str, bytes]]:
    articles = generate(count, seed=3)
    return [(BASE + a.path, pages.article_page(a, articles, BASE).encode()) for a in articles]


def edition_pages(count: int) -> dict[str, list[tuple[str, bytes]]]:
    """`count` English and `count` Russian pages, of the 2023 and 2026 designs alone."""
    english = [a for a in Generator(3).archive(count * 4) if a.layout in ("current", "redesign2026")][:count]
    russian = Generator(3, RUSSIAN).archive(count)
    ru_base = BASE + RUSSIAN.prefix
    return {
        "en": [(BASE + a.path, pages.article_page(a, english, BASE).encode()) for a in english],
        "ru": [(ru_base + a.path, pages.article_page(a, russian, ru_base).encode()) for a in russian],
    }


def ours(saved: list[tuple[str, bytes]], stemmed_index: bool = True) -> float:
    with tempfile.TemporaryDirectory() as folder:
        crawler = get_crawler(
            settings_dict={
                "ELECTIONS_DB": str(Path(folder) / "bench.db"),
                "ELECTIONS_DB_BATCH_SIZE": 100,
                "ELECTIONS_MAX_ATTEMPTS": 3,
            }
        )
        validate, dedupe = build_from_crawler(ValidatePipeline, crawler), build_from_crawler(DedupePipeline, crawler)
        store = build_from_crawler(StorePipeline, crawler)
        db = open_archive(Path(folder) / "bench.db")  # created before the clock starts, as in a crawl
        if not stemmed_index:  # what the Russian and Kazakh indexes cost: their triggers dropped
            with sqlite3.connect(Path(folder) / "bench.db") as connection:
                for (trigger,) in connection.execute(
                    "select name from sqlite_master where name like 'articles_search_%' and type = 'trigger'"
                ).fetchall():
                    connection.execute(f"drop trigger {trigger}")
        crawler.signals.send_catch_log(archive_opened, archive=db)
        started = time.process_time()
        for url, body in saved:
            item = load_article(HtmlResponse(url=url, body=body, encoding="utf-8"), section="Elections")
            store.process_item(dedupe.process_item(validate.process_item(item)))
        store.close_spider()
        seconds = time.process_time() - started
        db.close()
        return seconds


def plain_lxml(saved: list[tuple[str, bytes]]) -> float:
    started = time.process_time()
    for _, body in saved:
        lxml.html.fromstring(body)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    saved = saved_pages(args.pages)
    layouts = Counter(load_article(HtmlResponse(url=url, body=body, encoding="utf-8"))["layout"] for url, body in saved)
    ours_seconds = min(ours(saved) for _ in range(3))
    lxml_seconds = min(plain_lxml(saved) for _ in range(3))
    per_page = lambda seconds: seconds / len(saved) * 1000  # noqa: E731
    print(
        f"{len(saved)} pages ({', '.join(f'{n} {layout}' for layout, n in layouts.most_common())}), "
        f"{sum(len(b) for _, b in saved) / len(saved) / 1024:.0f} KiB on average"
    )
    print(f"ours (parse, load, validate, dedupe, store): {per_page(ours_seconds):.3f} ms of CPU per page")
    print(f"plain lxml.html.fromstring:                  {per_page(lxml_seconds):.3f} ms of CPU per page")
    print(
        f"summary: one article costs {ours_seconds / lxml_seconds:.1f}x plain lxml parsing "
        f"({per_page(ours_seconds):.2f} ms against {per_page(lxml_seconds):.2f} ms)"
    )
    # The editions in turn, round after round, the best of each: a shared machine's load drifts
    # more between one edition's rounds and the next's than within a round.
    by_edition = edition_pages(args.pages)
    rounds: dict[str, list[float]] = {"en": [], "ru": [], "ru unindexed": []}
    for _ in range(EDITION_ROUNDS):
        rounds["en"].append(ours(by_edition["en"]))
        rounds["ru"].append(ours(by_edition["ru"]))
        rounds["ru unindexed"].append(ours(by_edition["ru"], stemmed_index=False))
    seconds = {name: min(times) / args.pages * 1000 for name, times in rounds.items()}
    unindexed = seconds["ru unindexed"]
    print(f"Russian pages without the stemmed Russian index: {unindexed:.3f} ms ({unindexed / seconds['en']:.2f}x)")
    print(
        f"summary: a Russian page costs {seconds['ru'] / seconds['en']:.2f}x an English one of the same designs "
        f"({seconds['ru']:.3f} ms against {seconds['en']:.3f} ms, {args.pages} pages each)"
    )


if __name__ == "__main__":
    main()
