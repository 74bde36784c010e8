"""Downloader middlewares, called as Scrapy calls them."""

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.contracts import Stat
from crawler.middlewares import BotChallenge, BotChallengeMiddleware

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
        (403, {}, b"<html><body><p>Verifying you are human</p></body></html>", 'HTTP 403, a "Just a moment..." page'),
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
def test_anything_else_passes(middleware, status):
    mw, stats = middleware
    request = Request("https://qazinform.com/news/x-2192502b")
    response = HtmlResponse(request.url, status=status, body=ARTICLE, request=request)
    assert mw.process_response(request, response) is response
    assert stats.get_value(Stat.CHALLENGE_URL) is None


def test_an_article_quoting_the_phrase_is_no_challenge(middleware):
    mw, _ = middleware
    body = ARTICLE.replace(b"Text.", b"Voters saw a page saying Verifying you are human. " + b"x" * 70_000)
    request = Request("https://qazinform.com/news/x-2192502b")
    response = HtmlResponse(request.url, body=body, request=request)
    assert mw.process_response(request, response) is response
