"""What becomes of a request that brings no article (crawler/crawl/outcomes.py), on its own."""

from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.contracts import Stat
from crawler.crawl.outcomes import failure_reason
from tests.unit.crawl_parts import SITE, crawl_parts


def test_a_failure_says_what_happened_in_a_few_words():
    request = Request(SITE + "/news/x-a1b2c3")

    def reason(error) -> str:
        failure = Failure(error)
        failure.request = request
        return failure_reason(failure)

    moved = HtmlResponse(request.url, status=301, headers={"Location": "file:///etc/passwd"}, request=request)
    assert reason(HttpError(moved, "")) == "HTTP 301, a redirect not followed, to file:///etc/passwd"
    lone = HtmlResponse(request.url, status=302, headers={"Location": b"/news/\xed\xa0\x80"}, request=request)
    # The Location read as Latin-1, its control character made valid text (U+FFFD):
    assert reason(HttpError(lone, "")) == "HTTP 302, a redirect not followed, to /news/\xed\xa0\ufffd"
    assert reason(DownloadTimeoutError("took too long")) == "timeout"
    assert reason(ConnectionRefusedError()) == "ConnectionRefusedError"
    assert reason(ValueError(" bad  ")) == "ValueError: bad"


def test_a_failure_names_the_url_first_asked_for_and_an_alias_the_id_it_was_listed_under():
    parts = crawl_parts()
    listed = SITE + "/news/old-url-0a0b0c"
    redirected = Request(SITE + "/news/new-url-61b2ceba", meta={"redirect_urls": [listed]})
    parts.outcomes.report_failure(redirected, "HTTP 404", gone=True)
    parts.outcomes.note_alias(redirected, "61b2ceba")
    parts.outcomes.note_alias(Request(listed), "0a0b0c")  # served under its own id: no alias
    assert parts.sent["page_failed"] == [(listed, "0a0b0c", "HTTP 404")]
    assert parts.sent["article_moved"] == [("0a0b0c", "61b2ceba")]
    assert parts.crawler.stats.get_value(Stat.ARTICLES_GONE) == 1


def test_a_count_keeps_what_its_first_one_was():
    parts = crawl_parts()
    for url in ("a", "b"):
        parts.outcomes.count_with_first(Stat.CHANNEL_FAILED, Stat.CHANNEL_FAILED_AT, url)
    stats = parts.crawler.stats
    assert (stats.get_value(Stat.CHANNEL_FAILED), stats.get_value(Stat.CHANNEL_FAILED_AT)) == (2, "a")
