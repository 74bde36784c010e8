"""Who gets the coverage, measured: the matcher against people, what it costs a page, and the
weekly share query at 100,000 articles.

python bench/coverage.py [--pages 500] [--crawl 3000] [--articles 100000] [--wrong tune]

1. Against people: real texts labelled by hand (tests/data/coverage_labelled.yaml, its
   header says how), precision and recall of (article, subject) pairs per language, and of
   the pairs referred to by title and in the headline apart; on the held-out half (kept out
   of all tuning) and on the half tuned on. `--wrong tune` lists the tuned half's mistakes.
2. Cost per article: a crawl's whole cost, `scrapy crawl elections` of the English (3,000
   articles) and the Russian (1,000) edition of one replica (bench/full_crawl.py's measure:
   the crawler's CPU time) with the coverage pipeline and without it, in turn, twice, the
   best of each; and the part after download alone (parse, load, validate, dedupe, topic,
   store: CPU time), English and Russian pages of the replica in turn, seven rounds, the
   best of each.
3. The weekly shares of a campaign (docs/querying.md, 15), a period's table (the reading
   room's canned query) and the incumbents' shares over an archive of 100,000 articles, all
   measured by `scrapy coverage`'s own code; best of three each, against the weekly article
   count (articles_per_week) on the same archive.
"""

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from full_crawl import measure  # bench/, the script's folder
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.archive import COVERAGE_PERIOD_SQL, open_archive
from crawler.coverage.labelled import KINDS, labelled, score
from crawler.coverage.measure import current_matcher
from crawler.offline.coverage import remeasure
from crawler.settings import ITEM_PIPELINES
from crawler.signals import archive_opened
from crawler.site.layouts import load_article
from pipelines.coverage import CoveragePipeline
from pipelines.dedupe import DedupePipeline
from pipelines.store import StorePipeline
from pipelines.topic import TopicPipeline
from pipelines.validate import ValidatePipeline
from replica import pages
from replica.content import Generator
from replica.crawling import ROOT, fill_archive
from replica.editions import ENGLISH, RUSSIAN

BASE = "http://replica.test"
ROUNDS = 7
CAMPAIGN_WEEKS = """select w.week_starting, w.subject, w.words, w.share, w.share_by_name from coverage_weekly w
    join elections e on w.week_starting between date(e.called_on, 'weekday 0', '-6 days') and e.voted_on
    where e.election_id = 'presidential_2022' and w.edition = 'en' order by w.week_starting, w.share desc"""
QUERIES = {
    "a campaign's weekly shares": (CAMPAIGN_WEEKS, {}),
    "a quarter's table (coverage_period)": (COVERAGE_PERIOD_SQL, {"start": "2022-09-01", "end": "2022-11-30"}),
    "the incumbents' shares": ("select * from coverage_incumbents", {}),
}
BASELINE = "select * from articles_per_week"


def against_people(wrong: str | None) -> dict[str, tuple[float, float]]:
    items, matcher = labelled(), current_matcher()
    held_out = {}
    for split in ("held_out", "tune"):
        chosen = [item for item in items if item["split"] == split]
        scored = score(chosen, matcher)
        print(f"{split}: {len(chosen)} texts")
        for lang in ("en", "ru", "kk"):
            texts = sum(item["lang"] == lang for item in chosen)
            figures = []
            for kind in KINDS:
                s = scored.scores[(lang, kind)]
                figures.append(f"{kind} P {s.precision:.3f} R {s.recall:.3f} ({s.true}/{s.false}/{s.missed})")
            print(f"  {lang} ({texts} texts): " + "; ".join(figures))
            if split == "held_out":
                pairs = scored.scores[(lang, "pairs")]
                held_out[lang] = (pairs.precision, pairs.recall)
        if split == wrong:
            print("\n".join(f"    {line}" for line in scored.wrong))
    return held_out


def edition_pages(count: int) -> dict[str, list[tuple[str, bytes]]]:
    """`count` pages each of the English and Russian editions, of the designs both write."""
    found = {}
    for edition in (ENGLISH, RUSSIAN):
        articles = [a for a in Generator(3, edition).archive(count * 4) if a.layout in ("current", "redesign2026")]
        base = BASE + edition.prefix
        found[edition.lang] = [
            (base + a.path, pages.article_page(a, articles, base).encode()) for a in articles[:count]
        ]
    return found


def page_path(saved: list[tuple[str, bytes]], with_coverage: bool) -> float:
    """CPU seconds of the saved pages' whole path, the coverage pipeline in it or not."""
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        crawler = get_crawler(settings_dict={"ELECTIONS_DB": str(db_path), "ELECTIONS_DB_BATCH_SIZE": 100})
        steps: list = [build_from_crawler(step, crawler) for step in (ValidatePipeline, DedupePipeline, TopicPipeline)]
        if with_coverage:
            steps.append(build_from_crawler(CoveragePipeline, crawler))
        store = build_from_crawler(StorePipeline, crawler)
        db = open_archive(db_path)
        crawler.signals.send_catch_log(archive_opened, archive=db)
        started = time.process_time()
        for url, body in saved:
            item = load_article(HtmlResponse(url=url, body=body, encoding="utf-8"), section="Elections")
            for step in steps:
                item = step.process_item(item)
            store.process_item(item)
        store.close_spider()
        seconds = time.process_time() - started
        db.close()
        return seconds


def crawl_cost(articles: int) -> dict[str, float]:
    """Per edition, the crawler's CPU time with the coverage pipeline over its time without,
    the best of two each: the English and the Russian edition of one replica."""
    without = json.dumps({path: order for path, order in ITEM_PIPELINES.items() if "coverage" not in path})
    replica = subprocess.Popen(
        [sys.executable, "-m", "replica", "--articles", str(articles), "--editions"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert replica.stdout is not None
    ratios = {}
    try:
        urls = dict(replica.stdout.readline().split() for _ in range(5))
        starts = {"en": urls["start_url"], "ru": urls["ru_home_url"] + "category/elections_s115"}
        with tempfile.TemporaryDirectory() as folder:
            for lang, start_url in starts.items():
                runs: dict[bool, list[dict]] = {True: [], False: []}
                for n in range(2):
                    for with_coverage in (True, False):
                        label = f"  {lang} {'with' if with_coverage else 'without'} coverage"
                        settings = {} if with_coverage else {"ITEM_PIPELINES": without}
                        db = Path(folder) / f"{lang}-{with_coverage}-{n}.db"
                        runs[with_coverage].append(
                            measure(label, start_url, db, replica.pid, "-a", f"edition={lang}", **settings)
                        )
                ours, before = (min(run["crawler_cpu"] for run in runs[flag]) for flag in (True, False))
                stored = runs[True][0]["stored"]
                print(
                    f"  {lang}: a crawl of {stored:,} articles, {ours / stored * 1000:.2f} ms of the crawler's CPU an "
                    f"article with coverage, {before / stored * 1000:.2f} ms without: {ours / before:.2f}x"
                )
                ratios[lang] = ours / before
    finally:
        replica.terminate()
        replica.wait()
    return ratios


def page_cost(count: int) -> dict[str, float]:
    saved = edition_pages(count)
    page_path(saved["ru"][:20], True)  # the dictionaries loaded before the clock: a crawl loads them once
    ratios = {}
    for lang, pages_of_edition in saved.items():
        timings: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(ROUNDS):  # in turn, round after round: a shared machine's load drifts
            for with_coverage in (False, True):
                timings[with_coverage].append(page_path(pages_of_edition, with_coverage))
        ours, before = (min(timings[flag]) / count * 1000 for flag in (True, False))
        ratios[lang] = ours / before
        print(
            f"  {lang}: {ours:.3f} ms a page with the coverage pipeline, {before:.3f} ms without: {ours / before:.2f}x"
        )
    return ratios


def best_of_three(connection: sqlite3.Connection, sql: str, parameters: dict) -> tuple[float, int]:
    timings, rows = [], 0
    for _ in range(3):
        started = time.perf_counter()
        rows = len(connection.execute(sql, parameters).fetchall())
        timings.append(time.perf_counter() - started)
    return min(timings), rows


def weekly_query(articles: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "archive.db"
        started = time.perf_counter()
        fill_archive(db_path, articles)
        filled = time.perf_counter() - started
        archive = open_archive(db_path)
        started = time.perf_counter()
        measured = remeasure(archive, current_matcher())
        seconds = time.perf_counter() - started
        archive.close()
        print(
            f"  {articles:,} articles stored in {filled:.0f} s; measured again (scrapy coverage) in {seconds:.0f} s: "
            f"{measured.articles / seconds:,.0f} articles/s, {measured.rows:,} subject_mentions rows"
        )
        connection = sqlite3.connect(db_path)
        baseline, weeks = best_of_three(connection, BASELINE, {})
        print(f"  baseline, the weekly article count (articles_per_week, {weeks} weeks): {baseline * 1000:.0f} ms")
        slowest = 0.0
        for name, (sql, parameters) in QUERIES.items():
            seconds, rows = best_of_three(connection, sql, parameters)
            slowest = max(slowest, seconds)
            print(f"  {name}: {seconds * 1000:.0f} ms ({rows} rows), {seconds / baseline:.2f}x the baseline")
        connection.close()
        return slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument(
        "--crawl", type=int, default=3000, help="English articles of the replica (a third as many Russian)"
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--wrong", choices=("tune",), help="list the tuned half's mistakes")
    args = parser.parse_args()
    print("Against people (true/false/missed pairs):")
    held_out = against_people(args.wrong)
    print("Cost per article, a whole crawl:")
    whole = crawl_cost(args.crawl)
    print(f"Cost per article after download, {args.pages} pages per edition, best of {ROUNDS} rounds:")
    ratios = page_cost(args.pages)
    print(f"The weekly share query at {args.articles:,} articles:")
    slowest = weekly_query(args.articles)
    print(
        "summary: held-out precision/recall "
        + ", ".join(f"{lang} {p:.2f}/{r:.2f}" for lang, (p, r) in held_out.items())
        + "; an article's whole cost with coverage "
        + ", ".join(f"{lang} {ratio:.2f}x" for lang, ratio in whole.items())
        + " (after download alone: "
        + ", ".join(f"{lang} {ratio:.2f}x" for lang, ratio in ratios.items())
        + ")"
        + f"; the slowest share query at {args.articles:,} articles {slowest * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
