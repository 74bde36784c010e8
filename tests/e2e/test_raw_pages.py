"""Every page kept as the site served it: re-extraction without re-crawling, WARC export, and
one article on demand."""

import json
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter
from types import SimpleNamespace

import pytest
from scrapy.utils.project import get_project_settings
from warcio.archiveiterator import ArchiveIterator

from crawler import archive, topic
from crawler.arguments import edition_sites
from crawler.offline.reparse import reparse
from crawler.site import layouts
from crawler.site.layouts import redesign2026
from crawler.site.layouts.page import matches, texts
from replica import ReplicaServer, ReplicaSite
from replica.crawling import ROOT, crawl, exit_code_of, mismatches, rows, setting_options, stored_articles

# Each edition as the project's settings give it: what `scrapy reparse` reads kept pages with.
SITES = edition_sites(get_project_settings())


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A replica crawled once; each test works on its own copy of the database."""
    folder = tmp_path_factory.mktemp("raw")
    with ReplicaServer(ReplicaSite(articles=60, seed=51)) as server:
        result = crawl("-a", f"start_url={server.start_url}", db=folder / "elections.db")
        assert result.returncode == 0, result.stderr[-3000:]
        yield server, folder / "elections.db"


def copy_of(db, tmp_path):
    """A copy of the archive, in WAL mode as a crawl leaves it (VACUUM INTO writes a rollback
    journal's: switching it to WAL while another connection writes fails at once)."""
    copy = tmp_path / "elections.db"
    source = archive.open_database(db)
    source.execute(f"vacuum into '{copy}'")
    source.close()
    archive.open_database(copy).close()
    return copy


def scrapy(*arguments: str, db) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "scrapy", *arguments, *setting_options(db)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_every_article_page_is_kept_as_served(crawled):
    server, db = crawled
    pages = rows(db, "raw_pages")
    assert len(pages) == 60 and {p["article_id"] for p in pages} == set(stored_articles(db))
    by_id = {a.article_id: a for a in server.site.articles}
    for page in pages:
        article = by_id[page["article_id"]]
        body = zlib.decompress(page["body"])
        assert len(body) == page["body_bytes"] and page["status"] == 200
        assert page["final_url"] == server.base_url + article.path
        assert article.title.encode() in body or article.title.replace("&", "&amp;").encode() in body
        assert json.loads(page["headers"])["Content-Type"] == ["text/html; charset=utf-8"]
        assert "User-Agent" in json.loads(page["request_headers"])
    run = rows(db, "crawl_runs")[-1]
    assert all(p["run_id"] == run["id"] for p in pages)


def test_reparse_with_unchanged_parsers_changes_nothing(crawled, tmp_path):
    _, db = crawled
    db = copy_of(db, tmp_path)
    before = stored_articles(db)
    result = scrapy("reparse", db=db)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines()[-1] == "reparse: 60 pages read, 0 articles changed, 60 unchanged, 0 failed"
    assert stored_articles(db) == before and rows(db, "article_versions") == []


def test_a_changed_parser_rule_updates_exactly_the_affected_articles(crawled, tmp_path, monkeypatch):
    _, db_path = crawled
    db_path = copy_of(db_path, tmp_path)
    before = stored_articles(db_path)
    affected = {article_id for article_id, row in before.items() if row["layout"] == "redesign2026"}
    assert 0 < len(affected) < 60
    # A rule of the 2026 design changes: the title is now read from the <h1> in capitals.
    title = redesign2026.FIELDS["title"]
    monkeypatch.setitem(redesign2026.FIELDS, "title", [lambda page: [v.upper() for v in title[-1](page)]])
    db = archive.open_archive(db_path)
    summary = reparse(db, SITES)
    again = reparse(db, SITES)  # run twice with the same parsers: nothing more changes
    db.close()
    assert (summary.read, summary.changed, summary.unchanged, summary.failed) == (
        60,
        len(affected),
        60 - len(affected),
        0,
    )
    assert (again.changed, again.unchanged) == (0, 60)
    after = stored_articles(db_path)
    assert {i for i in after if after[i] != before[i]} == affected
    for article_id in affected:
        assert after[article_id]["title"] == before[article_id]["title"].upper()
        assert after[article_id]["version_count"] == 2
        assert after[article_id]["last_seen_at"] == before[article_id]["last_seen_at"]
    versions = {v["article_id"]: v for v in rows(db_path, "article_versions")}
    assert set(versions) == affected
    for article_id, version in versions.items():
        old = before[article_id]
        assert (version["title"], version["content_hash"], version["seen_at"]) == (
            old["title"],
            old["content_hash"],
            old["last_seen_at"],
        )
    reparse_run = rows(db_path, "crawl_runs")[1]
    assert (reparse_run["trigger"], reparse_run["articles_updated"], reparse_run["status"]) == (
        "reparse",
        len(affected),
        "ok",
    )


def test_reparse_takes_options_and_says_so_in_one_line(crawled, tmp_path):
    _, db = crawled
    db = copy_of(db, tmp_path)
    one = next(iter(stored_articles(db)))
    assert scrapy("reparse", "--article", one, db=db).stdout.splitlines()[-1].startswith("reparse: 1 pages read")
    result = scrapy("reparse", "--layout", "en_inform", db=db)
    count = sum(row["layout"] == "en_inform" for row in stored_articles(db).values())
    assert result.stdout.splitlines()[-1].startswith(f"reparse: {count} pages read")
    bad = scrapy("reparse", "--since", "yesterday", db=db)
    assert bad.returncode == 2 and bad.stderr.splitlines()[-1].startswith(
        "scrapy reparse: error: --since must be a date"
    )


def test_the_warc_export_reads_back_with_warcio(crawled, tmp_path):
    _, db = crawled
    warc = tmp_path / "archive.warc.gz"
    result = scrapy("export_warc", str(warc), db=db)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (
        result.stdout.splitlines()[-1]
        == f"export_warc: 60 pages written to {warc} (a request and a response record each)"
    )
    kinds, bodies = Counter(), {}
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            kinds[record.rec_type] += 1
            assert record.rec_headers.get_header("WARC-Type") == record.rec_type
            if record.rec_type == "response":
                assert record.http_headers.get_statuscode() == "200"
                bodies[record.rec_headers.get_header("WARC-Target-URI")] = record.content_stream().read()
    assert kinds == Counter(warcinfo=1, request=60, response=60)
    pages = {p["final_url"]: zlib.decompress(p["body"]) for p in rows(db, "raw_pages")}
    assert bodies == pages


def test_one_article_on_demand_is_stored_or_updated_with_its_raw_page(tmp_path):
    with ReplicaServer(ReplicaSite(articles=40, seed=52)) as server:
        db = tmp_path / "elections.db"
        assert crawl("-a", f"start_url={server.start_url}", "-a", "max_pages=1", db=db).returncode == 0
        edited = server.site.edit(3)  # stored, then edited by the newsroom
        missing = server.site.articles[30]  # on listing page 2: never fetched
        before = sum(server.site.requests.values())
        for href in (edited.amp_paths[0] if edited.amp_paths else edited.path, missing.path):  # AMP, or plain
            result = crawl("-a", f"url={server.base_url}{href}", db=db, ELECTIONS_SITE_URL=server.home_url)
            run = rows(db, "crawl_runs")[-1]
            assert result.returncode == exit_code_of(run) == 0, (run, result.stderr[-2000:])
        assert sum(server.site.requests.values()) - before == 2 + 2  # robots.txt and the article, twice
        expected = server.site.expected_items(server.base_url)
    stored = stored_articles(db)
    assert stored[edited.article_id]["body"] == expected[edited.article_id]["body"]
    assert stored[edited.article_id]["version_count"] == 2
    assert stored[missing.article_id]["title"] == missing.title
    raw = Counter(p["article_id"] for p in rows(db, "raw_pages"))
    assert (raw[edited.article_id], raw[missing.article_id]) == (2, 1)
    runs = rows(db, "crawl_runs")
    assert [(r["articles_new"], r["articles_updated"], r["listing_pages"]) for r in runs[1:]] == [(0, 1, 0), (1, 0, 0)]


@pytest.mark.parametrize("target", ["elections.db", "elections.db-wal", "existing.warc.gz"])
def test_the_warc_export_never_writes_over_the_archive_or_a_file(crawled, tmp_path, target):
    _, db = crawled
    db = copy_of(db, tmp_path)
    (tmp_path / "existing.warc.gz").write_bytes(b"an earlier export")
    (tmp_path / "elections.db-wal").touch()
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    result = scrapy("export_warc", str(tmp_path / target), db=db)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"scrapy export_warc: error: {tmp_path / target} ")
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


def damage_raw_pages(db) -> list[int]:
    """One kept page's compression and another's headers broken; returns their ids."""
    connection = sqlite3.connect(db)
    first, second = (row[0] for row in connection.execute("select id from raw_pages order by id limit 2 offset 3"))
    connection.execute("update raw_pages set body = x'00ff00ff' where id = ?", [first])
    connection.execute("update raw_pages set headers = '{not json' where id = ?", [second])
    connection.commit()
    connection.close()
    return [first, second]


def test_damaged_raw_pages_are_reported_and_the_others_read(crawled, tmp_path):
    _, db = crawled
    db = copy_of(db, tmp_path)
    first, _ = damage_raw_pages(db)
    result = scrapy("reparse", db=db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.splitlines()[-1].startswith(
        f"reparse: 60 pages read, 0 articles changed, 58 unchanged, 0 failed, 2 kept pages unreadable "
        f"(first: raw page {first} of "
    )
    run = rows(db, "crawl_runs")[-1]
    assert (run["trigger"], run["status"], run["healthy"]) == ("reparse", "partial", 0)
    assert run["health_problems"].startswith("2 kept pages unreadable (first: raw page")
    warc = tmp_path / "archive.warc.gz"
    result = scrapy("export_warc", str(warc), db=db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.splitlines()[-1].startswith(
        f"export_warc: 58 pages written to {warc} (a request and a response record each); "
        "2 kept pages unreadable, left out (first: raw page"
    )
    with open(warc, "rb") as stream:
        assert Counter(record.rec_type for record in ArchiveIterator(stream)) == Counter(
            warcinfo=1, request=58, response=58
        )


@pytest.mark.parametrize("command", [["reparse"], ["export_warc", "OUT"]], ids=["reparse", "export_warc"])
def test_a_mistyped_archive_path_is_an_error_not_a_new_archive(tmp_path, command):
    mistyped = tmp_path / "elections-typo.db"
    result = scrapy(*[str(tmp_path / "out.warc.gz") if c == "OUT" else c for c in command], db=mistyped)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.endswith(f"error: no archive at {mistyped}")
    assert list(tmp_path.iterdir()) == []


def test_reparse_waits_for_a_crawl_writing_beside_it(crawled, tmp_path, monkeypatch):
    """A crawl commits a batch now and then; reparse, writing between its reads, once failed
    at the first ("database is locked"), as a write from inside a live SELECT cannot wait."""
    _, db_path = crawled
    db_path = copy_of(db_path, tmp_path)
    title = redesign2026.FIELDS["title"]
    monkeypatch.setitem(redesign2026.FIELDS, "title", [lambda page: [v.upper() for v in title[-1](page)]])
    stop, commits = threading.Event(), []

    def crawl_writing():
        writer = sqlite3.connect(db_path, timeout=60)
        while not stop.is_set():
            writer.execute("begin immediate")
            writer.execute("update articles set last_seen_at = ? where rowid = 1", [str(time.time())])
            time.sleep(0.02)
            writer.commit()
            commits.append(1)
            time.sleep(0.01)
        writer.close()

    thread = threading.Thread(target=crawl_writing)
    thread.start()
    try:
        db = archive.open_archive(db_path)
        summary = reparse(db, SITES)
        db.close()
    finally:
        stop.set()
        thread.join()
    assert summary.changed > 0 and summary.failed == 0 and len(commits) > 5


def test_an_edited_author_or_tag_is_a_new_version_keeping_every_field(tmp_path):
    """Refresh once compared only title, lead and body: an author or tags edited after
    publication were ignored, and no table kept the earlier ones."""
    with ReplicaServer(ReplicaSite(articles=40, seed=52)) as server:
        db = tmp_path / "elections.db"
        assert crawl("-a", f"start_url={server.start_url}", "-a", "max_pages=1", db=db).returncode == 0
        before = stored_articles(db)
        position = next(n for n, a in enumerate(server.site.articles[:20]) if a.author and a.tags)
        article = server.site.articles[position]
        edited = server.site.edit_fields(position, author="Dana Omarova", tags=[*article.tags[1:], "Kurultai"])
        result = crawl("-a", f"url={server.base_url}{article.path}", db=db, ELECTIONS_SITE_URL=server.home_url)
        assert result.returncode == 0, result.stderr[-2000:]
        expected = server.site.expected_items(server.base_url)[article.article_id]
    stored = stored_articles(db)[article.article_id]
    assert (stored["author"], stored["tags"], stored["version_count"]) == (edited.author, expected["tags"], 2)
    [version] = rows(db, "article_versions")
    old = before[article.article_id]
    assert (version["author"], json.loads(version["tags"]), version["url"]) == (
        old["author"],
        old["tags"],
        old["url"],
    )
    assert version["content_hash"] == stored["content_hash"]  # the text did not change: the metadata did


def test_reparse_keeps_a_field_the_parsers_no_longer_find_and_says_so(crawled, tmp_path, monkeypatch):
    """reparse once wrote NULL over a good author and [] over tags."""
    _, db_path = crawled
    db_path = copy_of(db_path, tmp_path)
    before = stored_articles(db_path)
    monkeypatch.setitem(redesign2026.FIELDS, "author", [lambda page: []])  # a rule that lost its way
    with_author = {i for i, row in before.items() if row["layout"] == "redesign2026" and row["author"]}
    assert with_author
    db = archive.open_archive(db_path)
    summary = reparse(db, SITES)
    db.close()
    assert summary.kept == {"author": len(with_author)} and summary.changed == 0
    assert summary.line().endswith(
        f"; stored fields the parsers no longer find were kept: author on {len(with_author)} articles"
    )
    assert stored_articles(db_path) == before and rows(db_path, "article_versions") == []
    run = rows(db_path, "crawl_runs")[-1]
    assert (run["status"], run["healthy"]) == ("partial", 0)


def test_a_reparse_that_was_killed_is_recorded_so_by_the_next(crawled, tmp_path):
    _, db_path = crawled
    db_path = copy_of(db_path, tmp_path)
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that has ended: the killed reparse's
    db = archive.open_archive(db_path)
    with db.transaction():
        killed = db.start_run(
            {
                "started_at": "2026-11-30T06:00:00+00:00",
                "trigger": "reparse",
                "status": "running",
                "arguments": json.dumps({"pid": gone.pid}),
            },
        )
    reparse(db, SITES)
    db.close()
    runs = {run["id"]: run for run in rows(db_path, "crawl_runs")}
    assert (runs[killed]["status"], runs[killed]["finish_reason"]) == ("failed", "killed")
    assert runs[killed]["health_problems"] == "the reparse was killed"
    assert runs[max(runs)]["status"] == "ok"


def test_reparse_judges_the_feeds_kept_pages_again_by_a_changed_topic_rule(tmp_path, monkeypatch):
    """Rejected articles' pages are kept: a changed rule is re-applied without the site."""
    db = tmp_path / "elections.db"
    site = ReplicaSite(articles=20, seed=52, other_news=20)
    with ReplicaServer(site) as server:
        result = crawl(
            db=db, ELECTIONS_SITE_URL=server.home_url, ELECTIONS_TOPIC_RULE="always", ELECTIONS_TOPIC_FIRST_DAYS="4000"
        )
        expected = server.site.expected_items(server.base_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert set(stored_articles(db)) == set(expected)
    scores = {row["article_id"]: row["score"] for row in rows(db, "topic_verdicts")}
    strictest = sorted(scores[i] for i in expected)[len(expected) // 2]  # half the selected ones fall below it

    # A stricter rule, version 2: the articles scoring below it leave `articles`, verdicts stay.
    monkeypatch.setattr(topic, "THRESHOLD", strictest)
    monkeypatch.setattr(topic, "RULE_VERSION", 2)
    summary = reparse(archive.open_existing(db), SITES)
    kept = {i for i in expected if scores[i] >= strictest}
    assert set(stored_articles(db)) == kept and 0 < len(kept) < len(expected)
    assert summary.deselected == len(expected) - len(kept) and summary.selected == 0
    verdicts = {row["article_id"]: row for row in rows(db, "topic_verdicts")}
    assert {v["rule_version"] for v in verdicts.values()} == {2} and len(verdicts) == 40
    assert {i for i, v in verdicts.items() if v["selected"]} == kept
    assert "now selects 0 articles it rejected and rejects" in summary.line()

    # The rule as it was: every election article is back, every field as the ground truth.
    monkeypatch.undo()
    summary = reparse(archive.open_existing(db), SITES)
    assert summary.selected == len(expected) - len(kept) and summary.deselected == 0
    assert mismatches(stored_articles(db), expected) == {}


def test_pages_in_an_unknown_design_are_stored_as_generic_and_upgraded_by_reparse(tmp_path, monkeypatch):
    """The archive fills while someone writes the parser: trafilatura reads a page no layout
    recognises; once a layout module for its design exists, reparse reads the kept page again."""
    db_path = tmp_path / "elections.db"
    site = ReplicaSite(articles=20, seed=52, defects={1: "unknown layout", 5: "unknown layout"})
    unknown = {site.articles[n].article_id for n in (1, 5)}
    with ReplicaServer(site) as server:
        result = crawl("-a", f"start_url={server.start_url}", db=db_path)
        expected = site.expected_items(server.base_url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert mismatches(stored_articles(db_path), expected) == {}
    assert {i for i, row in stored_articles(db_path).items() if row["layout"] == "generic"} == unknown
    [run] = rows(db_path, "crawl_runs")
    assert (run["status"], run["healthy"]) == ("ok", 0)
    assert run["health_problems"].startswith("2 page(s) in an unknown design, stored as read by the generic extractor")

    # The design's layout module is written: the page's own date line, title and text.
    story = SimpleNamespace(
        NAME="story2027",
        recognises=matches("//div[@class='story']"),
        FIELDS={
            "title": [texts("//div[@class='story-headline']")],
            "body": [texts("//p[@class='txt']")],
            "published_at": [texts("//div[@class='story-when']")],
        },
    )
    monkeypatch.setattr(layouts, "LAYOUTS", (story, *layouts.LAYOUTS))
    db = archive.open_archive(db_path)
    summary = reparse(db, SITES)
    db.close()
    assert (summary.read, summary.changed, summary.failed) == (20, 2, 0)
    after = stored_articles(db_path)
    assert {i for i, row in after.items() if row["layout"] == "story2027"} == unknown
    upgraded = {i: {**expected[i], "layout": "story2027"} for i in unknown}
    assert mismatches({i: after[i] for i in unknown}, upgraded) == {}
