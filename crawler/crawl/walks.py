"""The listings one run walks, one after another: its own listing (the section, a given start
URL or the all-news feed) and, beside it, each election tag (home.election_tags) seen behind
a door, in an article's tag row, or walked by an earlier run of the edition. The tags go after
a section and before the all-news feed, whose topic rule would judge their articles otherwise;
with the topic rule off and no section, the first tag is the run's listing. The spider begins
the next walk when the crawl goes idle (RunState.walks_due); the ledger records the tags'
walks in listing_walks."""

import logging

from scrapy.http import TextResponse
from scrapy.statscollectors import StatsCollector

from crawler.contracts import Stat, WalkStop
from crawler.crawl.context import CrawlContext
from crawler.crawl.run import RunState
from crawler.site.editions import edition_of_url
from crawler.site.layouts import home
from crawler.site.urls import is_on_site
from crawler.topic import RULE_VERSION
from crawler.walk import Walk, WalkPlan


class Walks:
    def __init__(
        self,
        context: CrawlContext,
        run: RunState,
        stats: StatsCollector,
        logger: "logging.LoggerAdapter[logging.Logger] | logging.Logger",
    ):
        self.context, self.run, self.stats, self.logger = context, run, stats, logger
        self.with_tags = False  # the run walks the election tags beside its listing (not a given one)

    @property
    def current(self) -> Walk:
        """The walk under way (the last begun)."""
        return self.run.walks[-1]

    def new(self, listing_url: str, found_by: str, main: bool = True, name: str | None = None) -> Walk:
        """`found_by`: "given" (a start URL), the door the listing was behind, ALL_NEWS_FEED or
        ELECTION_TAG; `main`: the run's listing, not a walk beside it."""
        runs = self.run.archive.runs_by_listing if self.run.archive else {}
        return Walk(
            WalkPlan.from_runs(runs.get(listing_url, [])),
            listing_url=listing_url,
            found_by=found_by,
            main=main,
            name=name,
            max_pages=self.context.arguments.max_pages,
            known=len(self.run.known_ids),
            min_bound=self.context.listing_min_bound,
        )

    def tags(self, main_url: str | None = None) -> list[Walk]:
        """A walk for each election tag of the edition, but the main listing."""
        return [
            self.new(url, home.ELECTION_TAG, main=False, name=name)
            for url, name in self.run.election_tags.items()
            if url != main_url
            and is_on_site(url, self.context.origins)
            and edition_of_url(url).code == self.context.edition
        ]

    def plan(self, main: Walk | None) -> Walk:
        """The walks of the run, the first returned, the rest due; `main` None: the tags alone."""
        self.with_tags = True
        tags = self.tags(main.listing_url if main else None)
        if main is None:
            tags[0].main = True
            self.run.walks_due = tags
        elif main.found_by == home.ALL_NEWS_FEED:
            self.run.walks_due = [*tags, main]
        else:
            self.run.walks_due = [main, *tags]
        return self.run.walks_due.pop(0)

    def note_tags(self, response: TextResponse) -> None:
        """The election tags an article page links to (its tag row) that the run did not know:
        each walked once the walks before it are done."""
        new = {
            url: name
            for url, name in home.election_tags(response, self.context.site.section).items()
            if url not in self.run.election_tags
        }
        self.run.election_tags.update(new)
        if new and self.with_tags:
            for walk in self.tags():
                if walk.listing_url in new:
                    self.logger.info("An article links to the election tag %r (%s)", walk.name, walk.listing_url)
                    self.run.walks_due.append(walk)

    def begin(self, walk: Walk) -> None:
        self.run.walks.append(walk)
        if walk.main:
            self.stats.set_value(Stat.LISTING_URL, walk.listing_url)
            self.stats.set_value(Stat.LISTING_FOUND_BY, walk.found_by)
            self.run.walk_listing(walk.listing_url, selecting=walk.found_by == home.ALL_NEWS_FEED)
            if self.run.selecting:
                self.logger.info("Each article of the feed is judged by the topic rule, version %d", RULE_VERSION)
        else:
            self.logger.info("Walking the election tag %r: its articles belong to the archive", walk.name)
        if self.context.arguments.mode != "full":
            self.logger.info("Walking %s: %s", walk.listing_url, walk.plan.describe())

    def ended(self, stop: WalkStop) -> None:
        self.current.stop = stop
        if self.current.main:
            self.stats.set_value(Stat.WALK_STOP, str(stop))
