"""Settings of the Elections crawler. Each can be overridden with `-s NAME=VALUE`."""

from pathlib import Path

from crawler.items import EXPORTED_FIELDS
from crawler.site import editions

BOT_NAME = "elections"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- What to crawl, and where to keep it -------------------------------------------
# The edition crawled (crawler/site/editions.py; `-a edition=` wins). Its home page, the name of
# the section as its menu writes it, its language, its all-news feed and its RSS feeds are the
# defaults of ELECTIONS_SITE_URL, _SECTION, _ALL_NEWS_PATH, _FEEDS and _LANG, each empty here:
# set one to override the edition's (the tests point ELECTIONS_SITE_URL at the replica). The
# crawl follows the menu link to the section's listing (docs/site.md: nobody has seen its URL).
ELECTIONS_EDITION = editions.DEFAULT.code  # "en"
ELECTIONS_SITE_URL = ""  # the edition's: https://qazinform.com/ for en
# Home pages by edition, winning over ELECTIONS_SITE_URL for the editions named: one setting for
# runs of several editions (scheduler.py --editions), '{"ru": "http://127.0.0.1:8000/ru/"}'.
ELECTIONS_SITE_URLS: dict[str, str] = {}
ELECTIONS_SECTION = ""  # the edition's: "Elections" for en
# The listing's URL, when known: then the home page is not read. `-a start_url=` wins.
ELECTIONS_START_URL = ""
# Where the site keeps no such section: its all-news feed, walked newest first, each article
# judged by the topic rule (crawler/topic.py, docs/topic-rule.md). "fallback": when no door
# leads to the section; "always": instead of looking for it; "off": never (no section, no crawl).
ELECTIONS_TOPIC_RULE = "fallback"
ELECTIONS_ALL_NEWS_PATH = ""  # the edition's all-news feed, on the site's host: "/lenta" for en
# A walk of the feed that has no earlier complete walk to stop at (or a mode=full one) reads
# back this many days from its newest card, unless `-a since=` says how far.
ELECTIONS_TOPIC_FIRST_DAYS = 30
# The second channel, read once the walk is done (crawler/site/layouts/feeds.py): the sitemaps
# robots.txt names (of a sitemap index, the newest ELECTIONS_SITEMAP_CHILDREN) and these RSS
# feeds, on the listing's host. An article they list that the section names (or, on the
# all-news feed, any), that the archive lacks and the walk did not reach although the walk read
# cards as old, is fetched: the walk missed it. Where the listing could not be read, the same
# articles are fetched instead, whatever their age. The English feeds are unverified: a 404 is
# no problem.
ELECTIONS_SECOND_CHANNEL = True
ELECTIONS_FEEDS: list[str] = []  # the edition's: ["/rss/en.xml", "/rss/eng.xml"] for en
ELECTIONS_SITEMAP_CHILDREN = 5
ELECTIONS_KEEP_RAW = True  # keep each article page as served (raw_pages): re-extraction, WARC export
ELECTIONS_LANG = ""  # an article's lang when neither page nor URL tells; the edition's: "en" for en
ELECTIONS_DB = str(Path(__file__).resolve().parents[1] / "data" / "elections.db")
ELECTIONS_DB_BATCH_SIZE = 100  # items written per transaction
ELECTIONS_DB_BATCH_BYTES = 16 * 1024 * 1024  # or fewer, once the raw pages they hold reach this size (0: no bound)
ELECTIONS_DB_BUSY_TIMEOUT = 60.0  # seconds a write waits for another process's transaction
ELECTIONS_MAX_ATTEMPTS = 3  # runs in which a page may fail before it is given up
ELECTIONS_RECORD_RUN = False  # set by `scrapy crawl` alone: Scrapy's other tools leave the archive alone
ELECTIONS_TRIGGER = "manual"  # the scheduler passes "scheduled"; recorded in crawl_runs
ELECTIONS_RUN_ID_FILE = ""  # a file the run's crawl_runs id is written to (the scheduler's job names one)
ELECTIONS_PROGRESS_INTERVAL = 30.0  # seconds between progress lines; 0 turns them off
# Re-checks (crawler/recheck.py): a stored article is fetched again once its age passes each of
# these points, after what is new, at most ELECTIONS_RECHECK_MAX a run (`-a recheck=off`: none).
ELECTIONS_RECHECK_SCHEDULE = "1h,6h,1d,3d,7d,30d,90d,365d"
ELECTIONS_RECHECK_MAX = 200
# Who the coverage is about (crawler/coverage, docs/coverage.md): a subjects file of its own
# instead of the repository's crawler/coverage/subjects.toml.
ELECTIONS_SUBJECTS = ""
ELECTIONS_NOW = ""  # what the crawl takes as now (ISO 8601), for tests and replays; empty: the real clock
# A listing longer than twice the pages the archive fills, and this many more, is a runaway:
# the walk stops there (crawler/walk.py).
ELECTIONS_LISTING_MIN_BOUND = 1000

# --- Health checks after every run (crawler/health.py) -------------------------------
# Field -> the share of the articles a run stores that must have it.
ELECTIONS_HEALTH_MIN_COVERAGE = {"title": 1.0, "body": 1.0, "published_at": 1.0, "lang": 0.9, "section": 0.9}
ELECTIONS_HEALTH_MAX_DRIFT = 0.1  # share of article pages in no known layout
ELECTIONS_HEALTH_MAX_ERROR_RATE = 0.1  # share of requested article pages that failed (gone ones aside)
# Share of requested article pages gone (404, 410, sent to a page that is no article), when 5 or more are.
ELECTIONS_HEALTH_MAX_GONE_RATE = 0.5

EXTENSIONS = {  # in this order: the archive is opened, the run's row started, the spider's state loaded
    "crawler.state.OpenArchive": 50,
    "crawler.ledger.RunLedger": 100,
    "crawler.state.CrawlState": 150,
    "crawler.progress.Progress": 200,
    "crawler.logs.QuietNetworkErrors": 300,
}
DOWNLOADER_MIDDLEWARES = {
    # Where a request may go, and whether robots.txt lets it: ours stand in Scrapy's places.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.middlewares.SiteBoundsMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsMiddleware": 100,
    "crawler.middlewares.BotChallengeMiddleware": 575,
    "crawler.middlewares.RetryAfterMiddleware": 555,
    "crawler.middlewares.PageEndMiddleware": 560,
    "crawler.middlewares.SiteEncodingMiddleware": 570,
}
SPIDER_MIDDLEWARES = {
    "crawler.spidermiddlewares.PageErrorsMiddleware": 950,  # next to the spider: sees its exceptions first
}
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.topic.TopicPipeline": 250,
    "pipelines.coverage.CoveragePipeline": 275,
    "pipelines.store.StorePipeline": 300,
}

# --- Manners on the live site --------------------------------------------------------
USER_AGENT = (
    "ElectionsCrawler/0.1 (research archive of Kazinform's Elections section; "
    "+https://github.com/elections-crawler/elections-crawler)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # an article page is far smaller
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
ELECTIONS_MAX_RETRY_AFTER = 120  # seconds: the longest Retry-After honoured before a retry
REDIRECT_MAX_TIMES = 5  # the site redirects once or twice; more is a loop
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening port on an unattended machine

FEED_EXPORT_ENCODING = "utf-8"
# -O items.jsonl: the same fields in every row (null where empty), never the raw page.
FEED_EXPORT_FIELDS = EXPORTED_FIELDS
LOG_LEVEL = "INFO"
