"""The settings table of docs/usage.md: each setting's meaning, written here, and its default,
read from crawler/settings.py, so that the table cannot drift from the code. `make docs`
writes it (cog), `make lint` fails when the table differs."""

import json

from crawler import settings

MiB = 1024 * 1024

# What a reader needs to know of each setting, in the order the table shows them.
MEANINGS = {
    "ELECTIONS_EDITION": "the edition crawled: `en`, `ru` or `kk` (crawler/site/editions.py; `-a edition=` wins). "
    "Its home page, section name, language, all-news feed and RSS feeds are the defaults of `ELECTIONS_SITE_URL`, "
    "`ELECTIONS_SECTION`, `ELECTIONS_LANG`, `ELECTIONS_ALL_NEWS_PATH` and `ELECTIONS_FEEDS`",
    "ELECTIONS_SITE_URL": "the home page, whose menu leads to the section; empty: the edition's "
    "(`https://qazinform.com/` for `en`)",
    "ELECTIONS_SITE_URLS": 'home pages by edition, in JSON (`{"ru": "http://127.0.0.1:8000/ru/"}`), winning over '
    "`ELECTIONS_SITE_URL` for the editions named: one setting for `scheduler.py --editions`",
    "ELECTIONS_SECTION": "the section's name as the menu writes it (case and spacing aside); "
    "also what `articles.section` records; empty: the edition's (`Elections`, `Выборы`, `Сайлау`)",
    "ELECTIONS_START_URL": "the section's listing, when you know it (`make check-site` prints it): "
    "then the home page is not read",
    "ELECTIONS_TOPIC_RULE": "where no door leads to the section, walk the all-news feed and keep what the topic "
    "rule selects; `always`: walk the feed instead of looking; `off`: never ([topic-rule.md](topic-rule.md))",
    "ELECTIONS_ALL_NEWS_PATH": "the all-news feed, on the site's host; empty: the edition's "
    "(`/lenta`; `/ru/lenta` for `ru`)",
    "ELECTIONS_TOPIC_FIRST_DAYS": "a walk of the feed with no complete walk before it (or with `mode=full`) reads "
    "back this many days from its newest card; `-a since=` reads further",
    "ELECTIONS_SECOND_CHANNEL": "after the walk, read the sitemaps robots.txt names and the feeds: fetch what the "
    "walk missed, or stand in for a listing that cannot be read ([site.md](site.md))",
    "ELECTIONS_FEEDS": "the RSS or Atom feeds read, on the listing's host (a 404 is no problem); empty: the "
    "edition's (`/rss/en.xml`, `/rss/eng.xml` for `en`; `/rss/ru.xml`, `/rss/p_ru.xml` for `ru`)",
    "ELECTIONS_SITEMAP_CHILDREN": "of a sitemap index, the newest this many sitemaps are read",
    "ELECTIONS_LANG": "an article's `lang` when neither its page nor its URL tells; empty: the edition's language",
    "ELECTIONS_KEEP_RAW": 'keep each article page as served, in `raw_pages` (see "Raw pages" below)',
    "ELECTIONS_DB": "the archive: an SQLite file, as a path or as `sqlite:///path` (SQLAlchemy's form, "
    "`sqlite:////abs/path` for an absolute one); created, with its folder and schema, on first use. "
    "Another scheme is refused in one line",
    "ELECTIONS_DB_BATCH_SIZE": "rows written per transaction; the rest are written when the spider closes",
    "ELECTIONS_DB_BATCH_BYTES": "a batch is written sooner once the raw pages it holds reach this size (`0`: no bound)",
    "ELECTIONS_DB_BUSY_TIMEOUT": "seconds a write waits while another process (a backup, `sqlite-utils "
    "rebuild-fts`, a script) holds the database; a batch that still cannot be written is kept and tried again, "
    "and a run that could not write everything is `failed`",
    "ELECTIONS_LISTING_MIN_BOUND": "a listing longer than twice the pages the archive fills plus this many pages "
    "is a runaway: the walk stops there, and the run is unhealthy",
    "ELECTIONS_MAX_ATTEMPTS": "runs in which a page may fail before it is given up (until `mode=full`)",
    "ELECTIONS_RECORD_RUN": "set by `scrapy crawl` itself, never by hand: only a crawl opens the archive and "
    "records its run; `scrapy shell`, `fetch` and `parse` leave them alone",
    "ELECTIONS_RECHECK_SCHEDULE": "the ages after publication at which a stored article is fetched again, to catch "
    'edits and removals (m, h, d); past the last, never ([usage.md](usage.md), "Re-checks")',
    "ELECTIONS_RECHECK_MAX": "stored articles fetched again per run at most, the longest overdue first, after what is "
    "new (`0`: none; `-a recheck=off` for one run)",
    "ELECTIONS_SUBJECTS": "a subjects file of your own, in the form of the repository's "
    "`crawler/coverage/subjects.toml` (subjects, aliases, titles by date, elections), for the crawl, "
    "`scrapy coverage` and `reparse` to measure who the articles refer to ([coverage.md](coverage.md))",
    "ELECTIONS_NOW": "what the crawl takes as now (ISO 8601), for every decision about what is due and every time it "
    "stamps: tests and replays move it forward; empty: the real clock",
    "ELECTIONS_TRIGGER": "recorded in `crawl_runs.trigger`; the scheduler passes `scheduled`",
    "ELECTIONS_RUN_ID_FILE": "a file the run's `crawl_runs` id is written to when it opens (the scheduler names "
    "one, to report its own run)",
    "ELECTIONS_PROGRESS_INTERVAL": "seconds between progress lines; `0` turns them off",
    "ELECTIONS_HEALTH_MIN_COVERAGE": "field → share of a run's stored articles that must have it",
    "ELECTIONS_HEALTH_MAX_DRIFT": "share of article pages in no known layout above which the run is unhealthy",
    "ELECTIONS_HEALTH_MAX_ERROR_RATE": "share of requested article pages that failed above which the run is "
    "unhealthy (gone pages aside)",
    "ELECTIONS_HEALTH_MAX_GONE_RATE": "share of requested article pages gone (404, 410, sent to a page that is no "
    "article) above which the run is unhealthy, when 5 or more are",
    "USER_AGENT": "say who you are: put your own contact URL here if you run it",
    "ROBOTSTXT_OBEY": "robots.txt is read first, and obeyed",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "with `DOWNLOAD_DELAY = 1.0` and AutoThrottle on (target concurrency 1, "
    "delay up to 60 s)",
    "DOWNLOAD_TIMEOUT": "seconds",
    "RETRY_TIMES": "on 5xx, 408, 429 and network errors",
    "DOWNLOAD_MAXSIZE": "a larger response is dropped",
    "ELECTIONS_MAX_RETRY_AFTER": "seconds: the longest `Retry-After` (on 429 and 503) waited out before a retry",
    "REDIRECT_MAX_TIMES": "redirects followed for one request",
}

# Defaults that read better otherwise than as their value.
SHOWN_AS = {"ELECTIONS_DB": "`data/elections.db` in the project"}


def default_text(name: str) -> str:
    value = getattr(settings, name)
    if name in SHOWN_AS:
        return SHOWN_AS[name]
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
    rows = "\n".join(f"| `{name}` | {default_text(name)} | {meaning} |" for name, meaning in MEANINGS.items())
    return f"| setting | default | meaning |\n| --- | --- | --- |\n{rows}\n"
