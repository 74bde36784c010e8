"""make demo: serve a replica, crawl it into data/demo.db, and print what was stored.

python -m replica.demo [--articles 200] [--seed 1] [--db data/demo.db]
"""

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from replica.crawling import ROOT, crawl, mismatches, rows, stored_articles
from replica.server import ReplicaServer, ReplicaSite


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m replica.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "demo.db")
    args = parser.parse_args()
    for stale in args.db.parent.glob(args.db.name + "*"):  # a fresh demo: the db, its -wal and -shm
        stale.unlink()

    site = ReplicaSite(args.articles, args.seed)
    with ReplicaServer(site) as server:
        print(f"Replica of {args.articles} articles at {server.home_url}")
        started = time.monotonic()
        result = crawl(db=args.db, ELECTIONS_SITE_URL=server.home_url)  # finds the section in the menu
        seconds = time.monotonic() - started
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        return result.returncode
    [run] = rows(args.db, "crawl_runs")

    stored = stored_articles(args.db)
    differences = mismatches(stored, site.expected_items(server.base_url))
    layouts = Counter(a["layout"] for a in stored.values())
    dates = sorted(a["published_at"] for a in stored.values())
    print(f"Crawled in {seconds:.1f} s into {args.db}")
    print(f"  section found at:  {run['start_url']}")
    print(f"  articles stored:   {len(stored)} ({', '.join(f'{n} {layout}' for layout, n in layouts.most_common())})")
    print(f"  published:         {dates[0]} to {dates[-1]}" if dates else "  published:         -")
    print(f"  dropped pages:     {len(rows(args.db, 'dropped_items'))}")
    print(f"  equal to the ground truth, every field: {args.articles - len(differences)} of {args.articles}")
    for article_id, problems in sorted(differences.items())[:10]:
        print(f"    {article_id}: {'; '.join(problems)}")
    print(
        f"Try: .venv/bin/sqlite-utils {args.db} "
        '"select published_at, title from articles order by published_at desc limit 5" --table'
    )
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
