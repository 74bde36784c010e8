"""Checks of an archive that several tests make, and the damage some of them do to one."""

import argparse
import asyncio
import sqlite3

from scrapy.utils.project import get_project_settings

from crawler.archive import STEMMED, register_tokenizers


def search(db_path, query: str) -> list[str]:
    """Article ids matching a full-text query, best first."""
    with sqlite3.connect(db_path) as db:
        register_tokenizers(db)  # articles_fts stems every language (crawler/archive/search.py)
        return [
            row[0]
            for row in db.execute(
                "select a.article_id from articles_fts join articles a on a.rowid = articles_fts.rowid "
                "where articles_fts match ? order by bm25(articles_fts, 10.0, 5.0, 1.0)",
                [query],
            )
        ]


def fts_integrity_check(db_path) -> None:
    """FTS5's own check that the English index matches the articles table, and ours that each
    stemmed index holds what a rebuild from the articles would; raises if not."""
    with sqlite3.connect(db_path) as db:
        register_tokenizers(db)
        db.execute("insert into articles_fts(articles_fts, rank) values ('integrity-check', 1)")
    for language, held in stemmed_index_contents(db_path).items():
        assert held["index"] == held["rebuilt"], f"the {language} index differs from the articles"


def stemmed_index_contents(db_path) -> dict[str, dict[str, list]]:
    """Language -> what its stemmed index holds (every term at its row, column and position),
    and what a fresh one built from the articles would ("index", "rebuilt"). FTS5's own
    integrity check cannot tell: it would split the content without stemming it."""
    contents = {}
    with sqlite3.connect(db_path) as db:
        register_tokenizers(db)
        for language, (table, tokenizer) in STEMMED.items():
            stem = f"elections_stem_{language}"
            db.executescript(
                f"""
                create virtual table temp.held_{language} using fts5vocab(main, {table}, instance);
                create virtual table temp.fresh_{language} using fts5(
                    title, lead, body, article_id unindexed, tokenize='{tokenizer}');
                insert into temp.fresh_{language} (rowid, title, lead, body, article_id)
                    select rowid, {stem}(title), {stem}(lead), {stem}(body), article_id from articles
                    where lang = '{language}';
                create virtual table temp.fresh_vocab_{language} using fts5vocab(temp, fresh_{language}, instance);
                """
            )
            contents[language] = {
                which: db.execute(f"select term, doc, col, offset from temp.{name} order by 1, 2, 3, 4").fetchall()
                for which, name in (("index", f"held_{language}"), ("rebuilt", f"fresh_vocab_{language}"))
            }
    return contents


def damage(db_path) -> None:
    """Overwrites every other page past the schema, as a failing disk or a copy cut short
    leaves a file: SQLite opens it, then finds it malformed."""
    page = 4096
    with open(db_path, "r+b") as file:
        size = file.seek(0, 2)
        for offset in range(3 * page, size, 2 * page):
            file.seek(offset)
            file.write(b"\xff" * page)


def run_command(command_class, *argv: str, **settings) -> int:
    """A Scrapy command of ours run in this process, as scrapy.cmdline runs it: its options
    parsed, the project's settings with `settings` over them; returns its exit status (a
    command line refused ends it in process_options, as under scrapy.cmdline)."""
    command = command_class()
    project = get_project_settings().copy()
    project.setdict(command.default_settings, priority="command")
    project.setdict(settings, priority="cmdline")
    command.settings = project
    parser = argparse.ArgumentParser()
    command.add_options(parser)
    opts, args = parser.parse_known_args(list(argv))
    try:
        command.process_options(args, opts)
    except SystemExit as refused:
        return int(refused.code or 0)
    command.run(args, opts)
    return command.exitcode


def started(spider) -> list:
    """The requests a spider's start() yields, as the engine takes them."""

    async def collect():
        return [request async for request in spider.start()]

    return asyncio.run(collect())
