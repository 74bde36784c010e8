"""The reading room (make explore) at 100,000 articles: the list, a search, the facets and
the phrase chart, ours against the queries they replaced, on the same archive.

python bench/reading_room.py [--articles 100000]

Times each page in-process with Datasette's own client (best of three), and each replaced
query against its replacement in SQLite (best of three): Datasette's array facet against
the tag facet on article_tags, the month facet without and with its index, the phrase chart
as it joined each month to each match against counting the matches per month first.
"""

import argparse
import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

import yaml

from crawler.archive import register_tokenizers, tag_counts_sql
from explore.serve import datasette_for
from replica.crawling import fill_archive

EXPLORE = Path(__file__).resolve().parents[1] / "explore"
PHRASE = "polling stations"
LIST = (
    "select article_rowid, article_id, published_on, published_month, title, summary, tags, author, url, "
    "published_at from articles_list order by published_at desc"
)
# The queries that timed out or ran past a second at 100,000 articles (issue 18).
BASELINES = {
    "tag facet": f"""with inner as ({LIST}), deduped as (select distinct j.value, inner.* from
        json_each([inner].tags) j join inner) select value, count(*) from deduped group by value
        order by count(*) desc, value limit 7""",
    # The month as an expression that no index holds: as before the index.
    "month facet": f"""select published_month || '' as value, count(*) as count from ({LIST})
        where published_month is not null group by value order by count desc, value limit 1001""",
    "phrase chart": """select months.month, count(matches.published_month) as articles
        from articles_per_month months left join (select published_month from articles where rowid in (
        select rowid from articles_fts where articles_fts match '"' || replace(:phrase, '"', '""') || '"'))
        matches on matches.published_month = months.month group by months.month order by months.month""",
}
OURS = {
    "tag facet": tag_counts_sql(LIST, 7),
    "month facet": f"""select published_month as value, count(*) as count from ({LIST})
        where published_month is not null group by published_month order by count desc, value limit 1001""",
    "phrase chart": yaml.safe_load((EXPLORE / "metadata.yml").read_text())["plugins"]["datasette-dashboards"][
        "phrase-per-month"
    ]["charts"]["phrase-per-month"]["query"],
}
SEARCHED = PHRASE.replace(" ", "+")
PAGES = {  # name -> (the page, its JSON with the facets that timed out; None: a query, no facets)
    "the list": ("/elections/articles_list", "/elections/articles_list.json?_extra=facets_timed_out"),
    "the list, searched": (
        f"/elections/articles_list?_search={SEARCHED}",
        f"/elections/articles_list.json?_search={SEARCHED}&_extra=facets_timed_out",
    ),
    "the search": (f"/elections/search?phrase={SEARCHED}", None),
    "every column": ("/elections/articles", "/elections/articles.json?_extra=facets_timed_out"),
}


def best_of_three(run) -> float:
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def page_seconds(path: Path) -> dict[str, tuple[float, bool]]:
    """Page -> (seconds, whether a facet timed out)."""
    ds = datasette_for(path)
    asyncio.run(ds.invoke_startup())
    results = {}
    for name, (url, facets_url) in PAGES.items():
        seconds = best_of_three(lambda url=url: asyncio.run(ds.client.get(url)))
        timed_out = bool(facets_url and asyncio.run(ds.client.get(facets_url)).json().get("facets_timed_out"))
        results[name] = (seconds, timed_out)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "elections.db"
        fill_archive(path, args.articles)
        pages = page_seconds(path)
        db = sqlite3.connect(path)
        register_tokenizers(db)  # articles_fts stems every language (crawler/archive/search.py)
        ratios = {}
        for name in OURS:
            baseline = best_of_three(lambda name=name: db.execute(BASELINES[name], {"phrase": PHRASE}).fetchall())
            ours = best_of_three(lambda name=name: db.execute(OURS[name], {"phrase": PHRASE}).fetchall())
            assert (
                db.execute(BASELINES[name], {"phrase": PHRASE}).fetchall()
                == db.execute(OURS[name], {"phrase": PHRASE}).fetchall()
            ), name
            ratios[name] = baseline / ours
            print(f"{name:<14} {baseline:6.3f} s before, {ours:6.3f} s now (ratio {baseline / ours:5.1f})")
        db.close()
    for name, (seconds, timed_out) in pages.items():
        print(f"{name:<20} {seconds:6.3f} s{'  FACET TIMED OUT' if timed_out else ''}")
    slowest = max(seconds for seconds, _ in pages.values())
    print(
        f"summary: at {args.articles:,} articles the slowest page takes {slowest:.2f} s, "
        f"{sum(t for _, t in pages.values())} with a facet timed out; "
        + ", ".join(f"{name} {ratio:.1f}x faster" for name, ratio in ratios.items())
    )


if __name__ == "__main__":
    main()
