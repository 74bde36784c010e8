"""The second channel (crawler/site/layouts/feeds.py) over HTTP: the replica's robots.txt names its
sitemap index, which names a Google News sitemap; it serves an RSS feed. As a cross-check it
finds what the walk missed; as a fallback it stands in for a listing that cannot be read."""

import subprocess
import sys
from collections import Counter

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import ROOT, counters, crawl, mismatches, rows, stored_articles
from replica.pages import LISTING_PATH, NEWS_SITEMAP_SIZE


def article_requests(requests: Counter) -> Counter:
    return Counter({t: n for t, n in requests.items() if t.startswith(("/news/", "/en/"))})


def test_articles_the_listing_does_not_list_are_found_in_the_feeds_and_counted_as_missed(tmp_path):
    db = tmp_path / "elections.db"
    site = ReplicaSite(articles=60, seed=5)
    missing = site.unlist(0, 7)  # the listing lost them; their pages, the feeds and sitemaps have them
    with ReplicaServer(site) as server:
        first = crawl(db=db, ELECTIONS_SITE_URL=server.home_url)
        assert first.returncode == 0, first.stderr[-3000:]
        assert mismatches(stored_articles(db), site.expected_items(server.base_url)) == {}
        [run] = rows(db, "crawl_runs")
        assert (run["walk_missed"], run["status"], run["healthy"]) == (2, "ok", 1)
        assert counters(run)["channel/sources"] == 3  # the sitemap index, the news sitemap, the RSS feed
        for article in missing:
            assert f"The walk missed {server.base_url}{article.path}" in first.stderr
        assert max(article_requests(site.requests).values()) == 1  # each article fetched once

        before = Counter(site.requests)
        again = crawl(db=db, ELECTIONS_SITE_URL=server.home_url)
        requests = Counter(site.requests) - before
    assert again.returncode == 0, again.stderr[-3000:]
    assert not article_requests(requests)  # the missed ones are stored: known, not fetched again
    assert rows(db, "crawl_runs")[-1]["walk_missed"] == 0
    status = subprocess.run(
        [sys.executable, "scheduler.py", "status", "--", "-s", f"ELECTIONS_DB={db}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert status.returncode == 0, status.stderr
    heading, *lines = [line for line in status.stdout.splitlines() if line.strip().startswith(("id ", "1 ", "2 "))]
    column = heading.index("missed") + len("missed")
    assert [line[column - 6 : column].strip() for line in lines] == ["0", "2"]  # newest run first


@pytest.mark.parametrize("fault", ["status", "challenge"])
def test_a_listing_that_cannot_be_read_is_replaced_by_the_feeds_and_sitemaps(tmp_path, fault):
    """Page 1 of the listing answers 500 after every retry, or a bot challenge: the run
    takes the section's articles the channel lists instead, says so, and stays unhealthy."""
    db = tmp_path / "elections.db"
    site = ReplicaSite(articles=NEWS_SITEMAP_SIZE + 10, seed=6)
    site.add_fault(fault, f"^{LISTING_PATH}$", 500 if fault == "status" else None)
    with ReplicaServer(site) as server:
        result = crawl(db=db, ELECTIONS_SITE_URL=server.home_url)
        listed = {a.article_id for a in site.channel_news()[:NEWS_SITEMAP_SIZE]}
        expected = {i: item for i, item in site.expected_items(server.base_url).items() if i in listed}
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "could not be read: taking the section's articles from the feeds and sitemaps instead" in result.stderr
    assert mismatches(stored_articles(db), expected) == {}
    [run] = rows(db, "crawl_runs")
    assert (run["status"], run["healthy"], run["listing_pages"]) == ("partial", 0, 0)
    assert counters(run)["channel/fallback"] == len(expected)
    assert f"{len(expected)} articles were taken from the feeds and sitemaps instead" in run["health_problems"]


def test_on_the_all_news_feed_what_the_feed_misses_is_judged_by_the_topic_rule(tmp_path):
    """No section anywhere: an election article and a hard negative that /lenta does not
    list are found in the feeds and sitemaps, and the rule judges them as the feed's own."""
    db = tmp_path / "elections.db"
    site = ReplicaSite(articles=20, seed=8, section_at="none", other_news=30)
    [election] = site.unlist(0)
    [negative] = site.unlist_other_news(next(n for n, a in enumerate(site.other_news) if a.kind == "hard negative"))
    years = {"ELECTIONS_TOPIC_FIRST_DAYS": "730"}
    with ReplicaServer(site) as server:
        result = crawl(db=db, ELECTIONS_SITE_URL=server.home_url, **years)
        rss = server.base_url + "/rss/en.xml"
    assert result.returncode == 0, result.stderr[-3000:]
    verdicts = {row["article_id"]: row for row in rows(db, "topic_verdicts")}
    assert verdicts[election.article_id]["selected"] == 1 and verdicts[negative.article_id]["selected"] == 0
    assert {verdicts[a.article_id]["listing_url"] for a in (election, negative)} <= {
        rss,
        server.base_url + "/sitemaps/google-news_en.xml",
    }
    assert election.article_id in stored_articles(db) and negative.article_id not in stored_articles(db)
    [run] = rows(db, "crawl_runs")
    assert (run["listing_found_by"], run["walk_missed"], run["healthy"]) == ("all-news feed", 2, 1)
