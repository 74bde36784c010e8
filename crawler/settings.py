"""Settings of the Elections crawler. Each can be overridden with `-s NAME=VALUE`.

The crawler's settings are records, each with its default, meaning and readers
(crawler/setting_records.py; the table in docs/usage.md); here they become Scrapy's settings
module, beside the wiring of the project's components, which is no user's to change."""

from crawler.items import EXPORTED_FIELDS
from crawler.setting_records import DEFAULTS

globals().update(DEFAULTS)

BOT_NAME = "elections"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

EXTENSIONS = {  # in this order: the archive is opened, the run's row started, the run's state loaded
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
    "crawler.middlewares.DoorPagesMiddleware": 120,  # the doors' article pages, not fetched twice
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

FEED_EXPORT_ENCODING = "utf-8"
# -O items.jsonl: the same fields in every row (null where empty), never the raw page.
FEED_EXPORT_FIELDS = EXPORTED_FIELDS
