"""The reading room (make explore) in-process, with Datasette's own client: no browser, no
server. What a reader downloads is every row, and the facets count from the indexes."""

import asyncio
import csv
import io
import re
import sqlite3
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from crawler.archive import register_tokenizers
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
    assert len(rows) == ARTICLES  # every article, streamed past max_returned_rows
    tagged = get("/elections/articles_list?tags__arraycontains=Maslikhat+elections").text
    tag_rows = csv_rows(get(link(tagged, "download-all")))
    assert tag_rows and all("Maslikhat elections" in row["tags"] for row in tag_rows)


def test_the_searchs_download_gives_every_match_not_the_first_thousand(get, archive):
    phrase = "polling stations"
    with sqlite3.connect(archive) as db:
        register_tokenizers(db)
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


@pytest.fixture(scope="module")
def watched(tmp_path_factory) -> Path:
    """An archive where one article was edited twice and one removed, as re-checks record it."""
    from datetime import UTC, datetime, timedelta

    from crawler.archive import open_archive
    from crawler.clock import Clock

    path = tmp_path_factory.mktemp("watched") / "elections.db"
    first = {
        "article_id": "97d5e1",
        "url": "https://qazinform.com/news/turnout-97d5e1",
        "title": "Turnout reaches 61.2 percent",
        "body": "The CEC said turnout reached 61.2 percent by noon.\n\nCounting begins at eight.",
        "published_at": "2026-11-29T05:00:00+00:00",
        "tags": ["CEC"],
    }
    edits = [
        first,
        {**first, "title": "Turnout reaches 58.9 percent"},
        {**first, "title": "Turnout reaches 58.9 percent", "body": first["body"].replace("eight", "nine")},
    ]
    removed = {
        **first,
        "article_id": "a1b2c3",
        "url": "https://qazinform.com/news/gone-a1b2c3",
        "title": "Candidate withdraws",
    }
    # its Russian version, whose page links it; and its Kazakh one, which the English page links
    russian = {
        **first,
        "article_id": "ru-4f2a1b9c",
        "url": "https://www.inform.kz/ru/yavka-4f2a1b9c",
        "title": "Явка составила 61,2%",
        "lang": "ru",
        "edition": "ru",
        "twins": {"en": first["url"]},
    }
    edits[0] = {**first, "twins": {"kk": "https://kaz.inform.kz/news/saylau-77aa11/"}}
    for day, version in enumerate(edits):
        clock = Clock(datetime(2026, 11, 29, 6, tzinfo=UTC) + timedelta(days=day))
        with open_archive(path, clock=clock) as archive, archive.transaction():
            archive.save_articles([version, removed, russian] if day == 0 else [version], run_id=day + 1)
            if day == 2:
                archive.save_checks([{"article_id": "a1b2c3", "outcome": "removed", "detail": "HTTP 404"}], 3)
    return path


@pytest.fixture(scope="module")
def get_watched(watched):
    ds = datasette_for(watched)
    asyncio.run(ds.invoke_startup())
    return lambda path: asyncio.run(ds.client.get(path))


def test_an_articles_page_shows_what_happened_to_it_and_each_change_as_a_diff(get_watched):
    html = get_watched("/elections/articles/97d5e1").text
    assert "What happened to it" in html
    assert html.count("<strong>edited</strong>") == 2
    assert "<del>61.2</del><ins>58.9</ins>" in html  # the title, first edit
    assert "<del>eight.</del><ins>nine.</ins>" in html  # the body, second edit
    assert html.index("<del>eight.</del>") < html.index("<del>61.2</del>")  # newest change first
    removed = get_watched("/elections/articles/a1b2c3").text
    assert "<strong>removed</strong>: HTTP 404" in removed and "<del>" not in removed


def test_a_removed_article_looks_removed_and_an_edited_one_says_so_at_the_top(get_watched):
    """Issue 33: a removed article's page opened like any other, "Read it on Kazinform ↗"
    pointing at the 404, and "removed: HTTP 404" at the very bottom."""
    removed = get_watched("/elections/articles/a1b2c3").text
    banner = removed.index('<p class="removed">')
    assert banner < removed.index("<h1>Candidate withdraws</h1>")
    assert "the site answered HTTP 404. The archive keeps it as it was last served." in removed
    assert "Read it on Kazinform" not in removed and "is gone from Kazinform" in removed
    edited = get_watched("/elections/articles/97d5e1").text
    assert "<strong>Edited 2 times</strong>" in edited and '<a href="#history">what changed</a>' in edited
    assert edited.index('<p class="edited">') < edited.index("<h1>") and '<p class="removed">' not in edited
    assert "Read it on Kazinform" in edited
    plain = get_watched("/elections/articles/ru-4f2a1b9c").text
    assert '<p class="edited">' not in plain and '<p class="removed">' not in plain


def test_an_articles_page_shows_it_beside_its_versions_in_other_editions(get_watched):
    """Whichever page linked the other: the Russian page linked the English one, the English
    page a Kazakh one the archive does not hold."""
    english = get_watched("/elections/articles/97d5e1").text
    assert "In other editions:" in english
    assert '<a href="/elections/articles/ru-4f2a1b9c">Явка составила 61,2%</a>' in english
    assert (
        '<a href="https://kaz.inform.kz/news/saylau-77aa11/">https://kaz.inform.kz/news/saylau-77aa11/</a> (not in'
        in english
    )
    russian = get_watched("/elections/articles/ru-4f2a1b9c").text
    assert '<a href="/elections/articles/97d5e1">Turnout reaches 58.9 percent</a>' in russian
    assert "kaz.inform.kz" not in russian  # a twin's twin is not the article's


def test_recently_changed_lists_each_change_newest_first_and_the_atom_feeds_carry_them(get_watched):
    changes = get_watched("/elections/recently_changed.json?_shape=array").json()
    assert [(row["kind"], row["article_id"]) for row in changes] == [
        ("removed", "a1b2c3"),
        ("edited", "97d5e1"),
        ("edited", "97d5e1"),
    ]
    feed = get_watched("/elections/changes.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/xml")
    assert "<title>removed: Candidate withdraws</title>" in feed.text and feed.text.count("<entry>") == 3
    new = get_watched("/elections/new_articles.atom").text
    assert "<title>Turnout reaches 58.9 percent</title>" in new and new.count("<entry>") == 3


def test_every_change_leads_to_its_article_and_the_feed_carries_the_words(get_watched):
    """Issue 33: "Recently changed" linked nothing in the archive; the feed sent a reader to
    the original URL (a 404 for a removal) and said only `fields: ["body"] (30 words in …)`."""
    page = get_watched("/elections/recently_changed").text
    assert '<a href="/elections/articles/a1b2c3">Candidate withdraws</a>' in page
    assert '<a href="/elections/articles/97d5e1#version-2">diff</a>' in page
    article = get_watched("/elections/articles/97d5e1").text
    assert 'id="version-2"' in article and 'id="version-1"' in article  # each change's own address
    feed = get_watched("/elections/changes.atom").text
    assert "body, before: «Counting begins at eight.» after: «Counting begins at nine.»" in feed
    assert "title, before: «Turnout reaches 61.2 percent» after: «Turnout reaches 58.9 percent»" in feed
    assert '<link href="http://localhost/elections/articles/97d5e1#version-2"/>' in feed
    assert '<link href="http://localhost/elections/articles/a1b2c3"/>' in feed  # the archive's copy, not the 404
    assert 'removed on 2026-12-01T06:00:00+00:00: HTTP 404. "Candidate withdraws"' in feed


def test_the_list_names_each_articles_language_and_facets_by_edition(get_watched):
    result = get_watched("/elections/articles_list.json?_extra=facet_results").json()
    facet = result["facet_results"]["edition"]["results"]
    assert [{key: value[key] for key in ("value", "label", "count", "selected")} for value in facet] == [
        {"value": "en", "label": "en", "count": 2, "selected": False},
        {"value": "ru", "label": "ru", "count": 1, "selected": False},
    ]
    russian = get_watched(facet[1]["toggle_url"].split("localhost", 1)[-1] + "&_shape=array").json()
    assert [row["article_id"] for row in russian] == ["ru-4f2a1b9c"]
    page = get_watched("/elections/articles_list").text
    assert '<span class="lang">en</span>' in page and '<span class="lang">ru</span>' in page


def test_the_chart_by_edition_counts_each_editions_articles_per_month(watched):
    metadata = yaml.safe_load((Path(__file__).parents[2] / "explore" / "metadata.yml").read_text())
    chart = metadata["plugins"]["datasette-dashboards"]["articles-per-month-by-edition"]["charts"]
    from datasette_dashboards import replace_opts_in_query

    query = chart["per-month-by-edition"]["query"]
    period = {"date_start": "2026-12-01", "date_end": "2026-12-31"}  # issue 33: a chart for a period
    with sqlite3.connect(watched) as db:
        counted = db.execute(replace_opts_in_query(query, {})).fetchall()
        in_december = db.execute(replace_opts_in_query(query, period), period).fetchall()
    assert counted == [("2026-11", "en", 2), ("2026-11", "ru", 1)]
    assert in_december == []  # nothing was published then


def test_both_feeds_answer_valid_atom_with_no_entries_on_a_new_archive(tmp_path):
    """Issue 33: the changes feed answered HTTP 500 ("max() arg is an empty sequence") until the
    first change existed, and every new archive is in that state."""
    import feedparser

    from crawler.archive import open_archive

    open_archive(tmp_path / "elections.db").close()
    ds = datasette_for(tmp_path / "elections.db")
    asyncio.run(ds.invoke_startup())
    for feed in ("changes", "new_articles"):
        response = asyncio.run(ds.client.get(f"/elections/{feed}.atom"))
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
        parsed = feedparser.parse(response.text)
        assert (parsed.get("version"), parsed.entries, parsed.bozo) == ("atom10", [], False)


def test_the_list_marks_edited_and_removed_articles_with_a_facet_to_show_only_those(get_watched):
    result = get_watched("/elections/articles_list.json?_extra=facet_results&_shape=objects").json()
    marks = {row["article_id"]: row["changed"] for row in result["rows"]}
    assert marks == {"97d5e1": "edited", "a1b2c3": "removed", "ru-4f2a1b9c": None}
    facet = {value["value"]: value["count"] for value in result["facet_results"]["changed"]["results"]}
    assert facet == {"edited": 1, "removed": 1}
    page = get_watched("/elections/articles_list").text
    assert (
        '<span class="changed removed">removed</span>' in page and '<span class="changed edited">edited</span>' in page
    )
    assert page.count("original&nbsp;↗") == 2  # not for the removed one: its original is a 404


def test_a_feed_answers_one_question_a_phrase_a_tag_or_an_edition_and_the_search_shows_its_feeds(get_watched):
    """Issue 33: a journalist subscribes to the story, not the site."""

    def titles(path: str) -> list[str]:
        return re.findall(r"<title>([^<]*)</title>", get_watched(path).text)[1:]  # the feed's own title aside

    assert titles("/elections/new_articles.atom?phrase=withdraws") == ["Candidate withdraws"]
    assert titles("/elections/new_articles.atom?phrase=явки") == ["Явка составила 61,2%"]  # in all its forms
    assert titles("/elections/new_articles.atom?edition=ru") == ["Явка составила 61,2%"]
    every = {"Turnout reaches 58.9 percent", "Candidate withdraws", "Явка составила 61,2%"}  # all tagged CEC
    assert set(titles("/elections/new_articles.atom?tag=CEC")) == every
    assert len(titles("/elections/new_articles.atom?tag=Nothing")) == 0
    assert titles("/elections/changes.atom?phrase=withdraws") == ["removed: Candidate withdraws"]
    assert len(titles("/elections/changes.atom")) == 3  # no question: every change
    search = get_watched("/elections/search?phrase=Курултай").text
    assert (
        '<a href="/elections/new_articles.atom?phrase=%D0%9A' in search and "/elections/changes.atom?phrase=" in search
    )


def test_the_lists_downloads_open_right_the_columns_shown_a_file_name_the_body_and_a_bom_by_choice(get):
    """Issue 33: the list's CSV had no body text, no file name and no BOM: spreadsheet programs
    garbled Cyrillic. Everything the page shows is in it, and nothing more."""
    page = get("/elections/articles_list?_search=observer").text

    def download(css_class: str):
        return get(link(page, css_class) if css_class == "download-all" else page_link(page, css_class))

    plain = download("download-all")
    assert plain.headers["content-disposition"] == 'attachment; filename="articles_list.csv"'
    columns = ["published_on", "edition", "lang", "title", "changed", "summary", "tags", "url"]
    assert next(csv.reader(io.StringIO(plain.text))) == columns
    assert not plain.content.startswith(b"\xef\xbb\xbf")
    with_body = download("with-body")
    assert next(csv.reader(io.StringIO(with_body.text))) == [*columns, "body"]
    excel = download("excel")
    assert excel.content.startswith(b"\xef\xbb\xbf") and excel.content[3:] == plain.content
    assert len(csv_rows(plain)) == len(csv_rows(with_body)) > 0  # the search's matches, every one


def page_link(page: str, css_class: str) -> str:
    start = page.index(f'class="{css_class}"')
    href = page.rindex('href="', 0, start) + len('href="')
    return page[href : page.index('"', href)].replace("&amp;", "&")


def test_the_list_takes_a_period_kept_in_the_address_and_its_downloads_keep_it(get_watched):
    """Issue 33: the list, the charts and the downloads could not be narrowed to a campaign."""
    page = get_watched("/elections/articles_list?published_on__gte=2026-11-29&published_on__lte=2026-11-29").text
    assert (
        'name="published_on__gte" value="2026-11-29"' in page and 'name="published_on__lte" value="2026-11-29"' in page
    )
    rows = csv_rows(get_watched(link(page, "download-all")))
    assert len(rows) == 3 and {row["published_on"] for row in rows} == {"2026-11-29"}
    later = get_watched("/elections/articles_list?published_on__gte=2026-12-01").text
    assert '<p class="zero-results">0 records</p>' in later


def test_a_feed_follows_one_subject(tmp_path):
    """Issue 33's feeds per question, for a subject (issue 30's, as subject_mentions has them)."""
    from crawler.archive import open_archive

    path = tmp_path / "elections.db"
    base = {"body": "Text.", "published_at": "2026-11-29T05:00:00+00:00", "tags": []}
    with open_archive(path) as archive, archive.transaction():
        archive.save_articles(
            [
                {
                    **base,
                    "article_id": "a1a1a1",
                    "url": "https://qazinform.com/news/a-a1a1a1",
                    "title": "Tokayev votes",
                },
                {
                    **base,
                    "article_id": "b2b2b2",
                    "url": "https://qazinform.com/news/b-b2b2b2",
                    "title": "Rain in Astana",
                },
            ],
            run_id=None,
        )
        archive.save_mentions({"a1a1a1": [{"article_id": "a1a1a1", "subject_id": "tokayev", "mentions": 1}]})
    ds = datasette_for(path)
    asyncio.run(ds.invoke_startup())
    feed = asyncio.run(ds.client.get("/elections/new_articles.atom?subject=tokayev")).text
    assert re.findall(r"<title>([^<]*)</title>", feed)[1:] == ["Tokayev votes"]
