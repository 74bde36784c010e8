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
"""

import json
from dataclasses import dataclass

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
    passed_boundary: bool = False

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
