"""The site check's report, in this process: SiteCheck's callbacks handed the replica's
answers (ReplicaSite.respond, no HTTP) one request at a time, in the order Scrapy would make
them; the check over HTTP is tests/e2e/test_check_site.py."""

import pytest
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler import settings as project_settings
from crawler.site_check import SiteCheck
from replica import ReplicaSite
from tests.checks import started

SITE = "https://qazinform.com"
PROJECT = {name: value for name, value in vars(project_settings).items() if name.isupper()}


def checked(site: ReplicaSite, **settings) -> list[str]:
    """The report of a check of `site`, every request answered by it."""
    lines: list[str] = []
    crawler = get_crawler(SiteCheck, {**PROJECT, "ELECTIONS_SITE_URL": SITE + "/", **settings})
    spider = SiteCheck.from_crawler(crawler, report=lines.append)
    crawler.spider = spider
    queue = started(spider)
    while queue:
        request = queue.pop(0)
        reply = site.respond(request.url.removeprefix(SITE), SITE)
        headers = Headers({"Content-Type": reply.content_type})
        cls = responsetypes.from_args(headers=headers, url=request.url, body=reply.body)
        response = cls(request.url, status=reply.status, headers=headers, body=reply.body, request=request)
        if reply.status >= 400 and reply.status not in request.meta.get("handle_httpstatus_list", []):
            failure = Failure(HttpError(response, "Ignoring non-200 response"))
            failure.request = request
            answered = request.errback(failure)
        else:
            answered = request.callback(response, **request.cb_kwargs)
        queue += [r for r in (answered or []) if r is not None]
    spider.closed_with_verdict(spider, "finished")
    return lines


def test_a_site_as_we_know_it_is_ready_and_every_step_has_its_line():
    lines = checked(ReplicaSite(articles=30, seed=3))
    assert lines[0] == f"robots.txt: HTTP 200, 1 Sitemap line(s): {SITE}/sitemap.xml"
    assert lines[1].startswith(f"sitemap {SITE}/sitemap.xml: HTTP 200, a sitemap index of ")
    assert any(
        line.startswith(f"feed {SITE}/rss/en.xml: HTTP 200, 30 article(s), 30 filed under 'Elections'")
        for line in lines
    )
    assert f"feed {SITE}/rss/eng.xml: not found (HTTP 404)" in lines
    assert f"home page: HTTP 200, {SITE}/" in lines
    assert f"door menu: found {SITE}/category/elections_s115" in lines
    assert f"make crawl would use the menu: {SITE}/category/elections_s115" in lines
    assert sum(line.startswith("article ") for line in lines) == 3
    assert "  title         found: " in "\n".join(lines)
    assert not any("PROBLEM" in line for line in lines)
    assert lines[-1] == "verdict: ready: `make crawl` can read the site as it is today"


def test_a_site_with_no_section_is_read_from_the_all_news_feed_by_the_topic_rule():
    lines = checked(ReplicaSite(articles=30, seed=3, section_at="none", other_news=10))
    assert any(
        line.startswith("no door leads to the section 'Elections': make crawl would use the all-news feed")
        for line in lines
    )
    assert sum(line.startswith("  topic rule    ") for line in lines) == 3
    assert lines[-1] == "verdict: ready: `make crawl` can read the site as it is today"


def test_with_the_topic_rule_off_no_section_is_not_ready():
    lines = checked(ReplicaSite(articles=30, seed=3, section_at="none"), ELECTIONS_TOPIC_RULE="off")
    assert lines[-1].startswith("verdict: NOT READY, 1 problem(s): section 'Elections' not found: no menu link")


@pytest.mark.parametrize("setting", [{"ELECTIONS_SECOND_CHANNEL": False}, {"ELECTIONS_TOPIC_RULE": "always"}])
def test_the_checks_own_settings_are_named_in_its_report(setting):
    lines = checked(ReplicaSite(articles=30, seed=3), **setting)
    expected = {
        "ELECTIONS_SECOND_CHANNEL": "second channel: off (ELECTIONS_SECOND_CHANNEL)",
        "ELECTIONS_TOPIC_RULE": "home page: not read, ELECTIONS_TOPIC_RULE=always",
    }[next(iter(setting))]
    assert expected in lines and lines[-1].startswith("verdict: ready")
