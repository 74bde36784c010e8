"""End to end: the English, Russian and Kazakh editions of the replica, one server, crawled
one after another into one archive (issue 22)."""

from collections import Counter

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import crawl, mismatches, rows, stored_articles
from replica.editions import KAZAKH, RUSSIAN


@pytest.fixture(scope="module")
def editions():
    """English, Russian and Kazakh, the section behind the site map (ru) and the tags page (kk),
    some articles of each twins of English ones."""
    english = ReplicaSite(articles=60, seed=31, section_at="site map")
    russian = ReplicaSite(articles=50, seed=32, edition=RUSSIAN, section_at="site map")
    kazakh = ReplicaSite(articles=30, seed=33, edition=KAZAKH, section_at="tags")
    russian.translate_from(english)
    kazakh.translate_from(english)
    with ReplicaServer(english, editions=(russian, kazakh)) as server:
        yield server, english, russian, kazakh


def crawl_edition(server: ReplicaServer, site: ReplicaSite, db, *arguments: str):
    """`scrapy crawl elections -a edition=ru -s ELECTIONS_SITE_URL=<replica>/ru/`, with the
    edition's own feed on the replica."""
    return crawl(
        "-a",
        f"edition={site.edition.code}",
        *arguments,
        db=db,
        ELECTIONS_SITE_URL=server.edition_url(site) + "/",
        ELECTIONS_FEEDS=site.edition.prefix + site.edition.rss_path,
    )


def expected_items(server: ReplicaServer, *sites: ReplicaSite) -> dict[str, dict]:
    return {key: item for site in sites for key, item in site.expected_items(server.edition_url(site)).items()}


def test_every_edition_is_stored_once_into_one_archive_as_its_ground_truth_with_twins_linked(editions, tmp_path):
    server, english, russian, kazakh = editions
    db = tmp_path / "elections.db"
    for site in (english, russian, kazakh):
        before = Counter(site.requests)
        result = crawl_edition(server, site, db)
        assert result.returncode == 0, result.stderr[-3000:]
        fetched = Counter(site.requests) - before
        assert all(fetched[a.path] == 1 for a in site.articles)  # each article once, from its own edition

    expected = expected_items(server, english, russian, kazakh)
    stored = stored_articles(db)
    assert len(rows(db, "articles")) == 60 + 50 + 30
    assert mismatches(stored, expected) == {}
    by_edition = Counter((row["edition"], row["lang"], row["section"]) for row in stored.values())
    assert by_edition == {("en", "en", "Elections"): 60, ("ru", "ru", "Выборы"): 50, ("kk", "kk", "Сайлау"): 30}
    # Both designs of the hex years, in Russian: nominative dates (2023) and genitive (2026).
    assert {a.layout for a in russian.articles} == {"current", "redesign2026"}
    assert {row["dateline"] for row in stored.values() if row["edition"] == "ru"} == {None}
    kazakh_datelines = {row["dateline"] for row in stored.values() if row["edition"] == "kk"} - {None}
    assert "АСТАНА" in kazakh_datelines and len(kazakh_datelines) >= 2  # the capital and another city
    assert {row["source"] for row in stored.values() if row["dateline"] and row["edition"] == "kk"} == {"KAZINFORM"}
    assert all(row["article_id"].startswith("ru-") for row in stored.values() if row["edition"] == "ru")

    # Twins: each link a page makes to its version in another edition, from both sides.
    linked = {(row["article_id"], row["twin_url"]) for row in rows(db, "article_twins")}
    expected_twins = set().union(*(site.expected_twins(server.base_url) for site in (english, russian, kazakh)))
    assert len(expected_twins) >= 20
    assert linked == expected_twins
    translations = rows(db, "article_translations")
    russian_twin = next(t for t in translations if t["article_id"].startswith("ru-") and t["twin_lang"] == "en")
    assert russian_twin["twin_title"] == stored[russian_twin["twin_id"]]["title"]
    assert any(
        t["article_id"] == russian_twin["twin_id"] and t["twin_id"] == russian_twin["article_id"] for t in translations
    )

    runs = rows(db, "crawl_runs")
    assert [(run["edition"], run["status"], run["healthy"]) for run in runs] == [
        ("en", "ok", 1),
        ("ru", "ok", 1),
        ("kk", "ok", 1),
    ]
    assert [run["listing_found_by"] for run in runs] == ["site map page", "site map page", "tags page"]


def test_one_editions_new_articles_never_move_anothers_walk(editions, tmp_path):
    """Each edition's daily run stops at its own known cards: Russian news does not make the
    English walk stop early or late, and a Russian run never reads English pages."""
    server, english, russian, _ = editions
    db = tmp_path / "elections.db"
    for site in (english, russian):
        assert crawl_edition(server, site, db).returncode == 0
    new_russian, new_english = russian.publish(3), english.publish(2)

    before = Counter(english.requests)
    result = crawl_edition(server, russian, db)
    assert result.returncode == 0, result.stderr[-3000:]
    # the host's robots.txt, and the sitemaps it names: none of the English edition's pages
    english_reads = Counter(english.requests) - before
    assert english_reads == Counter({"/robots.txt": 2, "/sitemap.xml": 1, "/sitemaps/google-news_en.xml": 1})
    result = crawl_edition(server, english, db)
    assert result.returncode == 0, result.stderr[-3000:]

    runs = rows(db, "crawl_runs")
    assert [(run["edition"], run["articles_new"]) for run in runs[2:]] == [("ru", 3), ("en", 2)]
    stored = stored_articles(db)
    assert {a.expected_id for a in new_russian + new_english} <= set(stored)
    assert mismatches(stored, expected_items(server, english, russian)) == {}
