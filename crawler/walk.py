"""How far a run walks the listing: the rules, apart from the spider that follows them.

The invariant: after a *gapless* run, every card from the listing's top down to its end is
stored in the archive or pending in dropped_items. A run is gapless when nothing broke its
walk (no listing page failed, no challenge, no exception, it finished) and the walk ended at
the listing's end, or at a fully known page where stopping was safe:

- right after a gapless run, the first page whose cards are all stored is safe;
- after a run that was not gapless (or a max_pages/since run, which leaves what lies below
  its last page unseen), only a fully known page at or below where the last gapless walk
  began is safe: the walk goes on until it has passed one of that walk's first cards;
- with no gapless run at all, only the end is.

A listing that does not end — a page that repeats an earlier one, or more pages than the
archive's size can explain — is a runaway: the walk stops, with its reason, and the run is
unhealthy.

Pages shift while they are walked. Articles published on top push cards down: the next page
repeats some of the last (nothing is lost; a page that repeats the one before whole is a
shift, not a runaway, when page 1 has grown). Articles unpublished above push cards up,
across the page boundary behind the walk, where they are never seen: so a page whose last
card was not stored before the run is read again once the next page is, and a card that
moved up onto it is fetched. A re-read that shares no card with the first read cannot tell
how far the listing moved: that walk is not gapless.
"""

import itertools
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.contracts import WalkStop


@dataclass(frozen=True)
class WalkPlan:
    stop_at_known: bool = False  # the last run was gapless: the first fully known page ends the walk
    boundary_ids: frozenset[str] = frozenset()  # the first cards of the last gapless walk

    @classmethod
    def from_runs(cls, runs: list[dict]) -> "WalkPlan":
        """The plan after `runs`, this listing's crawl_runs rows (gapless, walk_top_ids), newest first."""
        if runs and runs[0]["gapless"]:
            return cls(stop_at_known=True)
        last_gapless = next((run for run in runs if run["gapless"]), None)
        if last_gapless is None:
            return cls()
        return cls(boundary_ids=frozenset(json.loads(last_gapless["walk_top_ids"] or "[]")))

    @property
    def has_gapless_run(self) -> bool:
        return self.stop_at_known or bool(self.boundary_ids)

    def describe(self) -> str:
        if self.stop_at_known:
            return "the last run left no gap: the walk ends at the first page whose cards are all stored"
        if self.boundary_ids:
            return "the last run left a gap: the walk goes on to where the last complete walk began"
        return "no run has walked this listing without a gap: the walk goes on to its end"


@dataclass
class Walk:
    """One run's walk of a listing, page by page, and how it ended. A run walks one main
    listing (the section, or the all-news feed) and, beside it, each election tag."""

    plan: WalkPlan
    listing_url: str = ""
    found_by: str = ""  # crawl_runs.listing_found_by: a door, "given", the all-news feed, an election tag
    main: bool = True  # the run's listing (crawl_runs), or a walk beside it (listing_walks)
    name: str | None = None  # an election tag's name
    stop: WalkStop | None = None  # why it ended, once it has
    top_ids: list[str] = field(default_factory=list)  # the cards of its page 1
    newest_at: str | None = None  # the newest card's time on its page 1 (ISO UTC)
    passed_empty: bool = False  # a page without cards was followed by one with: its end is unsure
    max_pages: int | None = None
    known: int = 0  # articles the archive holds: what bounds the listing's length
    min_bound: int = 1000  # listing pages a walk may take beyond those (a first crawl knows nothing)
    passed_boundary: bool = False
    pages_by_cards: dict[frozenset[str], int] = field(default_factory=dict)
    pages: dict[int, list[str]] = field(default_factory=dict)  # each page's cards, as first read
    seen: set[str] = field(default_factory=set)  # every card of the walk

    def read(self, page: int, card_ids: list[str]) -> None:
        self.pages.setdefault(page, card_ids)
        self.seen.update(card_ids)

    def at_risk(self, page: int, known: set[str]) -> bool:
        """Would cards that move up from the next page onto this one be new to the archive?
        Only if this page's last card is (older cards were stored by an earlier walk)."""
        cards = self.pages.get(page) or []
        return bool(cards) and cards[-1] not in known

    def reread(self, page: int, card_ids: list[str]) -> tuple[list[str], list[str], bool]:
        """A page read again: the cards on it the walk has not seen, as (published on top
        since the walk began, moved up from below), and whether the re-read can be trusted to
        show every card that moved up (it shares a card with the first read, or none moved)."""
        unseen = [card for card in card_ids if card not in self.seen]
        self.seen.update(unseen)
        top = self.new_on_top(card_ids) if page == 1 else []  # below page 1, new cards are ones seen
        moved = [card for card in unseen if card not in top]
        return top, moved, not moved or bool(set(self.pages.get(page) or []) & set(card_ids))

    def repeats_previous(self, page: int, card_ids: list[str]) -> bool:
        return page > 1 and bool(card_ids) and set(card_ids) == set(self.pages.get(page - 1) or [])

    def new_on_top(self, top_ids: list[str]) -> list[str]:
        """Page 1 read again: the cards above every card the walk's first reads showed."""
        first_reads = set().union(*self.pages.values())
        return list(itertools.takewhile(lambda card: card not in first_reads, top_ids))

    def page_bound(self, cards_per_page: int) -> int:
        """Twice the pages the archive's articles fill, and min_bound more: more is a runaway."""
        return 2 * math.ceil(self.known / max(cards_per_page, 1)) + self.min_bound

    def runaway(self, page: int, card_ids: list[str]) -> str | None:
        """Why the listing cannot be walked on from this page, or None."""
        cards = frozenset(card_ids)
        if cards and cards in self.pages_by_cards:
            return repeat_reason(page, self.pages_by_cards[cards])
        self.pages_by_cards.setdefault(cards, page)
        bound = self.page_bound(len(card_ids))
        if page >= bound:
            return (
                f"the listing goes on past {bound} pages, twice what the archive's {self.known} articles fill: "
                "a listing without end"
            )
        return None

    def after_page(
        self, page: int, card_ids: list[str], all_known: bool, reached_since: bool, floor: bool = False
    ) -> WalkStop | None:
        """Why the walk ends after this page (from 1), or None to walk on. `floor`: the time
        reached is the all-news feed's floor, not a since given."""
        if self.plan.boundary_ids & set(card_ids):
            self.passed_boundary = True
        if reached_since:
            return WalkStop.FLOOR if floor else WalkStop.SINCE
        if all_known and (self.plan.stop_at_known or self.passed_boundary):
            return WalkStop.KNOWN
        if self.max_pages and page >= self.max_pages:
            return WalkStop.MAX_PAGES
        return None


def repeat_reason(page: int, earlier: int) -> str:
    return f"listing page {page} repeats page {earlier}: the site does not say where its listing ends"


# Where a listing ends, as far as the archive goes: its last page, or an all-news feed's floor.
LISTING_ENDS = (WalkStop.END, WalkStop.FLOOR)


def is_gapless(stop: str | None, unbroken: bool) -> bool:
    return unbroken and stop in (*LISTING_ENDS, WalkStop.KNOWN)


# What the log says of each way a walk ends.
STOP_REASONS = {
    WalkStop.KNOWN: "every card is already stored or requested",
    WalkStop.MAX_PAGES: "max_pages reached",
    WalkStop.SINCE: "it reaches cards older than since",
    WalkStop.FLOOR: "it reaches the all-news feed's floor (ELECTIONS_TOPIC_FIRST_DAYS)",
}


@dataclass
class CardsRead:
    """What a listing page's cards hold for the walk."""

    requests: list[Any] = field(default_factory=list)  # the articles to fetch (scrapy.Request)
    card_ids: list[str] = field(default_factory=list)  # of every card that links to an article
    all_known: bool = True  # every card stored or requested: the walk may stop here
    reached_since: bool = False  # a card older than since (or the feed's floor)


def feed_floor(published: list[str | None], first_days: int) -> str | None:
    """How far back the all-news feed's first walk reads: first_days from its newest card
    (ISO UTC); None when no card has a time."""
    newest = max(filter(None, published), default=None)
    if newest is None:
        return None
    return (datetime.fromisoformat(newest) - timedelta(days=first_days)).astimezone(UTC).isoformat()
