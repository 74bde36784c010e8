"""Full crawl of a 10,000-article replica: wall time, pages per second, peak memory.

python bench/full_crawl.py [--articles 10000]

Runs the crawler as a user does (`scrapy crawl elections`, local settings, AutoThrottle
off) against the replica served by a separate process; then, in the same run, the same
crawl with the item pipelines switched off (overhead ratio) and `scrapy bench`, Scrapy's
own crawl of a local server (ceiling ratio). Prints one line per crawl and a summary line.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from replica.crawling import ROOT, crawl_command, rows

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def stat(name: str, log: str) -> float:
    match = re.search(rf"'{re.escape(name)}': ([\d.]+)", log)
    return float(match.group(1)) if match else 0.0


def measure(label: str, start_url: str, db: Path, replica_pid: int, *arguments: str, **settings: str) -> dict:
    command = crawl_command("-a", f"start_url={start_url}", *arguments, db=db, **settings)
    replica_cpu = cpu_seconds(replica_pid)
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as log:
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        log.seek(0)
        text = log.read()
    # Exit 1 is an unhealthy run: the bare crawl, without pipelines, stores nothing by design.
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{label}: crawl failed\n{text[-3000:]}")
    # The run's own record: the log's stats dump is quiet by default (crawler/commands/crawl.py).
    run = rows(db, "crawl_runs")[-1]
    responses = sum(run[f"responses_{n}xx"] or 0 for n in (2, 3, 4, 5))
    if not responses:
        sys.exit(f"{label}: the crawl recorded no response\n{text[-3000:]}")
    result: dict[str, Any] = {
        "label": label,
        "wall": wall,
        "responses": responses,
        "pages_per_second": responses / wall,
        "peak_mib": usage.ru_maxrss / 1024,
        "crawler_cpu": usage.ru_utime + usage.ru_stime,
        "replica_cpu": cpu_seconds(replica_pid) - replica_cpu,
        "stored": len(rows(db, "articles")) if db.exists() else 0,
    }
    print(
        f"{label:<24} {wall:7.1f} s  {responses:6.0f} responses  {result['pages_per_second']:6.1f} pages/s  "
        f"peak {result['peak_mib']:6.1f} MiB  crawler CPU {result['crawler_cpu']:5.1f} s  "
        f"replica CPU {result['replica_cpu']:5.1f} s ({result['replica_cpu'] / wall:.0%} of a core)  "
        f"stored {result['stored']}"
    )
    return result


def scrapy_bench() -> float:
    """Pages per second of `scrapy bench`, run outside the project so none of its settings apply."""
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([sys.executable, "-m", "scrapy", "bench"], cwd=folder, capture_output=True, text=True)
    pages_per_second = stat("response_received_count", result.stderr) / stat("elapsed_time_seconds", result.stderr)
    print(
        f"{'scrapy bench':<24} {stat('elapsed_time_seconds', result.stderr):7.1f} s  "
        f"{stat('response_received_count', result.stderr):6.0f} responses  {pages_per_second:6.1f} pages/s"
    )
    return pages_per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    replica = subprocess.Popen(
        [sys.executable, "-m", "replica", "--articles", str(args.articles)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert replica.stdout is not None
    try:
        urls = dict(replica.stdout.readline().split() for _ in range(3))  # base_url, home_url, start_url
        start_url = urls["start_url"]
        with tempfile.TemporaryDirectory() as tmp:
            ours = measure("crawl + pipelines", start_url, Path(tmp) / "elections.db", replica.pid)
            bare = measure("crawl, no pipelines", start_url, Path(tmp) / "bare.db", replica.pid, ITEM_PIPELINES="{}")
    finally:
        replica.terminate()
        replica.wait()
    ceiling = scrapy_bench()
    if ours["stored"] != args.articles:
        sys.exit(f"stored {ours['stored']} of {args.articles} articles")
    print(
        f"summary: {args.articles} articles in {ours['wall']:.1f} s, {ours['pages_per_second']:.0f} pages/s, "
        f"peak {ours['peak_mib']:.0f} MiB; pipeline overhead {ours['wall'] / bare['wall']:.2f}x the bare crawl's "
        f"wall time; {ours['pages_per_second'] / ceiling:.2f}x the pages/s of scrapy bench"
    )


if __name__ == "__main__":
    main()
