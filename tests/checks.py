"""Checks of an archive that several tests make, and the damage some of them do to one."""

import sqlite3


def search(db_path, query: str) -> list[str]:
    """Article ids matching a full-text query, best first."""
    with sqlite3.connect(db_path) as db:
        return [
            row[0]
            for row in db.execute(
                "select a.article_id from articles_fts join articles a on a.rowid = articles_fts.rowid "
                "where articles_fts match ? order by bm25(articles_fts, 10.0, 5.0, 1.0)",
                [query],
            )
        ]


def fts_integrity_check(db_path) -> None:
    """FTS5's own check that the index matches the articles table; raises if not."""
    with sqlite3.connect(db_path) as db:
        db.execute("insert into articles_fts(articles_fts, rank) values ('integrity-check', 1)")


def damage(db_path) -> None:
    """Overwrites every other page past the schema, as a failing disk or a copy cut short
    leaves a file: SQLite opens it, then finds it malformed."""
    page = 4096
    with open(db_path, "r+b") as file:
        size = file.seek(0, 2)
        for offset in range(3 * page, size, 2 * page):
            file.seek(offset)
            file.write(b"\xff" * page)
