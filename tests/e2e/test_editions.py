"""End to end: the English, Russian and Kazakh editions of the replica, one server, crawled
one after another into one archive (issue 22)."""

import shutil
import sqlite3
import subprocess
import sys
from collections import Counter

import pytest

from crawler.archive import open_database, open_read_only
from crawler.coverage import subjects
from crawler.coverage.matcher import MATCHER_VERSION
from replica import ReplicaServer, ReplicaSite
from replica.crawling import ROOT, crawl_edition, mismatches, rows, setting_options, stored_articles
from replica.editions import KAZAKH, RUSSIAN
from tests.checks import fts_integrity_check


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


def expected_mentions(*sites: ReplicaSite) -> dict[tuple[str, str], dict]:
    """(article, subject) -> its subject_mentions counts, as the replica wrote them."""
    return {
        (article.expected_id, subject): counts
        for site in sites
        for article in site.articles
        for subject, counts in article.expected_mentions().items()
    }


def stored_mentions(db) -> dict[tuple[str, str], dict]:
    return {
        (row["article_id"], row["subject_id"]): {
            k: v for k, v in row.items() if k not in ("article_id", "subject_id", "made_by")
        }
        for row in rows(db, "subject_mentions")
    }


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

    # Who each article refers to (issue 30): by name and title, in every case form, as the replica wrote it.
    assert stored_mentions(db) == expected_mentions(english, russian, kazakh)
    by_title = {row["subject_id"] for row in rows(db, "subject_mentions") if row["by_title"]}
    assert {"tokayev", "abdirov"} <= by_title  # titles resolved by the day: the President, the CEC's chair


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


@pytest.fixture(scope="module")
def three_editions(tmp_path_factory):
    """An archive of all three editions, crawled once; each test works on its own copy. One
    Russian article's author opens with half an emoji, as the web writes it."""
    english = ReplicaSite(articles=30, seed=61, section_at="site map")
    probe = ReplicaSite(articles=25, seed=62, edition=RUSSIAN)
    cut = next(n for n, a in enumerate(probe.articles) if a.author and a.layout in ("current", "redesign2026"))
    russian = ReplicaSite(articles=25, seed=62, edition=RUSSIAN, defects={cut: "half emoji"})
    kazakh = ReplicaSite(articles=20, seed=63, edition=KAZAKH, section_at="tags")
    russian.translate_from(english)
    kazakh.translate_from(english)
    db = tmp_path_factory.mktemp("three") / "elections.db"
    with ReplicaServer(english, editions=(russian, kazakh)) as server:
        for site in (english, russian, kazakh):
            result = crawl_edition(server, site, db)
            assert result.returncode == 0, result.stderr[-3000:]
        assert mismatches(stored_articles(db), expected_items(server, english, russian, kazakh)) == {}
        yield server, english, russian, kazakh, db


def archive_copy(three_editions, tmp_path):
    copy = tmp_path / "elections.db"
    source = open_database(three_editions[-1])
    source.execute(f"vacuum into '{copy}'")
    source.close()
    return copy


SECTIONS = {"en": "Elections", "ru": "Выборы", "kk": "Сайлау"}


def facts(db) -> dict[str, tuple]:
    """Each article's edition, section and language."""
    return {row["article_id"]: (row["edition"], row["section"], row["lang"]) for row in rows(db, "articles")}


def test_reparse_reads_each_kept_page_with_its_own_editions_settings_and_changes_nothing(three_editions, tmp_path):
    """Issue 29: `scrapy reparse` set every Russian and Kazakh article's section to "Elections"
    and wrote 132 spurious versions."""
    db = archive_copy(three_editions, tmp_path)
    before = rows(db, "articles")
    assert {(edition, section) for edition, section, _ in facts(db).values()} == set(SECTIONS.items())
    for _ in range(2):  # "run twice with the same parsers, it changes nothing"
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "reparse", *setting_options(db)], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.splitlines()[-1] == "reparse: 75 pages read, 0 articles changed, 75 unchanged, 0 failed"
    assert rows(db, "articles") == before
    assert rows(db, "article_versions") == [] and rows(db, "article_events") == []


def test_a_refresh_touches_its_own_editions_articles_alone(three_editions, tmp_path):
    """Issue 29: `-a refresh=400` in an English crawl fetched every edition's articles and
    stored them under the running edition (edition 'ru', section 'Выборы'), and --on-change
    fired for minor edits that never happened."""
    server, english, russian, kazakh, _ = three_editions
    db = archive_copy(three_editions, tmp_path)
    before = facts(db)
    for site, others in ((english, (russian, kazakh)), (russian, (english, kazakh))):
        read = {other.edition.code: Counter(other.requests) for other in others}
        result = crawl_edition(server, site, db, "-a", "refresh=4000")  # every article it holds, back to 2015
        assert result.returncode == 0, result.stderr[-3000:]
        run = rows(db, "crawl_runs")[-1]
        assert (run["edition"], run["status"], run["healthy"]) == (site.edition.code, "ok", 1)
        assert (run["articles_unchanged"], run["minor_edits"], run["articles_updated"]) == (len(site.articles), 0, 0)
        for other in others:  # not one of another edition's articles asked for
            asked = Counter(other.requests) - read[other.edition.code]
            assert not {a.path for a in other.articles} & set(asked), other.edition.code
    assert facts(db) == before
    assert rows(db, "article_events") == [] and rows(db, "article_versions") == []


def test_any_sqlite_tool_writes_the_archive_and_search_finds_in_every_language_after_the_next_crawl(
    three_editions, tmp_path
):
    """Issue 29: with the plain sqlite3 shell, `update articles set title = …` failed with "no
    such tokenizer: elections_kk": the stemmed indexes' triggers needed the project's."""
    server, _, _, kazakh, _ = three_editions
    db = archive_copy(three_editions, tmp_path)
    queries = {
        "en": ("articles_fts", "elections"),
        "ru": ("articles_search_ru", "выборы"),
        "kk": ("articles_search_kk", "сайлау"),
    }

    def found() -> dict[str, list[int]]:
        with open_read_only(db) as archive:
            return {
                language: [r[0] for r in archive.db.execute(f"select rowid from {table} where {table} match ?", [word])]
                for language, (table, word) in queries.items()
            }

    before = found()
    assert all(before.values())
    if shutil.which("sqlite3"):  # the sqlite3 shell (.ci/run installs it)
        shell = subprocess.run(
            ["sqlite3", str(db), "update articles set title = title || '' where rowid = 1"],
            capture_output=True,
            text=True,
        )
        assert (shell.returncode, shell.stderr) == (0, "")
    plain = sqlite3.connect(db)  # Python's own sqlite3, as pandas or DB Browser write
    with plain:
        plain.execute("update articles set title = title || ' ' where lang in ('ru', 'kk')")
        plain.execute("update articles set title = trim(title) where lang in ('ru', 'kk')")
    plain.close()
    assert crawl_edition(server, kazakh, db).returncode == 0  # the next crawl: the indexes have caught up
    assert found() == before
    assert rows(db, "search_queue") == []
    fts_integrity_check(db)


def test_scrapy_coverage_measures_the_archive_again_after_the_subjects_file_changes(three_editions, tmp_path):
    """Issue 30: a crawl measures each article it stores; after a change to the subjects file,
    `scrapy coverage` measures the whole archive again and records the version that did."""
    _, english, russian, kazakh, _ = three_editions
    db = archive_copy(three_editions, tmp_path)
    assert stored_mentions(db) == expected_mentions(english, russian, kazakh)
    made = {row["made_by"] for row in rows(db, "subject_mentions")}
    assert made == {f"subjects {subjects.current().version}; matcher {MATCHER_VERSION}"}
    changed = tmp_path / "subjects.toml"  # the CEC is no subject of this mission's list
    text = subjects.PATH.read_text()
    start = text.index('[[subject]]\nid = "cec"')
    changed.write_text(text[:start] + text[text.index("[[subject]]", start + 1) :])

    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "coverage", *setting_options(db, ELECTIONS_SUBJECTS=str(changed))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    version = subjects.load(changed).version
    assert "75 articles measured" in result.stdout and f"made by subjects {version}; matcher" in result.stdout
    stored = rows(db, "subject_mentions")
    assert {row["made_by"] for row in stored} == {f"subjects {version}; matcher {MATCHER_VERSION}"}
    assert "cec" not in {row["subject_id"] for row in stored} and "cec" not in {
        r["subject_id"] for r in rows(db, "subjects")
    }
    without_cec = {key: value for key, value in expected_mentions(english, russian, kazakh).items() if key[1] != "cec"}
    assert stored_mentions(db) == without_cec


def test_where_no_edition_keeps_a_section_each_all_news_feed_is_judged_in_its_own_language(tmp_path):
    """Issue 32: a Russian edition with no Выборы section anywhere stored none of the 45
    articles it fetched from its feed (the rule knew English alone). Each edition's feed
    holds its election articles and news of other sections, hard negatives among them
    ("кандидат в мастера спорта", "екпе науқаны", a board's chairman elected)."""
    english = ReplicaSite(articles=5, seed=41)
    russian = ReplicaSite(articles=30, seed=42, edition=RUSSIAN, section_at="none", other_news=24)
    kazakh = ReplicaSite(articles=20, seed=43, edition=KAZAKH, section_at="none", other_news=18)
    db = tmp_path / "elections.db"
    with ReplicaServer(english, editions=(russian, kazakh)) as server:
        for site in (russian, kazakh):
            result = crawl_edition(server, site, db, "-s", "ELECTIONS_TOPIC_FIRST_DAYS=3650")
            assert result.returncode == 0, result.stderr[-3000:]
            assert "Walking the all-news feed" in result.stderr
    verdicts = rows(db, "topic_verdicts")
    for site in (russian, kazakh):
        code = site.edition.code
        negatives = {site.edition.expected_id(a.article_id) for a in site.other_news}
        assert {a.kind for a in site.other_news} == {"other", "hard negative"}
        judged = [v for v in verdicts if v["article_id"].startswith(f"{code}-")]
        assert {v["article_id"] for v in judged if v["selected"]} == {a.expected_id for a in site.articles}
        assert {v["article_id"] for v in judged if not v["selected"]} == negatives
        assert {(v["lang"], v["rule_version"]) for v in judged} == {(site.edition.lang, 2)}
        assert all(f"({site.edition.lang}): " in v["reason"] for v in judged)
    assert mismatches(stored_articles(db), expected_items(server, russian, kazakh)) == {}
    runs = rows(db, "crawl_runs")
    assert [(r["edition"], r["listing_found_by"], r["status"], r["healthy"]) for r in runs] == [
        ("ru", "all-news feed", "ok", 1),
        ("kk", "all-news feed", "ok", 1),
    ]
