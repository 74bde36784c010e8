"""Finding a section's listing by the text of a link to it, behind one door after another.

Nobody has seen the URL of the English Elections section (docs/site.md): every category URL
seen on the site ends in a number the site picked (/category/<slug>_s<digits>), and the
header menu of the template the site has used since 2023 has no Elections entry. So the
crawl looks, in this order, and stops at the first door that answers
(crawler/crawl/section_search.py):

1. the home page's menu (and the rest of its header);
2. the page its footer calls "Site map";
3. the page its footer calls "Tags" (a tag listing is a listing);
4. a few article pages the home page links to, election-like titles first: their
   breadcrumb, category label and tag row;
5. the rest of the home page (a tag cloud, a footer link).

Behind every door it reads, it also notes the tags whose names name an election, a
referendum or a vote ("Kazakhstan 2022 Presidential Election", "Выборы-2023", "Референдум
2026"): election items are filed under other sections too, and such a tag lists them
(election_tags). Each is walked beside the section (crawler/crawl/walks.py).

Where no door answers, the crawl walks the all-news feed and judges each article by the
topic rule (ELECTIONS_TOPIC_RULE, crawler/topic.py): the listing "found by" ALL_NEWS_FEED.

A link answers when its text names the section, loosely: case, a plural "s" and a year
aside ("Elections 2026", "ELECTION"); an exact name wins over a loose one. A tag named with a
year is one election's tag, never the section (one_elections).
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from scrapy.http import TextResponse

from crawler import topic
from crawler.site.layouts.page import element_text
from crawler.site.urls import SITE_DOMAINS, is_article_url, is_on_domains, is_tag_url

# /category/<slug>_s12, /tag/<slug>_t3, /tags/<slug>, /<lang>/category/…, a _c<digits> category (qz)
_LISTING_PATH = re.compile(r"/(?:category|tags?|rubric|section)/|_[sct]\d+/?$", re.IGNORECASE)
# Where a link stands, best first: the menu proper, elsewhere in the header (a strip of "hot
# topics", say), elsewhere on the page.
_MENU = "ancestor::nav or ancestor::*[contains(@class, 'menu') or contains(@class, 'nav')]"
_HEADER = "ancestor::header"
IN_MENU, IN_HEADER, ELSEWHERE = 0, 1, 2
EVERYWHERE = (IN_MENU, IN_HEADER, ELSEWHERE)
SEEN_AT_MOST = 15
ALL_NEWS_FEED = "all-news feed"  # crawl_runs.listing_found_by of a walk the topic rule selects from
ELECTION_TAG = "election tag"  # listing_found_by of a tag walked because its name names an election


@dataclass(frozen=True)
class MenuLink:
    text: str
    url: str
    place: int  # IN_MENU, IN_HEADER or ELSEWHERE


def listing_links(response: TextResponse, href_has: str = "") -> list[MenuLink]:
    """The page's links to a category or tag listing of the site: on the page's own host, or
    any host of the site (a menu may link to another edition's host). `href_has`: only the
    links whose href holds it, the rest passed over unread (an article page has hundreds)."""
    host = urlsplit(response.url).hostname
    found = []
    for a in response.selector.root.xpath(".//a[contains(@href, $part)]", part=href_has):
        url = response.urljoin(a.get("href").strip())
        text = " ".join(element_text(a).split())
        on_site = urlsplit(url).hostname == host or is_on_domains(url, list(SITE_DOMAINS))
        if text and on_site and urlsplit(url).scheme in ("http", "https") and _LISTING_PATH.search(urlsplit(url).path):
            place = IN_MENU if a.xpath(_MENU) else IN_HEADER if a.xpath(_HEADER) else ELSEWHERE
            found.append(MenuLink(text, url, place))
    return found


def folded(text: str) -> str:
    """A link's text as an exact match compares it: case and spacing aside."""
    return " ".join(text.split()).casefold()


def name_key(text: str) -> str:
    """A name as the loose match compares it: 'Elections 2026' and 'ELECTION' -> 'election'."""
    words = re.sub(r"[\d\W_]+", " ", text.casefold()).split()
    return " ".join(word.removesuffix("s") if len(word) > 3 else word for word in words)


def section_candidates(response: TextResponse, name: str, places: tuple[int, ...] = EVERYWHERE) -> list[str]:
    """The listing URLs of the links in `places` that name the section, best first: an exact
    name (case and spacing aside) over a loose one, then the best place any of them has (the
    menu over the header over the rest of the page). Each once, without its query (a
    per-view token would make every run's listing a new one)."""
    exact, loose = folded(name), name_key(name)
    links = [link for link in listing_links(response) if link.place in places]
    named = [link for link in links if folded(link.text) == exact] or [
        link for link in links if name_key(link.text) == loose and not one_elections(link)
    ]
    best = min((link.place for link in named), default=None)
    return list(dict.fromkeys(without_query(link.url) for link in named if link.place == best))


# The footer's names of the pages that list the site's sections and tags, in every edition.
DOOR_PAGES = {
    "site map page": ("site map", "sitemap", "карта сайта", "сайт картасы"),
    "tags page": ("tags", "теги", "тегтер"),
}


def door_pages(response: TextResponse) -> list[tuple[str, str]]:
    """(door, URL) of the site map and tags pages the page links to, in DOOR_PAGES' order."""
    found = []
    for door, names in DOOR_PAGES.items():
        for a in response.selector.root.iterfind(".//a[@href]"):
            if folded(element_text(a)) in names:
                found.append((door, response.urljoin(a.get("href").strip())))
                break
    return found


ARTICLE_PAGES = 3  # article pages looked at behind the fourth door


def article_pages(response: TextResponse, count: int = ARTICLE_PAGES) -> list[str]:
    """Up to `count` article URLs the page links to, the election-like headlines first."""
    links: dict[str, str] = {}
    for a in response.selector.root.iterfind(".//a[@href]"):
        url = response.urljoin(a.get("href").strip())
        if is_article_url(url) and (urlsplit(url).hostname == urlsplit(response.url).hostname):
            links.setdefault(url, " ".join(element_text(a).split()))
    ranked = sorted(links, key=lambda url: not topic.term_counts(topic.field_text({"title": links[url]}, "title")))
    return ranked[:count]


# Words that make a tag's name name an election, a referendum or a vote, in each edition's
# language: plural "выборы" (the singular is "a choice"), Kazakh in Cyrillic and in Latin.
ELECTION_WORDS = re.compile(
    r"\belect(?:ion|oral)|\breferend|\bvot(?:e|es|ing)\b|\bballot"
    r"|\bвыбор(?:ы|ов|ах|ам|ами)\b|референдум|голосовани|избирательн"
    r"|сайлау|дауыс\s+беру|\bsa[iı]la[uý]",
    re.IGNORECASE,
)


def names_election(name: str) -> bool:
    return bool(ELECTION_WORDS.search(name))


def one_elections(link: MenuLink) -> bool:
    """A tag named with a year ("Выборы-2023", "Majilis elections 2016"): one election's tag,
    never the section, however loosely its name matches the section's: a tags page lists
    several, which would make the section ambiguous."""
    return is_tag_url(link.url) and bool(re.search(r"\d{4}", link.text))


def election_tags(response: TextResponse, section: str, places: tuple[int, ...] = EVERYWHERE) -> dict[str, str]:
    """The tags the page links to in `places` whose names name an election, but the section's
    own (a tag named as the section is the section): URL (without its query) -> name."""
    return {
        without_query(link.url): link.text
        for link in listing_links(response, href_has="/tag/")
        if link.place in places
        and is_tag_url(link.url)
        and names_election(link.text)
        and (one_elections(link) or name_key(link.text) != name_key(section))  # its exact name has this key too
    }


def without_query(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))


def seen_sections(response: TextResponse) -> list[str]:
    """The names of the listings the page links to, menu first, each once: what the crawl saw
    when it could not find its section."""
    links = sorted(listing_links(response), key=lambda link: link.place)
    return list(dict.fromkeys(link.text for link in links))[:SEEN_AT_MOST]


def not_found(response: TextResponse, name: str, elsewhere: list[str] | None = None) -> str:
    seen = ", ".join(seen_sections(response)) or "no category or tag listing at all"
    beyond = "".join(f", nor on the {place}" for place in elsewhere or [])
    return (
        f"section {name!r} not found: no menu link of that name on {response.url} (it links to: {seen}){beyond}; "
        "set ELECTIONS_SECTION to the section's name as the menu writes it, "
        "or ELECTIONS_START_URL (-a start_url=) to its listing"
    )


def ambiguous(name: str, urls: list[str], door: str = "menu") -> str:
    links = "menu links" if door == "menu" else f"links on the {door}"
    return (
        f"section {name!r} is ambiguous: {len(urls)} {links} of that name lead to different listings "
        f"({', '.join(urls)}); set ELECTIONS_START_URL (-a start_url=) to the one meant"
    )
