"""The listing walk's stop rules (crawler/walk.py), without a crawl."""

import json

from crawler.contracts import WalkStop
from crawler.walk import Walk, WalkPlan, feed_floor, is_gapless


def run(gapless: int | None, top: list[str] | None = None) -> dict:
    return {"gapless": gapless, "walk_top_ids": json.dumps(top) if top is not None else None}


def test_after_a_gapless_run_the_first_fully_known_page_ends_the_walk():
    plan = WalkPlan.from_runs([run(1, ["n1"]), run(0)])
    walk = Walk(plan)
    assert walk.after_page(1, ["a", "b"], all_known=False, reached_since=False) is None
    assert walk.after_page(2, ["c", "d"], all_known=True, reached_since=False) == WalkStop.KNOWN


def test_after_a_gap_the_walk_goes_on_to_where_the_last_gapless_walk_began():
    plan = WalkPlan.from_runs([run(None), run(0, ["x"]), run(1, ["b1", "b2"]), run(1, ["old"])])
    assert plan == WalkPlan(stop_at_known=False, boundary_ids=frozenset({"b1", "b2"}))
    walk = Walk(plan)
    assert walk.after_page(1, ["a1", "a2"], all_known=True, reached_since=False) is None  # known, but above the gap
    assert walk.after_page(2, ["a3", "b1"], all_known=False, reached_since=False) is None  # passes the boundary
    assert walk.after_page(3, ["b3", "b4"], all_known=True, reached_since=False) == WalkStop.KNOWN


def test_without_any_gapless_run_only_the_end_ends_the_walk():
    walk = Walk(WalkPlan.from_runs([run(0, ["a"]), run(None)]))
    assert walk.after_page(1, ["a"], all_known=True, reached_since=False) is None
    assert Walk(WalkPlan.from_runs([])).after_page(1, ["a"], all_known=True, reached_since=False) is None


def test_since_and_max_pages_end_the_walk_but_leave_a_gap():
    walk = Walk(WalkPlan(), max_pages=2)
    assert walk.after_page(1, ["a"], all_known=False, reached_since=False) is None
    assert walk.after_page(2, ["b"], all_known=False, reached_since=False) == WalkStop.MAX_PAGES
    assert Walk(WalkPlan()).after_page(1, ["a"], all_known=False, reached_since=True) == WalkStop.SINCE
    assert not is_gapless(WalkStop.MAX_PAGES, unbroken=True) and not is_gapless(WalkStop.SINCE, unbroken=True)


def test_a_run_is_gapless_only_when_unbroken_and_ended_at_the_end_or_a_safe_known_page():
    assert is_gapless(WalkStop.END, unbroken=True) and is_gapless(WalkStop.KNOWN, unbroken=True)
    assert not is_gapless(WalkStop.END, unbroken=False)
    assert not is_gapless(None, unbroken=True)  # the walk broke off


def test_a_page_read_again_shows_the_cards_that_moved_up_and_whether_to_trust_it():
    walk = Walk(WalkPlan())
    walk.read(1, ["a", "b", "c"])
    walk.read(2, ["e", "f", "g"])  # "d" moved up onto page 1 between the two reads
    assert walk.at_risk(1, known=set()) and not walk.at_risk(1, known={"c"})
    assert walk.reread(1, ["b", "c", "d"]) == ([], ["d"], True)
    walk.read(3, ["m", "n", "o"])  # pages 2 and more moved up by more than a page
    assert walk.reread(2, ["j", "k", "l"]) == ([], ["j", "k", "l"], False)  # shares no card: cannot tell


def test_page_one_read_again_tells_new_articles_on_top_from_a_listing_without_end():
    walk = Walk(WalkPlan())
    walk.read(1, ["c", "d"])
    walk.read(2, ["e", "f"])
    walk.read(3, ["e", "f"])
    assert walk.repeats_previous(3, ["f", "e"])
    assert walk.new_on_top(["a", "b"]) == ["a", "b"]  # two new on top pushed page 2 onto page 3
    assert walk.new_on_top(["c", "d"]) == []  # nothing new: the site repeats its last page
    assert walk.reread(1, ["a", "b"]) == (["a", "b"], [], True)


def test_the_feeds_first_walk_reads_back_first_days_from_its_newest_card():
    published = [None, "2026-11-20T05:00:00+00:00", "2026-11-30T19:00:00+00:00"]
    assert feed_floor(published, 30) == "2026-10-31T19:00:00+00:00"
    assert feed_floor([None, None], 30) is None  # no card has a time: no floor
