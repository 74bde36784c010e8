"""Edits and removals after publication, over HTTP against the replica: the crawl re-checks
stored articles as their age makes them due, with ELECTIONS_NOW moved forward between runs."""

import json
import signal
import sqlite3
import subprocess
from datetime import UTC, timedelta

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import ROOT, crawl, crawl_command, rows, stored_articles

DAY = timedelta(days=1)


def at(moment) -> str:
    return moment.isoformat(timespec="seconds")


class Newsroom:
    """A replica whose newest articles come out after the first run, and the runs over it."""

    def __init__(self, tmp_path, articles: int = 30, seed: int = 41):
        self.site = ReplicaSite(articles=articles, seed=seed)
        self.t1 = self.site.articles[0].published.astimezone(UTC)  # the first run: as its newest came out
        self.fresh = self.site.publish(6)  # an hour apart, after t1: each due a check a day later
        self.db = tmp_path / "elections.db"

    def run(self, server, now, *arguments: str, **settings) -> dict:
        result = crawl("-a", f"start_url={server.start_url}", *arguments, db=self.db, ELECTIONS_NOW=at(now), **settings)
        assert result.returncode in (0, 1), result.stderr[-3000:]
        return rows(self.db, "crawl_runs")[-1]

    def events(self) -> list[tuple[str, str, str | None]]:
        return [(e["article_id"], e["kind"], e["detail"]) for e in rows(self.db, "article_events")]

    def requests_of(self, article) -> int:
        return self.site.requests[article.path]


@pytest.fixture
def newsroom(tmp_path):
    room = Newsroom(tmp_path)
    with ReplicaServer(room.site) as server:
        room.server = server
        yield room


def test_edits_are_versioned_form_is_not_and_removals_are_events_that_keep_the_text(newsroom):
    site, server = newsroom.site, newsroom.server
    first = newsroom.run(server, newsroom.t1)
    assert (first["status"], first["rechecked"]) == ("ok", 0)  # nothing is due in a first run
    stored = stored_articles(newsroom.db)

    edited = site.edit_fields(0, title=site.articles[0].title + " after the recount")
    retouched = site.retouch(1)
    gone = {how: site.remove(position, how) for position, how in ((2, "404"), (3, "410"), (4, "error page"))}
    redirected = site.remove(5, "redirect")

    second = newsroom.run(server, newsroom.t1 + DAY)
    # the six fresh ones (their 6-hour point), and the one out at t1 (its 1-day point, just now)
    assert second["rechecked"] == 7 and second["status"] == "ok" and second["healthy"] == 1
    assert (second["articles_updated"], second["minor_edits"], second["removed"]) == (1, 1, 4)
    events = {(article_id, kind): detail for article_id, kind, detail in newsroom.events()}
    assert events == {
        (edited.article_id, "edited"): None,
        (retouched.article_id, "minor_edit"): None,
        (gone["404"].article_id, "removed"): "HTTP 404",
        (gone["410"].article_id, "removed"): "HTTP 410",
        (gone["error page"].article_id, "removed"): "the site's error page, HTTP 200",
        (redirected.article_id, "redirected"): f"sent to {server.base_url}/",
    }
    [change] = [e for e in rows(newsroom.db, "article_events") if e["kind"] == "edited"]
    assert (json.loads(change["fields"]), change["words_added"], change["words_removed"]) == (["title"], 3, 0)
    [version] = rows(newsroom.db, "article_versions")  # the edit's, and no more
    assert (version["article_id"], version["title"]) == (edited.article_id, stored[edited.article_id]["title"])
    after = stored_articles(newsroom.db)
    assert after[edited.article_id]["title"] == edited.title and after[edited.article_id]["version_count"] == 2
    assert after[retouched.article_id]["version_count"] == 1
    assert after[retouched.article_id]["body"].startswith(retouched.paragraphs[0].replace("  ", " ").split("!")[0])
    for article in [*gone.values(), redirected]:  # its text stays, marked removed
        kept = {k: v for k, v in after[article.article_id].items() if k not in ("removed_at", "last_checked_at")}
        assert kept == {
            k: v for k, v in stored[article.article_id].items() if k not in ("removed_at", "last_checked_at")
        }
        assert after[article.article_id]["removed_at"].startswith(at(newsroom.t1 + DAY)[:13])  # the crawl's clock

    site.restore(gone["404"])
    site.restore(redirected)
    third = newsroom.run(server, newsroom.t1 + 4 * DAY)  # the 3-day point of the fresh articles
    assert (third["restored"], third["removed"], third["articles_updated"]) == (2, 0, 0)
    restored = {article_id for article_id, kind, _ in newsroom.events() if kind == "restored"}
    assert restored == {gone["404"].article_id, redirected.article_id}
    now = stored_articles(newsroom.db)
    assert now[gone["404"].article_id]["removed_at"] is None and now[gone["410"].article_id]["removed_at"]
    counters = json.loads(third["counters"])
    assert counters["recheck/not_modified"] >= 1  # a page that sent validators and did not change: a 304
    assert len(rows(newsroom.db, "article_events")) == 8  # a removal still removed is no new event


def test_no_article_past_the_end_of_its_schedule_is_fetched_again(newsroom):
    site, server = newsroom.site, newsroom.server
    newsroom.run(server, newsroom.t1)
    for days in (1, 4, 8, 31, 91, 400, 800):
        newsroom.run(server, newsroom.t1 + days * DAY)
    old = [a for a in site.articles if a.published.astimezone(UTC) < newsroom.t1 - 365 * DAY]
    assert old and all(newsroom.requests_of(a) == 1 for a in old)
    checks = {a.article_id: newsroom.requests_of(a) for a in newsroom.fresh}
    assert set(checks.values()) == {1 + 6}  # stored, then the 1d, 3d, 7d, 30d, 90d and 365d points
    last = rows(newsroom.db, "crawl_runs")[-1]
    assert (last["rechecked"], last["status"]) == (0, "ok")  # 800 days on: nothing left to check


def test_recheck_off_fetches_no_stored_article_again(newsroom):
    newsroom.run(newsroom.server, newsroom.t1)
    run = newsroom.run(newsroom.server, newsroom.t1 + DAY, "-a", "recheck=off")
    assert run["rechecked"] == 0 and all(newsroom.requests_of(a) == 1 for a in newsroom.fresh)


def test_a_kill_during_the_rechecks_leaves_no_half_recorded_change(newsroom):
    site, server = newsroom.site, newsroom.server
    newsroom.run(server, newsroom.t1)
    for position in range(6):
        site.edit_fields(position, title=site.articles[position].title + " (updated)")
    fresh = {a.path for a in newsroom.fresh}
    command = crawl_command(
        "-a",
        f"start_url={server.start_url}",
        db=newsroom.db,
        ELECTIONS_NOW=at(newsroom.t1 + DAY),
        ELECTIONS_DB_BATCH_SIZE="1",
        CONCURRENT_REQUESTS_PER_DOMAIN="1",  # one re-check at a time, 0.2 s apart: those before the kill are written
        DOWNLOAD_DELAY="0.2",
    )
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site.after_requests(lambda target: target in fresh, 4, lambda: process.send_signal(signal.SIGKILL))
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(newsroom.db) as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    recorded = {article_id for article_id, kind, _ in newsroom.events() if kind == "edited"}
    versions = {v["article_id"] for v in rows(newsroom.db, "article_versions")}
    assert recorded == versions and 0 < len(recorded) < 6  # each change whole, with its version, or not at all
    newsroom.run(server, newsroom.t1 + DAY)
    edits = [article_id for article_id, kind, _ in newsroom.events() if kind == "edited"]
    assert sorted(edits) == sorted(a.article_id for a in newsroom.fresh)  # each once
    assert len(rows(newsroom.db, "article_versions")) == 6


def test_a_complete_walk_that_no_longer_lists_an_article_records_it_delisted(newsroom):
    site, server = newsroom.site, newsroom.server
    newsroom.run(server, newsroom.t1)
    [taken] = site.unlist(8)  # off the listing; its page still there
    partial = newsroom.run(server, newsroom.t1 + timedelta(minutes=5))  # stops at the first known page
    assert partial["listing_complete"] == 0 and newsroom.events() == []
    full = newsroom.run(server, newsroom.t1 + timedelta(minutes=10), "-a", "mode=full")
    assert full["listing_complete"] == 1
    assert newsroom.events() == [(taken.article_id, "delisted", server.start_url)]
    assert stored_articles(newsroom.db)[taken.article_id]["delisted_at"]
    newsroom.run(server, newsroom.t1 + timedelta(minutes=15), "-a", "mode=full")
    assert len(newsroom.events()) == 1  # once


def test_a_refresh_that_finds_a_stored_article_gone_records_a_removal_not_a_failure(newsroom):
    site, server = newsroom.site, newsroom.server
    newsroom.run(server, newsroom.t1)
    gone = site.remove(0, "410")
    run = newsroom.run(server, newsroom.t1 + timedelta(minutes=5), "-a", "refresh=1", "-a", "recheck=off")
    assert newsroom.events() == [(gone.article_id, "removed", "HTTP 410")]
    assert rows(newsroom.db, "dropped_items") == [] and run["removed"] == 1 and run["status"] == "ok"


@pytest.fixture
def other_site():
    """Another host, whose requests are counted: no re-check may reach it."""
    with ReplicaServer(ReplicaSite(articles=1, seed=2), host="127.0.0.2") as server:
        yield server


def test_a_stub_a_merged_story_and_a_move_to_another_site_are_each_recorded_once_and_fail_no_run(newsroom, other_site):
    """Issue 29: a stub that kept its title was a "missing body" failure in every later run; a
    re-check redirected to another stored article recorded nothing and was due every run; one
    redirected to another host stored that host's page as an Elections article."""
    site, server = newsroom.site, newsroom.server
    newsroom.run(server, newsroom.t1)
    stored = stored_articles(newsroom.db)
    stub = site.edit_fields(0, paragraphs=[])  # its title and lead, no text
    merged, into = site.articles[1], site.articles[2]
    site.add_fault("redirect", f"^{merged.path}$", into.path)
    casino = site.articles[3]
    elsewhere = other_site.base_url + other_site.site.articles[0].path
    site.add_fault("redirect", f"^{casino.path}$", elsewhere)

    second = newsroom.run(server, newsroom.t1 + DAY)
    assert (second["status"], second["healthy"], second["removed"]) == ("ok", 1, 3), second["health_problems"]
    assert sorted(newsroom.events()) == sorted(
        [
            (stub.article_id, "withdrawn", "the page keeps its title but has no text"),
            (merged.article_id, "redirected", f"sent to {server.base_url}{into.path}, article {into.article_id}"),
            (casino.article_id, "redirected", f"sent to {elsewhere}, on another site"),
        ]
    )
    assert sum(other_site.site.requests.values()) == 0  # nothing fetched there, robots.txt neither
    after = stored_articles(newsroom.db)
    assert set(after) == set(stored)  # nothing stored from where they were sent
    for article in (stub, merged, casino):  # their text kept, each marked gone and checked
        row = after[article.article_id]
        assert (row["title"], row["body"]) == (stored[article.article_id]["title"], stored[article.article_id]["body"])
        assert row["removed_at"] and row["last_checked_at"].startswith(at(newsroom.t1 + DAY)[:13])
    assert rows(newsroom.db, "dropped_items") == [] and rows(newsroom.db, "article_aliases") == []

    third = newsroom.run(server, newsroom.t1 + 4 * DAY)  # the 3-day point: checked again, as they are
    assert (third["status"], third["healthy"], third["removed"]) == ("ok", 1, 0)
    assert len(newsroom.events()) == 3  # each recorded once
    assert sum(other_site.site.requests.values()) == 0


def test_a_recheck_that_keeps_failing_waits_longer_each_time_and_never_heads_the_queue(newsroom):
    """Issue 29: an article whose re-check kept failing (a lasting 503) was due again in every
    run and, the longest overdue, headed the ELECTIONS_RECHECK_MAX queue: a few hundred such
    would starve every other re-check."""
    site, server = newsroom.site, newsroom.server
    newsroom.run(server, newsroom.t1)
    down = site.articles[4]
    site.fail(down, 503)
    fast = {"RETRY_TIMES": "0"}

    def requests_in(now, **settings) -> int:
        before = newsroom.requests_of(down)
        newsroom.run(server, now, **fast, **settings)
        return newsroom.requests_of(down) - before

    assert requests_in(newsroom.t1 + DAY) == 1  # due, and fails
    [row] = [r for r in rows(newsroom.db, "articles") if r["article_id"] == down.article_id]
    assert (row["check_failures"], row["removed_at"]) == (1, None)  # a failure, no removal
    assert requests_in(newsroom.t1 + DAY + timedelta(minutes=30)) == 0  # waits the schedule's first point, 1 h
    assert requests_in(newsroom.t1 + DAY + 2 * timedelta(hours=1)) == 1  # then tried again, and fails again
    # The 3-day point: all six fresh articles due, two taken; those that never failed come first.
    fourth = newsroom.run(server, newsroom.t1 + 4 * DAY, **fast, ELECTIONS_RECHECK_MAX="2")
    assert fourth["rechecked"] == 2 and newsroom.requests_of(down) == 3
    assert (fourth["status"], fourth["healthy"]) == ("ok", 1)
    site.heal(down)
    assert requests_in(newsroom.t1 + 5 * DAY) == 1  # its wait (6 h after the second failure) is over: back
    [row] = [r for r in rows(newsroom.db, "articles") if r["article_id"] == down.article_id]
    assert row["check_failures"] == 0
