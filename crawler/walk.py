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
"""

import json
import math
from dataclasses import dataclass, field

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

    def describe(self) -> str:
        if self.stop_at_known:
            return "the last run left no gap: the walk ends at the first page whose cards are all stored"
        if self.boundary_ids:
            return "the last run left a gap: the walk goes on to where the last complete walk began"
        return "no run has walked this listing without a gap: the walk goes on to its end"


@dataclass
class Walk:
    """One run's walk of the listing, page by page."""

    plan: WalkPlan
    max_pages: int | None = None
    known: int = 0  # articles the archive holds: what bounds the listing's length
    min_bound: int = 1000  # listing pages a walk may take beyond those (a first crawl knows nothing)
    passed_boundary: bool = False
    pages_by_cards: dict[frozenset[str], int] = field(default_factory=dict)

    def page_bound(self, cards_per_page: int) -> int:
        """Twice the pages the archive's articles fill, and min_bound more: more is a runaway."""
        return 2 * math.ceil(self.known / max(cards_per_page, 1)) + self.min_bound

    def runaway(self, page: int, card_ids: list[str]) -> str | None:
        """Why the listing cannot be walked on from this page, or None."""
        cards = frozenset(card_ids)
        if cards and cards in self.pages_by_cards:
            earlier = self.pages_by_cards[cards]
            return f"listing page {page} repeats page {earlier}: the site does not say where its listing ends"
        self.pages_by_cards.setdefault(cards, page)
        bound = self.page_bound(len(card_ids))
        if page >= bound:
            return (
                f"the listing goes on past {bound} pages, twice what the archive's {self.known} articles fill: "
                "a listing without end"
            )
        return None

    def after_page(self, page: int, card_ids: list[str], all_known: bool, reached_since: bool) -> WalkStop | None:
        """Why the walk ends after this page (from 1), or None to walk on."""
        if self.plan.boundary_ids & set(card_ids):
            self.passed_boundary = True
        if reached_since:
            return WalkStop.SINCE
        if all_known and (self.plan.stop_at_known or self.passed_boundary):
            return WalkStop.KNOWN
        if self.max_pages and page >= self.max_pages:
            return WalkStop.MAX_PAGES
        return None


def is_gapless(stop: str | None, unbroken: bool) -> bool:
    return unbroken and stop in (WalkStop.END, WalkStop.KNOWN)
