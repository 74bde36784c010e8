"""Search in Russian and Kazakh (crawler/archive/search.py): the words of issue 22 found in all
their forms, in SQL, in `sqlite-utils search` and in Datasette's search boxes."""

import asyncio
import json
import sqlite3
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlite_utils.cli import cli

from crawler.archive import STEMMED, kazakh_stem, open_database, register_tokenizers, russian_stem
from explore.serve import datasette_for
from replica.content import Generator
from replica.editions import KAZAKH, RUSSIAN

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


def test_the_indexes_follow_every_write_to_articles(tmp_path, archive):
    path = tmp_path / "copy.db"
    path.write_bytes(archive.read_bytes())
    db = open_database(path)
    db["articles"].update("ru-1", {"body": "Наблюдатели из ОБСЕ работали на участках."})
    db["articles"].delete("ru-0")
    db["articles"].update("kk-3", {"lang": "ru"})  # found out to be Russian: moves index
    assert found(db.conn, "ru", "наблюдатель") == ["ru-1"]
    assert found(db.conn, "ru", "голосование") == found(db.conn, "ru", "выборы") == []
    assert found(db.conn, "kk", "байқаушы") == []
    db.close()


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
