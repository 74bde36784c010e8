"""Spider arguments, checked before anything is fetched or written."""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from crawler.clock import Clock
from crawler.items import Article
from crawler.recheck.schedule import Campaign, parse_campaigns, parse_schedule
from crawler.site.dates import start_of_local_day
from crawler.site.editions import EDITIONS, Edition
from crawler.site.urls import SITE_DOMAINS, is_article_url, is_on_site, origin
from crawler.validation import EARLIEST


class ArgumentError(ValueError):
    """A spider argument or setting that the crawl cannot run with."""


@dataclass(frozen=True)
class Site:
    """The edition crawled and what the crawl reads of it: each from its setting when one is
    given, else the edition's own (crawler/site/editions.py)."""

    edition: Edition
    url: str  # ELECTIONS_SITE_URL: the home page
    section: str  # ELECTIONS_SECTION: the section's name as its menu writes it
    lang: str  # ELECTIONS_LANG
    all_news_path: str  # ELECTIONS_ALL_NEWS_PATH
    feeds: tuple[str, ...]  # ELECTIONS_FEEDS

    @classmethod
    def from_settings(cls, settings: BaseSettings, edition: str | None = None) -> "Site":
        """`edition`: `-a edition=`. Raises ArgumentError."""
        code = chosen_edition(settings, edition)
        if code not in EDITIONS:
            raise ArgumentError(f"edition must be one of {', '.join(EDITIONS)}, got {code!r}")
        chosen = EDITIONS[code]
        return cls(
            edition=chosen,
            url=site_urls(settings).get(code) or settings.get("ELECTIONS_SITE_URL") or chosen.home_url,
            section=settings.get("ELECTIONS_SECTION") or chosen.section_names[0],
            lang=settings.get("ELECTIONS_LANG") or chosen.lang,
            all_news_path=settings.get("ELECTIONS_ALL_NEWS_PATH") or chosen.all_news_path,
            feeds=tuple(settings.getlist("ELECTIONS_FEEDS") or chosen.feeds),
        )


def chosen_edition(settings: BaseSettings, given: str | None) -> str:
    """The edition a crawl takes: `-a edition=`, which wins over ELECTIONS_EDITION (the one
    rule; the crawl's context, the scheduler's job and so the store all read it)."""
    return given or settings.get("ELECTIONS_EDITION")


def edition_sites(settings: BaseSettings) -> dict[str, Site]:
    """Every edition's Site as a crawl of it would take it: what reading pages of every edition
    again needs (scrapy reparse). Raises ArgumentError."""
    return {code: Site.from_settings(settings, code) for code in EDITIONS}


def site_urls(settings: BaseSettings) -> dict[str, str]:
    """ELECTIONS_SITE_URLS: edition -> home page. Raises ArgumentError."""
    try:
        urls = settings.getdict("ELECTIONS_SITE_URLS")
    except ValueError:
        urls = None
    if urls is None or any(code not in EDITIONS or not isinstance(url, str) for code, url in urls.items()):
        raise ArgumentError(
            f"ELECTIONS_SITE_URLS must map editions ({', '.join(EDITIONS)}) to home pages in JSON, "
            f'like \'{{"ru": "https://www.inform.kz/ru/"}}\', got {settings.get("ELECTIONS_SITE_URLS")!r}'
        )
    return urls


@dataclass(frozen=True)
class CrawlArguments:
    start_url: str | None  # the listing; None: find it on the site's home page
    site: Site  # the edition, and its home page, section, language and feeds
    max_pages: int | None = None  # listing pages to walk at most
    since: str | None = None  # ISO UTC instant: cards older than this end the listing
    mode: str = "incremental"  # or "full": walk every listing page, retry given-up pages
    refresh: int | None = None  # re-fetch stored articles published in the last N days
    url: str | None = None  # fetch this one article, and nothing else
    recheck: bool = True  # "off": fetch no stored article again because it is due (crawler/recheck/schedule.py)

    NAMES = ("start_url", "max_pages", "since", "mode", "refresh", "url", "recheck", "edition")

    @property
    def origins(self) -> set[tuple[str, str, int]]:
        """The scheme, host and port of each URL given, beside the site's domains the one place
        a request may go (crawler/middlewares.py SiteBoundsMiddleware): a replica's host, at its
        own port only."""
        return {origin(url) for url in (self.start_url, self.site.url, self.url) if url}

    MODES = ("incremental", "full")

    @classmethod
    def parse(cls, settings: BaseSettings, arguments: dict) -> "CrawlArguments":
        unknown = sorted(set(arguments) - set(cls.NAMES))
        if unknown:
            raise ArgumentError(f"unknown spider argument {', '.join(unknown)}; known: {', '.join(cls.NAMES)}")
        site = Site.from_settings(settings, arguments.get("edition"))
        start_url = arguments.get("start_url") or settings.get("ELECTIONS_START_URL") or None
        if start_url is None:
            _http_url("ELECTIONS_SITE_URL", site.url, "-s ELECTIONS_SITE_URL=...")
            if not site.section.strip():
                raise ArgumentError(
                    "ELECTIONS_SECTION is empty: set it to the section's name as the site's menu writes it"
                )
        check_health_settings(settings)
        check_topic_settings(settings, site)
        check_recheck_settings(settings)
        return cls(
            start_url=start_url and _http_url("start_url", start_url, "-a start_url=... or -s ELECTIONS_START_URL=..."),
            site=site,
            max_pages=_whole_number("max_pages", arguments.get("max_pages")),
            since=_since(arguments.get("since"), Clock.from_settings(settings).now().date()),
            mode=_mode(arguments.get("mode")),
            refresh=_whole_number("refresh", arguments.get("refresh"), at_most=MAX_REFRESH_DAYS),
            url=_article_url(arguments.get("url"), [start_url, site.url]),
            recheck=_on_off("recheck", arguments.get("recheck")),
        )


MAX_REFRESH_DAYS = 36_500  # a century: the site is younger


def _http_url(name: str, value: str | None, how: str) -> str:
    try:
        parts = urlsplit(value or "")
        valid = value is not None and parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 -- raises on a port that is no number
    except ValueError:  # "http://[::1/x": an unclosed IPv6 address
        valid = False
    if not valid:
        raise ArgumentError(f"{name} must be an http(s) URL, got {value!r} (set it with {how})")
    return str(value)


def _whole_number(name: str, value: str | None, at_most: int | None = None, zero: bool = False) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < (0 if zero else 1) or (at_most is not None and number > at_most):
        bound = f" and at most {at_most}" if at_most is not None else ""
        raise ArgumentError(f"{name} must be a whole number of at least {0 if zero else 1}{bound}, got {value!r}")
    return number


def check_recheck_settings(settings: BaseSettings) -> None:
    try:
        Clock.from_settings(settings)
        parse_schedule(settings.get("ELECTIONS_RECHECK_SCHEDULE"))
        campaigns_of(settings)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    _whole_number("ELECTIONS_RECHECK_MAX", str(settings.get("ELECTIONS_RECHECK_MAX")), zero=True)


def campaigns_of(settings: BaseSettings) -> tuple[Campaign, ...]:
    """ELECTIONS_CAMPAIGNS; raises ValueError, in a sentence."""
    try:
        value = settings.getdict("ELECTIONS_CAMPAIGNS")
    except ValueError:
        raise ValueError(
            'ELECTIONS_CAMPAIGNS must be a JSON object of campaigns, like {"Majilis 2023": ["2023-01-19", '
            f'"2023-03-19"]}}, got {settings.get("ELECTIONS_CAMPAIGNS")!r}'
        ) from None
    return parse_campaigns(value)


def _on_off(name: str, value: str | None) -> bool:
    if value is None or value == "on":
        return True
    if value == "off":
        return False
    raise ArgumentError(f"{name} must be on or off, got {value!r}")


def _mode(value: str | None) -> str:
    if value is None:
        return CrawlArguments.MODES[0]
    if value not in CrawlArguments.MODES:
        raise ArgumentError(f"mode must be one of {', '.join(CrawlArguments.MODES)}, got {value!r}")
    return value


def _since(value: str | None, today: date) -> str | None:
    """`today`: by the crawl's clock (ELECTIONS_NOW)."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ArgumentError(f"since must be a date written YYYY-MM-DD, got {value!r}") from None
    if not EARLIEST.date() <= day <= today + timedelta(days=1):
        raise ArgumentError(f"since must be a day from {EARLIEST:%Y-%m-%d} to today, got {value!r}")
    return start_of_local_day(day)


TOPIC_RULE_USES = ("fallback", "always", "off")


def check_topic_settings(settings: BaseSettings, site: Site) -> None:
    use = settings.get("ELECTIONS_TOPIC_RULE")
    if use not in TOPIC_RULE_USES:
        raise ArgumentError(f"ELECTIONS_TOPIC_RULE must be one of {', '.join(TOPIC_RULE_USES)}, got {use!r}")
    path = site.all_news_path
    if not path.startswith("/"):
        raise ArgumentError(f"ELECTIONS_ALL_NEWS_PATH must be a path on the site, starting with /, got {path!r}")
    _whole_number("ELECTIONS_TOPIC_FIRST_DAYS", str(settings.get("ELECTIONS_TOPIC_FIRST_DAYS")), MAX_REFRESH_DAYS)
    _whole_number("ELECTIONS_TAG_QUIET_DAYS", str(settings.get("ELECTIONS_TAG_QUIET_DAYS")), MAX_REFRESH_DAYS)


def check_health_settings(settings: BaseSettings) -> None:
    """ELECTIONS_HEALTH_*: the health check reads them after the crawl, too late to say."""
    try:
        coverage = settings.getdict("ELECTIONS_HEALTH_MIN_COVERAGE")
        shares = {field: float(share) for field, share in coverage.items()}
        settings.getfloat("ELECTIONS_HEALTH_MAX_DRIFT")
        settings.getfloat("ELECTIONS_HEALTH_MAX_ERROR_RATE")
        settings.getfloat("ELECTIONS_HEALTH_MAX_GONE_RATE")
    except (ValueError, TypeError) as error:
        raise ArgumentError(f"ELECTIONS_HEALTH_* must be numbers (shares from 0 to 1): {error}") from None
    unknown = sorted(set(shares) - set(Article.fields))
    if unknown:
        raise ArgumentError(f"ELECTIONS_HEALTH_MIN_COVERAGE names no article field: {', '.join(unknown)}")


def _article_url(value: str | None, site_urls: list[str | None]) -> str | None:
    """An article of the site: on its domains, or on the host and port of the site or
    listing URL set (a replica's)."""
    if value is None:
        return None
    url = _http_url("url", value, "-a url=<an article's URL>")
    if not is_on_site(url, {origin(site_url) for site_url in site_urls if site_url}):
        domains = ", ".join(SITE_DOMAINS)
        raise ArgumentError(
            f"url must be an article of the site ({domains}, or ELECTIONS_SITE_URL's host), got {value!r}"
        )
    if not is_article_url(url):
        raise ArgumentError(f"url must be an article's URL (…/news/<slug>, …_a<digits>, AMP too), got {value!r}")
    return url
