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

Then per-election tags (issue 32): a replica whose articles are filed under two election tags,
the section in the menu (English), and one with no section at all and the topic rule off
(Russian, the tags the only door). Each is crawled once, publishes 5 new articles (two in
three filed under a tag), and a daily run (`-a recheck=off`: what is new alone), an hour
after the newest article, is measured
against the minimum with every tag it walks (those quiet for ELECTIONS_TAG_QUIET_DAYS are left
to the weekly full run): each listing's pages up to its first fully known one (two pages for a tag with no
card), and against the minimum of the same run without the tags.
"""

import argparse
import math
import re
import tempfile
from datetime import timedelta
from pathlib import Path

from replica import ReplicaServer, ReplicaSite
from replica.crawling import CHANNEL_REQUESTS, crawl, listing_rereads, minimum_requests, rows
from replica.editions import ENGLISH, KAZAKH, RUSSIAN
from replica.pages import ALL_NEWS_PATH, CARDS_PER_PAGE, LISTING_PATH, SECTION_PLACES, tag_path


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
    tags_worst = election_tags(args.scenario_articles)
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
        f"places the section may be, {edition_worst:.2f}x over the editions, {tags_worst:.2f}x with election "
        f"tags); archive holds {total} articles"
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


def listing_pages(new: int, cards: bool) -> int:
    """The fewest pages of one listing a daily run reads: to its first fully known page, each
    page whose last card is new read again; two pages where the listing has no card."""
    return math.ceil(new / CARDS_PER_PAGE) + 1 + listing_rereads(new) if cards else 2


def tag_pages(site: ReplicaSite, new: list, tag: str, requested: set[str]) -> int:
    """The fewest pages of a tag's listing a daily run reads: its new articles that no listing
    walked before it gave (`requested`, which it adds them to) make it read on."""
    unseen = {a.expected_id for a in new if tag in a.tags} - requested
    requested |= unseen
    return listing_pages(len(unseen), bool(site.tagged(tag)))


def election_tags(articles: int) -> float:
    """A daily run's requests where articles are filed under election tags, against the
    minimum with every tag walked, and against the same run's minimum without the tags."""
    worst = 0.0
    for edition, place, topic_rule in ((ENGLISH, "menu", "fallback"), (RUSSIAN, "none", "off")):
        site = ReplicaSite(articles, seed=15, section_at=place, edition=edition, election_tags=2)
        with tempfile.TemporaryDirectory() as tmp, ReplicaServer(ReplicaSite(5), editions=(site,)) as server:
            db = Path(tmp) / "elections.db"
            settings = {
                "ELECTIONS_SITE_URL": server.edition_url(site) + "/",
                "ELECTIONS_EDITION": edition.code,
                "ELECTIONS_FEEDS": edition.prefix + edition.rss_path,
                "ELECTIONS_ALL_NEWS_PATH": edition.prefix + ALL_NEWS_PATH,
                "ELECTIONS_TOPIC_RULE": topic_rule,
            }
            # as on the live site, a day runs just after its newest article: which tags are quiet
            now = {"ELECTIONS_NOW": (site.articles[0].published + timedelta(hours=1)).isoformat()}
            crawl(db=db, **settings, **now).check_returncode()
            first = rows(db, "crawl_runs")[-1]
            new = site.publish(5)
            now = {"ELECTIONS_NOW": (site.articles[0].published + timedelta(hours=1)).isoformat()}
            crawl("-a", "recheck=off", db=db, **settings, **now).check_returncode()  # what is new alone
            run = rows(db, "crawl_runs")[-1]
            walked = [walk for walk in rows(db, "listing_walks") if walk["run_id"] == run["id"]]
            stored = [a for a in new if a.expected_id in {row["article_id"] for row in rows(db, "articles")}]

            requested = {a.expected_id for a in stored} if place == "menu" else set()
            if place == "menu":  # the section, walked first, gives every new article
                main = listing_pages(len(stored), True)
            else:  # the first tag is the run's listing
                by_url = {server.edition_url(site) + tag_path(name): name for name in site.tag_names()}
                main = tag_pages(site, stored, by_url[run["start_url"]], requested)
            without = 1 + 1 + CHANNEL_REQUESTS + len(stored) + main
            minimum = without + sum(tag_pages(site, stored, walk["name"], requested) for walk in walked)
            ratio = run["requests"] / minimum
            worst = max(worst, ratio)
            print(
                f"{edition.code} edition, section at {place!r}, topic rule {topic_rule}: first crawl "
                f"{first['requests']} requests, {len(rows(db, 'articles'))} stored; "
                f"daily run, 5 new ({len(stored)} stored): "
                f"{run['requests']} requests, {len(walked)} tags walked beside {run['listing_found_by']!r}; "
                f"minimum {minimum} ({ratio:.2f}x); without the tags {without} ({run['requests'] / without:.2f}x); "
                f"status {run['status']}"
            )
    return worst


if __name__ == "__main__":
    main()
