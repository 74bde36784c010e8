"""Downloader middlewares for what the web does to a long-running crawl.

SiteBoundsMiddleware (50) and RobotsMiddleware (100) stand where Scrapy's OffsiteMiddleware
and RobotsTxtMiddleware do, and decide whether a request may be made at all;
DoorPagesMiddleware (120) answers an article request with the page a door already read. The
others sit
between Scrapy's RetryMiddleware (550) and HttpCompressionMiddleware (590), so each sees
decompressed bodies and acts before Scrapy decides on a retry.
"""

import asyncio
import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.statscollectors import StatsCollector
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from crawler.contracts import Stat
from crawler.crawl.context import CrawlContext
from crawler.crawl.run import RunState
from crawler.responses import header
from crawler.signals import crawl_opened
from crawler.site.urls import is_on_site

logger = logging.getLogger(__name__)


class OffSite(IgnoreRequest):
    """A request outside the crawl's bounds: another site, or another scheme. `target`: its URL."""

    def __init__(self, target: str, redirected: bool):
        parts = urlsplit(target)
        where = f"a {parts.scheme}: URL" if parts.scheme not in ("http", "https") else f"another site ({parts.netloc})"
        super().__init__(f"{'redirect' if redirected else 'request'} to {where}")
        self.target = target


class CrawlMiddleware:
    """A downloader middleware that the crawl's context and run state are handed to as the
    crawl opens (crawler/signals.py, crawl_opened)."""

    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.stats)
        crawler.signals.connect(middleware.crawl_opened, signal=crawl_opened)
        return middleware

    def crawl_opened(self, context: CrawlContext, run: RunState) -> None:
        raise NotImplementedError


class SiteBoundsMiddleware(CrawlMiddleware):
    """One rule about where the crawl may go, for every request it makes — the walk, re-checks,
    feeds and sitemaps, `-a url=` — and for each redirect of theirs: the site's domains, and
    exactly the scheme, host and port of the URLs the crawl was given (the crawl context's
    `origins`, where Scrapy's OffsiteMiddleware reads the spider's `allowed_domains`;
    crawler/site/urls.py is_on_site). Scrapy's own lets a request with dont_filter (a re-check)
    go anywhere, and drops the others silently; this one stands in its place and refuses every
    request outside, before anything of its host (robots.txt included) is fetched, with
    OffSite to the request's errback."""

    origins: set[tuple[str, str, int]] | None = None  # None: a spider with no bounds (scrapy shell)

    def crawl_opened(self, context: CrawlContext, run: RunState) -> None:
        self.origins = context.origins

    def process_request(self, request: Request) -> None:
        if self.origins is None or is_on_site(request.url, self.origins):
            return None
        self.stats.inc_value(Stat.OFFSITE_REFUSED)
        raise OffSite(request.url, redirected=bool(request.meta.get("redirect_urls")))


class RobotsExcluded(IgnoreRequest):
    """A page robots.txt forbids us: the site's choice, not a failure."""


class DoorPagesMiddleware(CrawlMiddleware):
    """An article page the search for the section read as a door (RunState.door_pages) is
    the walk's answer when it asks for that article: a first run fetches each page once.
    Taken once; re-checks (dont_filter) fetch afresh."""

    def __init__(self, stats: StatsCollector):
        super().__init__(stats)
        self.kept: dict[str, Response] = {}

    def crawl_opened(self, context: CrawlContext, run: RunState) -> None:
        self.kept = run.door_pages

    def process_request(self, request: Request) -> Response | None:
        if request.dont_filter or request.url not in self.kept:
            return None
        self.stats.inc_value(Stat.DOOR_PAGES_TAKEN)
        return self.kept.pop(request.url).replace(request=request)


class RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's, whose refusal is told apart from any other IgnoreRequest: RobotsExcluded."""

    def process_request_2(self, rp: Any, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as refused:
            raise RobotsExcluded(str(refused)) from None


class BotChallenge(IgnoreRequest):
    """The site answered with a bot challenge instead of the page."""


class BotChallengeMiddleware:
    """A Cloudflare-style challenge — `cf-mitigated: challenge`, or a page whose own markup is
    a challenge's (its <title> "Just a moment...", Cloudflare's challenge script or form),
    whatever its status — is neither an article nor a listing. It is never retried nor
    worked around: the request fails with BotChallenge, the first challenged URL goes into
    the stats, and the spider stops. A phrase in the text is no sign: an article may quote
    "Verifying you are human"."""

    TITLE = re.compile(rb"<title[^>]*>\s*Just a moment\.\.\.\s*</title>", re.IGNORECASE)
    MARKUP = re.compile(rb"/cdn-cgi/challenge-platform/|window\._cf_chl_opt|id=[\"']challenge-(?:form|stage)")
    LOOK_AT = 64 * 1024  # a challenge page is small; an article is not one

    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        how = challenge(response)
        if how is None:
            return response
        if not self.stats.get_value(Stat.CHALLENGE_URL):
            self.stats.set_value(Stat.CHALLENGE_URL, request.url)
            self.stats.set_value(Stat.CHALLENGE, how)
        raise BotChallenge(f"bot challenge ({how})")


def challenge(response: Response) -> str | None:
    """How the response is a bot challenge ("HTTP 403, cf-mitigated: challenge"), or None."""
    if (header(response, b"cf-mitigated") or "").strip().lower() == "challenge":
        return f"HTTP {response.status}, cf-mitigated: challenge"
    body = response.body
    if len(body) <= BotChallengeMiddleware.LOOK_AT and (
        BotChallengeMiddleware.TITLE.search(body) or BotChallengeMiddleware.MARKUP.search(body)
    ):
        return f'HTTP {response.status}, a "Just a moment..." page'
    return None


class RetryAfterMiddleware:
    """A 429 or 503 with Retry-After: wait that long (up to ELECTIONS_MAX_RETRY_AFTER
    seconds) before Scrapy's RetryMiddleware sends the request again."""

    def __init__(self, crawler: Crawler):
        self.max_wait = crawler.settings.getfloat("ELECTIONS_MAX_RETRY_AFTER")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        seconds = retry_after(response.headers.get("Retry-After")) if response.status in (429, 503) else None
        if seconds:
            wait = min(seconds, self.max_wait)
            logger.info(
                "%s answered %d, Retry-After %s: waiting %.0f s",
                request.url,
                response.status,
                header(response, b"Retry-After"),
                wait,
            )
            self.stats.inc_value(Stat.RETRY_AFTER_WAITS)
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
        return max(0.0, (parsedate_to_datetime(text) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class PageEndMiddleware:
    """Every page of the site ends with </html>. One that does not was cut short by the
    server: retry it like a 5xx, then give it up as 'truncated page'. An </html> or
    </body> before the end is a stray, at which libxml2 would end the document (and lose
    the article after it): it is taken out. A page nested deeper than libxml2 reads (about
    2,048 levels; it drops the rest of the page silently) is a failure with that reason."""

    TAIL = 1024
    STRAY_END = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
    MAX_DEPTH = 2000
    DIV = re.compile(rb"<(/?)div\b", re.IGNORECASE)

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if not isinstance(response, HtmlResponse) or response.status != 200:
            return response  # an error page or a redirect is judged by its status
        head, tail = response.body[: -self.TAIL], response.body[-self.TAIL :]
        if b"</html>" not in tail.lower():
            assert self.crawler.spider is not None  # a response is downloaded for it
            retry = get_retry_request(request, spider=self.crawler.spider, reason="truncated page")
            if retry:
                return retry
            raise IgnoreRequest("truncated page (no </html>)")
        depth = nesting_depth(response.body) if response.body.count(b"<div") > self.MAX_DEPTH else 0
        if depth > self.MAX_DEPTH:
            raise IgnoreRequest(f"page nested deeper than the parser reads ({depth} levels of <div>)")
        if self.STRAY_END.search(head):
            self.crawler.stats.inc_value(Stat.STRAY_PAGE_ENDS)
            return response.replace(body=self.STRAY_END.sub(b"", head) + tail)
        return response


def nesting_depth(body: bytes) -> int:
    """The deepest nesting of <div> elements in the page's markup."""
    depth = deepest = 0
    for match in PageEndMiddleware.DIV.finditer(body):
        depth += -1 if match[1] else 1
        deepest = max(deepest, depth)
    return deepest


class SiteEncodingMiddleware:
    """A page that declares no encoding, in its header or its markup, and is not valid
    UTF-8 is read as windows-1251, the older Cyrillic encoding of Kazakhstan's sites,
    rather than as Latin-1 guesswork."""

    def process_response(self, request: Request, response: Response) -> Response:
        return in_site_encoding(response) if isinstance(response, HtmlResponse) else response


def in_site_encoding(response: HtmlResponse) -> HtmlResponse:
    """The page as the crawl reads it (SiteEncodingMiddleware), and `scrapy reparse` too."""
    if declared_encoding(response):
        return response
    try:
        response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response.replace(encoding="windows-1251")
    return response


def declared_encoding(response: Response) -> str | None:
    content_type = header(response, b"Content-Type") or ""
    return http_content_type_encoding(content_type) or html_body_declared_encoding(response.body)
