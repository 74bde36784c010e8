"""A re-check's requests and what they find: once what is new is fetched, the stored articles
due (chosen by CrawlState from schedule.py), each asked for conditionally where the page was
served with validators, so that an unchanged one costs a 304. What it finds is sent with the
article_checked signal (crawler/signals.py), or, for a page, stored as any fetch is, its edits
kept as versions (crawler/archive/changes.py)."""

from collections.abc import Callable, Iterable, Iterator

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.statscollectors import StatsCollector
from twisted.python.failure import Failure

from crawler import signals
from crawler.contracts import CheckOutcome, EventKind, Stat
from crawler.crawl.outcomes import Outcomes, failed_request, failure_reason, stop_on_challenge
from crawler.crawl.run import RunState
from crawler.items import Article
from crawler.middlewares import OffSite, RobotsExcluded
from crawler.recheck.schedule import Due
from crawler.site.layouts.error_page import is_error_page
from crawler.site.urls import is_article_url, listed_id


class Rechecks:
    def __init__(
        self,
        run: RunState,
        stats: StatsCollector,
        outcomes: Outcomes,
        read_article: Callable[[Response], Iterable[Article]],
    ):
        """`read_article`: the spider's, for a re-check that brings the article's page."""
        self.run, self.stats, self.outcomes, self.read_article = run, stats, outcomes, read_article
        self.logger = outcomes.logger
        self.begun = False

    def begin(self) -> list[scrapy.Request]:
        """The re-checks due, once a run: after what is new, so that they never delay it."""
        if self.begun or self.run.archive is None:
            return []
        self.begun = True
        due = [d for d in self.run.archive.due if d.article_id not in self.run.requested_ids]
        if due:
            self.logger.info("Checking %d stored articles again, as their age makes them due", len(due))
        return [self.request(d) for d in due]

    def request(self, due: Due) -> scrapy.Request:
        """dont_filter: a redirect to the home page the walk read is an answer, not a repeat."""
        self.run.requested_ids.add(due.article_id)
        self.stats.inc_value(Stat.ARTICLES_REQUESTED)
        self.stats.inc_value(Stat.RECHECKED)
        headers = {"If-None-Match": due.etag} if due.etag else {}
        if due.last_modified:
            headers["If-Modified-Since"] = due.last_modified
        return scrapy.Request(
            due.url,
            headers=headers,
            callback=self.parse,
            errback=self.failed,
            dont_filter=True,
            meta={"handle_httpstatus_list": [304, 404, 410], "article_id": due.article_id},
        )

    def parse(self, response: Response) -> Iterator[Article]:
        """Unchanged (304), gone (404, 410, the site's error page), sent to a page that is no
        article or to another article, or its page. A re-check writes to the article it
        checks, and to no other."""
        article_id = response.meta["article_id"]
        if response.status == 304:
            self.checked(article_id, CheckOutcome.UNCHANGED)
        elif response.status in (404, 410):
            self.checked(article_id, EventKind.REMOVED, f"HTTP {response.status}")
        elif isinstance(response, HtmlResponse) and is_error_page(response):
            self.checked(article_id, EventKind.REMOVED, f"the site's error page, HTTP {response.status}")
        elif isinstance(response, HtmlResponse) and not is_article_url(response.url):
            self.checked(article_id, EventKind.REDIRECTED, f"sent to {response.url}")
        elif listed_id(response.url) != article_id:  # stories merged: it points to another article now
            self.checked(article_id, EventKind.REDIRECTED, f"sent to {response.url}, article {listed_id(response.url)}")
        else:
            for item in self.read_article(response):
                item["recheck_of"] = article_id
                yield item

    def failed(self, failure: Failure) -> None:
        """Sent to another site: redirected, and nothing fetched there. Forbidden by robots.txt:
        checked, as the site wishes. No answer: tried again after a wait (schedule.py). Never
        a removal."""
        article_id = failed_request(failure).meta["article_id"]
        if isinstance(failure.value, OffSite):
            self.checked(article_id, EventKind.REDIRECTED, f"sent to {failure.value.target}, on another site")
        elif failure.check(RobotsExcluded):
            self.outcomes.excluded(failed_request(failure))
            self.checked(article_id, CheckOutcome.EXCLUDED, "robots.txt forbids it")
        else:
            reason = failure_reason(failure)
            self.logger.warning("Re-check of %s failed (%s): tried again later", failed_request(failure).url, reason)
            self.checked(article_id, CheckOutcome.FAILED, reason)
        stop_on_challenge(failure)

    def checked(self, article_id: str, outcome: str, detail: str | None = None) -> None:
        if outcome not in (CheckOutcome.UNCHANGED, CheckOutcome.EXCLUDED):
            self.logger.warning("Stored article %s is %s: %s", article_id, outcome, detail)
        self.outcomes.signals.send_catch_log(
            signals.article_checked, article_id=article_id, outcome=str(outcome), detail=detail
        )
