"""Search in Russian and Kazakh (crawler/archive/search.py): the recall of 20 queries per
language, our stemmed index against a plain `unicode61` one, over the replica's articles.

python bench/search_recall.py

Each query is a word as a reader types it; what it should find is every article holding any
form of that word, from a list of its forms written here by hand (not by any stemmer). Recall:
the share of those articles a search finds; precision: the share of what it finds that holds
one. Both indexes hold the same articles, title, lead and body.
"""

import re
import sqlite3
import tempfile
from pathlib import Path

from crawler.archive import STEMMED, open_database, register_tokenizers
from replica.content import Generator
from replica.editions import KAZAKH, RUSSIAN

ARTICLES = 400
# query -> the forms of its word that an article holding any of them is found by
QUERIES = {
    "ru": {
        "выборы": ["выборы", "выборов", "выборах", "выборам", "выборами"],
        "Курултай": ["курултай", "курултая", "курултае", "курултаю"],
        "наблюдатели": ["наблюдатель", "наблюдатели", "наблюдателей", "наблюдателям", "наблюдателя"],
        "кандидаты": ["кандидат", "кандидата", "кандидатов", "кандидаты", "кандидатам"],
        "явка": ["явка", "явки", "явку", "явкой"],
        "избиратели": ["избиратель", "избиратели", "избирателей", "избирателям"],
        "участки": ["участок", "участки", "участков", "участках", "участкам"],
        "комиссия": ["комиссия", "комиссии", "комиссию", "комиссией"],
        "голосование": ["голосование", "голосования", "голосованию", "голосованием"],
        "бюллетени": ["бюллетень", "бюллетени", "бюллетеней"],
        "партия": ["партия", "партии", "партию", "партией"],
        "итоги": ["итоги", "итогов", "итогам"],
        "жалобы": ["жалоба", "жалобы", "жалоб"],
        "типография": ["типография", "типографии", "типографиях"],
        "депутаты": ["депутат", "депутаты", "депутатов"],
        "акимы": ["аким", "акима", "акимов", "акимы"],
        "сёла": ["село", "села", "сёла", "селах", "сел"],
        "урна": ["урна", "урны", "урн", "урнами"],
        "съезд": ["съезд", "съезда", "съезде"],
        "столица": ["столица", "столице", "столицы"],
    },
    "kk": {
        "сайлау": ["сайлау", "сайлауы", "сайлауына", "сайлаудың", "сайлауды", "сайлауға", "сайлауда"],
        "Құрылтай": ["құрылтай", "құрылтайға", "құрылтайдың", "құрылтайы"],
        "байқаушылар": ["байқаушы", "байқаушылар", "байқаушыны", "байқаушылардың"],
        "кандидат": ["кандидат", "кандидатты", "кандидаттар", "кандидатқа"],
        "сайлаушылар": ["сайлаушы", "сайлаушылар", "сайлаушылардың"],
        "учаске": ["учаске", "учаскелер", "учаскелері"],
        "комиссия": ["комиссия", "комиссиясы", "комиссияның"],
        "дауыс": ["дауыс", "дауысы", "дауыстар"],
        "бюллетень": ["бюллетень", "бюллетеньдер"],
        "партия": ["партия", "партиясы", "партиялар"],
        "қорытынды": ["қорытынды", "қорытындысы"],
        "шағым": ["шағым", "шағымдар"],
        "баспахана": ["баспахана", "баспаханада"],
        "тіл": ["тіл", "тілі", "тілдерінде"],
        "қала": ["қала", "қаласы", "қаласында"],
        "уақыт": ["уақыт", "уақыты", "уақытқа"],
        "күн": ["күн", "күні", "күнін"],
        "белсенділік": ["белсенділік", "белсенділігі"],
        "мемлекет": ["мемлекет", "мемлекеттері"],
        "ұйым": ["ұйым", "ұйымы"],
    },
}
EDITIONS = {"ru": RUSSIAN, "kk": KAZAKH}


def archive_of(path: Path) -> sqlite3.Connection:
    """An archive of ARTICLES articles of each edition, and a plain unicode61 index of them."""
    db = open_database(path)
    for code, edition in EDITIONS.items():
        rows = [
            a.expected_item(f"http://replica.test{edition.prefix}") for a in Generator(7, edition).archive(ARTICLES)
        ]
        db.table("articles").insert_all([{**row, "edition": code} for row in rows])
    db.execute("create virtual table plain using fts5(title, lead, body, tokenize='unicode61 remove_diacritics 2')")
    db.execute("insert into plain (rowid, title, lead, body) select rowid, title, lead, body from articles")
    db.conn.commit()
    db.close()
    open_database(path).close()  # written outside the archive's transactions: its indexes catch up as it opens
    connection = sqlite3.connect(path)
    register_tokenizers(connection)
    return connection


def relevant(connection: sqlite3.Connection, language: str, forms: list[str]) -> set[int]:
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b")
    texts = connection.execute(
        "select rowid, title || ' ' || coalesce(lead, '') || ' ' || body from articles where lang = ?", [language]
    )
    return {rowid for rowid, text in texts if pattern.search(text.casefold().replace("ё", "е").replace("сёла", "села"))}


def found(connection: sqlite3.Connection, table: str, language: str, query: str) -> set[int]:
    sql = f"select s.rowid from {table} s join articles a on a.rowid = s.rowid where {table} match ? and a.lang = ?"
    return {rowid for (rowid,) in connection.execute(sql, [f'"{query}"', language])}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        connection = archive_of(Path(folder) / "search.db")
        print(f"{ARTICLES} replica articles per language; recall and precision per query, stemmed | plain")
        for language, queries in QUERIES.items():
            totals = {"stemmed": [0, 0, 0], "plain": [0, 0, 0]}  # hits, relevant, found
            print(f"\n{language}: query, articles holding a form, stemmed recall / precision, plain recall")
            for query, forms in queries.items():
                should = relevant(connection, language, [f.replace("ё", "е") for f in forms])
                line = [f"  {query:<14} {len(should):>4}"]
                for name, table in (("stemmed", STEMMED[language][0]), ("plain", "plain")):
                    got = found(connection, table, language, query)
                    hits = len(got & should)
                    totals[name] = [t + n for t, n in zip(totals[name], (hits, len(should), len(got)), strict=True)]
                    line.append(
                        f"{name} {hits / len(should) if should else 1:.2f} / {hits / len(got) if got else 1:.2f}"
                    )
                print("  ".join(line))
            stemmed, plain = (totals[name][0] / totals[name][1] for name in ("stemmed", "plain"))
            precision = totals["stemmed"][0] / totals["stemmed"][2]
            print(
                f"{language}: recall stemmed {stemmed:.3f} against plain {plain:.3f} ({stemmed / plain:.2f}x); "
                f"stemmed precision {precision:.3f}"
            )


if __name__ == "__main__":
    main()
