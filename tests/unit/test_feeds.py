"""The second channel's parsers (crawler/site/layouts/feeds.py), on built responses: the replica's
feeds and sitemaps, and the forms the live site may use instead."""

import gzip
from datetime import UTC, datetime

from scrapy.http import Response, TextResponse, XmlResponse

from crawler.site.layouts import feeds
from replica import pages
from replica.content import generate

BASE = "https://qazinform.com"


def xml(path: str, body: str | bytes, cls=XmlResponse) -> Response:
    return cls(url=BASE + path, body=body if isinstance(body, bytes) else body.encode())


ARTICLES = generate(5, seed=3)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def test_robots_txt_sitemap_lines_become_absolute_urls():
    robots = xml(
        "/robots.txt",
        pages.ROBOTS_TXT.format(base_url=BASE, disallowed="") + "sitemap: /sitemaps/news.xml\n",
        TextResponse,
    )
    assert feeds.sitemaps_in_robots(robots) == [f"{BASE}/sitemap.xml", f"{BASE}/sitemaps/news.xml"]


def test_a_sitemap_index_lists_its_sitemaps_with_their_times():
    read = feeds.sitemap(xml(pages.SITEMAP_INDEX_PATH, pages.sitemap_index(ARTICLES, BASE)))
    assert read == ([], [feeds.ChildSitemap(BASE + pages.NEWS_SITEMAP_PATH, utc(ARTICLES[0].published))])


def test_a_google_news_sitemap_gives_each_article_its_time_title_and_keywords():
    entries, children = feeds.sitemap(xml(pages.NEWS_SITEMAP_PATH, pages.news_sitemap(ARTICLES, BASE, True)))
    assert children == []
    assert [e.url for e in entries] == [BASE + a.path for a in ARTICLES]
    first, article = entries[0], ARTICLES[0]
    assert first.title == article.title
    assert first.published_at == utc(article.published)
    assert first.names == ("Elections", *article.tags)
    assert first.names_section("elections 2026") and not first.names_section("Economy")


def test_a_plain_sitemap_takes_the_time_from_lastmod_and_may_be_gzipped():
    body = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{BASE}/news/a-0eb7f9</loc><lastmod>2026-11-20</lastmod></url>"
        f"<url><loc>{BASE}/news/b-666326</loc></url></urlset>"
    )
    entries, _ = feeds.sitemap(xml("/sitemap-1.xml.gz", gzip.compress(body.encode()), Response))
    assert [(e.url, e.published_at, e.names) for e in entries] == [
        (f"{BASE}/news/a-0eb7f9", "2026-11-19T19:00:00+00:00", ()),  # midnight in Astana
        (f"{BASE}/news/b-666326", None, ()),
    ]


def test_an_rss_feed_gives_each_article_its_time_title_and_category():
    entries = feeds.feed(xml(pages.RSS_PATH, pages.rss_feed(ARTICLES, BASE, False)))
    assert [e.url for e in entries] == [BASE + a.path for a in ARTICLES]
    assert entries[0].title == ARTICLES[0].title
    assert entries[0].published_at == utc(ARTICLES[0].published)
    assert entries[0].names == ("Politics",)  # a site with no Elections section files them elsewhere


def test_an_atom_feed_is_read_as_well():
    body = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Q</title>'
        '<entry><title>CEC registers candidates</title><link href="/news/cec-registers-candidates-0eb7f9"/>'
        '<updated>2026-11-20T10:00:00+05:00</updated><category term="Elections"/></entry></feed>'
    )
    [entry] = feeds.feed(xml("/atom.xml", body))
    assert entry == feeds.Entry(
        f"{BASE}/news/cec-registers-candidates-0eb7f9",
        "2026-11-20T05:00:00+00:00",
        "CEC registers candidates",
        ("Elections",),
    )


def test_a_page_that_is_no_feed_or_sitemap_is_told_apart_from_an_empty_one():
    html = xml("/rss/en.xml", "<html><body><h1>Qazinform</h1></body></html>", TextResponse)
    assert feeds.feed(html) is None
    assert feeds.sitemap(html) is None
    assert feeds.feed(xml("/rss/en.xml", "", TextResponse)) is None  # an empty body: feedparser sets no version
    empty = xml("/rss/en.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Q</title></channel></rss>')
    assert feeds.feed(empty) == []


def test_a_gzipped_sitemap_that_is_broken_or_unpacks_past_the_limit_is_no_sitemap():
    body = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + f"<url><loc>{BASE}/news/a-0eb7f9</loc></url>" * 200
        + "</urlset>"
    ).encode()
    packed = gzip.compress(body)
    assert feeds.sitemap(xml("/s.xml.gz", packed, Response), max_size=len(body)) is not None
    assert feeds.sitemap(xml("/s.xml.gz", packed, Response), max_size=len(body) // 2) is None  # a gzip bomb
    assert feeds.sitemap(xml("/s.xml.gz", packed[:10] + b"not deflate data", Response)) is None  # broken
