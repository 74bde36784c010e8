"""Downloader middlewares, called as Scrapy calls them."""

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.contracts import Stat
from crawler.middlewares import (
    BotChallenge,
    BotChallengeMiddleware,
    DoorPagesMiddleware,
    PageEndMiddleware,
    RobotsExcluded,
    RobotsMiddleware,
)
from tests.unit.crawl_parts import crawl_parts

CHALLENGE_PAGE = b"<html><head><title>Just a moment...</title></head><body>Verifying you are human.</body></html>"
ARTICLE = b"<html><head><title>CEC meets</title></head><body><h1>CEC meets</h1><p>Text.</p></body></html>"


@pytest.fixture
def middleware():
    crawler = get_crawler()
    return build_from_crawler(BotChallengeMiddleware, crawler), crawler.stats


@pytest.mark.parametrize(
    "status, headers, body, how",
    [
        (403, {"cf-mitigated": "challenge"}, b"", "HTTP 403, cf-mitigated: challenge"),
        (503, {"CF-Mitigated": "Challenge"}, CHALLENGE_PAGE, "HTTP 503, cf-mitigated: challenge"),
        (200, {}, CHALLENGE_PAGE, 'HTTP 200, a "Just a moment..." page'),
        (
            403,
            {},
            b'<html><body><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/v1"></script></body></html>',
            'HTTP 403, a "Just a moment..." page',
        ),
        (
            200,
            {},
            b"<html><body><form id='challenge-form'></form></body></html>",
            'HTTP 200, a "Just a moment..." page',
        ),
    ],
)
def test_a_challenge_fails_the_request_and_is_recorded_once(middleware, status, headers, body, how):
    mw, stats = middleware
    request = Request("https://qazinform.com/news/x-2192502b")
    response = HtmlResponse(request.url, status=status, headers=headers, body=body, request=request)
    with pytest.raises(BotChallenge, match=f"bot challenge \\({how}"):
        mw.process_response(request, response)
    assert (stats.get_value(Stat.CHALLENGE_URL), stats.get_value(Stat.CHALLENGE)) == (request.url, how)
    later = Request("https://qazinform.com/news/y-2192502c")
    with pytest.raises(BotChallenge):
        mw.process_response(later, HtmlResponse(later.url, status=403, headers={"cf-mitigated": "challenge"}, body=b""))
    assert stats.get_value(Stat.CHALLENGE_URL) == request.url  # the first one


@pytest.mark.parametrize("status", [200, 403, 404, 503])
def test_a_page_without_a_challenge_passes_untouched(middleware, status):
    mw, stats = middleware
    request = Request("https://qazinform.com/news/x-2192502b")
    response = HtmlResponse(request.url, status=status, body=ARTICLE, request=request)
    assert mw.process_response(request, response) is response
    assert stats.get_value(Stat.CHALLENGE_URL) is None


@pytest.mark.parametrize("padding", [0, 70_000])
def test_an_article_quoting_the_phrase_is_no_challenge(middleware, padding):
    """A short article that quotes it was once given up, and stopped every weekly full walk."""
    mw, _ = middleware
    quote = b"Voters said the portal kept saying 'Verifying you are human' and 'Just a moment...'. "
    body = ARTICLE.replace(b"Text.", quote + b"x" * padding)
    request = Request("https://qazinform.com/news/x-2192502b")
    response = HtmlResponse(request.url, body=body, request=request)
    assert mw.process_response(request, response) is response


def page_end(body: bytes):
    crawler = get_crawler()
    crawler.spider = None  # get_retry_request() reads it
    request = Request("https://qazinform.com/news/x-2192502b")
    return (
        build_from_crawler(PageEndMiddleware, crawler),
        request,
        HtmlResponse(request.url, body=body, request=request),
    )


@pytest.mark.parametrize("depth, fails", [(1500, False), (2500, True)])
def test_a_page_nested_deeper_than_the_parser_reads_is_a_failure_not_a_silent_loss(depth, fails):
    body = b"<html><body>" + b"<div>" * depth + b"<p>Deep text.</p>" + b"</div>" * depth + b"</body></html>"
    middleware, request, response = page_end(body)
    if fails:
        with pytest.raises(
            IgnoreRequest, match=f"page nested deeper than the parser reads \\({depth} levels of <div>\\)"
        ):
            middleware.process_response(request, response)
    else:
        assert middleware.process_response(request, response) is response
        assert "Deep text." in response.xpath("//p/text()").get()


class Forbidding:
    """A parsed robots.txt that forbids everything."""

    def allowed(self, url, user_agent) -> bool:
        return False


def test_a_page_robots_txt_forbids_is_told_apart_from_any_other_ignored_request():
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    robots = build_from_crawler(RobotsMiddleware, crawler)
    with pytest.raises(RobotsExcluded, match=r"Forbidden by robots\.txt"):
        robots.process_request_2(Forbidding(), Request("https://qazinform.com/news/x-a1b2c3"))
    assert crawler.stats.get_value("robotstxt/forbidden") == 1


def test_an_article_page_a_door_read_answers_the_walks_request_once():
    """Issue 32: the search for the section reads up to three article pages; the walk
    fetched them again. Taken once; a re-check (dont_filter) fetches afresh."""
    parts = crawl_parts()
    url = "https://qazinform.com/news/polling-stations-open-a1b2c3"
    door = HtmlResponse(
        url, body=b"<html><h1>Polling stations open</h1></html>", request=Request(url, dont_filter=True)
    )
    parts.run.door_pages[url] = door
    middleware = build_from_crawler(DoorPagesMiddleware, parts.crawler)
    middleware.crawl_opened(parts.context, parts.run)
    recheck = Request(url, dont_filter=True)
    assert middleware.process_request(recheck) is None
    walk = Request(url)
    answer = middleware.process_request(walk)
    assert answer is not None and answer.body == door.body and answer.request is walk
    assert middleware.process_request(Request(url)) is None  # taken once
    assert parts.crawler.stats.get_value(Stat.DOOR_PAGES_TAKEN) == 1
