"""A fetched page, and the small selector builders that layout modules list per field.

A selector is a function of a Page that returns a list of raw strings; the loader
cleans them. Layouts list structured data (JSON-LD, og:/article: meta) before CSS.

Every query, CSS included, is compiled once to an lxml XPath object and run on the
page's parsed tree: parsing the queries again and wrapping every result in a parsel
Selector cost more than the page itself (bench/cost_per_article.py).
"""

import json
from collections.abc import Callable
from functools import cached_property
from typing import Any

from lxml import etree
from parsel.csstranslator import HTMLTranslator
from scrapy.http import TextResponse

Selector = Callable[["Page"], list[str]]

_JSON_LD = etree.XPath('//script[@type="application/ld+json"]/text()')
# A figure's caption is never text of a title, lead or paragraph: in markup with unclosed
# <p>s, libxml2 nests the figure inside the paragraph before it.
_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::figure or ancestor::figcaption)]")
_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle"}


class Page:
    def __init__(self, response: TextResponse):
        self.response = response
        self.root = response.selector.root  # the tree Scrapy parsed, shared with it
        self._remembered: dict[str, Any] = {}

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        """compute() once per page: for work that several fields' selectors share."""
        if key not in self._remembered:
            self._remembered[key] = compute()
        return self._remembered[key]

    @cached_property
    def article_data(self) -> dict[str, Any]:
        """The page's JSON-LD object of an article type, or {}."""
        for script in _JSON_LD(self.root):
            try:
                data = json.loads(script)
            except ValueError:
                continue
            found = _find_article(data)
            if found:
                return found
        return {}


def _find_article(data: Any) -> dict[str, Any] | None:
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


def _step(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    return value  # "author": "Name" answers jsonld("author", "name") too


def keywords(page: Page) -> list[str]:
    """JSON-LD keywords, a list or one comma-separated string."""
    return [k for value in jsonld("keywords")(page) for k in value.split(",")]


def meta(name: str) -> Selector:
    return xpath(f'//meta[@property="{name}" or @name="{name}"]/@content')


def css(query: str) -> Selector:
    """A CSS query, with parsel's ::text and ::attr(name)."""
    return xpath(HTMLTranslator().css_to_xpath(query))


def xpath(query: str) -> Selector:
    """An XPath query that selects text or attributes."""
    compiled = etree.XPath(query)
    return lambda page: [str(value) for value in compiled(page.root)]


def texts(query: str) -> Selector:
    """The whole text of each element matched by an XPath query, inline markup included."""
    compiled = etree.XPath(query)
    return lambda page: [element_text(element) for element in compiled(page.root)]


_BLOCKS = "self::p or self::li or self::h2 or self::h3 or self::h4"
# Words a class names a picture's part with: "article__image", "photo-credit", "img-caption" ...
_PICTURE_CLASSES = ("image", "img", "photo", "picture", "caption", "figure")


def picture_text(container: str) -> str:
    """XPath condition: a text block that belongs to a picture, never body text (issue 29) —
    in a figure; holding an <img> (not a figure's: libxml2 nests a figure, an element it does
    not know, in an unclosed paragraph before it); the one text beside an <img> in a block of
    their own; or under a class, within `container`, that names an image, a photo or a
    caption. Such a paragraph prints the picture's alt text or caption, often the article's
    first title or a related article's."""
    step = container.removeprefix("//")  # the container as one step: div[...]
    classes = " or ".join(f"contains(@class, '{word}')" for word in _PICTURE_CLASSES)
    return (
        "ancestor::figure or .//img[not(ancestor::figure or ancestor::picture)]"
        f" or parent::*[not(self::{step})][.//img][count(descendant::*[{_BLOCKS}]) = 1]"
        f" or ancestor-or-self::*[{classes}][ancestor::{step}]"
    )


def text_blocks(container: str, not_text: str) -> str:
    """XPath of a body's text blocks within `container` (`//div[...]`, one step): paragraphs,
    subheadings and list items (an item a line), none that `not_text` rules out nor that
    belongs to a picture (picture_text), and no paragraph within an item."""
    return (
        f"{container}//*[{_BLOCKS}][not({not_text})][not({picture_text(container)})]"
        "[not(ancestor::li) and not(ancestor::p)]"
    )


def matches(query: str) -> Callable[["Page"], bool]:
    """Does the XPath query find anything on the page? (for recognising a layout)"""
    compiled = etree.XPath(f"boolean({query})")
    return lambda page: compiled(page.root)


def element_text(element: etree._Element) -> str:
    """The text of an lxml element and all within it, scripts, styles and figures left out."""
    return "".join(_TEXT(element))
