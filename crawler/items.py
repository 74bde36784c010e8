import json
import zlib
from dataclasses import dataclass

import scrapy
from scrapy.http import Response

from crawler.responses import first_url


class Article(scrapy.Item):
    """One article of the Elections section, as stored in the `articles` table."""

    article_id = scrapy.Field()  # the site's id from the URL: "a3996297", "97d5e1"
    url = scrapy.Field()  # canonical: no query, fragment or AMP marker
    lang = scrapy.Field()  # "en"
    edition = scrapy.Field()  # the edition it was crawled from: "en", "ru", "kk" (crawler/site/editions.py)
    section = scrapy.Field()  # "Elections"
    title = scrapy.Field()
    lead = scrapy.Field()
    body = scrapy.Field()  # plain text, paragraphs separated by one blank line
    dateline = scrapy.Field()  # "ASTANA", when the body opens with one
    source = scrapy.Field()  # "KAZINFORM", likewise
    author = scrapy.Field()
    published_at = scrapy.Field()  # ISO 8601, UTC
    tags = scrapy.Field()  # list of str
    image_url = scrapy.Field()
    word_count = scrapy.Field()  # words in body
    layout = scrapy.Field()  # page design recognised: crawler.contracts.Layout
    twins = scrapy.Field()  # its versions in other editions: language -> canonical URL (table article_twins)
    content_hash = scrapy.Field()  # SHA-256 of title, lead and body
    scraped_at = scrapy.Field()  # ISO 8601, UTC
    raw_page = scrapy.Field()  # the RawPage it was read from: kept in raw_pages, never exported
    etag = scrapy.Field()  # the validators it was served with, for a conditional re-check
    last_modified = scrapy.Field()
    listed_in = scrapy.Field()  # the listing whose card led to it
    # An all-news feed's article, for the topic rule to judge (pipelines/topic.py): the feed's URL
    selected_from = scrapy.Field()
    topic_verdict = scrapy.Field()  # the rule's verdict: a topic_verdicts row (crawler/archive/schema.py)
    recheck_of = scrapy.Field()  # a re-check's page: the stored article it checks (crawler/recheck/schedule.py)
    subject_mentions = scrapy.Field()  # who it refers to: subject_mentions rows (pipelines/coverage.py)


# Not the article's own: how the crawl came by it. Never exported; the validators and the
# listing go to articles' watch columns (crawler/archive/schema.py, ARTICLES_WATCH).
CRAWL_FIELDS = (
    "raw_page",
    "selected_from",
    "topic_verdict",
    "etag",
    "last_modified",
    "listed_in",
    "recheck_of",
    "subject_mentions",
)
# The fields of every article item, in the order of a feed export (-O items.jsonl).
EXPORTED_FIELDS = [name for name in Article.fields if name not in CRAWL_FIELDS]


@dataclass(frozen=True)
class RawPage:
    """A page as the site served it, its body compressed: what re-extraction and WARC export
    read (crawler/archive/, table raw_pages)."""

    url: str  # as requested: the canonical URL
    final_url: str  # after redirects
    status: int
    request_headers: str  # JSON object
    headers: str  # JSON object of the response's headers, each a list of values
    fetched_at: str  # ISO 8601, UTC
    body: bytes  # zlib-compressed, as Scrapy handed it over (decompressed, dechunked)
    body_bytes: int

    @classmethod
    def of(cls, response: Response, fetched_at: str) -> "RawPage":
        """`fetched_at`: now, by the crawl's clock (crawler/clock.py)."""
        request = response.request
        return cls(
            url=first_url(request) if request else response.url,
            final_url=response.url,
            status=response.status,
            request_headers=headers_json(request.headers) if request else "{}",
            headers=headers_json(response.headers),
            fetched_at=fetched_at,
            body=zlib.compress(response.body, 6),
            body_bytes=len(response.body),
        )


class UnreadablePage(ValueError):
    """A raw_pages row that cannot be made a page again (damaged compression or headers)."""


def read_raw_page(row: dict) -> tuple[bytes, dict[str, list[str]], dict[str, list[str]]]:
    """A raw_pages row's body, response headers and request headers; raises UnreadablePage."""
    try:
        return zlib.decompress(row["body"]), json.loads(row["headers"]), json.loads(row["request_headers"] or "{}")
    except (zlib.error, TypeError, ValueError) as error:
        raise UnreadablePage(f"raw page {row['id']} of {row['article_id']}: {type(error).__name__}: {error}") from None


def headers_json(headers) -> str:
    """Scrapy's headers (bytes, lists of values) as a JSON object of lists of text."""
    return json.dumps(
        {
            (name.decode("latin-1") if isinstance(name, bytes) else name): [
                value.decode("latin-1") if isinstance(value, bytes) else value for value in headers.getlist(name)
            ]
            for name in headers
        }
    )
