"""What a reader of `make explore` sees, as a Datasette plugin (explore/serve.py loads it):
months that facet as a timeline, and the template filters of the article list and the
article page (explore/templates)."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args, tilde_encode

from crawler.archive import tag_counts_sql

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


@hookimpl
def register_facet_classes():
    return [MonthFacet, TagFacet]


@hookimpl
def prepare_jinja2_environment(env):
    env.filters.update(
        kazakhstan_time=kazakhstan_time, tag_names=tag_names, paragraphs=paragraphs, row_path=tilde_encode
    )
