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

import ctypes
import itertools
import re
import sqlite3
from collections.abc import Callable
from functools import cache, lru_cache

import Stemmer
from sqlite_utils import hookimpl
from sqlitefts import fts5
from sqlitefts.tokenizer import SQLITE_OK, ffi  # type: ignore[attr-defined]  # the C declarations fts5 extends

# The stemmed indexes: language -> (table, tokenizer). Each holds the articles of its
# language, at their rowid in articles.
__all__ = ["STEMMED", "kazakh_stem", "rebuild_sql", "register_tokenizers", "russian_stem", "stemmed_index_sql"]

STEMMED = {"ru": ("articles_search_ru", "elections_ru"), "kk": ("articles_search_kk", "elections_kk")}
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


# A word: ASCII letters and digits, and letters of two- or three-byte UTF-8 (Cyrillic, Latin
# with diacritics, Greek, CJK ...), but no punctuation of Latin-1 (« », a no-break space: \xc2)
# or of the general punctuation block (– — “ ” …: \xe2). Matched in the UTF-8 FTS5 hands over,
# so that a word's offsets are its bytes' without counting; split on, so that the text falls
# into gaps and words in one call.
_WORDS = re.compile(rb"((?:[0-9A-Za-z_]|[\xc3-\xdf\xe3-\xef][\x80-\xbf]+)+)")
_CACHED_WORDS = 200_000  # words whose stem a tokenizer remembers (a year's vocabulary is far fewer)


def tokens(data: bytes, stem: Callable[[str], str], cache: dict[bytes, bytes]) -> list[tuple[bytes, int, int]]:
    """Each word's stem, case folded, as UTF-8, with the word's byte offsets in `data`. Stems
    are remembered in `cache`: a text's words are mostly ones seen before. The tokenizer's
    hottest code, written for speed: a token costs about half a microsecond."""
    if len(cache) > _CACHED_WORDS:
        cache.clear()
    parts = _WORDS.split(data)  # gap, word, gap, word, ..., gap
    ends = list(itertools.accumulate(map(len, parts)))
    known = cache.get
    stems = [known(word) or cache.setdefault(word, stem(word.decode().casefold()).encode()) for word in parts[1::2]]
    return list(zip(stems, ends[0:-1:2], ends[1::2], strict=True))


def fts5_tokenizer(stem: Callable[[str], str]) -> tuple:
    """An FTS5 tokenizer that stems with `stem` (in sqlitefts' C declarations), and what it
    is made of, which must live as long as it. Ours rather than sqlitefts' Python adapter,
    which decodes each text and encodes each token again: a Russian article cost 1.39 times
    an English one with it (bench/cost_per_article.py)."""
    cache: dict[bytes, bytes] = {}
    instance = ffi.new("char[1]")  # what FTS5 hands back to tokenize(): these keep no state

    @ffi.callback("int(void*, const char **, int, Fts5Tokenizer **)")
    def create(context, arguments, count, tokenizer):
        tokenizer[0] = ffi.cast("Fts5Tokenizer *", instance)
        return SQLITE_OK

    @ffi.callback("void(Fts5Tokenizer *)")
    def delete(tokenizer):
        return None

    @ffi.callback("int(Fts5Tokenizer *, void *, int, const char *, int, int(void*, int, const char *, int, int, int))")
    def tokenize(tokenizer, context, flags, text, length, token):
        for stemmed, start, end in tokens(ffi.buffer(text, length)[:], stem, cache):
            code = token(context, 0, stemmed, len(stemmed), start, end)
            if code != SQLITE_OK:
                return code
        return SQLITE_OK

    return ffi.new("fts5_tokenizer *", [create, delete, tokenize]), (create, delete, tokenize, instance)


@cache
def _fts5_tokenizer(language: str) -> tuple:
    """One tokenizer per language, for every connection, and never freed: SQLite calls it back
    as long as a connection lives, and the last may close as the interpreter exits, after it
    has freed what modules held (a callback freed before that is a segmentation fault)."""
    made = fts5_tokenizer(STEMMERS[language])
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(made))
    return made


def register_tokenizers(connection: sqlite3.Connection) -> None:
    """Makes the stemmed indexes usable on this connection."""
    for language, (_, name) in STEMMED.items():
        fts5.register_tokenizer(connection, name, _fts5_tokenizer(language)[0])


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
