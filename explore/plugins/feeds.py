"""The reading room's Atom feeds, as a Datasette output renderer: `/elections/<query>.atom`
for a canned query that gives `atom_id`, `atom_title`, `atom_updated` and, if it likes,
`atom_link` and `atom_content`, or `atom_article_id` (and `atom_version_id`) for an entry that
leads to the archive's own page of the article (at that change): a removed article's
original is a 404 (explore/metadata.yml: new_articles, changes). feedgen writes
the Atom. It stands in datasette-atom's place, which answered HTTP 500 ("max() arg is an
empty sequence") for a query with no rows, as every new archive's changes feed is: a feed
with no entries is valid Atom, updated now."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator

REQUIRED_COLUMNS = {"atom_id", "atom_title", "atom_updated"}


@hookimpl
def register_output_renderer() -> dict[str, Any]:
    return {"extension": "atom", "render": render_atom, "can_render": can_render_atom}


def can_render_atom(columns: Sequence[str]) -> bool:
    return set(columns) >= REQUIRED_COLUMNS


def render_atom(
    datasette: Any, request: Any, columns: Sequence[str], rows: Sequence[Any], database: str, query_name: str | None
) -> Response:
    from datasette.views.base import DatasetteError  # imported late, as Datasette's own renderers do

    if not can_render_atom(columns):
        raise DatasetteError(f"the query must give the columns {', '.join(sorted(REQUIRED_COLUMNS))}", status=400)
    queries = (datasette.metadata(database=database) or {}).get("queries", {})
    feed = FeedGenerator()
    feed.id(request.url)
    feed.link(href=request.url, rel="self")
    feed.title(queries.get(query_name, {}).get("title") or query_name or "Elections archive")
    feed.updated(max((row["atom_updated"] for row in rows), default=datetime.now(UTC).isoformat()))
    for row in reversed(rows):  # feedgen puts the last added first: the query's order is kept
        entry = feed.add_entry()
        entry.id(str(row["atom_id"]))
        entry.title(str(row["atom_title"]))
        entry.updated(row["atom_updated"])
        if "atom_article_id" in columns and row["atom_article_id"]:
            page = datasette.urls.row(database, "articles", tilde_encode(row["atom_article_id"]))
            version = row["atom_version_id"] if "atom_version_id" in columns else None
            anchor = f"#version-{version}" if version else ""
            entry.link(href=f"{request.scheme}://{request.host}{page}{anchor}")
        elif "atom_link" in columns and row["atom_link"]:
            entry.link(href=row["atom_link"])
        if "atom_content" in columns and row["atom_content"]:
            entry.content(row["atom_content"], type="text")
    return Response(feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8", status=200)
