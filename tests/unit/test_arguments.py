"""Spider arguments and settings, checked before anything is fetched or written."""

import re

import pytest
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.arguments import ArgumentError, CrawlArguments
from crawler.commands.crawl import run_exit_code
from crawler.contracts import ExitCode


def settings(**overrides) -> Settings:
    values = Settings()
    values.setmodule(project_settings)
    values.setdict(overrides)
    return values


def test_without_a_start_url_the_section_is_found_on_the_site():
    arguments = CrawlArguments.parse(settings(), {})
    assert (arguments.start_url, arguments.mode, arguments.max_pages) == (None, "incremental", None)


def test_the_argument_wins_over_the_setting():
    parsed = CrawlArguments.parse(
        settings(ELECTIONS_START_URL="https://qazinform.com/category/a_s1"),
        {"start_url": "https://qazinform.com/category/b_s2"},
    )
    assert parsed.start_url == "https://qazinform.com/category/b_s2"


@pytest.mark.parametrize(
    "overrides, arguments, message",
    [
        ({"ELECTIONS_SITE_URL": "qazinform.com"}, {}, "ELECTIONS_SITE_URL must be an http(s) URL, got 'qazinform.com'"),
        ({"ELECTIONS_SECTION": "  "}, {}, "ELECTIONS_SECTION is empty"),
        ({}, {"since": "2024-13-01"}, "since must be a date written YYYY-MM-DD"),
        ({}, {"refresh": "0"}, "refresh must be a whole number of at least 1"),
        ({}, {"startUrl": "x"}, "unknown spider argument startUrl"),
        ({}, {"since": "0001-01-01"}, "since must be a day from 1920-01-01 to today, got '0001-01-01'"),
        ({}, {"refresh": "999999999"}, "refresh must be a whole number of at least 1 and at most 36500"),
        ({}, {"url": "http://[::1/news/x-0eb7f9"}, "url must be an http(s) URL, got 'http://[::1/news/x-0eb7f9'"),
        ({}, {"url": "https://example.org/news/story-0eb7f9"}, "url must be an article of the site (inform.kz, qaz"),
        ({}, {"url": "https://qazinform.com/category/politics_s1"}, "url must be an article's URL"),
        ({"ELECTIONS_HEALTH_MIN_COVERAGE": '{"title": "all"}'}, {}, "ELECTIONS_HEALTH_* must be numbers"),
        ({"ELECTIONS_HEALTH_MIN_COVERAGE": '{"titel": 1}'}, {}, "ELECTIONS_HEALTH_MIN_COVERAGE names no article"),
    ],
)
def test_a_bad_argument_or_setting_is_one_sentence(overrides, arguments, message):
    with pytest.raises(ArgumentError, match=re.escape(message)):
        CrawlArguments.parse(settings(**overrides), arguments)


@pytest.mark.parametrize(
    "status, healthy, code",
    [
        ("ok", 1, ExitCode.OK),
        ("ok", 0, ExitCode.UNHEALTHY),
        ("partial", 1, ExitCode.UNHEALTHY),
        ("failed", 0, ExitCode.UNHEALTHY),
        (None, None, ExitCode.UNHEALTHY),
    ],
)
def test_the_exit_status_is_zero_only_for_an_ok_and_healthy_run(status, healthy, code):
    assert run_exit_code(status, healthy) == code


def test_an_article_of_the_replica_is_taken_by_its_host_and_port():
    replica = {"ELECTIONS_SITE_URL": "http://127.0.0.1:8000/"}
    url = "http://127.0.0.1:8000/news/story-0eb7f9"
    assert CrawlArguments.parse(settings(**replica), {"url": url}).url == url
    with pytest.raises(ArgumentError, match="url must be an article of the site"):
        CrawlArguments.parse(settings(**replica), {"url": "http://127.0.0.1:8001/news/story-0eb7f9"})


def test_the_edition_gives_the_defaults_its_settings_override():
    from crawler.arguments import Site

    given = settings()
    russian = Site.from_settings(given, "ru")
    assert (russian.url, russian.section, russian.lang, russian.edition.code) == (
        "https://www.inform.kz/ru/",
        "Выборы",
        "ru",
        "ru",
    )
    english = Site.from_settings(given)
    assert (english.url, english.section, english.lang, english.feeds) == (
        "https://qazinform.com/",
        "Elections",
        "en",
        ("/rss/en.xml", "/rss/eng.xml"),
    )
    given.set("ELECTIONS_SITE_URL", "http://127.0.0.1:8000/kk/", priority="cmdline")
    given.set("ELECTIONS_EDITION", "kk", priority="cmdline")
    kazakh = Site.from_settings(given)
    assert (kazakh.url, kazakh.section, kazakh.lang) == ("http://127.0.0.1:8000/kk/", "Сайлау", "kk")
    with pytest.raises(ArgumentError, match=r"^edition must be one of en, ru, kk, got 'de'$"):
        CrawlArguments.parse(given, {"edition": "de"})
