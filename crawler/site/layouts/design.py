"""What each layout module says of its design, for the docs' table (docs/site.md, by cog)."""

from typing import NamedTuple


class Design(NamedTuple):
    pages: str  # which pages are in it: the site and the years
    how_sure: str  # what the evidence of it is (docs/site.md)
    recognised_by: str  # Markdown: what on a page tells it
