"""What one run has done so far, with one owner: RunState. The spider and its collaborators
write it; CrawlState (crawler/state.py) hands it what the archive knows (ArchiveState) when
the archive opens; the ledger reads which articles the walk listed. It travels with the
crawl_opened signal, beside the CrawlContext."""

from dataclasses import dataclass, field
from typing import Any

from scrapy.http import Response

from crawler.recheck.schedule import Due
from crawler.walk import Walk


@dataclass
class ArchiveState:
    """What the run knows of the archive when it starts."""

    known_ids: set[str] = field(default_factory=set)  # stored, or given up (until mode=full)
    first: list[dict[str, Any]] = field(default_factory=list)  # pages to fetch first: earlier failures
    refresh: list[Due] = field(default_factory=list)  # stored articles to check again first (-a refresh=DAYS)
    runs_by_listing: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # for crawler.walk.WalkPlan
    # The listing a run found behind a door past the menu: tried after the menu, before the doors
    remembered_listing: dict[str, Any] | None = None
    # What the edition's last search found (Archive.last_search): a section lost since is news
    last_search: dict[str, Any] | None = None
    rejected_ids: set[str] = field(default_factory=set)  # by the topic rule: known to a walk of the all-news feed
    due: list[Due] = field(default_factory=list)  # stored articles to fetch again, once what is new is fetched
    # The election tags the edition's runs walked and found cards on: walked again (URL -> name)
    election_tags: dict[str, str] = field(default_factory=dict)


@dataclass
class RunState:
    archive: ArchiveState | None = None  # None until the archive opens (never, when it cannot)
    requested_ids: set[str] = field(default_factory=set)  # every article requested in this run
    listed_ids: set[str] = field(default_factory=set)  # every article id the main walk's cards gave
    listing_url: str = ""  # the main listing walked; "" until its walk begins
    selecting: bool = False  # the listing is the all-news feed: the topic rule judges its articles
    floor: str | None = None  # the feed's walk reads no card older than this (ISO UTC)
    listing_challenged: bool = False  # page 1 of the listing answered a bot challenge
    # Article pages read as doors to the section (by canonical URL): the walk's request for one
    # is answered with it, not fetched again (crawler/middlewares.py DoorPagesMiddleware)
    door_pages: dict[str, Response] = field(default_factory=dict)
    # Stored, given up (until mode=full) or, on the all-news feed, rejected by the topic rule:
    # never requested from a listing again.
    known_ids: set[str] = field(default_factory=set)
    # Election tags to walk (URL -> name): those walked before, and those seen behind the doors
    election_tags: dict[str, str] = field(default_factory=dict)
    walks_due: list[Walk] = field(default_factory=list)  # begun one after another, when the crawl is idle
    walks: list[Walk] = field(default_factory=list)  # begun, in order: what the ledger records

    @property
    def main_walk(self) -> Walk | None:
        """The walk of the run's listing, once begun (not an election tag's beside it)."""
        return next((walk for walk in self.walks if walk.main), None)

    def take(self, archive: ArchiveState) -> None:
        """What the archive knows, handed over as it opens."""
        self.archive, self.known_ids = archive, set(archive.known_ids)
        self.election_tags = dict(archive.election_tags)

    def walk_listing(self, listing_url: str, selecting: bool) -> None:
        """`selecting`: the all-news feed, whose articles the topic rule rejected before are
        known too: never fetched from the feed again."""
        self.listing_url, self.selecting = listing_url, selecting
        if selecting and self.archive is not None:
            self.known_ids |= self.archive.rejected_ids

    def is_new(self, article_id: str) -> bool:
        """Neither known to the archive nor requested in this run."""
        return article_id not in self.requested_ids and article_id not in self.known_ids
