"""Legacy layout (2019 to early 2023; the seed page): www.inform.kz/en/<slug>_a<digits>.

Only the visible text of these pages survives, not their class names, so this module
leans on structure every such page has: the <h1>, a date after it, the paragraphs of
the main column, and the fixed chrome headings that close the article.
"""

from collections import defaultdict

from lxml import etree

from crawler.dates import parse_published_at
from crawler.layouts.page import Page, element_text, jsonld, keywords, matches, meta, xpath
from crawler.text import author_name, is_author_line
from crawler.urls import is_legacy_article_url

NAME = "legacy"

CHROME_HEADINGS = ("Новости по теме", "Related news", "Read also", "News Partner", "Popular")
_AUTHOR_LABELS = ("Author:", "Автор:")

_AFTER_TITLE = "//h1[1]/following::"
_DATE_SEARCH_DEPTH = 12  # text nodes after the title; the date follows the title closely


_HAS_TITLE_AND_BREADCRUMB = matches("//h1 and //a[normalize-space() = 'Main Page']")


def recognises(page: Page) -> bool:
    """An "_a<digits>" URL, an <h1>, and the breadcrumb that opens with "Main Page"."""
    return is_legacy_article_url(page.response.url) and _HAS_TITLE_AND_BREADCRUMB(page)


# The date follows the title closely: the first short text of these that reads as one.
_TEXTS_AFTER_TITLE = etree.XPath(f"{_AFTER_TITLE}text()[normalize-space()][position() <= {_DATE_SEARCH_DEPTH}]")


def date_text(page: Page) -> list[str]:
    """The first short text after the title that reads as a date."""
    texts = _TEXTS_AFTER_TITLE(page.root)
    return next(([str(text)] for text in texts if len(text) < 60 and parse_published_at(text)), [])


def article_region(page: Page) -> list:
    """The elements after the first <h1>, in document order, up to the first chrome
    heading ("Related news" ...): the article. A sidebar before the title is no end.
    One walk of the tree, kept for every field that needs it."""

    def walk() -> list:
        region, after_title = [], False
        for element in page.root.iter("*"):
            if not after_title:
                after_title = element.tag == "h1"
            elif " ".join((element.text or "").split()) in CHROME_HEADINGS:
                break
            else:
                region.append(element)
        return region

    return page.remember("legacy.region", walk)


def paragraphs(page: Page) -> list[str]:
    """The <p>s of the main column: of the article's, those of the parent with the most text."""
    by_parent = defaultdict(list)
    for p in article_region(page):
        if p.tag == "p":
            by_parent[p.getparent()].append(element_text(p))
    if not by_parent:
        return []
    main = max(by_parent.values(), key=lambda texts: sum(map(len, texts)))
    return [text for text in main if not is_author_line(text.strip())]


def tags(page: Page) -> list[str]:
    """The article's links into /tags/ (the header's "hot topics" ones sit before the title)."""
    return [element_text(a) for a in article_region(page) if a.tag == "a" and "/tags/" in a.get("href", "")]


def image(page: Page) -> list[str]:
    """The article's first picture; share icons are links, the article's picture is not."""
    for img in article_region(page):
        if img.tag == "img" and img.get("src") and not any(a.tag == "a" for a in img.iterancestors()):
            return [img.get("src")]
    return []


_AUTHOR_LABEL_PARENTS = etree.XPath(
    f"{_AFTER_TITLE}text()[{' or '.join(f'starts-with(normalize-space(), {label!r})' for label in _AUTHOR_LABELS)}]/.."
)


def author(page: Page) -> list[str]:
    """The name after an 'Author:' label, in the label's element or its parent
    (`<p><b>Author:</b> Name</p>`)."""
    for element in _AUTHOR_LABEL_PARENTS(page.root):
        for candidate in (element, element.getparent()):
            name = author_name(element_text(candidate))
            if name:
                return [name]
    return []


FIELDS = {
    "title": [jsonld("headline"), meta("og:title"), xpath("//h1[1]//text()")],
    "body": [paragraphs],
    "author": [jsonld("author", "name"), author],
    "published_at": [jsonld("datePublished"), meta("article:published_time"), date_text],
    "tags": [keywords, meta("article:tag"), tags],
    "image_url": [meta("og:image"), jsonld("image", "url"), image],
    "section": [
        jsonld("articleSection"),
        meta("article:section"),
        xpath("//a[normalize-space() = 'Main Page']/following-sibling::a[last()]//text()"),
    ],
    "lang": [xpath("/html/@lang"), jsonld("inLanguage")],
}
