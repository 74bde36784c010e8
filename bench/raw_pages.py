"""What keeping raw pages costs, and what re-extraction gains, against baselines in one run.

python bench/raw_pages.py [--articles 10000]

- Crawl wall time with raw pages kept (the default) against ELECTIONS_KEEP_RAW=False, the
  same replica, one after the other, best of two each.
- Raw storage per article (median compressed body, zlib as stored) and the archive's size
  with and without raw pages; zstd (zstandard, level 3 and 19) on the same bodies, to say
  which compression to use.
- Re-extraction throughput (`crawler.offline.reparse`, CPU-bound: no network) in pages per second,
  and its cost per page against bench/cost_per_article.py's whole per-page path.
"""

import argparse
import statistics
import tempfile
import time
import zlib
from pathlib import Path

import zstandard
from scrapy.utils.project import get_project_settings

from crawler import archive
from crawler.arguments import edition_sites
from crawler.offline.reparse import reparse
from replica import ReplicaServer, ReplicaSite
from replica.crawling import crawl, rows

# Each edition as the project's settings give it: what `scrapy reparse` reads kept pages with.
SITES = edition_sites(get_project_settings())


def crawl_seconds(start_url: str, db: Path, **settings: str) -> float:
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    started = time.monotonic()
    crawl("-a", f"start_url={start_url}", db=db, **settings).check_returncode()
    return time.monotonic() - started


def archive_bytes(db: Path) -> int:
    connection = archive.open_database(db)
    connection.execute("pragma wal_checkpoint(truncate)")
    connection.close()
    return db.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(ReplicaSite(args.articles)) as server:
        kept, bare = Path(tmp) / "kept.db", Path(tmp) / "bare.db"
        with_raw = min(crawl_seconds(server.start_url, kept) for _ in range(2))
        without = min(crawl_seconds(server.start_url, bare, ELECTIONS_KEEP_RAW="False") for _ in range(2))
        pages = rows(kept, "raw_pages")
        bodies = [zlib.decompress(page["body"]) for page in pages]
        sizes = {
            "zlib -6 (stored)": [len(page["body"]) for page in pages],
            "zstd -3": [len(zstandard.ZstdCompressor(level=3).compress(body)) for body in bodies],
            "zstd -19": [len(zstandard.ZstdCompressor(level=19).compress(body)) for body in bodies],
        }
        kept_size, bare_size = archive_bytes(kept), archive_bytes(bare)
        db = archive.open_archive(kept)
        started = time.process_time()
        summary = reparse(db, SITES)
        reparse_cpu = time.process_time() - started
        db.close()
    median_page = statistics.median(map(len, bodies))
    print(f"{len(pages)} raw pages of {args.articles} articles, {median_page:.0f} bytes median uncompressed")
    for name, values in sizes.items():
        print(f"  {name:<17} median {statistics.median(values):7.0f} bytes, total {sum(values) / 2**20:6.1f} MiB")
    print(
        f"archive with raw pages {kept_size / 2**20:6.1f} MiB, without {bare_size / 2**20:6.1f} MiB "
        f"({kept_size / bare_size:.2f}x)"
    )
    print(
        f"crawl with raw pages {with_raw:6.1f} s, without {without:6.1f} s: {with_raw / without:.2f}x (target <= 1.10)"
    )
    rate = summary.read / reparse_cpu
    print(
        f"re-extraction: {summary.read} pages in {reparse_cpu:.1f} s of CPU, {rate:.0f} pages/s, "
        f"{1000 / rate:.2f} ms a page; {summary.changed} changed (target >= 500 pages/s)"
    )
    stored = statistics.median(sizes["zlib -6 (stored)"])
    print(
        f"summary: raw pages cost {with_raw / without:.2f}x crawl time and {stored:.0f} bytes an article; "
        f"re-extraction runs at {rate:.0f} pages/s"
    )


if __name__ == "__main__":
    main()
