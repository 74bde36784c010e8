"""make demo: serve a replica of the English, Russian and Kazakh editions, crawl each into
data/demo.db, and print what was stored.

python -m replica.demo [--articles 200] [--seed 1] [--db data/demo.db]
"""

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from replica.crawling import ROOT, crawl, mismatches, rows, stored_articles
from replica.editions import KAZAKH, RUSSIAN
from replica.server import ReplicaServer, ReplicaSite


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m replica.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="English articles; a third as many of each other")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "demo.db")
    args = parser.parse_args()
    args.db = args.db.resolve()  # the crawl runs from the repository: a relative path means the caller's folder
    for stale in args.db.parent.glob(args.db.name + "*"):  # a fresh demo: the db, its -wal and -shm
        stale.unlink()

    english = ReplicaSite(args.articles, args.seed)
    russian = ReplicaSite(max(1, args.articles // 3), args.seed + 1, edition=RUSSIAN, section_at="site map")
    kazakh = ReplicaSite(max(1, args.articles // 3), args.seed + 2, edition=KAZAKH, section_at="tags")
    russian.translate_from(english)
    kazakh.translate_from(english)
    sites = (english, russian, kazakh)
    with ReplicaServer(english, editions=(russian, kazakh)) as server:
        print(f"Replica of {args.articles} English articles at {server.home_url}, Russian and Kazakh under /ru/, /kz/")
        started = time.monotonic()
        for site in sites:  # each finds its section: in the menu, behind the site map, behind the tags page
            site_url = server.edition_url(site) + "/"
            result = crawl("-a", f"edition={site.edition.code}", db=args.db, ELECTIONS_SITE_URL=site_url)
            if result.returncode != 0:
                print(result.stderr[-3000:], file=sys.stderr)
                return result.returncode
        seconds = time.monotonic() - started
        expected = {key: item for site in sites for key, item in site.expected_items(server.edition_url(site)).items()}

    stored = stored_articles(args.db)
    differences = mismatches(stored, expected)
    editions = Counter(a["edition"] for a in stored.values())
    layouts = Counter(a["layout"] for a in stored.values())
    dates = sorted(a["published_at"] for a in stored.values())
    print(f"Crawled in {seconds:.1f} s into {args.db}")
    for run in rows(args.db, "crawl_runs"):
        print(f"  {run['edition']}: section found at {run['start_url']} ({run['listing_found_by']})")
    print(f"  articles stored:   {len(stored)} ({', '.join(f'{n} {code}' for code, n in editions.most_common())})")
    print(f"  designs:           {', '.join(f'{n} {layout}' for layout, n in layouts.most_common())}")
    print(f"  published:         {dates[0]} to {dates[-1]}" if dates else "  published:         -")
    print(f"  twins linked:      {len(rows(args.db, 'article_twins'))}")
    print(f"  dropped pages:     {len(rows(args.db, 'dropped_items'))}")
    print(f"  equal to the ground truth, every field: {len(expected) - len(differences)} of {len(expected)}")
    for article_id, problems in sorted(differences.items())[:10]:
        print(f"    {article_id}: {'; '.join(problems)}")
    print(
        f"Try: .venv/bin/sqlite-utils {args.db} "
        '"select published_at, title from articles order by published_at desc limit 5" --table'
    )
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
