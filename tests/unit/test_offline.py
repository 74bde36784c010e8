"""The commands that work on what crawls made, run in this process on an archive built here
from the saved pages of tests/pages: reparse, export_warc and backup."""

import json
import zlib
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator

from crawler.archive import open_archive
from crawler.commands import backup, export_warc
from crawler.commands import reparse as reparse_command
from crawler.items import RawPage
from crawler.site.urls import listed_id
from replica.crawling import rows, stored_articles
from tests.checks import run_command

PAGES = Path(__file__).parents[1] / "pages"
GROUND_TRUTH = json.loads((PAGES / "ground_truth.json").read_text())
# One saved page per article (three designs were reconstructed from one replica page)
SAVED = {truth["url"]: name for name, truth in reversed(GROUND_TRUTH.items())}
FETCHED_AT = "2026-11-20T06:00:00+00:00"


def kept_page(name: str, url: str) -> dict:
    request = Request(url, headers={"User-Agent": "ElectionsCrawler/0.1"})
    response = HtmlResponse(url, body=(PAGES / name).read_bytes(), request=request, headers={"Server": "nginx"})
    return {"article_id": listed_id(url), **asdict(RawPage.of(response, FETCHED_AT))}


@pytest.fixture
def kept(tmp_path) -> Path:
    """An archive holding the saved pages as a crawl keeps them, and no article yet."""
    path = tmp_path / "elections.db"
    with open_archive(path) as archive, archive.transaction():
        archive.save_raw_pages([kept_page(name, url) for url, name in SAVED.items()], run_id=None)
    return path


def test_reparse_stores_what_the_kept_pages_read_and_then_finds_nothing_changed(kept, capsys):
    assert run_command(reparse_command.Command, ELECTIONS_DB=str(kept)) == 0
    assert (
        capsys.readouterr().out
        == f"reparse: {len(SAVED)} pages read, {len(SAVED)} articles changed, 0 unchanged, 0 failed\n"
    )
    stored = {row["url"]: row for row in stored_articles(kept).values()}
    assert set(stored) == set(SAVED)
    for url, name in SAVED.items():
        truth = GROUND_TRUTH[name]
        assert {field: stored[url][field] for field in truth} == truth, name
    assert run_command(reparse_command.Command, ELECTIONS_DB=str(kept)) == 0
    assert f"0 articles changed, {len(SAVED)} unchanged" in capsys.readouterr().out
    runs = rows(kept, "crawl_runs")
    assert [(run["trigger"], run["status"], run["healthy"]) for run in runs] == [("reparse", "ok", 1)] * 2


def test_reparse_reads_one_article_and_refuses_a_bad_day_and_a_missing_archive(kept, tmp_path, capsys):
    [one] = [listed_id(url) for url in SAVED][:1]
    assert run_command(reparse_command.Command, "--article", one, ELECTIONS_DB=str(kept)) == 0
    assert capsys.readouterr().out.startswith("reparse: 1 pages read, 1 articles changed")
    assert run_command(reparse_command.Command, "--since", "1 May", ELECTIONS_DB=str(kept)) == 2
    assert capsys.readouterr().err == "scrapy reparse: error: --since must be a date written YYYY-MM-DD, got '1 May'\n"
    assert run_command(reparse_command.Command, ELECTIONS_DB=str(tmp_path / "typo.db")) == 1
    assert capsys.readouterr().err == f"scrapy reparse: error: no archive at {tmp_path / 'typo.db'}\n"
    assert not (tmp_path / "typo.db").exists()


def test_a_damaged_kept_page_is_named_and_the_others_read(kept, capsys):
    url = next(iter(SAVED))
    with open_archive(kept) as archive:
        archive.db.execute("update raw_pages set body = ? where url = ?", [b"not zlib", url])
        [page_id] = [row[0] for row in archive.db.execute("select id from raw_pages where url = ?", [url])]
    assert run_command(reparse_command.Command, ELECTIONS_DB=str(kept)) == 1
    out = capsys.readouterr().out
    assert f"{len(SAVED)} pages read, {len(SAVED) - 1} articles changed" in out
    assert f"1 kept pages unreadable (first: raw page {page_id} of {listed_id(url)}: error: " in out
    assert rows(kept, "crawl_runs")[-1]["status"] == "partial"


def test_export_warc_writes_a_request_and_a_response_record_per_kept_page(kept, tmp_path, capsys):
    warc = tmp_path / "archive.warc.gz"
    assert run_command(export_warc.Command, str(warc), ELECTIONS_DB=str(kept)) == 0
    assert capsys.readouterr().out == (
        f"export_warc: {len(SAVED)} pages written to {warc} (a request and a response record each)\n"
    )
    with open(warc, "rb") as file:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
            for r in ArchiveIterator(file)
        ]
    assert [kind for kind, _, _ in records] == ["warcinfo", *["response", "request"] * len(SAVED)]
    responses = {uri: body for kind, uri, body in records if kind == "response"}
    assert responses == {url: (PAGES / name).read_bytes() for url, name in SAVED.items()}
    assert not warc.with_name(warc.name + ".partial").exists()


def test_export_warc_never_overwrites_and_never_writes_over_the_archive(kept, tmp_path, capsys):
    exists = tmp_path / "exists.warc.gz"
    exists.write_bytes(b"someone's file")
    assert run_command(export_warc.Command, str(exists), ELECTIONS_DB=str(kept)) == 2
    assert capsys.readouterr().err == (
        f"scrapy export_warc: error: {exists} exists: name a new file for the WARC (export_warc never overwrites one)\n"
    )
    assert exists.read_bytes() == b"someone's file"
    assert run_command(export_warc.Command, str(kept) + "-wal", ELECTIONS_DB=str(kept)) == 2
    assert "is the archive's own file" in capsys.readouterr().err


def test_backup_copies_the_archive_and_a_second_on_the_day_replaces_the_first(kept, tmp_path, capsys):
    folder = tmp_path / "backups"
    target = folder / f"elections-{datetime.now(UTC):%Y-%m-%d}.db"
    assert run_command(backup.Command, str(folder), ELECTIONS_DB=str(kept)) == 0
    assert capsys.readouterr().out.startswith(f"backup: {kept} copied to {target} (")
    assert len(rows(target, "raw_pages")) == len(SAVED)
    with open_archive(kept) as archive, archive.transaction():
        archive.db.execute("delete from raw_pages")
    assert run_command(backup.Command, str(folder), ELECTIONS_DB=str(kept)) == 0
    assert rows(target, "raw_pages") == [] and sorted(path.name for path in folder.iterdir()) == [target.name]


def test_backup_of_no_archive_or_into_a_file_is_one_line(kept, tmp_path, capsys):
    assert run_command(backup.Command, ELECTIONS_DB=str(tmp_path / "typo.db")) == 2
    assert capsys.readouterr().err == f"scrapy backup: error: no archive at {tmp_path / 'typo.db'}\n"
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert run_command(backup.Command, str(blocker / "backups"), ELECTIONS_DB=str(kept)) == 2
    assert capsys.readouterr().err.startswith("scrapy backup: error: [Errno 20] Not a directory")
    assert run_command(backup.Command, "one", "two", ELECTIONS_DB=str(kept)) == 2
    assert capsys.readouterr().err == "scrapy backup: error: at most one folder: scrapy backup data/backups\n"


def test_a_kept_page_is_what_the_crawl_keeps(kept):
    [page] = [row for row in rows(kept, "raw_pages") if row["url"] == next(iter(SAVED))]
    assert zlib.decompress(page["body"]) == (PAGES / SAVED[page["url"]]).read_bytes()
    assert json.loads(page["request_headers"])["User-Agent"] == ["ElectionsCrawler/0.1"]


def test_reparse_finds_the_twins_of_pages_kept_before_twins_were_read(tmp_path):
    """An archive from before twins: reparse reads each kept page's links to other editions."""
    from replica import ReplicaSite, pages
    from replica.editions import RUSSIAN

    english, russian = ReplicaSite(articles=20, seed=5), ReplicaSite(articles=10, seed=6, edition=RUSSIAN)
    [(ours, theirs), *_] = russian.translate_from(english, share=1.0)
    base = "http://replica.test"
    url = base + RUSSIAN.prefix + ours.path
    page = pages.article_page(ours, russian.articles, base + RUSSIAN.prefix)
    response = HtmlResponse(url, body=page.encode(), request=Request(url))
    path = tmp_path / "elections.db"
    with open_archive(path) as archive, archive.transaction():
        archive.save_raw_pages(
            [{"article_id": ours.expected_id, **asdict(RawPage.of(response, FETCHED_AT))}], run_id=None
        )
        archive.save_articles([ours.expected_item(base + RUSSIAN.prefix)], run_id=None)  # no twins then
    assert rows(path, "article_twins") == []
    assert run_command(reparse_command.Command, ELECTIONS_DB=str(path)) == 0
    [twin] = rows(path, "article_twins")
    assert (twin["article_id"], twin["twin_lang"], twin["twin_url"]) == (ours.expected_id, "en", base + theirs.path)
