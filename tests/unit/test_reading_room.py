"""The reading room (make explore) in-process, with Datasette's own client: no browser, no
server. What a reader downloads is every row, and the facets count from the indexes."""

import asyncio
import csv
import io
import sqlite3
from pathlib import Path
from urllib.parse import unquote

import pytest

from explore.serve import datasette_for
from replica.crawling import fill_archive

pytest.importorskip("datasette.app", reason="the explore extra (make test installs it)")
ARTICLES = 1_200  # past Datasette's max_returned_rows (1,000), where its CSV links stopped


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reading") / "elections.db"
    fill_archive(path, ARTICLES)
    return path


@pytest.fixture(scope="module")
def get(archive):
    ds = datasette_for(archive)  # as `make explore` serves it
    asyncio.run(ds.invoke_startup())
    return lambda path: asyncio.run(ds.client.get(path))


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.text)))


def link(page: str, css_class: str) -> str:
    start = page.index(f'class="{css_class}"><a href="') + len(f'class="{css_class}"><a href="')
    return page[start : page.index('"', start)].replace("&amp;", "&")


def test_the_lists_download_all_gives_every_article_shown(get):
    page = get("/elections/articles_list").text
    assert f"Download all {ARTICLES:,} as CSV" in page
    rows = csv_rows(get(link(page, "download-all")))
    assert len(rows) == ARTICLES and len({row["article_id"] for row in rows}) == ARTICLES
    tagged = get("/elections/articles_list?tags__arraycontains=Maslikhat+elections").text
    tag_rows = csv_rows(get(link(tagged, "download-all")))
    assert tag_rows and all("Maslikhat elections" in row["tags"] for row in tag_rows)


def test_the_searchs_download_gives_every_match_not_the_first_thousand(get, archive):
    phrase = "polling stations"
    with sqlite3.connect(archive) as db:
        [(matches,)] = db.execute("select count(*) from articles_fts where articles_fts match ?", [f'"{phrase}"'])
    assert matches > 1000
    page = get(f"/elections/search?phrase={phrase.replace(' ', '+')}").text
    rows = csv_rows(get(link(page, "download-all")))
    assert len(rows) == matches
    assert '"polling stations"' in unquote(link(page, "download-all")).replace("+", " ")


def test_the_tag_facet_counts_from_the_tag_index(get, archive):
    result = get("/elections/articles_list.json?_extra=facet_results").json()
    tags = result["facet_results"]["tags"]
    with sqlite3.connect(archive) as db:
        expected = db.execute(
            "select tag, count(*) from article_tags group by tag order by 2 desc, tag limit 6"
        ).fetchall()
    assert [(value["value"], value["count"]) for value in tags["results"]] == expected
    assert tags["truncated"] is True
    chosen = get(tags["results"][0]["toggle_url"].split("localhost", 1)[-1] + "&_extra=facet_results").json()
    again = chosen["facet_results"]["tags"]
    assert again["results"][0] == {**again["results"][0], "value": expected[0][0], "selected": True}


def stored(archive: Path, article_id: str | None = None) -> dict:
    connection = sqlite3.connect(archive)
    connection.row_factory = sqlite3.Row
    query = "select * from articles" + (" where article_id = ?" if article_id else " order by published_at desc")
    row = connection.execute(query + " limit 1", (article_id,) if article_id else ()).fetchone()
    connection.close()
    return dict(row)


def test_an_article_page_reads_as_an_article_without_a_browser(get, archive):
    """explore/templates/row.html: the title, the time in Kazakhstan, each paragraph of the
    body a paragraph, the tags linked to their lists, and the link to the original."""
    article = stored(archive)
    page = get(f"/elections/articles/{article['article_id']}")
    assert page.status_code == 200
    html = page.text
    assert f"<title>{article['title']}</title>" in html.replace("&#39;", "'")
    assert f'<time datetime="{article["published_at"]}">' in html
    paragraphs = article["body"].split("\n\n")
    body = html[html.index('<div class="body">') : html.index("</div>", html.index('<div class="body">'))]
    assert body.count("<p>") == len(paragraphs)
    assert f'<a href="{article["url"]}" class="original">' in html
    assert "Every column of this row" in html  # Datasette's own table, folded away


def test_other_tables_keep_datasettes_own_pages(get):
    page = get("/elections/crawl_runs")  # a table the templates leave to Datasette
    assert page.status_code == 200 and 'class="article-page"' not in page.text
