"""One record per setting of the crawler: its name, default, meaning and who reads it, as
Datasette keeps its settings. crawler/settings.py (the Scrapy settings module) is built from
them, with Scrapy's wiring beside them; the settings table of docs/usage.md is written from
them (`make docs`, cog; `make lint` fails when it differs), in the order they are listed."""

import json
from pathlib import Path
from typing import Any, NamedTuple

from crawler.site import editions

MiB = 1024 * 1024


class Setting(NamedTuple):
    name: str
    default: Any
    meaning: str  # Markdown, for the docs' table
    read_by: tuple[str, ...]  # the files that read it ("Scrapy": Scrapy's own setting)


SETTINGS = (
    Setting(
        "ELECTIONS_EDITION",
        editions.DEFAULT.code,
        "the edition crawled: `en`, `ru` or `kk` (crawler/site/editions.py; `-a edition=` wins). Its home "
        "page, section name, language, all-news feed and RSS feeds are the defaults of "
        "`ELECTIONS_SITE_URL`, `ELECTIONS_SECTION`, `ELECTIONS_LANG`, `ELECTIONS_ALL_NEWS_PATH` and "
        "`ELECTIONS_FEEDS`",
        ("crawler/arguments.py",),
    ),
    Setting(
        "ELECTIONS_SITE_URL",
        "",
        "the home page, whose menu leads to the section; empty: the edition's (`https://qazinform.com/` for `en`)",
        ("crawler/arguments.py",),
    ),
    Setting(
        "ELECTIONS_SITE_URLS",
        {},
        'home pages by edition, in JSON (`{"ru": "http://127.0.0.1:8000/ru/"}`), winning over '
        "`ELECTIONS_SITE_URL` for the editions named: one setting for `scheduler.py --editions`",
        ("crawler/arguments.py",),
    ),
    Setting(
        "ELECTIONS_SECTION",
        "",
        "the section's name as the menu writes it (case and spacing aside); also what `articles.section` "
        "records; empty: the edition's (`Elections`, `Выборы`, `Сайлау`)",
        ("crawler/arguments.py",),
    ),
    Setting(
        "ELECTIONS_START_URL",
        "",
        "the section's listing, when you know it (`make check-site` prints it): then the home page is not read",
        ("crawler/arguments.py",),
    ),
    Setting(
        "ELECTIONS_TOPIC_RULE",
        "fallback",
        "where no door leads to the section, walk the all-news feed and keep what the topic rule selects; "
        "`always`: walk the feed instead of looking; `off`: never ([topic-rule.md](topic-rule.md))",
        ("crawler/crawl/context.py", "crawler/arguments.py"),
    ),
    Setting(
        "ELECTIONS_ALL_NEWS_PATH",
        "",
        "the all-news feed, on the site's host; empty: the edition's (`/lenta`; `/ru/lenta` for `ru`)",
        ("crawler/arguments.py",),
    ),
    Setting(
        "ELECTIONS_TOPIC_FIRST_DAYS",
        30,
        "a walk of the feed with no complete walk before it (or with `mode=full`) reads back this many "
        "days from its newest card; `-a since=` reads further",
        ("crawler/crawl/context.py", "crawler/arguments.py"),
    ),
    Setting(
        "ELECTIONS_TAG_QUIET_DAYS",
        60,
        "an election tag whose newest card is older than this many days when a run last walked it is walked "
        "again by `mode=full` runs only (the weekly safety net), or when a page the run reads links to it",
        ("crawler/crawl/context.py", "crawler/arguments.py"),
    ),
    Setting(
        "ELECTIONS_SECOND_CHANNEL",
        True,
        "after the walk, read the sitemaps robots.txt names and the feeds: fetch what the walk missed, or "
        "stand in for a listing that cannot be read ([site.md](site.md))",
        ("crawler/crawl/context.py",),
    ),
    Setting(
        "ELECTIONS_FEEDS",
        [],
        "the RSS or Atom feeds read, on the listing's host (a 404 is no problem); empty: the edition's "
        "(`/rss/en.xml`, `/rss/eng.xml` for `en`; `/rss/ru.xml`, `/rss/p_ru.xml` for `ru`)",
        ("crawler/arguments.py",),
    ),
    Setting(
        "ELECTIONS_SITEMAP_CHILDREN",
        5,
        "of a sitemap index, the newest this many sitemaps are read",
        ("crawler/crawl/context.py",),
    ),
    Setting(
        "ELECTIONS_LANG",
        "",
        "an article's `lang` when neither its page nor its URL tells; empty: the edition's language",
        ("crawler/arguments.py",),
    ),
    Setting(
        "ELECTIONS_KEEP_RAW",
        True,
        'keep each article page as served, in `raw_pages` (see "Raw pages" below)',
        ("crawler/crawl/context.py",),
    ),
    Setting(
        "ELECTIONS_DB",
        str(Path(__file__).resolve().parents[1] / "data" / "elections.db"),
        "the archive: an SQLite file, as a path or as `sqlite:///path` (SQLAlchemy's form, "
        "`sqlite:////abs/path` for an absolute one); created, with its folder and schema, on first use. "
        "Another scheme is refused in one line",
        ("crawler/state.py", "crawler/commands/crawl.py", "crawler/scheduler/job.py"),
    ),
    Setting(
        "ELECTIONS_DB_BATCH_SIZE",
        100,
        "rows written per transaction; the rest are written when the spider closes",
        ("pipelines/store.py",),
    ),
    Setting(
        "ELECTIONS_DB_BATCH_BYTES",
        16 * 1024 * 1024,
        "a batch is written sooner once the raw pages it holds reach this size (`0`: no bound)",
        ("pipelines/store.py",),
    ),
    Setting(
        "ELECTIONS_DB_BUSY_TIMEOUT",
        60.0,
        "seconds a write waits while another process (a backup, `sqlite-utils rebuild-fts`, a script) "
        "holds the database; a batch that still cannot be written is kept and tried again, and a run that "
        "could not write everything is `failed`",
        ("crawler/state.py",),
    ),
    Setting(
        "ELECTIONS_LISTING_MIN_BOUND",
        1000,
        "a listing longer than twice the pages the archive fills plus this many pages is a runaway: the "
        "walk stops there, and the run is unhealthy",
        ("crawler/crawl/context.py",),
    ),
    Setting(
        "ELECTIONS_MAX_ATTEMPTS",
        3,
        "runs in which a page may fail before it is given up (until `mode=full`)",
        ("pipelines/store.py",),
    ),
    Setting(
        "ELECTIONS_RECORD_RUN",
        False,
        "set by `scrapy crawl` itself, never by hand: only a crawl opens the archive and records its run; "
        "`scrapy shell`, `fetch` and `parse` leave them alone",
        ("crawler/commands/crawl.py", "crawler/state.py"),
    ),
    Setting(
        "ELECTIONS_RECHECK_SCHEDULE",
        "1h,6h,1d,3d,7d,30d,90d,365d",
        "the ages after publication at which a stored article is fetched again, to catch edits and "
        'removals (m, h, d); past the last, never ([usage.md](usage.md), "Re-checks")',
        ("crawler/state.py",),
    ),
    Setting(
        "ELECTIONS_RECHECK_MAX",
        200,
        "stored articles fetched again per run at most, the longest overdue first, after what is new "
        "(`0`: none; `-a recheck=off` for one run)",
        ("crawler/state.py",),
    ),
    Setting(
        "ELECTIONS_CAMPAIGNS",
        {},
        "election campaigns, by name, their first and last day in Kazakhstan, in JSON "
        '(`{"Majilis 2023": ["2023-01-19", "2023-03-19"]}`): an article published inside one is checked '
        "again every day during it and for 30 days after it, first in the queue, within "
        '`ELECTIONS_RECHECK_MAX` ([usage.md](usage.md), "Re-checks")',
        ("crawler/arguments.py",),
    ),
    Setting(
        "ELECTIONS_SUBJECTS",
        "",
        "a subjects file of your own, in the form of the repository's `crawler/coverage/subjects.toml` "
        "(subjects, aliases, titles by date, elections), for the crawl, `scrapy coverage` and `reparse` "
        "to measure who the articles refer to ([coverage.md](coverage.md))",
        ("crawler/coverage/subjects.py",),
    ),
    Setting(
        "ELECTIONS_NOW",
        "",
        "what the crawl takes as now (ISO 8601), for every decision about what is due and every time it "
        "stamps: tests and replays move it forward; empty: the real clock",
        ("crawler/clock.py",),
    ),
    Setting(
        "ELECTIONS_TRIGGER",
        "manual",
        "recorded in `crawl_runs.trigger`; the scheduler passes `scheduled`",
        ("crawler/ledger.py",),
    ),
    Setting(
        "ELECTIONS_RUN_ID_FILE",
        "",
        "a file the run's `crawl_runs` id is written to when it opens (the scheduler names one, to report its own run)",
        ("crawler/ledger.py",),
    ),
    Setting(
        "ELECTIONS_PROGRESS_INTERVAL",
        30.0,
        "seconds between progress lines; `0` turns them off",
        ("crawler/progress.py",),
    ),
    Setting(
        "ELECTIONS_HEALTH_MIN_COVERAGE",
        {"title": 1.0, "body": 1.0, "published_at": 1.0, "lang": 0.9, "section": 0.9},
        "field → share of a run's stored articles that must have it",
        ("crawler/health.py",),
    ),
    Setting(
        "ELECTIONS_HEALTH_MAX_DRIFT",
        0.1,
        "share of article pages in no known layout above which the run is unhealthy",
        ("crawler/health.py",),
    ),
    Setting(
        "ELECTIONS_HEALTH_MAX_ERROR_RATE",
        0.1,
        "share of requested article pages that failed above which the run is unhealthy (gone pages aside)",
        ("crawler/health.py",),
    ),
    Setting(
        "ELECTIONS_HEALTH_MAX_GONE_RATE",
        0.5,
        "share of requested article pages gone (404, 410, sent to a page that is no article) above which "
        "the run is unhealthy, when 5 or more are",
        ("crawler/health.py",),
    ),
    Setting(
        "USER_AGENT",
        "ElectionsCrawler/0.1 (research archive of Kazinform's Elections section; "
        "+https://github.com/elections-crawler/elections-crawler)",
        "say who you are: put your own contact URL here if you run it",
        ("Scrapy", "crawler/crawl/context.py"),
    ),
    Setting(
        "ROBOTSTXT_OBEY",
        True,
        "robots.txt is read first, and obeyed",
        ("Scrapy",),
    ),
    Setting(
        "CONCURRENT_REQUESTS",
        8,
        "requests in flight at most, over every host",
        ("Scrapy",),
    ),
    Setting(
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        2,
        "with `DOWNLOAD_DELAY = 1.0` and AutoThrottle on (target concurrency 1, delay up to 60 s)",
        ("Scrapy",),
    ),
    Setting(
        "DOWNLOAD_DELAY",
        1.0,
        "seconds between requests to one host, at least (AutoThrottle raises it when the site slows)",
        ("Scrapy",),
    ),
    Setting(
        "AUTOTHROTTLE_ENABLED",
        True,
        "the delay follows the site's response times",
        ("Scrapy",),
    ),
    Setting(
        "AUTOTHROTTLE_START_DELAY",
        2.0,
        "seconds: AutoThrottle's first delay",
        ("Scrapy",),
    ),
    Setting(
        "AUTOTHROTTLE_MAX_DELAY",
        60.0,
        "seconds: AutoThrottle's longest delay",
        ("Scrapy",),
    ),
    Setting(
        "AUTOTHROTTLE_TARGET_CONCURRENCY",
        1.0,
        "requests in flight per host that AutoThrottle aims at",
        ("Scrapy",),
    ),
    Setting(
        "DOWNLOAD_TIMEOUT",
        30,
        "seconds",
        ("Scrapy",),
    ),
    Setting(
        "RETRY_ENABLED",
        True,
        "a failed request is tried again (`RETRY_TIMES`)",
        ("Scrapy",),
    ),
    Setting(
        "RETRY_TIMES",
        3,
        "on 5xx, 408, 429 and network errors",
        ("Scrapy",),
    ),
    Setting(
        "RETRY_HTTP_CODES",
        [500, 502, 503, 504, 522, 524, 408, 429],
        "the statuses tried again",
        ("Scrapy",),
    ),
    Setting(
        "DOWNLOAD_MAXSIZE",
        8 * 1024 * 1024,
        "a larger response is dropped",
        ("Scrapy", "crawler/crawl/context.py"),
    ),
    Setting(
        "DOWNLOAD_WARNSIZE",
        2 * 1024 * 1024,
        "a larger response is logged",
        ("Scrapy",),
    ),
    Setting(
        "ELECTIONS_MAX_RETRY_AFTER",
        120,
        "seconds: the longest `Retry-After` (on 429 and 503) waited out before a retry",
        ("crawler/middlewares.py",),
    ),
    Setting(
        "REDIRECT_MAX_TIMES",
        5,
        "redirects followed for one request",
        ("Scrapy",),
    ),
    Setting(
        "COOKIES_ENABLED",
        False,
        "no cookies: the site is read as a first visitor reads it",
        ("Scrapy",),
    ),
    Setting(
        "TELNETCONSOLE_ENABLED",
        False,
        "no telnet console",
        ("Scrapy",),
    ),
    Setting(
        "REMOTE_CONTROL_ENABLED",
        False,
        "no listening port on an unattended machine",
        ("Scrapy",),
    ),
    Setting(
        "LOG_LEVEL",
        "INFO",
        "the log's least level",
        ("Scrapy",),
    ),
)

DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


# Defaults that read better otherwise than as their value.
SHOWN_AS = {"ELECTIONS_DB": "`data/elections.db` in the project"}


def default_text(setting: Setting) -> str:
    value = setting.default
    if setting.name in SHOWN_AS:
        return SHOWN_AS[setting.name]
    if value == "":
        return "empty"
    if isinstance(value, int) and not isinstance(value, bool) and value >= MiB and value % MiB == 0:
        return f"{value // MiB} MiB"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list | dict):
        return f"`{json.dumps(value, ensure_ascii=False)}`"
    return f"`{value}`"


def settings_table() -> str:
    """The table of docs/usage.md: every setting, its default and its meaning."""
    rows = "\n".join(f"| `{s.name}` | {default_text(s)} | {s.meaning} |" for s in SETTINGS)
    return f"| setting | default | meaning |\n| --- | --- | --- |\n{rows}\n"
