"""Downloader middlewares for what the web does to a long-running crawl.

Each sits between Scrapy's RetryMiddleware (550) and HttpCompressionMiddleware (590), so it
sees decompressed bodies and acts before Scrapy decides on a retry.
"""

import asyncio
import logging
import re
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

logger = logging.getLogger(__name__)


class RetryAfterMiddleware:
    """A 429 or 503 with Retry-After: wait that long (up to ELECTIONS_MAX_RETRY_AFTER
    seconds) before Scrapy's RetryMiddleware sends the request again."""

    def __init__(self, crawler):
        self.max_wait = crawler.settings.getfloat("ELECTIONS_MAX_RETRY_AFTER")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_response(self, request, response):
        seconds = retry_after(response.headers.get("Retry-After")) if response.status in (429, 503) else None
        if seconds:
            wait = min(seconds, self.max_wait)
            logger.info("%s answered %d, Retry-After %s: waiting %.0f s", request.url, response.status,
                        response.headers.get("Retry-After").decode(), wait)
            self.stats.inc_value("elections/retry_after_waits")
            await asyncio.sleep(wait)
        return response


def retry_after(value: bytes | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, (parsedate_to_datetime(text) - datetime.now(timezone.utc)).total_seconds())
    except (TypeError, ValueError):
        return None


class PageEndMiddleware:
    """Every page of the site ends with </html>. One that does not was cut short by the
    server: retry it like a 5xx, then give it up as 'truncated page'. An </html> or
    </body> before the end is a stray, at which libxml2 would end the document (and lose
    the article after it): it is taken out."""

    TAIL = 1024
    STRAY_END = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if not isinstance(response, HtmlResponse):
            return response
        head, tail = response.body[: -self.TAIL], response.body[-self.TAIL :]
        if b"</html>" not in tail.lower():
            retry = get_retry_request(request, spider=self.crawler.spider, reason="truncated page")
            if retry:
                return retry
            raise IgnoreRequest("truncated page (no </html>)")
        if self.STRAY_END.search(head):
            self.crawler.stats.inc_value("elections/stray_page_ends")
            return response.replace(body=self.STRAY_END.sub(b"", head) + tail)
        return response


class SiteEncodingMiddleware:
    """A page that declares no encoding, in its header or its markup, and is not valid
    UTF-8 is read as windows-1251, the older Cyrillic encoding of Kazakhstan's sites,
    rather than as Latin-1 guesswork."""

    def process_response(self, request, response):
        if not isinstance(response, HtmlResponse) or declared_encoding(response):
            return response
        try:
            response.body.decode("utf-8")
        except UnicodeDecodeError:
            return response.replace(encoding="windows-1251")
        return response


def declared_encoding(response) -> str | None:
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    return http_content_type_encoding(content_type) or html_body_declared_encoding(response.body)
