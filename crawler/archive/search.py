"""Stemmed full-text search in Russian and Kazakh: an FTS5 index per language whose
tokenizer stems each word, so that `выборы` finds "выборов" and "выборах", and
`Курултай` "Курултая", in SQL, in `sqlite-utils search` and in Datasette alike.

Why a tokenizer, and not a stemmed shadow column or query expansion: only a tokenizer
stems the query the way it stemmed the text without the query being touched, so the
plain `match` of every tool works. SQLite takes no Python tokenizer of its own; sqlitefts
registers one on a connection. Every connection that opens the archive gets them:

- sqlite-utils' `prepare_connection` plugin hook (this module, an entry point of the
  package): the crawler's Archive, `sqlite-utils query` and `sqlite-utils search`;
- Datasette's (explore/plugins/reading.py);
- any other: `register_tokenizers(connection)`.

A connection without them (the plain `sqlite3` shell) reads every table but these two,
and cannot write `articles`: their triggers need the tokenizer ("no such tokenizer").

English keeps articles_fts and SQLite's own Porter stemmer (crawler/site/editions.py).
"""

import atexit
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from functools import cache, lru_cache

import Stemmer
from sqlite_utils import hookimpl
from sqlitefts import fts5

# The stemmed indexes: language -> (table, tokenizer). Each holds the articles of its
# language, at their rowid in articles.
__all__ = ["STEMMED", "kazakh_stem", "rebuild_sql", "register_tokenizers", "russian_stem", "stemmed_index_sql"]

STEMMED = {"ru": ("articles_search_ru", "elections_ru"), "kk": ("articles_search_kk", "elections_kk")}
_WORD = re.compile(r"\w+")
MIN_STEM = 3  # letters a stem keeps: "ЦИК", "ОСК" and short words stay whole


@lru_cache(maxsize=1)
def _russian() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("russian")


def russian_stem(word: str) -> str:
    """Snowball's Russian stem, less a last vowel or й it leaves on some nouns: Snowball
    makes "курултай" "курулта" but "курултая" "курулт"."""
    stem = _russian().stemWord(word.replace("ё", "е"))
    return stem[:-1] if len(stem) > MIN_STEM and stem[-1] in "аеиоуыэюяйь" else stem


# Kazakh has no Snowball stemmer: a light one strips the endings of case, possession and
# number, the longest first, again and again ("сайлауына" -> "сайлауы" -> "сайлау").
KAZAKH_ENDINGS = sorted(
    {
        *("лар", "лер", "дар", "дер", "тар", "тер"),  # plural
        *("ның", "нің", "дың", "дің", "тың", "тің"),  # genitive
        *("ға", "ге", "қа", "ке", "на", "не"),  # dative
        *("ны", "ні", "ды", "ді", "ты", "ті", "н"),  # accusative
        *("да", "де", "та", "те", "нда", "нде"),  # locative
        *("дан", "ден", "тан", "тен", "нан", "нен"),  # ablative
        *("мен", "бен", "пен"),  # instrumental
        *("дағы", "дегі", "тағы", "тегі"),  # "of the place"
        *("сы", "сі", "ы", "і", "ым", "ім", "ың", "ің", "мыз", "міз"),  # possessive
    },
    key=len,
    reverse=True,
)


def kazakh_stem(word: str) -> str:
    stripped = True
    while stripped:
        stripped = False
        for ending in KAZAKH_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                word, stripped = word[: -len(ending)], True
                break
    return word


STEMMERS: dict[str, Callable[[str], str]] = {"ru": russian_stem, "kk": kazakh_stem}


def tokens(text: str, stem: Callable[[str], str]) -> Iterator[tuple[str, int, int]]:
    """Each word's stem, case folded, with its byte offsets in `text` (what FTS5 asks)."""
    offset, position = 0, 0
    for match in _WORD.finditer(text):
        offset += len(text[position : match.start()].encode())
        start = offset
        offset += len(match.group().encode())
        position = match.end()
        yield stem(match.group().casefold()), start, offset


class StemmingTokenizer(fts5.FTS5Tokenizer):
    def __init__(self, stem: Callable[[str], str]):
        self.stem = stem

    def tokenize(self, text: str, flags=None) -> Iterator[tuple[str, int, int]]:
        return tokens(text, self.stem)


@cache
def _fts5_tokenizer(language: str):
    """One tokenizer per language for every connection (sqlitefts keeps each one it makes)."""
    return fts5.make_fts5_tokenizer(StemmingTokenizer(STEMMERS[language]))


@atexit.register
def _quiet_teardown() -> None:
    """A connection still open when the interpreter exits frees its tokenizers after cffi is
    torn down, and sqlitefts' callback then fails on nothing that matters (the process is
    ending): that one report is not shown. Any other stays as Python prints it."""
    report = sys.unraisablehook

    def hook(unraisable) -> None:
        if getattr(unraisable.object, "__qualname__", "") != "make_fts5_tokenizer.<locals>.xdelete":
            report(unraisable)

    sys.unraisablehook = hook


def register_tokenizers(connection: sqlite3.Connection) -> None:
    """Makes the stemmed indexes usable on this connection."""
    for language, (_, name) in STEMMED.items():
        fts5.register_tokenizer(connection, name, _fts5_tokenizer(language))


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """sqlite-utils' plugin hook: every Database it opens, ours and its command line's."""
    register_tokenizers(conn)


def stemmed_index_sql(language: str) -> str:
    """The index of one language's articles, and the triggers that keep it as articles is."""
    table, tokenizer = STEMMED[language]
    values = "new.rowid, new.title, new.lead, new.body, new.article_id"
    return f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(title, lead, body, article_id UNINDEXED, tokenize='{tokenizer}');
CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON articles WHEN new.lang = '{language}' BEGIN
  INSERT INTO {table} (rowid, title, lead, body, article_id) VALUES ({values});
END;
CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON articles WHEN old.lang = '{language}' BEGIN
  DELETE FROM {table} WHERE rowid = old.rowid;
END;
CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE OF title, lead, body, lang, article_id ON articles BEGIN
  DELETE FROM {table} WHERE rowid = old.rowid;
  INSERT INTO {table} (rowid, title, lead, body, article_id) SELECT {values} WHERE new.lang = '{language}';
END;
"""


def rebuild_sql(language: str) -> str:
    table, _ = STEMMED[language]
    return f"""DELETE FROM {table};
INSERT INTO {table} (rowid, title, lead, body, article_id)
SELECT rowid, title, lead, body, article_id FROM articles WHERE lang = '{language}';"""
