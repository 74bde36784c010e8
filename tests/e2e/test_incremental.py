"""Daily runs over a replica that changes between (and during) runs."""

import math
import re
import sqlite3
from collections import Counter
from datetime import UTC, datetime

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import CHANNEL_REQUESTS, crawl, exit_code_of, minimum_requests, mismatches, rows, stored_articles
from replica.pages import CARDS_PER_PAGE, LISTING_PATH, NEWS_SITEMAP_PATH, RSS_PATH, SITEMAP_INDEX_PATH
from tests.checks import fts_integrity_check, search


class Archive:
    """A replica, a database, and the runs made against them."""

    def __init__(self, server: ReplicaServer, db):
        self.server, self.site, self.db = server, server.site, db

    def run(self, *arguments: str, **settings: str) -> tuple[dict, Counter]:
        """Crawls once; returns the run's crawl_runs row and the requests the replica served."""
        before = Counter(self.site.requests)
        result = crawl("-a", f"start_url={self.server.start_url}", *arguments, db=self.db, RETRY_TIMES="1", **settings)
        self.log = result.stderr
        run = rows(self.db, "crawl_runs")[-1]
        assert result.returncode == exit_code_of(run), (run, result.stderr[-3000:])
        return run, Counter(self.site.requests) - before

    def check_every_article_stored_once(self):
        assert len(rows(self.db, "articles")) == len(self.site.articles)
        assert mismatches(stored_articles(self.db), self.site.expected_items(self.server.base_url)) == {}


@pytest.fixture
def archive(tmp_path):
    with ReplicaServer(ReplicaSite(articles=200, seed=11)) as server:
        yield Archive(server, tmp_path / "elections.db")


@pytest.mark.parametrize("new", [0, 5, 25])
def test_a_daily_run_makes_the_minimum_of_requests(archive, new):
    first, _ = archive.run()
    assert (first["status"], first["articles_new"], first["listing_complete"]) == ("ok", 200, 1)
    published = archive.site.publish(new)

    run, requests = archive.run()
    assert run["requests"] == minimum_requests(new)  # from Scrapy's stats
    assert sum(requests.values()) == minimum_requests(new)  # as the replica counted them
    channel = (SITEMAP_INDEX_PATH, NEWS_SITEMAP_PATH, RSS_PATH)
    assert {t for t in requests if not t.startswith((LISTING_PATH, "/robots.txt", *channel))} == {
        a.path for a in published
    }
    archive.check_every_article_stored_once()
    stored_by_run = {r["article_id"] for r in rows(archive.db, "articles") if r["run_id"] == run["id"]}
    assert stored_by_run == {a.article_id for a in published}
    assert (run["status"], run["articles_new"], run["articles_updated"], run["articles_pending"]) == ("ok", new, 0, 0)
    assert run["responses_2xx"] == run["requests"]
    assert run["listing_pages"] == math.ceil(new / CARDS_PER_PAGE) + 1


def test_a_failed_article_is_fetched_first_by_the_next_run(archive):
    broken = archive.site.articles[45]  # listing page 3, which the next run will not walk
    archive.site.fail(broken, 503)
    first, requests = archive.run()
    assert requests[broken.path] == 2  # RETRY_TIMES=1
    assert (first["status"], first["articles_new"], first["articles_pending"]) == ("partial", 199, 1)
    assert first["responses_5xx"] == 2
    [failure] = rows(archive.db, "dropped_items")
    assert (failure["url"], failure["reason"], failure["status"], failure["attempts"], failure["run_id"]) == (
        archive.server.base_url + broken.path,
        "HTTP 503",
        "pending",
        1,
        first["id"],
    )
    assert broken.article_id not in stored_articles(archive.db)  # a failed fetch is never seen

    archive.site.heal(broken)
    second, requests = archive.run()
    assert second["requests"] == minimum_requests(0, retries=1)
    assert requests[broken.path] == 1
    assert (second["status"], second["articles_new"]) == ("ok", 1)
    assert rows(archive.db, "dropped_items") == []
    archive.check_every_article_stored_once()


def test_a_page_that_keeps_failing_is_given_up_until_a_full_run(archive):
    broken = archive.site.articles[3]
    archive.site.fail(broken, 500)
    settings = {"ELECTIONS_MAX_ATTEMPTS": "2"}
    archive.run(**settings)
    second, requests = archive.run(**settings)
    assert requests[broken.path] == 2  # fetched first again, and retried once
    [failure] = rows(archive.db, "dropped_items")
    assert (failure["status"], failure["attempts"], failure["run_id"]) == ("dropped", 2, second["id"])
    assert second["articles_dropped"] == 1

    third, requests = archive.run(**settings)
    assert requests[broken.path] == 0
    assert third["requests"] == minimum_requests(0)

    archive.site.heal(broken)
    full, requests = archive.run("-a", "mode=full", **settings)
    assert requests[broken.path] == 1
    assert full["listing_pages"] == 10 and full["listing_complete"] == 1
    assert (full["articles_new"], full["status"]) == (1, "ok")
    archive.check_every_article_stored_once()


def test_refresh_keeps_the_earlier_version_of_an_edited_article(archive):
    _first, _ = archive.run()
    before = stored_articles(archive.db)
    edited = archive.site.edit(3)
    days = (datetime.now(UTC) - archive.site.articles[10].published).days + 1
    in_window = [a for a in archive.site.articles if (datetime.now(UTC) - a.published).days < days]

    run, _requests = archive.run("-a", f"refresh={days}")
    assert run["requests"] == minimum_requests(0, retries=len(in_window))
    assert (run["articles_new"], run["articles_updated"], run["articles_unchanged"]) == (0, 1, len(in_window) - 1)
    [version] = rows(archive.db, "article_versions")
    old = before[edited.article_id]
    assert {k: version[k] for k in ("article_id", "content_hash", "title", "body", "published_at", "run_id")} == {
        "article_id": edited.article_id,
        "content_hash": old["content_hash"],
        "title": old["title"],
        "body": old["body"],
        "published_at": old["published_at"],
        "run_id": run["id"],
    }
    assert version["seen_at"] == old["last_seen_at"]
    after = stored_articles(archive.db)
    assert after[edited.article_id]["body"] == edited.expected_item(archive.server.base_url)["body"]
    assert (after[edited.article_id]["version_count"], after[edited.article_id]["run_id"]) == (2, run["id"])
    assert after[edited.article_id]["first_seen_at"] == old["first_seen_at"]
    for article in in_window:
        if article.article_id != edited.article_id:  # unchanged: only its sighting moves
            changed = {
                k for k in after[article.article_id] if after[article.article_id][k] != before[article.article_id][k]
            }
            assert changed <= {"last_seen_at", "last_checked_at"}
            assert after[article.article_id]["last_seen_at"] >= run["started_at"]
            assert after[article.article_id]["last_checked_at"] == after[article.article_id]["last_seen_at"]
    archive.check_every_article_stored_once()

    again, _ = archive.run("-a", f"refresh={days}")
    assert (again["articles_updated"], len(rows(archive.db, "article_versions"))) == (0, 1)


def test_pagination_shifting_mid_crawl_loses_and_duplicates_nothing(archive):
    archive.run()
    archive.site.publish(25)
    # The moment listing page 1 is served, five more articles push every card down.
    archive.site.on_request(LISTING_PATH, lambda: archive.site.publish(5))
    second, requests = archive.run()
    assert archive.site.hooks == {} and len(archive.site.articles) == 230  # the shift happened
    # Page 2 now repeats five cards of page 1 and holds five new ones; page 3 is all known.
    # Page 1, whose last card was new, is read again after page 2: the five on top are found.
    assert (second["articles_new"], second["listing_pages"]) == (30, 3)
    assert requests[LISTING_PATH] == 2
    assert max(n for t, n in requests.items() if t in archive.site.by_path) == 1  # no article fetched twice
    third, _ = archive.run()
    assert third["articles_new"] == 0
    archive.check_every_article_stored_once()
    assert sum(archive.site.requests[a.path] for a in archive.site.articles) == 230  # each fetched once, ever


def test_an_unfinished_backfill_is_resumed_past_known_pages(archive):
    archive.run("-a", "max_pages=2")
    assert len(rows(archive.db, "articles")) == 40
    run, _requests = archive.run()
    assert run["listing_pages"] == 10 and run["listing_complete"] == 1
    # robots.txt, 10 pages and the 2 empty ones that end it, pages 3 to 9 (their last card new)
    # again, the new articles, the second channel
    assert run["requests"] == 1 + 12 + 7 + 160 + CHANNEL_REQUESTS
    archive.check_every_article_stored_once()


def test_progress_is_logged_as_scrapy_counts_and_the_run_ends_in_one_summary_line(archive):
    archive.run(ELECTIONS_PROGRESS_INTERVAL="0.2", CONCURRENT_REQUESTS="2", CONCURRENT_REQUESTS_PER_DOMAIN="2")
    lines = re.findall(
        r"Progress: (\d+) listing pages walked, (\d+)(?: of (\d+))? articles scraped, (\d+) stored .*, (\d+) pending, "
        r"(\d+) requests queued(; about \d+ (?:s|min|h \d+ min) left at [\d.]+ pages/s)?; oldest card reached (\S+)",
        archive.log,
    )
    assert len(lines) >= 2
    assert int(lines[-1][0]) >= int(lines[0][0]) and lines[-1][0] != "0"
    assert int(lines[-1][1]) >= int(lines[-1][3])  # scraped as Scrapy counts; stored by the batch
    assert any(line[1] != "0" and line[3] == "0" for line in lines) or int(lines[-1][1]) > 0
    assert lines[-1][7] >= "2019-03-01"
    after_the_walk = [line for line in lines if line[2]]  # the listing's end is known: a total and an ETA
    assert after_the_walk and all(line[2] == "200" for line in after_the_walk)
    assert any(line[6] for line in after_the_walk)  # (none in an interval without a response)
    assert "Scrapy 2." not in archive.log and "Overridden settings" not in archive.log  # no banner
    summaries = [line for line in archive.log.splitlines() if "[crawler.ledger]" in line and " ok (finished): " in line]
    assert len(summaries) == 1


def test_every_run_is_in_the_ledger(archive):
    archive.run("-a", "max_pages=1", ELECTIONS_TRIGGER="scheduled")
    archive.run()
    runs = rows(archive.db, "crawl_runs")
    assert [(r["id"], r["trigger"], r["status"], r["finish_reason"]) for r in runs] == [
        (1, "scheduled", "ok", "finished"),
        (2, "manual", "ok", "finished"),
    ]
    assert runs[0]["arguments"] == f'{{"max_pages": "1", "start_url": "{archive.server.start_url}"}}'
    assert runs[0]["started_at"] <= runs[0]["finished_at"] <= runs[1]["started_at"]
    per_run = Counter(r["run_id"] for r in rows(archive.db, "articles"))
    assert [per_run[r["id"]] for r in runs] == [r["articles_new"] for r in runs] == [20, 180]
    assert all(r["bytes"] > 0 for r in runs)


def test_a_daily_run_that_finds_the_section_adds_only_the_home_page(tmp_path):
    with ReplicaServer(ReplicaSite(articles=100, seed=12)) as server:
        db = tmp_path / "elections.db"
        found = {"ELECTIONS_SITE_URL": server.home_url}
        first = crawl(db=db, **found)
        assert first.returncode == 0, first.stderr[-3000:]
        published = server.site.publish(7)
        before = Counter(server.site.requests)
        daily = crawl(db=db, **found)
        requests = Counter(server.site.requests) - before
    assert daily.returncode == 0, daily.stderr[-3000:]
    run = rows(db, "crawl_runs")[-1]
    assert run["requests"] == sum(requests.values()) == minimum_requests(7, discovery=True)
    assert requests["/"] == 1 and run["start_url"] == server.start_url
    assert (run["articles_new"], run["walk_stop"], run["gapless"]) == (7, "known", 1)
    assert {a.article_id for a in published} <= set(stored_articles(db))


def test_search_and_tags_stay_in_step_with_updates(tmp_path):
    db_path = tmp_path / "elections.db"
    with ReplicaServer(ReplicaSite(articles=30, seed=4)) as server:
        site = server.site
        assert crawl("-a", f"start_url={server.start_url}", db=db_path).returncode == 0
        assert search(db_path, '"This article was updated"') == []
        edited = site.edit(1)
        days = (datetime.now(UTC) - site.articles[3].published).days + 1
        assert crawl("-a", f"start_url={server.start_url}", "-a", f"refresh={days}", db=db_path).returncode == 0
    assert search(db_path, '"This article was updated"') == [edited.article_id]
    fts_integrity_check(db_path)
    with sqlite3.connect(db_path) as db:
        links = sorted(db.execute("select article_id, tag from article_tags").fetchall())
        from_json = sorted(db.execute("select article_id, value from articles, json_each(articles.tags)").fetchall())
    assert links == from_json and links
