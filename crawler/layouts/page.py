"""A fetched page, and the small selector builders that layout modules list per field.

A selector is a function of a Page that returns a list of raw strings; the loader
cleans them. Layouts list structured data (JSON-LD, og:/article: meta) before CSS.
"""

import json
from collections.abc import Callable
from functools import cached_property

from scrapy.http import TextResponse

Selector = Callable[["Page"], list[str]]

_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle"}


class Page:
    def __init__(self, response: TextResponse):
        self.response = response

    @cached_property
    def article_data(self) -> dict:
        """The page's JSON-LD object of an article type, or {}."""
        for script in self.response.xpath('//script[@type="application/ld+json"]/text()').getall():
            try:
                data = json.loads(script)
            except ValueError:
                continue
            found = _find_article(data)
            if found:
                return found
        return {}


def _find_article(data) -> dict | None:
    if isinstance(data, list):
        return next(filter(None, map(_find_article, data)), None)
    if not isinstance(data, dict):
        return None
    types = data.get("@type")
    types = set(types) if isinstance(types, list) else {types}
    if types & _ARTICLE_TYPES:
        return data
    return _find_article(data.get("@graph", []))


def jsonld(*path: str) -> Selector:
    """Values at `path` in the article's JSON-LD: jsonld("author", "name")."""

    def select(page: Page) -> list[str]:
        values = [page.article_data]
        for key in path:
            values = [_step(value, key) for value in values]
            values = [v for value in values for v in (value if isinstance(value, list) else [value])]
        return [str(v) for v in values if isinstance(v, str | int | float) and v != ""]

    return select


def _step(value, key):
    if isinstance(value, dict):
        return value.get(key)
    return value  # "author": "Name" answers jsonld("author", "name") too


def keywords(page: Page) -> list[str]:
    """JSON-LD keywords, a list or one comma-separated string."""
    return [k for value in jsonld("keywords")(page) for k in value.split(",")]


def meta(name: str) -> Selector:
    return css(f'meta[property="{name}"]::attr(content), meta[name="{name}"]::attr(content)')


def css(query: str) -> Selector:
    return lambda page: page.response.css(query).getall()


def xpath(query: str) -> Selector:
    return lambda page: page.response.xpath(query).getall()


def texts(query: str) -> Selector:
    """The whole text of each element matched by an XPath query, inline markup included."""
    return lambda page: [element_text(e) for e in page.response.xpath(query)]


def element_text(element) -> str:
    return "".join(element.xpath(".//text()[not(ancestor::script or ancestor::style)]").getall())
