"""Stemmed full-text search in Russian and Kazakh: an FTS5 index per language whose
tokenizer stems each word, so that `выборы` finds "выборов" and "выборах", and
`Курултай` "Курултая", in SQL, in `sqlite-utils search` and in Datasette alike.

Why a tokenizer, and not a stemmed shadow column or query expansion: only a tokenizer
stems the query the way it stemmed the text without the query being touched, so the
plain `match` of every tool works. SQLite takes no Python tokenizer of its own; sqlitefts
registers one on a connection. An article's text reaches the index as its stems, which
SQLite's own unicode61 then splits in C; the index keeps no copy of the text (its external
content is a view of the language's articles).

Any SQLite tool can write `articles` (issue 29): plain triggers, which need no tokenizer, put
each changed row into `search_queue` with the text the indexes hold for it, and the archive
drains the queue into the indexes whenever it opens and before each transaction of its own
commits (`drain_sql`). Each index records the stemmer that built it (`search_stemmers`, with
the package's version): when a stemmer changes, the archive rebuilds the index as it opens.
Every connection that searches gets the tokenizers:

- sqlite-utils' `prepare_connection` plugin hook (this module, an entry point of the
  package): the crawler's Archive, `sqlite-utils query` and `sqlite-utils search`;
- Datasette's (explore/plugins/reading.py);
- any other: `register_tokenizers(connection)`.

A connection without them (the plain `sqlite3` shell) reads and writes every table but
these indexes, which it cannot search ("no such tokenizer").

`articles_fts`, the index of every article that the reading room's list and
`sqlite-utils search … articles` use (issue 32), finds every language's words in all their
forms with one tokenizer (`elections_all`): an English word is stemmed by Snowball's English
stemmer (after its diacritics), a Cyrillic word by the Russian and the Kazakh stemmers both,
the two stems at one position (FTS5's colocated tokens), in the text and in a query alike,
so that a query in either language meets an article in either. It reads the articles' own
text (its external content is `articles`), and follows them through the same queue.
"""

import ctypes
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from importlib.metadata import version
from typing import Any

import Stemmer
from sqlite_utils import hookimpl
from sqlitefts import fts5
from sqlitefts.tokenizer import SQLITE_OK, ffi  # type: ignore[attr-defined]  # the C declarations fts5 extends

SQLITE_ERROR = 1

__all__ = [
    "ALL_LANGUAGES",
    "ALL_LANGUAGES_USED",
    "STEMMED",
    "STEMMERS_USED",
    "drain_sql",
    "english_stem",
    "every_language_drain_sql",
    "every_language_index_sql",
    "every_language_tokens",
    "kazakh_stem",
    "rebuild_sql",
    "register_tokenizers",
    "russian_stem",
    "search_queue_sql",
    "search_sql",
    "stemmed_index_sql",
]

MIN_STEM = 3  # letters a stem keeps: "ЦИК", "ОСК" and short words stay whole
# A longer word is indexed as it is: no real word is, and a stemmer's cost must not grow
# with a page's longest run of letters (one of 1.5 million once held a crawl's write for 45 s).
MAX_STEMMED = 64


@lru_cache(maxsize=1)
def _russian() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("russian")


def russian_stem(word: str) -> str:
    """Snowball's Russian stem, less a last vowel or й it leaves on some nouns: Snowball
    makes "курултай" "курулта" but "курултая" "курулт"."""
    stem: str = _russian().stemWord(word.replace("ё", "е"))
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
    """The word less its endings, the longest first, again and again; linear in the word's
    length (an end moves left, no copy is made until the last)."""
    end = len(word)
    stripped = True
    while stripped:
        stripped = False
        for ending in KAZAKH_ENDINGS:
            if end - len(ending) >= MIN_STEM and word.endswith(ending, 0, end):
                end, stripped = end - len(ending), True
                break
    return word[:end]


STEMMERS: dict[str, Callable[[str], str]] = {"ru": russian_stem, "kk": kazakh_stem}
# The stemmed indexes of one language each, language -> (table, tokenizer): one for every
# edition's language but English (crawler/site/editions.py; a test holds the two lists
# together). articles_fts holds every article, in every language, besides.
STEMMED = {language: (f"articles_search_{language}", f"elections_{language}") for language in STEMMERS}
# What built each language's index, recorded with it (search_stemmers): a change here, or in
# the package's version, rebuilds the index. Raise a rule's number with any change to its code.
STEMMERS_USED = {
    "ru": f"PyStemmer {version('PyStemmer')} russian, less a last vowel or й; words of at most {MAX_STEMMED}",
    "kk": f"kazakh_stem 2 (endings of case, possession and number); words of at most {MAX_STEMMED}",
}


ENGLISH = Stemmer.Stemmer("english")


def english_stem(word: str) -> str:
    """Snowball's English stem (Porter's second), of the word less its diacritics."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    stem: str = ENGLISH.stemWord(folded)
    return stem


# The index of every article, in every language (articles_fts), and its tokenizer.
ALL_LANGUAGES = ("articles_fts", "elections_all")
ALL_LANGUAGES_USED = (
    f"PyStemmer {version('PyStemmer')} english for Latin words; for Cyrillic ones, colocated, {STEMMERS_USED['ru']}, "
    f"and {STEMMERS_USED['kk']}"
)
_CYRILLIC = re.compile("[\u0400-\u04ff]")

# A word, as SQLite's unicode61 tokenizer splits text: letters and digits (no underscore).
_WORDS = re.compile(r"[^\W_]+")
_WORD_RUNS = re.compile(r"\w+")  # the same, where the text has no underscore: a third faster
_CACHED_WORDS = 200_000  # words whose stem a language remembers (a year's vocabulary is far fewer)


class Stems(dict[str, str]):
    """One language's stems, remembered, word -> stem: a text's words are mostly ones seen
    before, and a word seen is looked up in C (`map(stems.__getitem__, words)`)."""

    def __init__(self, stem: Callable[[str], str]):
        super().__init__()
        self.stem = stem

    def __missing__(self, word: str) -> str:
        if len(self) > _CACHED_WORDS:  # a bound on what is remembered, whoever asks
            self.clear()
        found = self[word] = self.stem(word) if len(word) <= MAX_STEMMED else word
        return found

    def text(self, text: str | None) -> str | None:
        """The text as its stems, a space between them: what the index is given to split."""
        if not text:
            return text
        words = _WORD_RUNS.findall(unicodedata.normalize("NFC", text).lower().replace("_", " "))
        return " ".join(map(self.__getitem__, words))

    def tokens(self, data: bytes) -> Iterator[tuple[bytes, int, int]]:
        """Each word's stem as UTF-8, with the word's byte offsets in `data`: a query's words,
        or an article's for highlight() and snippet()."""
        for word, start, end in words_at(data):
            yield self[word].encode(), start, end


def words_at(data: bytes) -> Iterator[tuple[str, int, int]]:
    """Each word of UTF-8 `data`, as the stemmers take it (NFC, lower case), with its byte
    offsets in `data`."""
    text, position, offset = data.decode(errors="replace"), 0, 0
    for match in _WORDS.finditer(text):
        offset += len(text[position : match.start()].encode())
        word = match.group()
        start, offset, position = offset, offset + len(word.encode()), match.end()
        yield unicodedata.normalize("NFC", word).lower(), start, offset


@cache
def _unicode61() -> tuple[Any, ...]:
    """SQLite's own unicode61 tokenizer, folding case but no diacritics, for every
    connection: its functions are SQLite's, its instance has no tie to a connection."""
    connection = sqlite3.connect(":memory:")
    api = fts5.fts5_api_from_db(connection)  # type: ignore[attr-defined]  # public, though not in its __all__
    module, user_data, instance = ffi.new("fts5_tokenizer *"), ffi.new("void **"), ffi.new("Fts5Tokenizer **")
    if api.xFindTokenizer(api, b"unicode61", user_data, module) != SQLITE_OK:
        raise RuntimeError("SQLite's FTS5 has no unicode61 tokenizer")
    arguments = [ffi.new("char[]", b"remove_diacritics"), ffi.new("char[]", b"0")]
    if module.xCreate(user_data[0], ffi.new("const char *[]", arguments), 2, instance) != SQLITE_OK:
        raise RuntimeError("SQLite's unicode61 tokenizer refused remove_diacritics 0")
    return module, instance[0], connection


TokenizeText = Callable[[Any, int, Any, int, Any], int]  # (context, flags, text, length, token) -> code


def _fts5_module(tokenize_text: TokenizeText) -> tuple[Any, ...]:
    """An FTS5 tokenizer module (in sqlitefts' C declarations) around `tokenize_text`, and
    what it is made of, which must live as long as it."""
    instance = ffi.new("char[1]")  # what FTS5 hands back to tokenize(): these keep no state

    # error=: a Python exception inside a callback is an SQLite error, not a silent success
    # (a search would then find nothing instead of failing).
    @ffi.callback("int(void*, const char **, int, Fts5Tokenizer **)", error=SQLITE_ERROR)  # type: ignore[untyped-decorator]  # cffi's
    def create(context: Any, arguments: Any, count: int, tokenizer: Any) -> int:  # cffi's pointers
        tokenizer[0] = ffi.cast("Fts5Tokenizer *", instance)
        return SQLITE_OK

    @ffi.callback("void(Fts5Tokenizer *)")  # type: ignore[untyped-decorator]
    def delete(tokenizer: Any) -> None:
        return None

    @ffi.callback(  # type: ignore[untyped-decorator]
        "int(Fts5Tokenizer *, void *, int, const char *, int, int(void*, int, const char *, int, int, int))",
        error=SQLITE_ERROR,
    )
    def tokenize(tokenizer: Any, context: Any, flags: int, text: Any, length: int, token: Any) -> int:
        return tokenize_text(context, flags, text, length, token)

    return ffi.new("fts5_tokenizer *", [create, delete, tokenize]), (create, delete, tokenize, instance)


def _emit(tokens: Iterator[tuple[bytes, int, int, int]], context: Any, token: Any) -> int:
    """Hands FTS5 each (stem, start, end, flags); stops at the first code it refuses with."""
    for stemmed, start, end, flags in tokens:
        code: int = token(context, flags, stemmed, len(stemmed), start, end)
        if code != SQLITE_OK:
            return code
    return SQLITE_OK


def fts5_tokenizer(stems: Stems) -> tuple[Any, ...]:
    """An FTS5 tokenizer of one language. An article's text reaches the index as its stems
    (`elections_stem_ru(body)` in the drain), which SQLite's unicode61 splits, in C, with no
    call back into Python per word: a query's words and the text highlight() reads are
    stemmed here. (sqlitefts' own Python adapter called Python for every token: a Russian
    article cost 1.39 times an English one with it; bench/cost_per_article.py.)"""
    splitter, splitter_instance, _ = _unicode61()

    def tokenize_text(context: Any, flags: int, text: Any, length: int, token: Any) -> int:
        if flags & fts5.FTS5_TOKENIZE_DOCUMENT:  # stems already: split them as SQLite does
            split: int = splitter.xTokenize(splitter_instance, context, flags, text, length, token)
            return split
        tokens = ((stemmed, start, end, 0) for stemmed, start, end in stems.tokens(ffi.buffer(text, length)[:]))
        return _emit(tokens, context, token)

    return _fts5_module(tokenize_text)


STEMS = {language: Stems(stem) for language, stem in STEMMERS.items()}
ENGLISH_STEMS = Stems(english_stem)


def every_language_tokens(data: bytes) -> Iterator[tuple[bytes, int, int, int]]:
    """(stem, start, end, flags) of each word: a Cyrillic word's Russian stem and, where
    it differs, its Kazakh stem colocated (FTS5_TOKEN_COLOCATED); any other word's English."""
    for word, start, end in words_at(data):
        if _CYRILLIC.search(word):
            russian, kazakh = STEMS["ru"][word], STEMS["kk"][word]
            yield russian.encode(), start, end, 0
            if kazakh != russian:
                yield kazakh.encode(), start, end, fts5.FTS5_TOKEN_COLOCATED
        else:
            yield ENGLISH_STEMS[word].encode(), start, end, 0


@cache
def _every_language_tokenizer() -> tuple[Any, ...]:
    """The tokenizer of articles_fts, for every connection and never freed (as
    _fts5_tokenizer's). A Python call per word, in the text too: the index reads the
    articles' own text, so that FTS5's own commands (rebuild, integrity-check) work."""

    def tokenize_text(context: Any, flags: int, text: Any, length: int, token: Any) -> int:
        return _emit(every_language_tokens(ffi.buffer(text, length)[:]), context, token)

    made = _fts5_module(tokenize_text)
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(made))
    return made


@cache
def _fts5_tokenizer(language: str) -> tuple[Any, ...]:
    """One tokenizer per language, for every connection, and never freed: SQLite calls it back
    as long as a connection lives, and the last may close as the interpreter exits, after it
    has freed what modules held (a callback freed before that is a segmentation fault)."""
    made = fts5_tokenizer(STEMS[language])
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(made))
    return made


def register_tokenizers(connection: sqlite3.Connection) -> None:
    """Makes the stemmed indexes usable on this connection: their tokenizers, and the
    functions that give them an article's text as stems."""
    for language, (_, name) in STEMMED.items():
        fts5.register_tokenizer(connection, name, _fts5_tokenizer(language)[0])
        connection.create_function(f"elections_stem_{language}", 1, STEMS[language].text, deterministic=True)
    fts5.register_tokenizer(connection, ALL_LANGUAGES[1], _every_language_tokenizer()[0])


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """sqlite-utils' plugin hook: every Database it opens, ours and its command line's."""
    register_tokenizers(conn)


def stemmed_index_sql(language: str) -> str:
    """The index of one language's articles, over a view of them (its external content: the
    index keeps no copy of the text). It is kept as articles is by draining search_queue."""
    table, tokenizer = STEMMED[language]
    return f"""
CREATE VIEW IF NOT EXISTS {table}_content AS
  SELECT rowid, title, lead, body, article_id FROM articles WHERE lang = '{language}';
CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(
  title, lead, body, article_id UNINDEXED, content='{table}_content', content_rowid='rowid', tokenize='{tokenizer}');
"""


def search_queue_sql() -> str:
    """Triggers that queue each change to an article, in plain SQL that any SQLite tool runs:
    the row, and the text the indexes hold for it (none for a new row: no article_id)."""
    old = "old.rowid, old.lang, old.title, old.lead, old.body, old.article_id"
    columns = "article_rowid, indexed_lang, title, lead, body, article_id"
    return f"""
CREATE TRIGGER IF NOT EXISTS search_queue_ai AFTER INSERT ON articles BEGIN
  INSERT INTO search_queue (article_rowid) VALUES (new.rowid);
END;
CREATE TRIGGER IF NOT EXISTS search_queue_au AFTER UPDATE OF title, lead, body, lang, article_id ON articles BEGIN
  INSERT INTO search_queue ({columns}) VALUES ({old});
END;
CREATE TRIGGER IF NOT EXISTS search_queue_ad AFTER DELETE ON articles BEGIN
  INSERT INTO search_queue ({columns}) VALUES ({old});
END;
"""


def every_language_index_sql() -> str:
    """articles_fts: every article's title, lead and body, in every language (issue 32)."""
    table, tokenizer = ALL_LANGUAGES
    return f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(
  title, lead, body, content="articles", content_rowid='rowid', tokenize='{tokenizer}');
"""


def every_language_drain_sql() -> tuple[str, str]:
    """The queued rows into articles_fts, as drain_sql does for a language: the text it
    holds taken out (only a row that was there: one queued with its article_id), the text
    now put in."""
    table, _ = ALL_LANGUAGES
    return (
        f"""INSERT INTO {table} ({table}, rowid, title, lead, body)
SELECT 'delete', q.article_rowid, q.title, q.lead, q.body FROM search_queue q
WHERE q.id IN (SELECT min(id) FROM search_queue GROUP BY article_rowid) AND q.article_id IS NOT NULL""",
        f"""INSERT INTO {table} (rowid, title, lead, body)
SELECT a.rowid, a.title, a.lead, a.body FROM articles a WHERE a.rowid IN (SELECT article_rowid FROM search_queue)""",
    )


SEARCH_QUEUE_TRIGGERS = ("search_queue_ai", "search_queue_au", "search_queue_ad")


def _stemmed(language: str, row: str) -> str:
    stem = f"elections_stem_{language}"
    return f"{stem}({row}title), {stem}({row}lead), {stem}({row}body), {row}article_id"


def drain_sql(language: str) -> tuple[str, str]:
    """The queued rows into one language's index: what it holds for each is taken out (the
    row's first entry in the queue has it), and the row as it is now put in. The queue is
    emptied once every language is drained. Two statements, each run on its own: a script
    would commit the transaction it runs in."""
    table, _ = STEMMED[language]
    return (
        f"""INSERT INTO {table} ({table}, rowid, title, lead, body, article_id)
SELECT 'delete', q.article_rowid, {_stemmed(language, "q.")} FROM search_queue q
WHERE q.id IN (SELECT min(id) FROM search_queue GROUP BY article_rowid) AND q.indexed_lang = '{language}'""",
        f"""INSERT INTO {table} (rowid, title, lead, body, article_id)
SELECT a.rowid, {_stemmed(language, "a.")} FROM articles a
WHERE a.rowid IN (SELECT article_rowid FROM search_queue) AND a.lang = '{language}'""",
    )


def rebuild_sql(language: str) -> tuple[str, str]:
    """One language's index emptied and filled again from the articles, as drain_sql's are run."""
    table, _ = STEMMED[language]
    return (
        f"INSERT INTO {table} ({table}) VALUES ('delete-all')",
        f"""INSERT INTO {table} (rowid, title, lead, body, article_id)
SELECT a.rowid, {_stemmed(language, "a.")} FROM articles a WHERE a.lang = '{language}'""",
    )


def search_sql() -> str:
    """The reading room's Search (explore/metadata.yml, written by cog): :phrase in every
    language's index, each article once, best first, titles counting most."""
    indexes = ("articles_fts", *(table for table, _ in STEMMED.values()))
    matches = "\n    union all\n".join(
        f"    select rowid, bm25({table}, 10.0, 5.0, 1.0) as score\n"
        f"    from {table} where {table} match (select quoted from phrase)"
        for table in indexes
    )
    return (
        "with phrase(quoted) as (select '\"' || replace(:phrase, '\"', '\"\"') || '\"'),\n"
        f"matches as (\n{matches}\n)\n"
        "select a.published_on, a.title, a.summary, a.url, a.lang\n"
        "from matches join articles_list a on a.article_rowid = matches.rowid\n"
        "group by a.article_rowid order by min(matches.score)"
    )
