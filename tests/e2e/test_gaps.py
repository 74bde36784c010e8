"""No gaps, no lies: every card a run walks ends stored, or pending with its reason; a run that
cannot promise it lets no later run stop early; and the ledger says what happened.

Each test is a fault over HTTP against the replica, then clean runs: in the end every article
of the listing is stored exactly once, and the fault run is recorded as not ok or unhealthy,
with its reason, and exits non-zero (crawler/walk.py states the rules)."""

import sqlite3
import threading
import time

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import CHANNEL_REQUESTS, counters, crawl, exit_code_of, mismatches, rows, stored_articles
from replica.pages import LISTING_PATH

QUICK = {"RETRY_TIMES": "1", "DOWNLOAD_TIMEOUT": "2"}


class Archive:
    def __init__(self, server: ReplicaServer, db):
        self.server, self.site, self.db = server, server.site, db

    def run(self, *arguments: str, **settings: str) -> dict:
        result = crawl("-a", f"start_url={self.server.start_url}", *arguments, db=self.db, **{**QUICK, **settings})
        self.log = result.stderr
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        run = rows(self.db, "crawl_runs")[-1]
        assert result.returncode == exit_code_of(run), (run, result.stderr[-3000:])
        self.exit_code = result.returncode
        return run

    def complete(self, **settings: str) -> dict:
        """A clean run after a fault: everything stored, exactly once, as the ground truth."""
        self.site.faults.clear()
        run = self.run(**settings)
        assert (run["status"], run["healthy"], run["gapless"]) == ("ok", 1, 1), run
        expected = self.site.expected_items(self.server.base_url)
        assert len(rows(self.db, "articles")) == len(expected)
        assert mismatches(stored_articles(self.db), expected) == {}
        return run


@pytest.fixture
def archive(tmp_path):
    with ReplicaServer(ReplicaSite(articles=200, seed=41)) as server:
        yield Archive(server, tmp_path / "elections.db")


def test_a_listing_page_that_fails_leaves_no_gap(archive):
    archive.run()
    archive.site.publish(100)  # five new listing pages
    archive.site.add_fault("status", rf"^{LISTING_PATH}\?page=3$", 503)
    broken = archive.run()
    assert archive.exit_code == 1
    assert (broken["status"], broken["healthy"], broken["gapless"], broken["listing_complete"]) == ("partial", 0, 0, 0)
    assert (
        f"1 listing page(s) could not be read ({archive.server.start_url}?page=3: HTTP 503): the walk ended there"
        in broken["health_problems"]
    )
    assert broken["articles_new"] == 40  # pages 1 and 2
    healed = archive.complete()
    assert healed["articles_new"] == 60
    assert "the last run left a gap: the walk goes on to where the last complete walk began" in archive.log
    after = archive.run()  # and daily runs are minimal again
    assert (after["requests"], after["walk_stop"]) == (2 + CHANNEL_REQUESTS, "known")


@pytest.mark.parametrize("first_run", [True, False])
def test_maintenance_pages_with_status_200_are_no_end_of_the_listing(archive, first_run):
    if not first_run:
        archive.run()
        archive.site.publish(40)
    for page in ("", r"\?page=2"):
        archive.site.add_fault("maintenance", rf"^{LISTING_PATH}{page}$")
    broken = archive.run()
    assert (broken["listing_complete"], broken["gapless"], broken["healthy"]) == (0, 0, 0)
    # Partial, not failed: the feeds and sitemaps stood in for the listing.
    assert broken["status"] == "partial" and "no listing page with cards was read" in broken["health_problems"]
    assert "articles were taken from the feeds and sitemaps instead" in broken["health_problems"]
    assert "not a listing page (no cards, no listing markup)" in archive.log
    archive.complete()


def test_an_article_page_that_raises_or_is_not_html_is_pending_and_healed(tmp_path):
    defects = {3: "year 1", 5: "year 9999", 7: "bad image url"}
    with ReplicaServer(ReplicaSite(articles=60, seed=41, defects=defects)) as server:
        archive = Archive(server, tmp_path / "elections.db")
        json_page, plain_page = server.site.articles[9], server.site.articles[11]
        server.site.add_fault("content_type", f"^{json_page.path}$", "application/json", times=1)
        server.site.add_fault("truncate", f"^{plain_page.path}$", "text/plain; charset=utf-8", times=1)
        run = archive.run()
        failures = {r["url"].removeprefix(server.base_url): r for r in rows(archive.db, "dropped_items")}
        reasons = {path: row["reason"] for path, row in failures.items()}
        articles = server.site.articles
        assert reasons[articles[3].path] == "missing published_at"  # 1 January of year 1: no time at all
        assert reasons[articles[5].path] == "published_at out of range (9999-12-31T05:00:00+00:00)"
        assert reasons[articles[7].path].startswith("ValueError: ")
        assert reasons[json_page.path] == "not an HTML page (Content-Type application/json)"
        assert reasons[plain_page.path] == "not an HTML page (Content-Type text/plain; charset=utf-8)"
        assert {row["status"] for row in failures.values()} == {"pending"} and len(failures) == 5
        # The impossible dates on two cards skipped those cards' times, not their pages.
        assert run["listing_pages"] == 3 and run["articles_new"] == 55
        assert (run["status"], run["gapless"], archive.exit_code) == ("partial", 1, 1)
        assert "1 ValueError raised" not in archive.log and "ValueError raised while handling" in archive.log
        healed = archive.run()  # the content-type faults were passing ones
        assert healed["articles_new"] == 2
        assert set(stored_articles(archive.db)) == set(server.site.expected_items(server.base_url))


def hold_write_lock(db, seconds: float) -> threading.Thread:
    """Another process's long write transaction (a backup, rebuild-fts, a script)."""
    started = threading.Event()

    def hold():
        connection = sqlite3.connect(db, isolation_level=None)
        connection.execute("begin immediate")
        started.set()
        time.sleep(seconds)
        connection.execute("commit")
        connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    started.wait(5)
    return thread


def test_a_busy_database_makes_writers_wait_not_drop(archive):
    archive.run()
    archive.site.publish(120)
    # The moment listing page 2 is served, another writer holds the database for 3 seconds.
    archive.site.on_request(f"{LISTING_PATH}?page=2", lambda: hold_write_lock(archive.db, 3))
    run = archive.run(ELECTIONS_DB_BATCH_SIZE="10")
    assert archive.site.hooks == {}  # it happened
    assert (run["status"], run["healthy"], run["articles_new"], run["gapless"]) == ("ok", 1, 120, 1)
    assert len(rows(archive.db, "articles")) == 320


def test_a_database_that_cannot_be_written_fails_the_run_at_once(archive):
    archive.run()
    archive.site.publish(60)
    holder = hold_write_lock(archive.db, 8)
    before = sum(archive.site.requests.values())
    result = crawl("-a", f"start_url={archive.server.start_url}", db=archive.db, ELECTIONS_DB_BUSY_TIMEOUT="1")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert sum(archive.site.requests.values()) - before <= 3  # it did not fetch the site for nothing
    assert "cannot be written (database is locked): the crawl stops" in result.stderr
    assert len(rows(archive.db, "crawl_runs")) == 1  # it could record nothing: the exit status says so
    holder.join()
    healed = archive.complete()
    assert healed["articles_new"] == 60


@pytest.mark.parametrize("kind, value", [("repeat", "1"), ("repeat", "last"), ("endless", None)])
def test_a_listing_without_end_is_stopped_within_a_bound(tmp_path, kind, value):
    with ReplicaServer(ReplicaSite(articles=40, seed=41)) as server:
        archive = Archive(server, tmp_path / "elections.db")
        archive.run()
        server.site.add_fault(kind, rf"^{LISTING_PATH}\?page=\d+$", value)
        run = archive.run("-a", "mode=full", ELECTIONS_LISTING_MIN_BOUND="3")
        listing_requests = [t for t in server.site.requests if t.startswith(f"{LISTING_PATH}?page=")]
        assert max(int(t.rsplit("=", 1)[1]) for t in listing_requests) <= 2 * 2 + 3  # the bound
        assert (run["status"], run["healthy"], run["gapless"]) == ("partial", 0, 0)
        assert "runaway listing: " in run["health_problems"]
        expected = "repeats page" if kind == "repeat" else "goes on past 7 pages"
        assert expected in run["health_problems"]
        archive.complete()


@pytest.mark.parametrize("removed", [1, 5])
def test_cards_that_move_up_while_the_listing_is_walked_are_still_fetched(archive, removed):
    """Articles unpublished above the walk's position pull the cards below up across the page
    boundary behind it: 1 unpublished once cost 1 card, 20 cost 20."""
    archive.site.on_request(f"{LISTING_PATH}?page=3", lambda: archive.site.unpublish(*range(removed)))
    run = archive.run()
    assert archive.site.hooks == {}  # the shift happened
    listed = {a.article_id for a in archive.site.articles}
    assert listed <= set(stored_articles(archive.db))  # every card still listed is stored
    assert (run["status"], run["healthy"], run["gapless"]) == ("ok", 1, 1)
    assert counters(run)["elections/cards_moved_up"] == removed
    assert "the listing moved up while it was walked" in archive.log


def test_a_listing_that_moves_by_more_than_a_page_is_fetched_but_not_called_gapless(archive):
    archive.site.on_request(f"{LISTING_PATH}?page=3", lambda: archive.site.unpublish(*range(20)))
    run = archive.run()
    listed = {a.article_id for a in archive.site.articles}
    assert listed <= set(stored_articles(archive.db))
    assert run["gapless"] == 0 and run["status"] == "partial"
    assert "read again, shares no card with its first read" in archive.log
    assert archive.run()["gapless"] == 1  # the next run walks it again, and vouches for it


def test_a_page_of_new_articles_during_a_first_walk_is_no_runaway(archive):
    """Page 4 then repeats page 3 whole: once taken for a listing without end."""
    archive.site.on_request(f"{LISTING_PATH}?page=3", lambda: archive.site.publish(20))
    run = archive.run()
    assert (run["status"], run["healthy"], run["gapless"]) == ("ok", 1, 1)
    assert counters(run).get("elections/runaway") is None
    assert len(stored_articles(archive.db)) == 220
    assert "Listing page 4 repeats page 3: 20 articles were published on top during the walk" in archive.log
