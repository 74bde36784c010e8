"""Requests of daily runs over a 10,000-article archive, against the minimum and a full re-crawl.

python bench/daily_run.py [--articles 10000]

Crawls a replica once in full, then publishes 0, 5 and 25 new articles, one daily run
after each. Each run finds the section on the home page, as `make crawl` does. For each run
it prints the requests Scrapy counted (crawl_runs.requests) against the fewest possible
(robots.txt + the home page + listing pages up to the first fully known one + new
articles + the second channel's feeds and sitemaps) and against the full crawl measured in
the same script.

Then one replica per place the site may keep the section (replica.pages.SECTION_PLACES):
in the menu, only on the site map page, only on the tags page, only on article pages, or
nowhere (the all-news feed and the topic rule, with as many articles of other sections).
Each is crawled once, then publishes 5 new articles (and 5 of other sections, where the
feed is walked), and a daily run is measured against the same minimum.

Then the editions: English (the section in the menu), Russian (behind the site map) and
Kazakh (behind the tags page), served by one replica, crawled once each into one archive;
each publishes 5 new articles and each edition's daily run is measured against the same
minimum.
"""

import argparse
import re
import tempfile
from pathlib import Path

from replica import ReplicaServer, ReplicaSite
from replica.crawling import crawl, minimum_requests, rows
from replica.editions import KAZAKH, RUSSIAN
from replica.pages import LISTING_PATH, SECTION_PLACES


def last_run(db: Path) -> dict:
    return rows(db, "crawl_runs")[-1]


def daily_run(db: Path, settings: dict, new: int) -> tuple[dict, int, float]:
    """A daily run after `new` articles were published: its crawl_runs row, the minimum of
    requests, and its requests over that minimum."""
    crawl(db=db, **settings).check_returncode()
    run, minimum = last_run(db), minimum_requests(new, discovery=True)
    return run, minimum, run["requests"] / minimum


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--scenario-articles", type=int, default=500)
    args = parser.parse_args()
    scenario_worst = scenarios(args.scenario_articles)
    edition_worst = editions(args.scenario_articles)
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(ReplicaSite(args.articles)) as server:
        db = Path(tmp) / "elections.db"
        start = {"ELECTIONS_SITE_URL": server.home_url}
        crawl(db=db, **start).check_returncode()
        full = last_run(db)["requests"]
        print(f"full crawl of {args.articles} articles: {full} requests")
        worst = 0.0
        for new in (0, 5, 25):
            server.site.publish(new)
            run, minimum, ratio = daily_run(db, start, new)
            worst = max(worst, ratio)
            print(
                f"daily run, {new:2d} new: {run['requests']:4d} requests, minimum {minimum:4d} "
                f"({ratio:.2f}x), full re-crawl {full} ({run['requests'] / full:.4f}x); "
                f"stored {run['articles_new']} new, status {run['status']}"
            )
        # The invariant's price: a run whose walk broke (a listing page failed) leaves a gap,
        # and the next run walks on to where the last gapless walk began.
        server.site.publish(45)
        fault = server.site.add_fault("status", rf"^{re.escape(LISTING_PATH)}\?page=2$", 503)
        crawl(db=db, RETRY_TIMES="0", **start)
        broken = last_run(db)
        server.site.faults.remove(fault)
        crawl(db=db, **start).check_returncode()
        healed, minimum = last_run(db), minimum_requests(45 - broken["articles_new"], discovery=True)
        print(
            f"after a broken walk ({broken['articles_new']} of 45 new stored, listing page 2 failed): the next run "
            f"makes {healed['requests']} requests, stores {healed['articles_new']}; a run that had to fetch as many "
            f"after a gapless run: {minimum} ({healed['requests'] / minimum:.2f}x); gapless again: {healed['gapless']}"
        )
        total = len(rows(db, "articles"))
    print(
        f"summary: daily runs make at most {worst:.2f}x the minimum of requests ({scenario_worst:.2f}x over the "
        f"places the section may be, {edition_worst:.2f}x over the editions); archive holds {total} articles"
    )


def scenarios(articles: int) -> float:
    """A daily run's requests against the minimum, wherever the site keeps the section."""
    worst = 0.0
    for place in SECTION_PLACES:
        other_news = articles if place == "none" else 0
        site = ReplicaSite(articles, seed=11, section_at=place, other_news=other_news)
        with tempfile.TemporaryDirectory() as tmp, ReplicaServer(site) as server:
            db = Path(tmp) / "elections.db"
            settings = {"ELECTIONS_SITE_URL": server.home_url, "ELECTIONS_TOPIC_FIRST_DAYS": "4000"}
            crawl(db=db, **settings).check_returncode()
            first = last_run(db)
            new = len(site.publish(5)) + (len(site.publish_other_news(5)) if other_news else 0)
            run, minimum, ratio = daily_run(db, settings, new)
            worst = max(worst, ratio)
            print(
                f"section at {place!r:<10} found by {run['listing_found_by']!r:<15}: first crawl {first['requests']} "
                f"requests; daily run, {new} new: {run['requests']} requests, minimum {minimum} "
                f"({ratio:.2f}x), stored {run['articles_new']} new, status {run['status']}"
            )
    return worst


def editions(articles: int) -> float:
    """Each edition's daily run against the minimum, the editions crawled into one archive."""
    sites = [
        ReplicaSite(articles, seed=12, section_at="menu"),
        ReplicaSite(articles, seed=13, section_at="site map", edition=RUSSIAN),
        ReplicaSite(articles, seed=14, section_at="tags", edition=KAZAKH),
    ]
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(sites[0], editions=tuple(sites[1:])) as server:
        db = Path(tmp) / "elections.db"

        def settings(site: ReplicaSite) -> dict:
            return {"ELECTIONS_SITE_URL": server.edition_url(site) + "/", "ELECTIONS_EDITION": site.edition.code}

        for site in sites:
            crawl(db=db, **settings(site)).check_returncode()
        for site in sites:
            site.publish(5)
        for site in sites:
            first = next(run for run in rows(db, "crawl_runs") if run["edition"] == site.edition.code)
            run, minimum, ratio = daily_run(db, settings(site), 5)
            worst = max(worst, ratio)
            print(
                f"edition {site.edition.code} (found by {run['listing_found_by']!r}): first crawl "
                f"{first['requests']} requests; daily run, 5 new: {run['requests']} requests, minimum {minimum} "
                f"({ratio:.2f}x), stored {run['articles_new']} new, status {run['status']}"
            )
    return worst


if __name__ == "__main__":
    main()
