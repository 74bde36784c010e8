"""One schema: docs/schema.md and Datasette's metadata describe the tables the code creates,
column for column."""

import re
from pathlib import Path

import yaml

from crawler.archive import open_database

ROOT = Path(__file__).resolve().parents[2]
TABLES = (
    "articles",
    "article_tags",
    "article_versions",
    "article_aliases",
    "dropped_items",
    "crawl_runs",
    "listing_walks",
    "raw_pages",
    "topic_verdicts",
    "article_events",
    "article_twins",
    "search_queue",
    "search_stemmers",
    "subjects",
    "subject_aliases",
    "elections",
    "election_subjects",
    "subject_mentions",
    "subject_tones",
)


def documented_columns() -> dict[str, set[str]]:
    """Table -> the columns docs/schema.md's tables name (in the first cell of each row)."""
    text = (ROOT / "docs" / "schema.md").read_text()
    found: dict[str, set[str]] = {}
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        table = re.match(r"`(\w+)`", section)
        if not table:
            continue
        cells = re.findall(r"^\| ([^|]+) \|", section, flags=re.MULTILINE)
        found[table[1]] = {name for cell in cells for name in re.findall(r"`(\w+)`", cell)}
    return found


def created_columns(db, table: str) -> set[str]:
    """Every column, generated ones (published_month) included."""
    return {row[0] for row in db.execute("select name from pragma_table_xinfo(?)", [table])}


def test_the_schema_page_names_every_column_and_no_other(tmp_path):
    db = open_database(tmp_path / "x.db")
    created = {table: created_columns(db, table) for table in TABLES}
    db.close()
    assert documented_columns() == created


def test_datasette_describes_only_columns_that_exist(tmp_path):
    db = open_database(tmp_path / "x.db")
    metadata = yaml.safe_load((ROOT / "explore" / "metadata.yml").read_text())
    for table, spec in metadata["databases"]["archive"]["tables"].items():
        assert set(spec.get("columns", {})) <= created_columns(db, table), table
    db.close()


def test_every_search_ranks_with_the_archives_weights():
    from crawler.archive import SEARCH_WEIGHTS

    ranking = f"bm25(articles_fts, {', '.join(map(str, SEARCH_WEIGHTS))})"
    for place in ("explore/metadata.yml", "docs/querying.md", "tests/checks.py"):
        assert ranking in (ROOT / place).read_text(), place
