"""What a reader of `make explore` sees, as a Datasette plugin (explore/serve.py loads it):
months that facet as a timeline, the template filters of the article list and the article
page (explore/templates), and an article's history: its events and its versions, each shown
as a word-level diff from the one before."""

import json
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args, tilde_decode, tilde_encode
from markupsafe import Markup, escape

from crawler.archive import (
    ARTICLE_EVENTS_SQL,
    ARTICLE_SQL,
    ARTICLE_TWINS_SQL,
    ARTICLE_VERSIONS_SQL,
    SUBJECT_ALIASES_SQL,
    SUBJECT_ARTICLES_SQL,
    changed_text,
    paragraph_diff_html,
    register_tokenizers,
    tag_counts_sql,
    word_diff_html,
)
from crawler.contracts import GONE, EventKind
from crawler.coverage.measure import current_matcher, referenced_texts

KAZAKHSTAN = ZoneInfo("Asia/Almaty")


class MonthFacet(ColumnFacet):
    """A YYYY-MM column, newest month first instead of busiest first (`- month: COLUMN` in
    the metadata's facets, or `?_facet_month=COLUMN`)."""

    type = "month"

    async def suggest(self):
        return []

    def get_facet_size(self):
        # Count every month, so that the newest are among those shown.
        return self.ds.setting("max_returned_rows")

    async def facet_results(self):
        results, timed_out = await super().facet_results()
        shown = ColumnFacet.get_facet_size(self)
        for result in results:
            months = sorted(result["results"], key=lambda month: month["value"], reverse=True)
            result["results"], result["truncated"] = months[:shown], len(months) > shown
        return results, timed_out


class TagFacet(ArrayFacet):
    """The tags of the articles shown, counted from the article_tags index (`- tag: tags`):
    Datasette's array facet reads every row's JSON and de-duplicates whole rows, which timed
    out at 100,000 articles. A tag selects as the array facet's does (tags__arraycontains)."""

    type = "tag"

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = [], []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            try:
                rows = await self.ds.execute(
                    self.database,
                    tag_counts_sql(self.sql, size + 1),
                    self.params,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows.rows[:size]:
                selected = (f"{column}__arraycontains", row["value"]) in pairs
                change = path_with_removed_args if selected else path_with_added_args
                toggle = change(self.request, {f"{column}__arraycontains": row["value"]})
                values.append(
                    {
                        "value": row["value"],
                        "label": row["value"],
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, toggle),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "results": values,
                    "hideable": config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_tag": column})),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out


def kazakhstan_time(published_at: str) -> str:
    """'2026-08-18T16:38:00+00:00' -> '18 August 2026, 21:38', as a reader in Astana reads it."""
    local = datetime.fromisoformat(published_at).astimezone(KAZAKHSTAN)
    return f"{local.day} {local:%B %Y, %H:%M}"


def tag_names(tags: str | None) -> list[str]:
    return json.loads(tags or "[]")


def paragraphs(body: str | None) -> list[str]:
    """The body's paragraphs: the archive separates them by a blank line."""
    return [paragraph for paragraph in (body or "").split("\n\n") if paragraph.strip()]


# The fields a version's diff shows, in the order a reader reads them.
SHOWN = ("title", "lead", "body", "author", "tags", "published_at")


def shown_value(field: str, value) -> str:
    return ", ".join(tag_names(value)) if field == "tags" else str(value or "")


def version_diffs(versions: list[dict], current: dict) -> list[dict]:
    """Each earlier version and what changed from it to the next one (the last to the article
    as it is): the fields that differ, each as a diff, deletions struck and insertions marked;
    the body paragraph by paragraph, the unchanged ones folded. `id`: the version's, the
    change's anchor on the page (#version-<id>)."""
    states = [*versions, current]
    shown = []
    for before, after in pairwise(states):
        diffs = []
        for field in SHOWN:
            old, new = shown_value(field, before[field]), shown_value(field, after[field])
            if old != new:
                diff = paragraph_diff_html(old, new) if field == "body" else f"<p>{word_diff_html(old, new)}</p>"
                diffs.append({"field": field, "html": Markup(diff)})
        shown.append({"id": before["id"], "seen_at": before["seen_at"], "run_id": before["run_id"], "diffs": diffs})
    return list(reversed(shown))  # newest change first


def marked(text: str, references: list) -> Markup:
    """The text, each reference (crawler.coverage.matcher.Reference) in a <mark>."""
    parts, at = [], 0
    for reference in references:
        parts += [escape(text[at : reference.start]), Markup("<mark>"), escape(text[reference.start : reference.end])]
        parts.append(Markup("</mark>"))
        at = reference.end
    return Markup("").join([*parts, escape(text[at:])])


def subject_passages(article: dict, subject_id: str) -> list[Markup]:
    """The article's headline and paragraphs that refer to the subject, its references marked."""
    passages = []
    for text, references in referenced_texts(article, current_matcher()):
        own = [r for r in references if r.subject_id == subject_id]
        if own:
            passages.append(marked(text, own))
    return passages


async def subject_page(datasette, database: str, request) -> dict:
    """On a subject's page: its aliases, and its articles, newest first, each with the passages
    that refer to it, every reference marked."""
    db = datasette.get_database(database)
    subject_id = tilde_decode(request.url_vars["pks"])
    aliases = await db.execute(SUBJECT_ALIASES_SQL, {"subject_id": subject_id})
    articles = await db.execute(SUBJECT_ARTICLES_SQL, {"subject_id": subject_id})
    return {
        "subject_aliases": [dict(row) for row in aliases.rows],
        "subject_articles": [
            {**dict(row), "passages": subject_passages(dict(row), subject_id)} for row in articles.rows
        ],
    }


@hookimpl
def extra_template_vars(template, database, table, datasette, request):
    """On an article's page: `article_events`, `article_versions` (see version_diffs) and
    `article_twins`, its versions in other editions; on a subject's, subject_page's."""
    if template == "row.html" and table == "subjects" and request is not None:
        return lambda: subject_page(datasette, database, request)
    if template != "row.html" or table != "articles" or request is None:
        return {}

    async def history():
        db = datasette.get_database(database)
        article_id = tilde_decode(request.url_vars["pks"])
        current = await db.execute(ARTICLE_SQL, {"article_id": article_id})
        if not current.rows:
            return {}
        versions = await db.execute(ARTICLE_VERSIONS_SQL, {"article_id": article_id})
        events = await db.execute(ARTICLE_EVENTS_SQL, {"article_id": article_id})
        twins = await db.execute(ARTICLE_TWINS_SQL, {"article_id": article_id})
        article, happened = dict(current.rows[0]), [dict(row) for row in events.rows]
        return {
            "article_twins": [dict(row) for row in twins.rows],
            "article_events": happened,
            "article_versions": version_diffs([dict(row) for row in versions.rows], article),
            "article_state": article_state(article, happened),
        }

    return history


def article_state(article: dict, events: list[dict]) -> dict:
    """What the top of an article's page says of it (issue 33): `removal`, the event that
    found it gone, while it is (removed_at set); `edits`, how many times its words were
    edited, and `last_edit`, when last."""
    gone = [event for event in events if event["kind"] in GONE]
    edits = [event for event in events if event["kind"] == EventKind.EDITED]
    return {
        "removal": gone[-1] if article.get("removed_at") and gone else None,
        "edits": len(edits),
        "last_edit": edits[-1]["at"] if edits else None,
    }


def how_found(event: dict) -> str:
    """How the removal was found, in words: "the site answered HTTP 404", "sent to …"."""
    detail = event.get("detail") or ""
    if event["kind"] == EventKind.WITHDRAWN:
        return "the page keeps its title but has no text"
    if detail.startswith("HTTP"):
        return f"the site answered {detail}"
    return detail


@hookimpl
def prepare_connection(conn):
    """The search indexes' tokenizers (crawler/archive/search.py), and what the changes feed
    says of an edit in words (crawler/archive/changes.py, changed_text)."""
    register_tokenizers(conn)
    conn.create_function(
        "elections_changed_text", 6, lambda *texts: changed_text(list(texts[:3]), list(texts[3:])), deterministic=True
    )


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Recently changed (a query's rows, with `article_id` and `diff`): each change's title
    opens its article's page, and `diff` the change itself there (#version-<id>)."""
    if table is not None or column not in ("title", "diff") or not {"article_id", "diff"} <= set(row.keys()):
        return None
    page = datasette.urls.row(database, "articles", tilde_encode(row["article_id"]))
    if column == "title":
        return Markup(f'<a href="{page}">{escape(value or row["article_id"])}</a>')
    return Markup(f'<a href="{page}#version-{value}">diff</a>') if value else None


@hookimpl
def register_facet_classes():
    return [MonthFacet, TagFacet]


@hookimpl
def prepare_jinja2_environment(env):
    env.filters.update(
        kazakhstan_time=kazakhstan_time,
        tag_names=tag_names,
        paragraphs=paragraphs,
        row_path=tilde_encode,
        how_found=how_found,
    )
