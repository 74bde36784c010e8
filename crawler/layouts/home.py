"""The site's home page: finding a section's listing by the text of its menu link.

Nobody has seen the URL of the English Elections section (docs/site.md): every category URL
seen on the site ends in a number the site picked (/category/<slug>_s<digits>). So the crawl
reads the home page and follows the link whose visible text is the section's name to a
category or tag listing on the site.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.http import TextResponse

from crawler.layouts.page import element_text

# /category/<slug>_s12, /tag/<slug>_t3, /tags/<slug>, /<lang>/category/…, a _c<digits> category (qz)
_LISTING_PATH = re.compile(r"/(?:category|tags?|rubric|section)/|_[sct]\d+/?$", re.IGNORECASE)
_MENU = "ancestor::nav or ancestor::header or ancestor::*[contains(@class, 'menu') or contains(@class, 'nav')]"
SEEN_AT_MOST = 15


@dataclass(frozen=True)
class MenuLink:
    text: str
    url: str
    in_menu: bool


def listing_links(response: TextResponse) -> list[MenuLink]:
    """The page's links to a category or tag listing on the page's own host."""
    host = urlsplit(response.url).hostname
    found = []
    for a in response.selector.root.iterfind(".//a[@href]"):
        url = response.urljoin(a.get("href").strip())
        text = " ".join(element_text(a).split())
        if text and urlsplit(url).hostname == host and _LISTING_PATH.search(urlsplit(url).path):
            found.append(MenuLink(text, url, bool(a.xpath(_MENU))))
    return found


def find_section(response: TextResponse, name: str) -> str | None:
    """The listing URL of the menu link named `name` (case and spacing aside); a link in the
    page's navigation wins over one elsewhere on the page."""
    wanted = " ".join(name.split()).casefold()
    named = [link for link in listing_links(response) if link.text.casefold() == wanted]
    named.sort(key=lambda link: not link.in_menu)
    return named[0].url if named else None


def seen_sections(response: TextResponse) -> list[str]:
    """The names of the listings the page links to, menu first, each once: what the crawl saw
    when it could not find its section."""
    links = sorted(listing_links(response), key=lambda link: not link.in_menu)
    return list(dict.fromkeys(link.text for link in links))[:SEEN_AT_MOST]
