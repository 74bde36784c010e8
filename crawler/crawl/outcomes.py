"""What becomes of a request that brings no article, one way for every part of the crawl:
a failure recorded with its URL and reason (the page_failed signal: pending, tried again next
run), a page robots.txt forbids (excluded), an article served under another id (an alias),
a bot challenge (the crawl stops)."""

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DownloadTimeoutError
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import signals
from crawler.contracts import FinishReason, Stat
from crawler.middlewares import BotChallenge, OffSite, RobotsExcluded
from crawler.responses import first_url, header
from crawler.site.text import valid_text
from crawler.site.urls import article_id, listed_id


class Outcomes:
    def __init__(self, crawler: Crawler, logger: "logging.LoggerAdapter[logging.Logger] | logging.Logger"):
        self.stats, self.signals, self.logger = crawler.stats, crawler.signals, logger

    def count_with_first(self, count: str, first: str, what: str) -> None:
        """Counts one more under `count`; `first` keeps what the first one was."""
        self.stats.inc_value(count)
        if not self.stats.get_value(first):
            self.stats.set_value(first, what)

    def report_failure(self, request: Request, reason: str, gone: bool = False) -> None:
        """`gone`: the site answered that the article is not there (Stat.ARTICLES_GONE)."""
        url = first_url(request)
        if gone:
            self.stats.inc_value(Stat.ARTICLES_GONE)
            self.logger.warning("Article %s is gone from the site, it seems: %s", url, reason)
        self.signals.send_catch_log(signals.page_failed, url=url, article_id=article_id(url), reason=reason)

    def excluded(self, request: Request) -> None:
        """A page robots.txt forbids: the site's choice, not a failure of the run. Counted, never
        fetched, never pending (an earlier failure of it is forgotten)."""
        url = first_url(request)
        self.stats.inc_value(Stat.ROBOTS_EXCLUDED)
        self.logger.info("robots.txt forbids %s: excluded, as the site wishes", url)
        self.signals.send_catch_log(signals.page_excluded, url=url, article_id=article_id(url))

    def note_alias(self, request: Request, served_id: str | None) -> None:
        """The listing's id for an article served under another: known from now on, so that
        the old card is not fetched again every run."""
        alias = listed_id(first_url(request))
        if served_id and alias != served_id:
            self.signals.send_catch_log(signals.article_moved, alias_id=alias, article_id=served_id)


def failed_request(failure: Failure) -> Request:
    """The request a failure is of: Scrapy sets it on the failure every errback gets."""
    request: Request = failure.request  # type: ignore[attr-defined]  # Scrapy's, untyped
    return request


def refused_status(failure: Failure) -> int | None:
    """The HTTP status of an answer Scrapy refused (HttpError); None when there was none."""
    return failure.value.response.status if isinstance(failure.value, HttpError) else None


def no_article_at(url: str) -> str:
    """The reason of an article request redirected to a page that is no article."""
    return f"redirected to {url}, which is no article page"


def stop_on_challenge(failure: Failure) -> None:
    """A bot challenge stops the crawl: never try to get past one. What is pending stays so."""
    if failure.check(BotChallenge):
        raise CloseSpider(str(FinishReason.BOT_CHALLENGE))


def failure_reason(failure: Failure) -> str:
    if isinstance(failure.value, HttpError):
        response = failure.value.response
        location = header(response, b"Location") or ""
        if 300 <= response.status < 400 and location:  # one Scrapy would not follow: file:, data: ...
            return f"HTTP {response.status}, a redirect not followed, to {valid_text(location[:80])}"
        return f"HTTP {response.status}"
    if failure.check(DownloadTimeoutError):
        return "timeout"
    if failure.check(BotChallenge, OffSite, RobotsExcluded):
        return str(failure.value)
    name, message = type(failure.value).__name__, str(failure.value).strip()
    return f"{name}: {message}" if message else name
