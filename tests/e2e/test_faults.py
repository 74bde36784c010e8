"""A hostile web, over HTTP: each fault of the README's table, and what the crawler does.

Every run here also checks what must hold whatever the fault: the crawl's exit status tells
the truth about its recorded run (0 only when ok and healthy), no traceback reaches the log,
and every stored article equals the replica's ground truth (so no empty or placeholder
title, body or date is ever stored)."""

import re
import signal
import sqlite3
import subprocess
from collections import Counter

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import (
    CHANNEL_REQUESTS,
    ROOT,
    counters,
    crawl,
    crawl_command,
    exit_code_of,
    mismatches,
    rows,
    stored_articles,
)
from replica.pages import LISTING_PATH

FAST_FAILURES = {"RETRY_TIMES": "1", "DOWNLOAD_TIMEOUT": "2"}


class Hostile:
    """A replica with faults, a database, and the runs against them."""

    def __init__(self, server: ReplicaServer, db):
        self.server, self.site, self.db = server, server.site, db
        self.base = server.base_url

    def run(self, *arguments: str, **settings: str) -> dict:
        result = crawl(
            "-a", f"start_url={self.server.start_url}", *arguments, db=self.db, **{**FAST_FAILURES, **settings}
        )
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        self.log = result.stderr
        stored = stored_articles(self.db)
        expected = self.site.expected_items(self.base)
        assert mismatches(stored, {k: v for k, v in expected.items() if k in stored}) == {}
        run = rows(self.db, "crawl_runs")[-1]
        assert result.returncode == exit_code_of(run), (run, result.stderr[-3000:])
        return run

    def failures(self) -> dict[str, tuple]:
        """dropped_items as path -> (reason, status)."""
        return {r["url"].removeprefix(self.base): (r["reason"], r["status"]) for r in rows(self.db, "dropped_items")}

    def stored_ids(self) -> set[str]:
        return set(stored_articles(self.db))

    def all_ids(self) -> set[str]:
        return {a.article_id for a in self.site.articles}


@pytest.fixture
def hostile(tmp_path):
    with ReplicaServer(ReplicaSite(articles=40, seed=31)) as server:
        yield Hostile(server, tmp_path / "elections.db")


@pytest.fixture
def other_site():
    """Another host, whose requests are counted: the crawl must never reach it."""
    with ReplicaServer(ReplicaSite(articles=1, seed=2), host="127.0.0.2") as server:
        yield server


def test_transient_server_errors_are_retried_within_the_run(hostile):
    broken = [hostile.site.articles[n] for n in (2, 5, 9)]
    for article, status in zip(broken, (500, 502, 503), strict=False):
        hostile.site.add_fault("status", f"^{article.path}$", status, times=1)
    run = hostile.run()
    assert hostile.stored_ids() == hostile.all_ids()
    assert [hostile.site.requests[a.path] for a in broken] == [2, 2, 2]
    assert (run["status"], run["responses_5xx"], run["healthy"]) == ("ok", 3, 1)


def test_a_server_error_that_lasts_leaves_the_page_pending(hostile):
    article = hostile.site.articles[4]
    hostile.site.fail(article, 502)
    run = hostile.run()
    assert hostile.site.requests[article.path] == 2  # RETRY_TIMES=1
    assert hostile.failures() == {article.path: ("HTTP 502", "pending")}
    assert run["status"] == "partial"


@pytest.mark.parametrize("status", [404, 410])
def test_not_found_and_gone_are_not_retried_and_are_recorded(hostile, status):
    article = hostile.site.articles[6]
    hostile.site.fail(article, status)
    hostile.run()
    assert hostile.site.requests[article.path] == 1
    assert hostile.failures() == {article.path: (f"HTTP {status}", "pending")}
    assert hostile.stored_ids() == hostile.all_ids() - {article.article_id}


def test_too_many_requests_waits_for_retry_after(hostile):
    article = hostile.site.articles[3]
    hostile.site.add_fault("throttle", f"^{article.path}$", 2, times=1)
    run = hostile.run()
    first, second = hostile.site.request_times[article.path]
    assert second - first >= 2.0  # the crawler waited as the server asked
    assert hostile.stored_ids() == hostile.all_ids()
    assert run["responses_4xx"] == 1 and counters(run)["elections/retry_after_waits"] == 1


def test_a_timeout_is_retried_then_left_pending(hostile):
    article = hostile.site.articles[7]
    hostile.site.add_fault("hang", f"^{article.path}$", 4)
    hostile.run()
    assert hostile.site.requests[article.path] == 2
    assert hostile.failures() == {article.path: ("timeout", "pending")}


def test_a_slow_drip_within_the_timeout_is_stored(hostile):
    article = hostile.site.articles[8]
    hostile.site.add_fault("drip", f"^{article.path}$", 1.5)
    hostile.run(DOWNLOAD_TIMEOUT="10")
    assert hostile.site.requests[article.path] == 1
    assert hostile.stored_ids() == hostile.all_ids()


def test_a_connection_cut_mid_body_is_retried_then_left_pending(hostile):
    cut_once, cut_always = hostile.site.articles[1], hostile.site.articles[11]
    hostile.site.add_fault("cut", f"^{cut_once.path}$", times=1)
    hostile.site.add_fault("cut", f"^{cut_always.path}$")
    hostile.run()
    assert cut_once.article_id in hostile.stored_ids()
    [(reason, status)] = hostile.failures().values()
    assert hostile.failures().keys() == {cut_always.path} and status == "pending"
    assert "ResponseFailed" in reason or "DataLoss" in reason


def test_a_truncated_page_is_retried_then_left_pending(hostile):
    truncated_once, truncated = hostile.site.articles[12], hostile.site.articles[13]
    hostile.site.add_fault("truncate", f"^{truncated_once.path}$", times=1)
    hostile.site.add_fault("truncate", f"^{truncated.path}$")
    hostile.run()
    assert truncated_once.article_id in hostile.stored_ids()
    assert hostile.failures() == {truncated.path: ("IgnoreRequest: truncated page (no </html>)", "pending")}


def test_redirect_chains_are_followed_and_loops_recorded(hostile):
    moved, looping = hostile.site.articles[14], hostile.site.articles[15]
    moved.listing_href = "/news/moved-story"
    hostile.site.add_fault("redirect", "^/news/moved-story$", "/news/moved-story-again")
    hostile.site.add_fault("redirect", "^/news/moved-story-again$", moved.path)
    looping.listing_href = "/news/loop-one"
    hostile.site.add_fault("redirect", "^/news/loop-one$", "/news/loop-two")
    hostile.site.add_fault("redirect", "^/news/loop-two$", "/news/loop-one")
    hostile.run()
    assert moved.article_id in hostile.stored_ids()  # stored under its final, canonical URL
    assert hostile.failures() == {"/news/loop-one": ("redirect loop", "pending")}
    assert (hostile.site.requests["/news/loop-one"], hostile.site.requests["/news/loop-two"]) == (1, 1)


@pytest.mark.parametrize("discovery", [False, True], ids=["start_url", "home page read"])
def test_an_article_redirected_to_the_home_page_is_a_failure_and_stops_nothing(hostile, discovery):
    """A removed article sent to the home page: read there, it has no id (its raw page once
    broke every batch); with the home page read first, Scrapy drops the repeat request."""
    to_home, to_tracked_home = hostile.site.articles[3], hostile.site.articles[8]
    hostile.site.add_fault("redirect", f"^{to_home.path}$", "/")
    hostile.site.add_fault("redirect", f"^{to_tracked_home.path}$", "/?utm_source=removed")
    settings = {"ELECTIONS_SITE_URL": hostile.base + "/", "ELECTIONS_START_URL": ""} if discovery else {}
    result = crawl(
        *([] if discovery else ["-a", f"start_url={hostile.server.start_url}"]),
        db=hostile.db,
        **FAST_FAILURES,
        **settings,
    )
    assert "Traceback" not in result.stderr and result.returncode == 0  # gone articles: the site's doing
    assert hostile.stored_ids() == hostile.all_ids() - {to_home.article_id, to_tracked_home.article_id}
    home = hostile.base + "/"
    assert hostile.failures() == {
        to_home.path: (f"redirected to {home}, which is no article page", "pending"),
        to_tracked_home.path: (
            f"redirected to {home}?utm_source=removed, which is no article page",
            "pending",
        ),
    }
    [run] = rows(hostile.db, "crawl_runs")
    assert (run["status"], run["healthy"], run["articles_new"], run["articles_pending"]) == ("ok", 1, 38, 2)
    assert "could not be written" not in (run["health_problems"] or "")
    hostile.site.publish(5)  # the next run stores what is new, the two still pending
    result = crawl("-a", f"start_url={hostile.server.start_url}", db=hostile.db, **FAST_FAILURES)
    assert hostile.stored_ids() == hostile.all_ids() - {to_home.article_id, to_tracked_home.article_id}
    assert rows(hostile.db, "crawl_runs")[-1]["articles_new"] == 5


def test_cards_under_a_new_article_url_form_are_stored_or_raise_an_alarm(hostile):
    """Cards the crawler would skip as 'no article' once made a healthy run that stored nothing."""
    with_id = [
        hostile.site.move(n, f"/en/article/moved-story-{n}-{hostile.site.articles[n].article_id}") for n in (0, 1)
    ]
    without_id = hostile.site.move(2, "/en/story/a-story-with-no-id")
    run = hostile.run()
    assert {a.article_id for a in with_id} <= hostile.stored_ids()
    assert hostile.stored_ids() == hostile.all_ids() - {without_id.article_id}
    assert (run["status"], run["healthy"], run["gapless"]) == ("partial", 0, 0)
    assert run["health_problems"].startswith(
        "1 listing card(s) link to URLs the crawler does not take for articles "
        f"(first: {hostile.base}/en/story/a-story-with-no-id): the site may have changed its article URLs"
    )


def test_a_redirect_to_another_domain_is_not_followed(hostile, other_site):
    article = hostile.site.articles[16]
    hostile.site.add_fault("redirect", f"^{article.path}$", f"{other_site.base_url}/news/elsewhere-0a0a0a")
    hostile.run()
    assert sum(other_site.site.requests.values()) == 0
    where = other_site.base_url.removeprefix("http://")
    assert hostile.failures() == {article.path: (f"redirect to another site ({where})", "pending")}


def test_a_redirect_to_a_file_or_data_url_is_recorded_as_such(hostile):
    to_file, to_data = hostile.site.articles[18], hostile.site.articles[19]
    hostile.site.add_fault("redirect", f"^{to_file.path}$", "file:///etc/passwd")
    hostile.site.add_fault("redirect", f"^{to_data.path}$", "data:text/html,<html>x</html>")
    hostile.run()
    assert hostile.failures() == {
        to_file.path: ("HTTP 301, a redirect not followed, to file:///etc/passwd", "pending"),
        to_data.path: ("HTTP 301, a redirect not followed, to data:text/html,<html>x</html>", "pending"),
    }


def test_a_page_nested_deeper_than_the_parser_reads_is_recorded_not_lost(hostile):
    deep, shallow = hostile.site.articles[20], hostile.site.articles[21]
    hostile.site.add_fault("deep", f"^{deep.path}$", 2500)
    hostile.site.add_fault("deep", f"^{shallow.path}$", 1000)
    hostile.run()
    [(reason, status)] = hostile.failures().values()
    assert hostile.failures().keys() == {deep.path} and status == "pending"
    assert re.fullmatch(r"IgnoreRequest: page nested deeper than the parser reads \(25\d\d levels of <div>\)", reason)
    assert shallow.article_id in hostile.stored_ids()  # and equal to its ground truth, as run() checks


def test_a_response_over_the_size_limit_is_cancelled(hostile):
    article = hostile.site.articles[17]
    hostile.site.add_fault("huge", f"^{article.path}$", 3 * 1024 * 1024)
    hostile.run(DOWNLOAD_MAXSIZE=str(1024 * 1024), DOWNLOAD_WARNSIZE="0")
    [(reason, _status)] = hostile.failures().values()
    assert "maxsize" in reason.lower() or "max size" in reason.lower() or "cancel" in reason.lower(), reason
    assert hostile.stored_ids() == hostile.all_ids() - {article.article_id}


@pytest.mark.parametrize("declared", ["header", "meta", "none"])
def test_a_windows_1251_page_is_read_right(hostile, declared):
    def non_ascii(article):
        item = article.expected_item(hostile.base)
        return not f"{item['title']}{item['body']}{item['author']}".isascii()

    article = next(a for a in hostile.site.articles if non_ascii(a))
    hostile.site.add_fault("cp1251", f"^{article.path}$", declared)
    hostile.run()
    assert article.article_id in hostile.stored_ids()  # and equal to the truth, as run() checks


def test_invalid_markup_is_read_right(hostile):
    legacy = next(a for a in hostile.site.articles if a.layout == "legacy")
    current = next(a for a in hostile.site.articles if a.layout == "current")
    for article in (legacy, current):
        hostile.site.add_fault("invalid", f"^{article.path}$")
    hostile.run()
    assert {legacy.article_id, current.article_id} <= hostile.stored_ids()


def test_pages_without_title_body_or_real_date_are_never_stored(tmp_path):
    defects = {1: "no title", 3: "no body", 5: "bad date", 7: "word date", 30: "no title"}
    with ReplicaServer(ReplicaSite(articles=40, seed=31, defects=defects)) as server:
        hostile = Hostile(server, tmp_path / "elections.db")
        hostile.run()
        reasons = {
            server.site.articles[n].path: reason
            for n, reason in {
                1: "missing title",
                3: "missing body",
                5: "missing published_at",
                7: "missing published_at",
                30: "missing title",
            }.items()
        }
        assert hostile.failures() == {path: (reason, "pending") for path, reason in reasons.items()}
        assert len(hostile.stored_ids()) == 35


def test_an_empty_listing_page_is_not_taken_for_the_end(tmp_path):
    with ReplicaServer(ReplicaSite(articles=60, seed=31)) as server:
        hostile = Hostile(server, tmp_path / "elections.db")
        server.site.add_fault("empty", rf"^{LISTING_PATH}\?page=2$", times=1)
        first = hostile.run()
        assert (first["listing_complete"], "Listing page 2 had no cards but page 3 has" in hostile.log) == (0, True)
        # Pages 1 and 3 were walked; page 2's articles, as new as those, the feeds and sitemaps list.
        assert hostile.stored_ids() == hostile.all_ids()
        assert (first["articles_new"], first["walk_missed"]) == (60, 20)
        second = hostile.run()  # the walk was never complete, so it goes to the end again
        assert (second["articles_new"], second["walk_missed"], second["listing_complete"]) == (0, 0, 1)


def test_noise_in_the_listing_is_never_requested(tmp_path):
    with ReplicaServer(ReplicaSite(articles=40, seed=31, noisy_listing=True)) as server:
        hostile = Hostile(server, tmp_path / "elections.db")
        run = hostile.run()
        assert hostile.stored_ids() == hostile.all_ids()
        article_requests = [n for t, n in server.site.requests.items() if t in server.site.by_path]
        assert len(article_requests) == 40 and set(article_requests) == {1}  # the repeated card: once
        assert not [t for t in server.site.requests if t.startswith(("/category/politics", "/tags/"))]
        assert counters(run)["elections/cards_skipped"] == 12  # 6 links on each of 2 pages
        assert not [t for t in server.site.requests if "another-port" in t]
        assert "offsite/filtered" not in hostile.log and hostile.failures() == {}
        # page 1 read again after page 2: its last card was new; then the second channel
        assert run["requests"] == 1 + 4 + 1 + 40 + CHANNEL_REQUESTS


def test_a_redesigned_page_is_read_by_the_fallback_and_flagged(tmp_path):
    defects = {n: "redesign" for n in (0, 2, 4, 6, 8)}
    with ReplicaServer(ReplicaSite(articles=40, seed=31, defects=defects)) as server:
        hostile = Hostile(server, tmp_path / "elections.db")
        run = hostile.run()
        assert hostile.stored_ids() == hostile.all_ids()
        layouts = {r["article_id"]: r["layout"] for r in rows(hostile.db, "articles")}
        assert {layouts[server.site.articles[n].article_id] for n in defects} == {"fallback"}
        assert run["healthy"] == 0
        assert "layout drift: 5 of 40 article pages in no known layout" in run["health_problems"]


@pytest.mark.parametrize("trial", range(10))
def test_a_crawl_killed_mid_crawl_loses_and_duplicates_nothing(tmp_path, trial):
    """SIGKILL the moment the replica serves the Nth article request of the crawl, N from 12 to
    102 of 120, while batches of 7 are being written: the kill always lands mid-crawl."""
    with ReplicaServer(ReplicaSite(articles=120, seed=100 + trial)) as server:
        hostile = Hostile(server, tmp_path / "elections.db")
        command = crawl_command("-a", f"start_url={server.start_url}", db=hostile.db, ELECTIONS_DB_BATCH_SIZE="7")
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server.site.after_requests(
            lambda target: target in server.site.by_path, 12 + 10 * trial, lambda: process.send_signal(signal.SIGKILL)
        )
        process.wait(timeout=120)
        assert process.returncode == -signal.SIGKILL
        with sqlite3.connect(hostile.db) as db:
            assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        [killed] = rows(hostile.db, "crawl_runs")
        assert (killed["status"], killed["finished_at"]) == ("running", None)  # it never got to close
        stored = stored_articles(hostile.db)  # nothing half-written
        assert len(stored) < 12 + 10 * trial
        assert without_raw_page(hostile.db) == []  # an article and its raw page are written together
        expected = server.site.expected_items(server.base_url)
        assert mismatches(stored, {k: v for k, v in expected.items() if k in stored}) == {}
        hostile.run()
        assert hostile.stored_ids() == hostile.all_ids()
        assert len(rows(hostile.db, "articles")) == 120
        runs = rows(hostile.db, "crawl_runs")
        assert [(r["status"], r["finish_reason"]) for r in runs] == [("failed", "killed"), ("ok", "finished")]
        stored_by = Counter(row["run_id"] for row in rows(hostile.db, "articles"))
        assert [r["articles_new"] for r in runs] == [stored_by[r["id"]] for r in runs]  # the killed one keeps its count
        assert without_raw_page(hostile.db) == []


def without_raw_page(db) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [
            row[0]
            for row in connection.execute(
                "select article_id from articles where article_id not in (select article_id from raw_pages)"
            )
        ]


def test_three_runs_over_an_unchanged_site_leave_the_same_rows(hostile):
    volatile = {"last_seen_at", "last_checked_at"}  # when each was last fetched

    def snapshot():
        tables = {}
        for table in ("articles", "article_versions", "dropped_items", "article_tags"):
            tables[table] = sorted(
                tuple(sorted((k, v) for k, v in row.items() if k not in volatile)) for row in rows(hostile.db, table)
            )
        return tables

    hostile.run()
    after_first = snapshot()
    hostile.run("-a", "refresh=10000")  # fetches every article again
    hostile.run("-a", "mode=full", "-a", "refresh=10000")
    assert snapshot() == after_first
    runs = rows(hostile.db, "crawl_runs")
    assert [(r["articles_new"], r["articles_updated"], r["articles_unchanged"]) for r in runs] == [
        (40, 0, 0),
        (0, 0, 40),
        (0, 0, 40),
    ]


def test_a_site_that_is_down_is_a_failed_run_without_tracebacks(tmp_path):
    with ReplicaServer(ReplicaSite(articles=1, seed=1)) as server:
        start_url = server.start_url  # the server is gone once this block ends
    result = crawl("-a", f"start_url={start_url}", db=tmp_path / "elections.db", RETRY_TIMES="0")
    assert result.returncode == 1  # the run failed
    assert "Traceback" not in result.stderr
    assert "Connection was refused" in result.stderr
    [run] = rows(tmp_path / "elections.db", "crawl_runs")
    assert (run["status"], run["healthy"]) == ("failed", 0)
    assert run["health_problems"].startswith(f"site unreachable at {start_url} (")
    assert run["health_problems"].endswith("Connection refused.): no listing page with cards was read")


@pytest.mark.parametrize("where, status", [("listing", 403), ("article", 503), ("article", 200)])
def test_a_bot_challenge_stops_the_run_and_the_next_clear_run_completes_the_archive(tmp_path, where, status):
    with ReplicaServer(ReplicaSite(articles=60, seed=31)) as server:
        hostile = Hostile(server, tmp_path / "elections.db")
        assert hostile.run()["gapless"] == 1
        new = server.site.publish(30)  # listing pages 1 and 2 now hold new articles
        challenged = f"{LISTING_PATH}?page=2" if where == "listing" else new[25].path
        server.site.add_fault("challenge", f"^{re.escape(challenged)}$", status)

        before = server.site.requests[challenged]
        blocked = hostile.run()
        assert server.site.requests[challenged] == before + 1  # detected, never retried
        assert (blocked["status"], blocked["healthy"], blocked["finish_reason"]) == ("partial", 0, "bot_challenge")
        assert (blocked["gapless"], blocked["listing_complete"]) == (0, 0)
        assert f"the site blocked the crawler with a bot challenge (HTTP {status}" in blocked["health_problems"]
        assert f"at {server.base_url}{challenged}: the crawl stopped" in blocked["health_problems"]
        if where == "article":
            assert hostile.failures()[challenged][0].startswith(f"bot challenge (HTTP {status}")
        assert hostile.stored_ids() < hostile.all_ids()

        server.site.faults.clear()
        clear = hostile.run()
        assert (clear["status"], clear["healthy"], clear["gapless"]) == ("ok", 1, 1)
        assert "the last run left a gap: the walk goes on to where the last complete walk began" in hostile.log
        assert hostile.stored_ids() == hostile.all_ids()
        assert len(rows(hostile.db, "articles")) == 90 and hostile.failures() == {}


def test_one_gone_article_makes_no_run_unhealthy_while_it_is_retried(hostile):
    """A removed article (404), retried first by each later run, once made 2-3 runs in a row
    'partial, UNHEALTHY (error rate 3 of 3)'; so did a typo in -a url=."""
    hostile.run()
    [removed] = hostile.site.publish(1)
    hostile.site.fail(removed, 404)
    typo = f"{hostile.base}/news/a-story-mistyped-0eb7f9"
    one = crawl("-a", f"url={typo}", db=hostile.db, ELECTIONS_SITE_URL=hostile.base + "/", **FAST_FAILURES)
    assert one.returncode == 1  # that article could not be had: said so
    for _ in range(3):
        run = hostile.run()
        assert (run["status"], run["healthy"]) == ("ok", 1), run["health_problems"]
    assert hostile.failures() == {
        removed.path: ("HTTP 404", "dropped"),  # given up after three runs
        "/news/a-story-mistyped-0eb7f9": ("HTTP 404", "dropped"),
    }


def test_many_gone_articles_are_an_alarm(hostile):
    for article in hostile.site.articles[:30]:
        hostile.site.fail(article, 404)
    run = hostile.run()
    assert run["healthy"] == 0
    assert "30 of 40 article pages are gone (HTTP 404 or 410" in run["health_problems"]


def test_a_card_under_an_old_url_that_redirects_is_known_after_its_article_is_stored(hostile):
    """An old 6-hex URL that 301s to its 8-hex one was fetched again on every run."""
    article = next(a for a in hostile.site.articles[:20] if len(a.article_id) == 8)
    old_path = "/news/the-same-story-under-its-old-id-0a1b2c"
    hostile.site.edit_fields(hostile.site.articles.index(article), listing_href=old_path)
    hostile.site.add_fault("redirect", f"^{old_path}$", article.path)
    first = hostile.run()
    assert article.article_id in hostile.stored_ids() and first["status"] == "ok"
    assert rows(hostile.db, "article_aliases") == [{"alias_id": "0a1b2c", "article_id": article.article_id}]
    second = hostile.run()
    assert hostile.site.requests[old_path] == 1  # known: not fetched again
    # robots.txt and listing page 1, whose cards are all known; then the second channel
    assert second["requests"] == 1 + 1 + CHANNEL_REQUESTS


def test_a_lone_surrogate_in_a_page_loses_nothing_and_is_stored_as_a_replacement_character(tmp_path):
    """Issue 29: a JSON-LD author opening with half an emoji ("\\udfff") failed the write of its
    whole batch, in every run: 0 of 5 stored. Every text is made valid where the page is read."""
    probe = ReplicaSite(articles=5, seed=29)
    positions = [n for n, a in enumerate(probe.articles) if a.author and a.layout in ("current", "redesign2026")]
    site = ReplicaSite(articles=5, seed=29, defects={positions[0]: "half emoji"})
    with ReplicaServer(site) as server:
        hostile = Hostile(server, tmp_path / "elections.db")
        run = hostile.run()
    assert (run["status"], run["healthy"], run["articles_new"]) == ("ok", 1, 5)
    cut = site.articles[positions[0]]
    assert stored_articles(hostile.db)[cut.article_id]["author"] == f"\ufffd {cut.author}"
    assert hostile.failures() == {}


def test_a_card_robots_txt_forbids_is_excluded_never_fetched_and_fails_no_run(hostile):
    """Issue 29: such a card was pending with "Forbidden by robots.txt", every run partial with
    exit 1 and an alert, until given up. The site's choice is no fault."""
    private = hostile.site.articles[7]
    hostile.site.disallowed.append(private.path)
    for _ in range(2):  # and in the next run, again
        run = hostile.run()
        assert (run["status"], run["healthy"]) == ("ok", 1), run["health_problems"]
        assert counters(run)["elections/robots_excluded"] == 1
    assert hostile.site.requests[private.path] == 0
    assert hostile.failures() == {}
    assert hostile.stored_ids() == hostile.all_ids() - {private.article_id}
