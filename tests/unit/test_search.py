"""Search in Russian and Kazakh (crawler/archive/search.py): the words of issue 22 found in all
their forms, in SQL, in `sqlite-utils search` and in Datasette's search boxes."""

import asyncio
import json
import sqlite3
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlite_utils.cli import cli
from sqlitefts import fts5

from crawler.archive import (
    STEMMED,
    kazakh_stem,
    open_archive,
    open_database,
    open_read_only,
    register_tokenizers,
    russian_stem,
)
from explore.serve import datasette_for
from replica.content import Generator
from replica.editions import KAZAKH, RUSSIAN
from tests.checks import fts_integrity_check

# (edition, title, body): the forms the issue asks to be found by another form
TEXTS = [
    (RUSSIAN, "Итоги выборов подведены", "На выборах голосовали в Курултая округах."),
    (RUSSIAN, "Явка избирателей достигла 60%", "Голосование прошло спокойно."),
    (KAZAKH, "Құрылтай сайлауына кандидаттар тіркелді", "Сайлаудың қорытындысы шықты."),
    (KAZAKH, "Байқаушылар келді", "Дауыс беру басталды."),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "elections.db"
    db = open_database(path)
    for n, (edition, title, body) in enumerate(TEXTS):
        [article] = Generator(n, edition).archive(1)
        item = replace(article, title=title, lead=None, paragraphs=[body]).expected_item(
            f"http://replica.test{edition.prefix}"
        )
        db.table("articles").insert({**item, "article_id": f"{edition.code}-{n}", "tags": json.dumps([])})
    db.close()
    open_database(path).close()  # written outside the archive's transactions: the indexes catch up as it opens
    return path


def found(connection, language: str, query: str) -> list[str]:
    table = STEMMED[language][0]
    sql = f"select article_id from {table} where {table} match ? order by rowid"
    return [row[0] for row in connection.execute(sql, [query])]


def test_every_form_of_a_word_has_one_stem():
    assert len({russian_stem(word) for word in ("выборы", "выборов", "выборах", "выборами")}) == 1
    assert len({russian_stem(word) for word in ("курултай", "курултая", "курултае", "курултаю")}) == 1
    assert russian_stem("цик") == "цик"  # short words stay whole
    assert len({kazakh_stem(word) for word in ("сайлау", "сайлауы", "сайлауына", "сайлаудың", "сайлауға")}) == 1
    assert len({kazakh_stem(word) for word in ("құрылтай", "құрылтайға", "құрылтайдың")}) == 1
    assert kazakh_stem("байқаушылардың") == kazakh_stem("байқаушы")


def test_sql_finds_every_form_on_a_connection_with_the_tokenizers(archive):
    connection = sqlite3.connect(archive)
    with pytest.raises(sqlite3.OperationalError, match="no such tokenizer"):
        found(connection, "ru", "выборы")
    register_tokenizers(connection)
    assert found(connection, "ru", "выборы") == ["ru-0"]  # "выборов", "выборах"
    assert found(connection, "ru", "Курултай") == ["ru-0"]  # "Курултая"
    assert found(connection, "ru", "избиратели голосование") == ["ru-1"]
    assert found(connection, "kk", "сайлау") == ["kk-2"]  # "сайлауына", "Сайлаудың"
    assert found(connection, "kk", "байқаушы") == ["kk-3"]
    assert found(connection, "ru", "сайлау") == []  # each index holds its language's articles
    connection.close()


def test_the_indexes_follow_every_write_to_articles_whoever_makes_it(tmp_path, archive):
    """Issue 29: any SQLite tool writes `articles` (no tokenizer needed); the stemmed indexes
    catch up as the archive next opens, and within the archive's own transactions."""
    path = tmp_path / "copy.db"
    path.write_bytes(archive.read_bytes())
    plain = sqlite3.connect(path)  # the plain sqlite3 shell, pandas, DB Browser ...
    with plain:
        plain.execute(
            "update articles set body = 'Наблюдатели из ОБСЕ работали на участках.' where article_id = 'ru-1'"
        )
        plain.execute("update articles set title = title || '' where rowid = 1")
        plain.execute("update articles set body = body || ' Голосование.' where article_id = 'ru-0'")
        plain.execute("delete from articles where article_id = 'ru-0'")  # the two changes, one after the other
        plain.execute("update articles set lang = 'ru' where article_id = 'kk-3'")  # found out to be Russian
    assert plain.execute("select count(*) from search_queue").fetchone()[0] == 5
    plain.close()
    db = open_database(path)
    assert found(db.conn, "ru", "наблюдатель") == ["ru-1"]
    assert found(db.conn, "ru", "голосование") == found(db.conn, "ru", "выборы") == []
    assert found(db.conn, "kk", "байқаушы") == []
    assert found(db.conn, "ru", "байқаушылар") == ["kk-3"]  # now stemmed as Russian
    assert db.execute("select count(*) from search_queue").fetchone()[0] == 0
    db.close()
    with open_archive(path) as opened, opened.transaction():  # the archive's own writes: caught up at commit
        opened.db.execute("update articles set title = 'Выборы в Курултай' where article_id = 'ru-1'")
    with open_read_only(path) as reader:
        assert found(reader.db.conn, "ru", "курултая") == ["ru-1"]
    fts_integrity_check(path)


def test_sqlite_utils_search_stems_the_query_with_the_packages_plugin(archive):
    result = CliRunner().invoke(cli, ["search", str(archive), "articles_search_ru", "выборы", "-c", "article_id"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"article_id": "ru-0"}]
    result = CliRunner().invoke(cli, ["search", str(archive), "articles_search_kk", "Құрылтайға", "-c", "article_id"])
    assert json.loads(result.output) == [{"article_id": "kk-2"}]


def test_datasettes_search_boxes_find_every_form(archive):
    pytest.importorskip("datasette.app", reason="the explore extra (make test installs it)")
    ds = datasette_for(archive)
    asyncio.run(ds.invoke_startup())

    def get(path: str):
        response = asyncio.run(ds.client.get(path))
        assert response.status_code == 200, response.text[:500]
        return response

    table = get("/elections/articles_search_ru.json?_search=Курултай&_shape=array").json()
    assert [row["article_id"] for row in table] == ["ru-0"]
    search = get("/elections/search.json?phrase=сайлау&_shape=array").json()
    assert [row["title"] for row in search] == [TEXTS[2][1]]
    search = get("/elections/search.json?phrase=выборы&_shape=array").json()
    assert [(row["title"], row["lang"]) for row in search] == [(TEXTS[0][1], "ru")]


def test_a_match_is_highlighted_at_its_own_letters(archive):
    """The tokenizer's offsets are the words' bytes: highlight() and snippet() cut at them."""
    connection = sqlite3.connect(archive)
    register_tokenizers(connection)
    sql = "select highlight(articles_search_ru, 2, '[', ']') from articles_search_ru where articles_search_ru match ?"
    assert connection.execute(sql, ["курултай"]).fetchall() == [("На выборах голосовали в [Курултая] округах.",)]
    sql = sql.replace(", 2,", ", 0,").replace("_ru", "_kk")
    assert connection.execute(sql, ["сайлау"]).fetchall() == [("Құрылтай [сайлауына] кандидаттар тіркелді",)]
    connection.close()


@pytest.mark.parametrize(
    "language, text",
    [
        ("ru", "Выборы_2026 в Курултай: ОБСЕ/БДИПЧ, 7:00 «явка» — 64,3%… Öskemen by-election"),
        ("kk", "Құрылтай сайлауына №5 учаскеде 09:00-де; ҚЫЗЫЛОРДА. KAZINFORM — «Әр дауыс»"),
    ],
)
def test_an_articles_text_and_a_query_are_split_and_stemmed_alike(language, text):
    """The index gets a text as its stems, which SQLite splits; a query's words are stemmed by
    the tokenizer itself: the two must give the same words, or a search misses."""
    from crawler.archive.search import STEMS

    stems = STEMS[language]
    assert stems.text(text).split() == [token.decode() for token, _, _ in stems.tokens(text.encode())]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # cffi prints what it caught
def test_a_stemmer_that_raises_makes_the_search_fail_not_find_nothing():
    """Issue 29: the tokenizer's callbacks had no error value, so an exception in a stemmer
    was printed and taken as success: a search then found nothing instead of failing."""
    from crawler.archive.search import Stems, fts5_tokenizer

    def broken(word: str) -> str:
        raise RuntimeError("stemmer broke")

    tokenizer, _kept = fts5_tokenizer(Stems(broken))
    connection = sqlite3.connect(":memory:")
    fts5.register_tokenizer(connection, "broken", tokenizer)
    connection.execute("create virtual table t using fts5(body, tokenize='broken')")
    connection.execute("insert into t (body) values ('выбор')")  # a document's stems are split in C
    with pytest.raises(sqlite3.OperationalError):
        connection.execute("select * from t where t match 'выборы'").fetchall()
    connection.close()


def test_each_index_records_its_stemmer_and_is_rebuilt_when_it_changes(tmp_path, archive, monkeypatch):
    from crawler.archive import search

    path = tmp_path / "copy.db"
    path.write_bytes(archive.read_bytes())
    db = open_database(path)
    recorded = {row["index_name"]: row["stemmer"] for row in db.query("select * from search_stemmers")}
    assert recorded == {
        **{STEMMED[language][0]: search.STEMMERS_USED[language] for language in STEMMED},
        "articles_fts": search.ALL_LANGUAGES_USED,
    }
    assert recorded["articles_search_ru"].startswith("PyStemmer ")  # the package and its version
    db.close()
    # A new stemmer that keeps words whole: the index, rebuilt as the archive opens, holds them so.
    monkeypatch.setitem(search.STEMS, "ru", search.Stems(lambda word: word))
    monkeypatch.setitem(search.STEMMERS_USED, "ru", "words kept whole")
    made: dict[str, tuple] = {}  # kept alive as long as a connection may call them back
    monkeypatch.setattr(
        search, "_fts5_tokenizer", lambda lang: made.setdefault(lang, search.fts5_tokenizer(search.STEMS[lang]))
    )
    db = open_database(path)
    assert db.execute("select stemmer from search_stemmers where index_name = 'articles_search_ru'").fetchone() == (
        "words kept whole",
    )
    assert found(db.conn, "ru", "выборах") == ["ru-0"] and found(db.conn, "ru", "выборы") == []
    db.close()


def test_the_kazakh_stemmer_is_linear_and_no_stemmer_sees_a_word_longer_than_the_bound():
    """Issue 29: one 1.5-million-letter Kazakh word added about 45 s to a crawl, inside the
    archive's write transaction: the stemmer copied the word at each ending it took off."""
    from crawler.archive.search import MAX_STEMMED, STEMS

    word = "сайлау" + "лар" * 500_000
    assert STEMS["kk"].text(word) == word  # longer than the bound: indexed as it is
    assert STEMS["ru"].text("выборы" * 100_000) == "выборы" * 100_000
    bounded = "сайлау" + "лар" * ((MAX_STEMMED - 6) // 3)
    assert len(bounded) <= MAX_STEMMED and kazakh_stem(bounded) == "сайлау"  # every ending taken off, in one pass
    # as the stemmer before issue 29 stemmed them (bench/stemmer_scaling.py keeps it): the
    # indexes it built must match what today's would
    assert {word: kazakh_stem(word) for word in STEMMED_BEFORE} == STEMMED_BEFORE


STEMMED_BEFORE = {
    "байқаушылар": "байқауш",
    "байқаушылардың": "байқауш",
    "басталды": "бастал",
    "беру": "беру",
    "дауыс": "дауыс",
    "ел": "ел",
    "кандидаттар": "кандидат",
    "кандидаттардың": "кандидат",
    "келді": "кел",
    "сайлаудағы": "сайлау",
    "сайлаудың": "сайлау",
    "сайлауына": "сайлау",
    "тіркелді": "тіркел",
    "цик": "цик",
    "шықты": "шық",
    "қорытындысы": "қор",
    "құрылтай": "құрылтай",
}


# Issue 32: the words a user of this archive types, each written in one article in every case
# form; the search of articles_fts, the list's box and `sqlite-utils search … articles`, finds
# each article by any form. Snowball's Russian stemmer alone gives курултай "курулта" but
# курултая "курулт".
CASE_FORMS = {
    "курултай": ("Курултай", "Курултая", "Курултаю", "Курултаем", "Курултае"),
    "мажилис": ("Мажилис", "Мажилиса", "Мажилису", "Мажилисом", "Мажилисе"),
    "маслихат": ("маслихат", "маслихата", "маслихату", "маслихатом", "маслихате", "маслихатов"),
    "акимат": ("акимат", "акимата", "акимату", "акиматом", "акимате"),
    "референдум": ("референдум", "референдума", "референдуму", "референдумом", "референдуме"),
    "токаев": ("Токаев", "Токаева", "Токаеву", "Токаевым", "Токаеве"),
    "құрылтай": ("Құрылтай", "Құрылтайға", "Құрылтайдың", "Құрылтайда", "Құрылтайды"),
    "сайлау": ("сайлау", "сайлауы", "сайлауына", "сайлаудың", "сайлауға"),
}


@pytest.fixture(scope="module")
def forms_archive(tmp_path_factory):
    """One article per form, written as any tool writes: the index catches up as it opens."""
    path = tmp_path_factory.mktemp("forms") / "elections.db"
    db = open_database(path)
    for word, forms in CASE_FORMS.items():
        for n, form in enumerate(forms):
            lang = "kk" if word in ("құрылтай", "сайлау") else "ru"
            db.table("articles").insert(
                {
                    "article_id": f"{word}-{n}",
                    "url": f"u/{word}/{n}",
                    "lang": lang,
                    "title": f"Новости: {form}",
                    "body": "Текст.",
                    "published_at": "2026-11-01T06:00:00+00:00",
                    "tags": "[]",
                }
            )
    db.close()
    open_database(path).close()
    return path


@pytest.mark.parametrize("word", list(CASE_FORMS))
def test_the_index_of_every_article_finds_each_case_form_by_any_other(forms_archive, word):
    everyone = {f"{word}-{n}" for n in range(len(CASE_FORMS[word]))}
    with open_read_only(forms_archive) as archive:
        for form in CASE_FORMS[word]:
            found_ids = {
                r[0]
                for r in archive.db.execute(
                    "select a.article_id from articles_fts join articles a on a.rowid = articles_fts.rowid "
                    "where articles_fts match ?",
                    [form],
                )
            }
            assert found_ids == everyone, form
    result = CliRunner().invoke(
        cli, ["search", str(forms_archive), "articles", CASE_FORMS[word][1], "-c", "article_id"]
    )
    assert result.exit_code == 0, result.output
    assert {row["article_id"] for row in json.loads(result.output)} == everyone


def test_the_lists_own_search_box_finds_every_language_in_all_its_forms(forms_archive, archive):
    pytest.importorskip("datasette.app", reason="the explore extra (make test installs it)")
    for path, query, expected in (
        (forms_archive, "курултая", {f"курултай-{n}" for n in range(5)}),
        (forms_archive, "Құрылтайға", {f"құрылтай-{n}" for n in range(5)}),
        (archive, "выборы", {"ru-0"}),  # "На выборах …"
    ):
        ds = datasette_for(path)
        asyncio.run(ds.invoke_startup())
        response = asyncio.run(ds.client.get(f"/elections/articles_list.json?_search={query}&_shape=array&_size=50"))
        assert response.status_code == 200, response.text[:500]
        assert {row["article_id"] for row in response.json()} == expected
