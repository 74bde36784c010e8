"""What a reader of `make explore` sees, as a Datasette plugin (explore/serve.py loads it):
months that facet as a timeline, and the template filters of the article list and the
article page (explore/templates)."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils import tilde_encode

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
    return [MonthFacet]


@hookimpl
def prepare_jinja2_environment(env):
    env.filters.update(
        kazakhstan_time=kazakhstan_time, tag_names=tag_names, paragraphs=paragraphs, row_path=tilde_encode
    )
