"""End to end: the real Scrapy engine, over HTTP, against the replica."""

import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import (
    CHANNEL_REQUESTS,
    ROOT,
    counters,
    crawl,
    listing_rereads,
    minimum_requests,
    mismatches,
    rows,
    stored_articles,
)
from replica.pages import CARDS_PER_PAGE, LISTING_PATH, SIDEBAR_PATHS


def requests_during(site: ReplicaSite, action) -> tuple[object, Counter]:
    before = Counter(site.requests)
    result = action()
    return result, Counter(site.requests) - before


def listing_requests(requests: Counter) -> list[str]:
    return sorted((t for t in requests if t.startswith(LISTING_PATH)), key=lambda t: (len(t), t))


def test_crawl_finds_the_section_and_stores_every_article_once_as_the_ground_truth(replica, tmp_path):
    db = tmp_path / "data" / "elections.db"
    feed = tmp_path / "items.jsonl"
    result, requests = requests_during(
        replica.site, lambda: crawl("-O", str(feed), db=db, ELECTIONS_SITE_URL=replica.home_url)
    )
    assert result.returncode == 0, result.stderr[-3000:]

    expected = replica.site.expected_items(replica.base_url)
    stored = stored_articles(db)
    assert len(rows(db, "articles")) == 200
    # Every design and every id form is in the replica, and was read.
    assert {a["layout"] for a in expected.values()} == {"en_inform", "legacy", "current", "redesign2026"}
    assert any(a.layout == "redesign2026" and id_form(a.article_id) == "_a<digits>" for a in replica.site.articles)
    assert {id_form(a) for a in expected} == {"_a<digits>", "6 hex", "8 hex", "slug"}
    assert any(a.breadcrumb != "Elections" for a in replica.site.articles if a.layout == "redesign2026")
    assert mismatches(stored, expected) == {}
    assert all(row["section"] == "Elections" and row["lang"] == "en" for row in stored.values())
    started = datetime.now(UTC) - timedelta(minutes=10)
    for row in stored.values():
        text = "\0".join([row["title"], row["lead"] or "", row["body"]])
        assert row["content_hash"] == hashlib.sha256(text.encode()).hexdigest()
        assert datetime.fromisoformat(row["scraped_at"]) > started
    assert rows(db, "dropped_items") == []
    [run] = rows(db, "crawl_runs")
    assert (run["status"], run["healthy"], run["start_url"]) == ("ok", 1, replica.start_url)
    assert (run["listing_complete"], run["gapless"], run["walk_stop"]) == (1, 1, "end")

    # Each article fetched once, at its canonical URL; robots.txt and the home page first; 10
    # listing pages and the empty 11th and 12th that end the listing, pages 1 to 9 read again
    # once the next is read (has the listing moved up?); no sidebar card.
    article_paths = {a.path for a in replica.site.articles}
    assert {t: n for t, n in requests.items() if t in article_paths} == dict.fromkeys(article_paths, 1)
    # robots.txt twice: Scrapy's robots middleware, then the second channel for its Sitemap lines
    assert (requests["/robots.txt"], requests["/"]) == (2, 1)
    assert listing_requests(requests) == [LISTING_PATH] + [f"{LISTING_PATH}?page={n}" for n in range(2, 13)]
    assert [requests[f"{LISTING_PATH}?page={n}"] for n in range(2, 13)] == [2] * 8 + [1] * 3
    assert not set(requests) & set(SIDEBAR_PATHS)
    assert sum(requests.values()) == 1 + 1 + 12 + listing_rereads(200) - 1 + 200 + CHANNEL_REQUESTS

    # Scrapy's feed export still works beside the database.
    exported = [json.loads(line) for line in feed.read_text().splitlines()]
    assert sorted(item["article_id"] for item in exported) == sorted(expected)


def id_form(article_id: str) -> str:
    if re.fullmatch(r"a\d+", article_id):
        return "_a<digits>"
    if re.fullmatch(r"[0-9a-f]{6}|[0-9a-f]{8}", article_id):
        return f"{len(article_id)} hex"
    return "slug"


def test_with_the_topic_rule_off_a_section_found_nowhere_fails_the_run_with_one_line(tmp_path):
    db = tmp_path / "elections.db"
    with ReplicaServer(ReplicaSite(articles=20, seed=3, section_in_menu=False)) as server:
        result, requests = requests_during(
            server.site, lambda: crawl(db=db, ELECTIONS_SITE_URL=server.home_url, ELECTIONS_TOPIC_RULE="off")
        )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1, result.stderr[-3000:]
    assert "section 'Elections' not found: no menu link of that name" in errors[0]
    assert "(it links to: Kazakhstan, Politics, Economy" in errors[0]
    assert "set ELECTIONS_SECTION" in errors[0] and "ELECTIONS_START_URL" in errors[0]
    assert "Traceback" not in result.stderr
    doors = {"/robots.txt", "/", "/sitemap", "/tags"}  # every door tried, and three articles' pages, no more
    article_paths = {a.path for a in server.site.articles}
    assert doors <= set(requests) and len(set(requests) - doors) == 3 and set(requests) - doors <= article_paths
    assert f"nor on the site map page ({server.base_url}/sitemap), nor on the tags page" in errors[0]
    [run] = rows(db, "crawl_runs")
    assert (run["status"], run["healthy"], run["finish_reason"], run["start_url"]) == (
        "failed",
        0,
        "section_not_found",
        None,
    )
    assert run["health_problems"].startswith("section 'Elections' not found: no menu link of that name")
    assert rows(db, "articles") == []


@pytest.mark.parametrize(
    "place, door", [("site map", "site map page"), ("tags", "tags page"), ("article", "article page")]
)
def test_a_section_only_on_the_site_map_or_tags_page_is_found_there(tmp_path, place, door):
    """The header menu of today's template has no Elections entry (docs/site.md): the section
    is looked for behind the footer's "Site map" and "Tags" pages, in that order."""
    db = tmp_path / "elections.db"
    with ReplicaServer(ReplicaSite(articles=40, seed=3, section_at=place)) as server:
        first = crawl(db=db, ELECTIONS_SITE_URL=server.home_url)
        assert first.returncode == 0, first.stderr[-3000:]
        before = dict(server.site.requests)
        # Issue 32: the article pages read as doors were fetched again by the walk.
        assert {before[a.path] for a in server.site.articles} == {1}
        again = crawl(db=db, ELECTIONS_SITE_URL=server.home_url)
        article_paths = {a.path for a in server.site.articles}
        fetched_again = {t for t, n in server.site.requests.items() if t in article_paths and n > before.get(t, 0)}
        expected = server.site.expected_items(server.base_url)
    assert again.returncode == 0 and fetched_again == set()
    assert mismatches(stored_articles(db), expected) == {}
    runs = rows(db, "crawl_runs")
    assert [(run["listing_found_by"], run["start_url"]) for run in runs] == [(door, server.start_url)] * 2


def test_with_no_section_anywhere_the_topic_rule_selects_from_the_all_news_feed(tmp_path):
    """No door leads to an Elections listing: the all-news feed is walked, back to its floor
    on the first run, and each article is judged by the topic rule (crawler/topic.py). Hard
    negatives ("candidate master", "vaccination campaign" ...) are among the other news."""
    db = tmp_path / "elections.db"
    site = ReplicaSite(articles=60, seed=3, section_at="none", other_news=100)
    years = {"ELECTIONS_TOPIC_FIRST_DAYS": "730"}
    with ReplicaServer(site) as server:
        first, requests = requests_during(site, lambda: crawl(db=db, ELECTIONS_SITE_URL=server.home_url, **years))
        floor = site.all_news()[0].published - timedelta(days=730)
        recent = {a.article_id for a in site.all_news() if a.published >= floor}
        expected = {i: item for i, item in site.expected_items(server.base_url).items() if i in recent}
        negatives = {a.article_id: a for a in site.other_news if a.article_id in recent}
        assert first.returncode == 0, first.stderr[-3000:]
        assert "Walking the all-news feed" in first.stderr and "Traceback" not in first.stderr
        assert {a.kind for a in negatives.values()} == {"other", "hard negative"} and len(expected) >= 5
        assert mismatches(stored_articles(db), expected) == {}
        verdicts = {row["article_id"]: row for row in rows(db, "topic_verdicts")}
        assert {i for i, v in verdicts.items() if v["selected"]} == set(expected)
        assert {i for i, v in verdicts.items() if not v["selected"]} == set(negatives)
        assert {(v["listing_url"], v["rule_version"], v["lang"]) for v in verdicts.values()} == {
            (server.base_url + "/lenta", 2, "en")  # judged in English, by rule 2
        }
        assert all(v["score"] >= 5 for v in verdicts.values() if v["selected"])
        assert all(v["reason"].startswith("score ") for v in verdicts.values())
        # Rejected pages are kept, for a changed rule; nothing older than the floor was fetched.
        assert {r["article_id"] for r in rows(db, "raw_pages")} == recent
        fetched = {a.article_id for a in site.all_news() if requests[a.path]}
        assert fetched == recent
        [run] = rows(db, "crawl_runs")
        assert (run["listing_found_by"], run["start_url"], run["walk_stop"], run["gapless"]) == (
            "all-news feed",
            server.base_url + "/lenta",
            "floor",
            1,
        )
        assert (counters(run)["topic/selected"], counters(run)["topic/rejected"]) == (len(expected), len(negatives))
        assert (run["status"], run["healthy"]) == ("ok", 1)

        # The next day: what is new is fetched once; nothing rejected or stored is fetched again.
        new = site.publish(3) + site.publish_other_news(4)
        again, requests = requests_during(site, lambda: crawl(db=db, ELECTIONS_SITE_URL=server.home_url, **years))
    assert again.returncode == 0, again.stderr[-3000:]
    assert {t for t in requests if t.startswith("/news/") or t.startswith("/en/")} == {a.path for a in new}
    assert sum(requests.values()) == minimum_requests(7, discovery=True)
    assert set(stored_articles(db)) == set(expected) | {a.article_id for a in new[:3]}
    assert len(rows(db, "topic_verdicts")) == len(recent) + 7


def test_a_maintenance_page_for_a_home_page_is_the_site_down_not_a_missing_section(tmp_path):
    db = tmp_path / "elections.db"
    with ReplicaServer(ReplicaSite(articles=20, seed=3)) as server:
        server.site.add_fault("maintenance", "^/$")
        result = crawl(db=db, ELECTIONS_SITE_URL=server.home_url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [run] = rows(db, "crawl_runs")
    assert run["health_problems"] == (
        f"site unreachable at {server.home_url} (HTTP 200, a page that links to no listing: maintenance, "
        "or no home page): no listing page with cards was read"
    )
    assert "ELECTIONS_SECTION" not in result.stderr


def test_the_2023_listing_design_is_read_too(tmp_path):
    db = tmp_path / "elections.db"
    with ReplicaServer(ReplicaSite(articles=40, seed=5, listing_design="2023")) as server:
        result = crawl("-a", f"start_url={server.start_url}", db=db)
        expected = server.site.expected_items(server.base_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert mismatches(stored_articles(db), expected) == {}


def test_max_pages_stops_the_walk_after_that_many_listing_pages(replica, tmp_path):
    db = tmp_path / "elections.db"
    result, requests = requests_during(
        replica.site, lambda: crawl("-a", f"start_url={replica.start_url}", "-a", "max_pages=2", db=db)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    newest = {a.article_id for a in replica.site.articles[: 2 * CARDS_PER_PAGE]}
    assert set(stored_articles(db)) == newest
    assert listing_requests(requests) == [LISTING_PATH, f"{LISTING_PATH}?page=2"]


def test_since_stops_at_older_cards(replica, tmp_path):
    db = tmp_path / "elections.db"
    boundary = replica.site.articles[45].published  # on listing page 3
    since = boundary.date().isoformat()
    result, requests = requests_during(
        replica.site, lambda: crawl("-a", f"start_url={replica.start_url}", "-a", f"since={since}", db=db)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    wanted = {a.article_id for a in replica.site.articles if a.published.date() >= boundary.date()}
    assert set(stored_articles(db)) == wanted
    assert 45 < len(wanted) < 60
    assert listing_requests(requests) == [LISTING_PATH, f"{LISTING_PATH}?page=2", f"{LISTING_PATH}?page=3"]


DEFECTS = {2: "no title", 4: "no body", 6: "bad date", 8: "unknown layout", 37: "no body"}


def test_broken_pages_are_recorded_with_url_and_reason(tmp_path):
    site = ReplicaSite(articles=40, seed=7, defects=DEFECTS)
    db = tmp_path / "elections.db"
    with ReplicaServer(site) as server:
        result = crawl("-a", f"start_url={server.start_url}", db=db)
    assert result.returncode == 1, result.stderr[-3000:]  # partial and unhealthy
    assert mismatches(stored_articles(db), site.expected_items(server.base_url)) == {}
    assert len(rows(db, "articles")) == 40 - len(DEFECTS) + 1  # the unknown design, read by trafilatura
    reasons = {
        2: "missing title",
        4: "missing body",
        6: "missing published_at",
        37: "missing body",
    }
    assert {site.articles[n].layout for n in DEFECTS} == {"en_inform", "redesign2026", "current"}
    dropped = {
        (r["url"], r["article_id"], r["reason"], r["status"], r["attempts"], r["run_id"])
        for r in rows(db, "dropped_items")
    }
    assert dropped == {
        (server.base_url + site.articles[n].path, site.articles[n].article_id, reason, "pending", 1, 1)
        for n, reason in reasons.items()
    }
    [run] = rows(db, "crawl_runs")
    assert counters(run)["validate/dropped/missing_body"] == 2
    assert (run["status"], run["articles_new"], run["articles_pending"]) == ("partial", 36, 4)
    assert run["healthy"] == 0
    assert run["health_problems"].startswith("1 page(s) in an unknown design, stored as read by the generic extractor")


@pytest.mark.parametrize(
    "argument, message",
    [
        ("since=yesterday", "since must be a date written YYYY-MM-DD, got 'yesterday'"),
        ("since=2024-02-31", "since must be a date written YYYY-MM-DD, got '2024-02-31'"),
        ("max_pages=-1", "max_pages must be a whole number of at least 1, got '-1'"),
        ("max_pages=two", "max_pages must be a whole number of at least 1, got 'two'"),
        ("start_url=ftp://example.org/x", "start_url must be an http(s) URL, got 'ftp://example.org/x'"),
        ("maxpages=3", "unknown spider argument maxpages; known: start_url, max_pages, since, mode, refresh, url"),
        ("url=https://qazinform.com/category/elections_s5", "url must be an article's URL"),
        ("mode=fast", "mode must be one of incremental, full, got 'fast'"),
        ("refresh=0", "refresh must be a whole number of at least 1 and at most 36500, got '0'"),
    ],
)
def test_a_bad_argument_stops_before_anything_is_fetched_or_written(replica, tmp_path, argument, message):
    db = tmp_path / "data" / "elections.db"
    result, requests = requests_during(
        replica.site, lambda: crawl("-a", f"start_url={replica.start_url}", "-a", argument, db=db)
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert errors[0] == result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr
    assert not db.parent.exists()
    assert sum(requests.values()) == 0


def test_a_wrong_spider_name_is_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "election"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["scrapy crawl election: error: no spider named 'election'; known: elections"]


def test_scrapy_list_names_the_spider():
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.split() == ["elections"]


def test_a_section_that_disappears_is_news_once_and_the_feed_stands_in(tmp_path):
    """Issue 32: after the site's section went (`section none`), the next run switched to
    the all-news feed, stayed "ok, healthy", and only a WARNING line said so."""
    db = tmp_path / "elections.db"
    site = ReplicaSite(articles=20, seed=3, other_news=10)
    with ReplicaServer(site) as server:
        found = crawl(db=db, ELECTIONS_SITE_URL=server.home_url)
        site.section_at = "none"
        lost = crawl(db=db, ELECTIONS_SITE_URL=server.home_url, ELECTIONS_TOPIC_FIRST_DAYS="3650")
        after = crawl(db=db, ELECTIONS_SITE_URL=server.home_url, ELECTIONS_TOPIC_FIRST_DAYS="3650")
    assert (found.returncode, lost.returncode, after.returncode) == (0, 1, 0), lost.stderr[-3000:]
    runs = rows(db, "crawl_runs")
    assert [(r["listing_found_by"], r["status"], r["healthy"]) for r in runs] == [
        ("menu", "ok", 1),
        ("all-news feed", "ok", 0),  # unhealthy: the alert runs, the exit status is 1
        ("all-news feed", "ok", 1),  # told once
    ]
    assert runs[1]["health_problems"] == (
        f"the section is lost: its listing ({server.start_url}, found behind the menu by run 1) is behind no door now; "
        "this run walked the all-news feed instead, keeping what the topic rule selects (docs/topic-rule.md)"
    )
