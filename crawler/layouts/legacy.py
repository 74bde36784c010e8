"""Legacy layout (2019 to early 2023; the seed page): www.inform.kz/en/<slug>_a<digits>.

Only the visible text of these pages survives, not their class names, so this module
leans on structure every such page has: the <h1>, a date after it, the paragraphs of
the main column, and the fixed chrome headings that close the article.
"""

from collections import defaultdict

from crawler.dates import parse_published_at
from crawler.layouts.page import Page, element_text, jsonld, keywords, meta, xpath
from crawler.text import author_name, is_author_line
from crawler.urls import is_legacy_article_url

NAME = "legacy"

CHROME_HEADINGS = ("Новости по теме", "Related news", "Read also", "News Partner", "Popular")
_AUTHOR_LABELS = ("Author:", "Автор:")

_AFTER_TITLE = "//h1[1]/following::"
# No chrome heading between the title and here (a sidebar before the title is no end).
_BEFORE_CHROME = "not(preceding::*[{}][preceding::h1])".format(
    " or ".join(f"normalize-space(text()) = '{heading}'" for heading in CHROME_HEADINGS)
)
_DATE_SEARCH_DEPTH = 12  # text nodes after the title; the date follows the title closely


def recognises(page: Page) -> bool:
    """An "_a<digits>" URL, an <h1>, and the breadcrumb that opens with "Main Page"."""
    return (
        is_legacy_article_url(page.response.url)
        and bool(page.response.xpath("//h1"))
        and bool(page.response.xpath("//a[normalize-space() = 'Main Page']"))
    )


def date_text(page: Page) -> list[str]:
    """The first short text after the title that reads as a date."""
    nodes = page.response.xpath(
        f"{_AFTER_TITLE}text()[normalize-space()][position() <= {_DATE_SEARCH_DEPTH}]"
    ).getall()
    return next(([text] for text in nodes if len(text) < 60 and parse_published_at(text)), [])


def paragraphs(page: Page) -> list[str]:
    """The <p>s of the main column: of those between title and chrome, the parent with the most text."""
    by_parent = defaultdict(list)
    for p in page.response.xpath(f"{_AFTER_TITLE}p[{_BEFORE_CHROME}]"):
        by_parent[p.root.getparent()].append(element_text(p))
    if not by_parent:
        return []
    main = max(by_parent.values(), key=lambda texts: sum(map(len, texts)))
    return [text for text in main if not is_author_line(text.strip())]


def author(page: Page) -> list[str]:
    """The name after an 'Author:' label, in the label's element or its parent
    (`<p><b>Author:</b> Name</p>`)."""
    label_test = " or ".join(f"starts-with(normalize-space(), '{label}')" for label in _AUTHOR_LABELS)
    for node in page.response.xpath(f"{_AFTER_TITLE}text()[{label_test}]/.."):
        for element in [node, *node.xpath("..")]:
            name = author_name(element_text(element))
            if name:
                return [name]
    return []


FIELDS = {
    "title": [jsonld("headline"), meta("og:title"), xpath("//h1[1]//text()")],
    "body": [paragraphs],
    "author": [jsonld("author", "name"), author],
    "published_at": [jsonld("datePublished"), meta("article:published_time"), date_text],
    # Tag links point into /tags/; the header's "hot topics" links sit before the title.
    "tags": [
        keywords,
        meta("article:tag"),
        xpath(f"{_AFTER_TITLE}a[contains(@href, '/tags/')][{_BEFORE_CHROME}]//text()"),
    ],
    # Share icons are links; the article's own picture is not.
    "image_url": [
        meta("og:image"),
        jsonld("image", "url"),
        xpath(f"{_AFTER_TITLE}img[not(ancestor::a)][{_BEFORE_CHROME}][1]/@src"),
    ],
    "section": [
        jsonld("articleSection"),
        meta("article:section"),
        xpath("//a[normalize-space() = 'Main Page']/following-sibling::a[last()]//text()"),
    ],
    "lang": [xpath("/html/@lang"), jsonld("inLanguage")],
}
