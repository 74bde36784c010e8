"""The site's second channel: its RSS feeds, its sitemaps and robots.txt's Sitemap lines, read
into entries (an article's URL, time, title and the sections or keywords the channel names).

Feeds are read by feedparser (RSS and Atom, every dialect), sitemaps by Scrapy's own sitemap
utilities. Google News sitemaps carry the time, title and keywords of each article in a
`news:news` element, which Scrapy's Sitemap flattens away: those are read from the same
body by name.
"""

import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
import lxml.etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.site.dates import parse_published_at
from crawler.site.layouts.home import name_key

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class Entry:
    """An article as a feed or a sitemap lists it."""

    url: str
    published_at: str | None  # ISO UTC
    title: str | None
    names: tuple[str, ...]  # the feed's categories, the news sitemap's keywords

    def names_section(self, section: str) -> bool:
        """Does the channel file it under the section (named loosely, as a menu link is)?"""
        return any(name_key(name) == name_key(section) for name in self.names)


@dataclass(frozen=True)
class ChildSitemap:
    url: str
    modified_at: str | None  # ISO UTC


def sitemaps_in_robots(response: Response) -> list[str]:
    return list(sitemap_urls_from_robots(response.body, base_url=response.url))


def sitemap(response: Response, max_size: int = 0) -> tuple[list[Entry], list[ChildSitemap]] | None:
    """A sitemap's entries and, for a sitemap index, the sitemaps it lists; None for a body
    that is no sitemap, or a gzipped one that is broken or unpacks to more than `max_size`
    bytes (DOWNLOAD_MAXSIZE, as Scrapy's SitemapSpider bounds it). A gzip stream cut short
    is read as far as it goes, as Scrapy reads one."""
    body = response.body
    try:
        if gzip_magic_number(response):
            body = gunzip(body, max_size=max_size)
    except (OSError, zlib.error, ValueError):  # a broken gzip stream; ValueError: over max_size
        return None
    try:
        parsed = Sitemap(body)
    except (lxml.etree.XMLSyntaxError, StopIteration):
        return None
    if parsed.type == "sitemapindex":
        children = [ChildSitemap(item["loc"], iso(item.get("lastmod"))) for item in parsed]
        return [], children
    if parsed.type != "urlset":
        return None
    news = news_fields(body)
    entries = []
    for item in parsed:
        published, title, keywords = news.get(item["loc"], (None, None, ()))
        entries.append(Entry(item["loc"], published or iso(item.get("lastmod")), title, keywords))
    return entries, []


def news_fields(body: bytes) -> dict[str, tuple[str | None, str | None, tuple[str, ...]]]:
    """loc -> (publication time, title, keywords) of a Google News sitemap's entries."""
    root = lxml.etree.fromstring(body, parser=lxml.etree.XMLParser(recover=True, resolve_entities=False))
    fields = {}
    for news in root.iter(f"{{{NEWS_NS}}}news"):
        url = news.getparent()
        loc = url.findtext("{*}loc") if url is not None else None
        if not loc:
            continue
        keywords = news.findtext(f"{{{NEWS_NS}}}keywords") or ""
        fields[loc.strip()] = (
            iso(news.findtext(f"{{{NEWS_NS}}}publication_date")),
            (news.findtext(f"{{{NEWS_NS}}}title") or "").strip() or None,
            tuple(word.strip() for word in keywords.split(",") if word.strip()),
        )
    return fields


def feed(response: Response) -> list[Entry] | None:
    """An RSS or Atom feed's entries; None for a body that is no feed."""
    parsed = feedparser.parse(response.body, response_headers={"content-location": response.url})
    if not parsed.get("version"):  # an HTML page, say: feedparser reads anything, and tells what it found
        # (an empty body leaves no version at all)
        return None
    entries = []
    for item in parsed.entries:
        if not item.get("link"):
            continue
        moment = item.get("published_parsed") or item.get("updated_parsed")
        names = tuple(tag["term"] for tag in item.get("tags", []) if tag.get("term"))
        entries.append(Entry(response.urljoin(item["link"]), utc(moment), item.get("title") or None, names))
    return entries


def iso(text: str | None) -> str | None:
    """A sitemap's W3C time ('2026-11-20', '2026-11-20T10:00:00+05:00') as ISO UTC."""
    return parse_published_at(text if "T" in text else f"{text}T00:00") if text else None


def utc(moment: time.struct_time | None) -> str | None:
    """feedparser's times are UTC already."""
    return datetime(*moment[:6], tzinfo=UTC).isoformat() if moment else None
