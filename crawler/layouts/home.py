"""The site's home page: finding a section's listing by the text of its menu link.

Nobody has seen the URL of the English Elections section (docs/site.md): every category URL
seen on the site ends in a number the site picked (/category/<slug>_s<digits>). So the crawl
reads the home page and follows the link whose visible text is the section's name to a
category or tag listing on the site.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from scrapy.http import TextResponse

from crawler.layouts.page import element_text
from crawler.urls import SITE_DOMAINS, is_on_domains

# /category/<slug>_s12, /tag/<slug>_t3, /tags/<slug>, /<lang>/category/…, a _c<digits> category (qz)
_LISTING_PATH = re.compile(r"/(?:category|tags?|rubric|section)/|_[sct]\d+/?$", re.IGNORECASE)
# Where a link stands, best first: the menu proper, elsewhere in the header (a strip of "hot
# topics", say), elsewhere on the page.
_MENU = "ancestor::nav or ancestor::*[contains(@class, 'menu') or contains(@class, 'nav')]"
_HEADER = "ancestor::header"
IN_MENU, IN_HEADER, ELSEWHERE = 0, 1, 2
SEEN_AT_MOST = 15


@dataclass(frozen=True)
class MenuLink:
    text: str
    url: str
    place: int  # IN_MENU, IN_HEADER or ELSEWHERE


def listing_links(response: TextResponse) -> list[MenuLink]:
    """The page's links to a category or tag listing of the site: on the page's own host, or
    any host of the site (a menu may link to another edition's host)."""
    host = urlsplit(response.url).hostname
    found = []
    for a in response.selector.root.iterfind(".//a[@href]"):
        url = response.urljoin(a.get("href").strip())
        text = " ".join(element_text(a).split())
        on_site = urlsplit(url).hostname == host or is_on_domains(url, list(SITE_DOMAINS))
        if text and on_site and urlsplit(url).scheme in ("http", "https") and _LISTING_PATH.search(urlsplit(url).path):
            place = IN_MENU if a.xpath(_MENU) else IN_HEADER if a.xpath(_HEADER) else ELSEWHERE
            found.append(MenuLink(text, url, place))
    return found


def section_candidates(response: TextResponse, name: str) -> list[str]:
    """The listing URLs of the links named `name` (case and spacing aside) that stand in the
    best place any of them has: the menu over the header over the rest of the page. Each once,
    without its query (a per-view token would make every run's listing a new one)."""
    wanted = " ".join(name.split()).casefold()
    named = [link for link in listing_links(response) if link.text.casefold() == wanted]
    best = min((link.place for link in named), default=None)
    return list(dict.fromkeys(without_query(link.url) for link in named if link.place == best))


def without_query(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))


def seen_sections(response: TextResponse) -> list[str]:
    """The names of the listings the page links to, menu first, each once: what the crawl saw
    when it could not find its section."""
    links = sorted(listing_links(response), key=lambda link: link.place)
    return list(dict.fromkeys(link.text for link in links))[:SEEN_AT_MOST]


def not_found(response: TextResponse, name: str) -> str:
    seen = ", ".join(seen_sections(response)) or "no category or tag listing at all"
    return (
        f"section {name!r} not found: no menu link of that name on {response.url} (it links to: {seen}); "
        "set ELECTIONS_SECTION to the section's name as the menu writes it, "
        "or ELECTIONS_START_URL (-a start_url=) to its listing"
    )


def ambiguous(name: str, urls: list[str]) -> str:
    return (
        f"section {name!r} is ambiguous: {len(urls)} menu links of that name lead to different listings "
        f"({', '.join(urls)}); set ELECTIONS_START_URL (-a start_url=) to the one meant"
    )
