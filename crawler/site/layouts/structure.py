"""Reading a page whose class names nobody has seen, by the structure every article page has:
the <h1>, a date close after it, the paragraphs of the main column, and the fixed chrome
headings that close the article. The two legacy designs are known only from their visible
text, so both are read this way, each with its own chrome (crawler/site/layouts/legacy.py,
crawler/site/layouts/en_inform.py).
"""

from collections import defaultdict
from typing import Any

from lxml import etree

from crawler.site.dates import parse_published_at
from crawler.site.layouts.page import Page, Selector, element_text, jsonld, keywords, meta, texts, xpath
from crawler.site.text import author_name, is_author_line

_AUTHOR_LABELS = ("Author:", "Автор:")
_AFTER_TITLE = "//h1[1]/following::"
_DATE_SEARCH_DEPTH = 12  # text nodes after the title; the date follows the title closely

# The date follows the title closely: the first short text of these that reads as one.
_TEXTS_AFTER_TITLE = etree.XPath(f"{_AFTER_TITLE}text()[normalize-space()][position() <= {_DATE_SEARCH_DEPTH}]")
_AUTHOR_LABEL_PARENTS = etree.XPath(
    f"{_AFTER_TITLE}text()[{' or '.join(f'starts-with(normalize-space(), {label!r})' for label in _AUTHOR_LABELS)}]/.."
)


def date_text(page: Page) -> list[str]:
    """The first short text after the title that reads as a date."""
    texts = _TEXTS_AFTER_TITLE(page.root)
    return next(([str(text)] for text in texts if len(text) < 60 and parse_published_at(text)), [])


def author(page: Page) -> list[str]:
    """The name after an 'Author:' label, in the label's element or its parent
    (`<p><b>Author:</b> Name</p>`)."""
    for element in _AUTHOR_LABEL_PARENTS(page.root):
        for candidate in (element, element.getparent()):
            name = author_name(element_text(candidate))
            if name:
                return [name]
    return []


class VisibleText:
    """The article of a page read by its structure. `chrome`: texts of the headings that
    close the article; `not_text`: whole paragraphs that are never article text."""

    def __init__(self, chrome: tuple[str, ...], not_text: tuple[str, ...] = ()):
        self.chrome = frozenset(chrome)
        self.not_text = frozenset(not_text)
        self.key = f"region:{sorted(self.chrome)}"

    def region(self, page: Page) -> list[Any]:
        """The elements after the first <h1>, in document order, up to the first chrome
        heading: the article. A sidebar before the title is no end. One walk of the tree,
        kept for every field that needs it."""

        def walk() -> list[Any]:
            region, after_title = [], False
            for element in page.root.iter("*"):
                if not after_title:
                    after_title = element.tag == "h1"
                elif " ".join((element.text or "").split()) in self.chrome:
                    break
                else:
                    region.append(element)
            return region

        region: list[Any] = page.remember(self.key, walk)
        return region

    def paragraphs(self, page: Page) -> list[str]:
        """The <p>s of the main column: of the article's, those of the parent with the most text."""
        by_parent = defaultdict(list)
        for p in self.region(page):
            if p.tag == "p":
                by_parent[p.getparent()].append(element_text(p))
        if not by_parent:
            return []
        main = max(by_parent.values(), key=lambda texts: sum(map(len, texts)))
        return [text for text in main if not is_author_line(text.strip()) and text.strip() not in self.not_text]

    def tags(self, page: Page) -> list[str]:
        """The article's links into /tags/ or /tag/ (the header's "hot topics" sit before the title)."""
        return [
            element_text(a)
            for a in self.region(page)
            if a.tag == "a" and ("/tags/" in a.get("href", "") or "/tag/" in a.get("href", ""))
        ]

    def image(self, page: Page) -> list[str]:
        """The article's first picture; share icons are links, the article's picture is not."""
        for img in self.region(page):
            if img.tag == "img" and img.get("src") and not any(a.tag == "a" for a in img.iterancestors()):
                return [img.get("src")]
        return []

    def fields(self) -> dict[str, list[Selector]]:
        """The table of selectors of a design read this way: structured data first, where a
        page has any, then the structure."""
        return {
            "title": [jsonld("headline"), meta("og:title"), texts("(//h1)[1]")],
            "body": [self.paragraphs],
            "author": [jsonld("author", "name"), author],
            "published_at": [jsonld("datePublished"), meta("article:published_time"), date_text],
            "tags": [keywords, meta("article:tag"), self.tags],
            "image_url": [meta("og:image"), jsonld("image", "url"), self.image],
            "lang": [xpath("/html/@lang"), jsonld("inLanguage")],
        }
