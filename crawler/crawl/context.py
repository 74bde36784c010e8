"""What a crawl is told, settled once: CrawlContext, built from the settings and the spider's
arguments before anything is fetched, and handed to every component with the crawl_opened
signal (crawler/signals.py), as the archive is handed round with archive_opened."""

from dataclasses import dataclass
from typing import Self
from urllib.parse import urljoin

from scrapy.settings import BaseSettings

from crawler.arguments import CrawlArguments, Site
from crawler.clock import Clock


@dataclass(frozen=True)
class CrawlContext:
    given: dict[str, str]  # the spider's arguments as given with -a, for crawl_runs.arguments
    arguments: CrawlArguments  # checked: the edition's Site among them
    topic_rule: str  # ELECTIONS_TOPIC_RULE: "fallback", "always" or "off"
    first_days: int  # ELECTIONS_TOPIC_FIRST_DAYS: how far the all-news feed's first walk reads back
    tag_quiet_days: int  # ELECTIONS_TAG_QUIET_DAYS: an election tag quiet this long is walked weekly
    second_channel: bool  # ELECTIONS_SECOND_CHANNEL: the feeds and sitemaps, after the walk
    sitemap_children: int  # ELECTIONS_SITEMAP_CHILDREN: the newest sitemaps of an index read
    max_size: int  # DOWNLOAD_MAXSIZE: a gzipped sitemap's, unpacked
    listing_min_bound: int  # ELECTIONS_LISTING_MIN_BOUND (crawler/walk.py)
    keep_raw: bool  # ELECTIONS_KEEP_RAW, in a crawl only: `scrapy parse` would print compressed bytes
    user_agent: str  # USER_AGENT, as robots.txt is asked about it
    clock: Clock  # ELECTIONS_NOW: when a page was fetched

    @classmethod
    def from_settings(cls, settings: BaseSettings, given: dict[str, str]) -> Self:
        """Raises ArgumentError, in one line, for an argument or setting the crawl cannot run with."""
        arguments = CrawlArguments.parse(settings, given)  # checks the clock and the topic settings too
        return cls(
            given=dict(given),
            arguments=arguments,
            topic_rule=settings.get("ELECTIONS_TOPIC_RULE"),
            first_days=settings.getint("ELECTIONS_TOPIC_FIRST_DAYS"),
            tag_quiet_days=settings.getint("ELECTIONS_TAG_QUIET_DAYS"),
            second_channel=settings.getbool("ELECTIONS_SECOND_CHANNEL"),
            sitemap_children=settings.getint("ELECTIONS_SITEMAP_CHILDREN"),
            max_size=settings.getint("DOWNLOAD_MAXSIZE"),
            listing_min_bound=settings.getint("ELECTIONS_LISTING_MIN_BOUND"),
            keep_raw=settings.getbool("ELECTIONS_KEEP_RAW") and settings.getbool("ELECTIONS_RECORD_RUN"),
            user_agent=settings.get("USER_AGENT"),
            clock=Clock.from_settings(settings),
        )

    @property
    def site(self) -> Site:
        return self.arguments.site

    @property
    def edition(self) -> str:
        return self.arguments.site.edition.code

    @property
    def all_news_url(self) -> str:
        return urljoin(self.site.url, self.site.all_news_path)

    @property
    def origins(self) -> set[tuple[str, str, int]]:
        """Beside the site's domains, where a request may go (SiteBoundsMiddleware)."""
        return self.arguments.origins
