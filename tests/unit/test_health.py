from crawler.health import HealthPolicy, health_problems

POLICY = HealthPolicy(min_coverage={"title": 1.0, "author": 0.5}, max_drift=0.1, max_error_rate=0.1, max_gone_rate=0.5)


def run(**counts) -> dict:
    base = dict(
        listing_pages=2,
        articles_new=20,
        articles_updated=0,
        articles_unchanged=0,
        articles_pending=0,
        articles_dropped=0,
        finish_reason="finished",
    )
    return {**base, **counts}


STATS = {"elections/articles_requested": 20, "validate/items": 20, "validate/layout/current": 20}


def test_a_good_run_has_no_problems():
    assert health_problems(run(), STATS, {"title": 1.0, "author": 0.6}, POLICY) == []


def test_a_daily_run_with_nothing_new_is_healthy():
    assert health_problems(run(listing_pages=1, articles_new=0), {}, {}, POLICY) == []


def test_a_run_of_rechecks_and_pages_robots_txt_forbids_that_stores_no_page_is_healthy():
    """Issue 29: re-checks answered 304, removed or failed, and a page the site forbids, store
    no page by design: "N article pages requested, none stored" was a false alarm."""
    stats = {
        "elections/articles_requested": 9,
        "recheck/requested": 8,
        "recheck/recorded": 6,
        "recheck/failed": 2,
        "elections/robots_excluded": 1,
    }
    assert health_problems(run(listing_pages=1, articles_new=0), stats, {}, POLICY) == []
    one_more = {**stats, "elections/articles_requested": 10}  # one that should have stored a page, and did not
    assert "1 article pages requested, none stored" in health_problems(
        run(listing_pages=1, articles_new=0), one_more, {}, POLICY
    )


def test_each_check_names_its_problem():
    stats = {"elections/articles_requested": 20, "validate/items": 20, "validate/layout/unknown": 3}
    problems = health_problems(
        run(listing_pages=0, articles_new=0, articles_pending=3, finish_reason="closespider_timeout"),
        stats,
        {"title": 0.9, "author": 0.1},
        POLICY,
    )
    assert problems == [
        "no listing page with cards was read",
        "20 article pages requested, none stored",
        "field coverage: title on 90% of stored articles, below 100%",
        "field coverage: author on 10% of stored articles, below 50%",
        "layout drift: 3 of 20 article pages in no known layout",
        "error rate: 3 of 20 article pages failed",
        "the run ended early (closespider_timeout)",
    ]


def test_a_day_on_the_all_news_feed_with_no_election_news_is_healthy():
    """Found by issue 32's test: every article the feed gave that day was rejected by the topic
    rule, and the run was "N article pages requested, none stored", with an alert."""
    rejected = {"elections/articles_requested": 10, "topic/rejected": 10}
    assert health_problems(run(listing_pages=1, articles_new=0), rejected, {}, POLICY) == []


def test_a_section_lost_since_the_last_search_is_news_once():
    """Issue 32: after the section went, the next run walked the feed and stayed healthy."""
    lost = {
        "elections/articles_requested": 5,
        "elections/section_lost": "http://x/category/e_s1, found behind the menu by run 4",
    }
    assert health_problems(run(listing_pages=1, articles_new=5), lost, {}, POLICY) == [
        "the section is lost: its listing (http://x/category/e_s1, found behind the menu by run 4) is behind no door "
        "now; this run walked the all-news feed instead, keeping what the topic rule selects (docs/topic-rule.md)"
    ]


def test_thresholds_are_limits_not_targets():
    stats = {"elections/articles_requested": 20, "validate/items": 20, "validate/layout/unknown": 2}
    assert health_problems(run(articles_new=18, articles_pending=2), stats, {"author": 0.5}, POLICY) == []


def test_run_status_reads_the_counts_not_scrapys_reason():
    from crawler.ledger import run_counts, run_status

    good = {
        "elections/listing_pages": 2,
        "elections/walk_stop": "end",
        "store/new": 20,
        "elections/articles_requested": 20,
    }
    counts = run_counts(good, "finished")
    assert (run_status("finished", counts, good), counts["gapless"], counts["listing_complete"]) == ("ok", 1, 1)
    lost = {**good, "store/new": 19}  # an article requested, neither stored nor recorded
    counts = run_counts(lost, "finished")
    assert (counts["gapless"], counts["listing_complete"]) == (0, 0)
    unwritten = {**good, "elections/unwritten": 3}
    assert run_status("finished", run_counts(unwritten, "finished"), unwritten) == "failed"
    nothing = {"elections/listing_failed": 1}
    assert run_status("finished", run_counts(nothing, "finished"), nothing) == "failed"
    assert run_status("shutdown", run_counts(good, "shutdown"), good) == "partial"


def test_a_run_stopped_on_purpose_before_it_read_anything_is_partial_and_healthy():
    from crawler.ledger import run_counts, run_status

    stats = {"elections/articles_requested": 20}  # requested, then the stop came
    counts = run_counts(stats, "shutdown")
    assert run_status("shutdown", counts, stats) == "partial"
    assert health_problems({**counts, "finish_reason": "shutdown"}, stats, {}, POLICY) == []
    assert run_status("finished", counts, stats) == "failed"  # the same counts, not stopped: a failure


def test_a_site_that_did_not_answer_is_named_unreachable():
    stats = {
        "elections/listing_failed_at": "https://qazinform.com/: HTTP 503",
        "elections/unreachable_at": "https://qazinform.com/ (HTTP 503)",
    }
    assert health_problems(run(listing_pages=0, articles_new=0), stats, {}, POLICY) == [
        "site unreachable at https://qazinform.com/ (HTTP 503): no listing page with cards was read"
    ]
