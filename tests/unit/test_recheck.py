"""What is due a re-check, what counts as a change, and the crawl's clock."""

from datetime import UTC, datetime, timedelta

import pytest
from scrapy.settings import Settings

from crawler.archive import classify, open_archive, paragraph_diff_html, word_diff_html
from crawler.arguments import ArgumentError, CrawlArguments
from crawler.clock import Clock
from crawler.contracts import EventKind, Stat
from crawler.recheck.schedule import Due, choose, due_since, parse_campaigns, parse_schedule
from crawler.setting_records import DEFAULTS

SCHEDULE = parse_schedule(DEFAULTS["ELECTIONS_RECHECK_SCHEDULE"])
PUBLISHED = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def test_the_schedule_reads_ages_youngest_first():
    assert SCHEDULE == (HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY)
    assert parse_schedule("30m, 2h") == (timedelta(minutes=30), 2 * HOUR)
    for bad in ("1w", "1h,0d", "1d,1h", "soon"):
        with pytest.raises(ValueError, match="ELECTIONS_RECHECK_SCHEDULE must list ages"):
            parse_schedule(bad)


@pytest.mark.parametrize(
    ("checked", "now", "due"),
    [
        (PUBLISHED, PUBLISHED + 30 * timedelta(minutes=1), None),  # no point passed yet
        (PUBLISHED, PUBLISHED + 2 * HOUR, PUBLISHED + HOUR),  # the 1-hour point passed since
        (PUBLISHED + 2 * HOUR, PUBLISHED + 5 * HOUR, None),  # checked after it
        (PUBLISHED + 2 * HOUR, PUBLISHED + 10 * DAY, PUBLISHED + 7 * DAY),  # one check for every point missed
        (PUBLISHED + 400 * DAY, PUBLISHED + 4000 * DAY, None),  # past the last point: never again
        (PUBLISHED + 100 * DAY, PUBLISHED + 4000 * DAY, PUBLISHED + 365 * DAY),  # the last point, once
    ],
)
def test_an_article_is_due_once_its_age_passes_a_point_after_its_last_check(checked, now, due):
    assert due_since(PUBLISHED, checked, now, SCHEDULE) == due


def test_the_longest_overdue_are_checked_first():
    def due(article_id: str, days: int) -> Due:
        return Due(article_id, f"https://qazinform.com/news/x-{article_id}", PUBLISHED + days * DAY)

    assert [d.article_id for d in choose([due("c", 3), due("a", 1), due("b", 2)], 2)] == ["a", "b"]


def test_the_clock_starts_where_elections_now_says_and_runs_on():
    clock = Clock.from_settings(Settings({"ELECTIONS_NOW": "2030-01-01T00:00:00+00:00"}))
    assert timedelta(0) <= clock.now() - datetime(2030, 1, 1, tzinfo=UTC) < timedelta(seconds=5)
    assert Clock.from_settings(Settings({"ELECTIONS_NOW": "2030-01-01T00:00"})).iso().startswith("2030-01-01T00:00")
    assert abs(Clock.from_settings(Settings({})).now() - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("settings", "arguments", "error"),
    [
        (
            {"ELECTIONS_NOW": "tomorrow"},
            {},
            "ELECTIONS_NOW must be an ISO 8601 time (2026-12-01T06:00:00+00:00), got 'tomorrow'",
        ),
        (
            {"ELECTIONS_RECHECK_SCHEDULE": "1w"},
            {},
            "ELECTIONS_RECHECK_SCHEDULE must list ages such as 1h,6h,1d,3d (m, h or d), got '1w'",
        ),
        ({"ELECTIONS_RECHECK_MAX": "-1"}, {}, "ELECTIONS_RECHECK_MAX must be a whole number of at least 0, got '-1'"),
        ({}, {"recheck": "no"}, "recheck must be on or off, got 'no'"),
    ],
)
def test_a_bad_recheck_setting_or_argument_is_one_sentence(settings, arguments, error):
    from crawler import settings as project_settings

    merged = Settings()
    merged.setmodule(project_settings)
    merged.setdict(settings)
    with pytest.raises(ArgumentError) as raised:
        CrawlArguments.parse(merged, {"start_url": "https://qazinform.com/category/elections_s115", **arguments})
    assert str(raised.value) == error


STORED = {
    "title": "CEC approves the calendar",
    "lead": None,
    "body": "Turnout was 61.2 percent.\n\n«Voters came early,» the chairman said.",
    "author": "Timur Bekov",
    "tags": '["CEC"]',
    "published_at": "2026-11-01T06:00:00+00:00",
    "url": "https://qazinform.com/news/cec-approves-calendar-97d5e1",
    "lang": "en",
    "section": "Elections",
    "dateline": None,
    "source": None,
    "image_url": None,
}


def test_a_change_of_words_is_an_edit_counted_in_words_and_one_of_form_is_minor():
    turnout = classify(STORED, {**STORED, "body": STORED["body"].replace("61.2", "58.9")})
    assert turnout is not None
    assert (turnout.kind, turnout.fields, turnout.words_added, turnout.words_removed) == (
        EventKind.EDITED,
        ["body"],
        2,
        2,
    )
    quotes = classify(STORED, {**STORED, "body": STORED["body"].replace("«", "“").replace("»", "”")})
    assert quotes is not None and (quotes.kind, quotes.fields) == (EventKind.MINOR_EDIT, ["body"])
    picture = classify(STORED, {**STORED, "image_url": "https://qazinform.com/a.jpg", "tags": ["cec"]})
    assert picture is not None and (picture.kind, picture.fields) == (EventKind.MINOR_EDIT, ["tags", "image_url"])
    tagged = classify(STORED, {**STORED, "tags": ["CEC", "Turnout"]})
    assert tagged is not None and (tagged.kind, tagged.words_added) == (EventKind.EDITED, 1)
    assert classify(STORED, {**STORED, "tags": ["CEC"]}) is None


def test_a_diff_strikes_what_went_and_marks_what_came():
    assert word_diff_html("Turnout was 61.2 percent.", "Turnout was 58.9 percent.") == (
        "Turnout was <del>61.2</del><ins>58.9</ins> percent."
    )
    assert word_diff_html("A <b> day", "A <b> day, again") == "A &lt;b&gt; <del>day</del><ins>day, again</ins>"
    assert word_diff_html(None, "New") == "<ins>New</ins>"


def test_a_bodys_diff_goes_paragraph_by_paragraph_the_unchanged_ones_folded():
    """Issue 33: the body was one block, its paragraphs lost, every unchanged one in full."""
    before = (
        "Polls open at 7:00.\n\nTurnout was 61.2 percent.\n\nCounting begins at eight.\n\nThe CEC thanked observers."
    )
    after = "Polls open at 7:00.\n\nTurnout was 58.9 percent.\n\nCounting begins at eight.\n\nA recount is planned."
    assert paragraph_diff_html(before, after) == (
        '<p class="unchanged">… 1 paragraph unchanged …</p>'
        "<p>Turnout was <del>61.2</del><ins>58.9</ins> percent.</p>"
        '<p class="unchanged">… 1 paragraph unchanged …</p>'
        "<p><del>The</del><ins>A</ins> <del>CEC</del><ins>recount</ins> <del>thanked</del><ins>is</ins> "
        "<del>observers.</del><ins>planned.</ins></p>"
    )
    assert paragraph_diff_html("One.", "One.\n\nTwo & three.") == (
        '<p class="unchanged">… 1 paragraph unchanged …</p><p><ins>Two &amp; three.</ins></p>'
    )


def article(**fields) -> dict:
    return {**STORED, "article_id": "97d5e1", "tags": ["CEC"], **fields}


def test_removed_once_then_back_and_a_304_says_back_too(tmp_path):
    clock = Clock(datetime(2026, 11, 2, tzinfo=UTC))
    with open_archive(tmp_path / "elections.db", clock=clock) as archive:
        with archive.transaction():
            archive.save_articles([article()], run_id=1)
        with archive.transaction():
            gone = archive.save_checks([{"article_id": "97d5e1", "outcome": "removed", "detail": "HTTP 404"}], 2)
            again = archive.save_checks([{"article_id": "97d5e1", "outcome": "removed", "detail": "HTTP 404"}], 3)
        assert (gone[Stat.REMOVED], again[Stat.REMOVED]) == (1, 0)
        assert archive.stored_article("97d5e1")["removed_at"].startswith("2026-11-02")
        with archive.transaction():
            back = archive.save_checks([{"article_id": "97d5e1", "outcome": "unchanged", "detail": None}], 4)
        assert (back[Stat.RESTORED], back[Stat.RECHECK_UNCHANGED]) == (1, 1)
        assert archive.stored_article("97d5e1")["removed_at"] is None
        kinds = [row[0] for row in archive.db.execute("select kind from article_events order by id")]
    assert kinds == ["removed", "restored"]


def test_what_is_due_comes_from_the_archive_past_points_only(tmp_path):
    published = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    stored_at = Clock(published + 10 * timedelta(minutes=1))
    with open_archive(tmp_path / "elections.db", clock=stored_at) as archive, archive.transaction():
        archive.save_articles(
            [
                article(published_at=published.isoformat()),
                article(article_id="a3996297", published_at="2019-01-01T00:00:00+00:00"),
            ],
            run_id=1,
        )
    with open_archive(tmp_path / "elections.db", clock=Clock(published + 2 * HOUR)) as archive:
        [due] = archive.due_for_recheck(SCHEDULE, limit=10, edition="en")
        assert (due.article_id, due.since) == ("97d5e1", published + HOUR)
        assert archive.due_for_recheck(SCHEDULE, limit=0, edition="en") == []


CAMPAIGN = parse_campaigns({"Majilis 2026": ["2026-10-01", "2026-11-15"]})  # Kazakhstan's days


def test_a_campaigns_articles_are_due_daily_during_it_and_thirty_days_after_first_in_the_queue(tmp_path):
    """Issue 33: an edit to a weeks-old campaign piece was found a month late (the 30-day point)."""
    inside = datetime(2026, 10, 20, 6, 0, tzinfo=UTC)  # 40 days old on 29 November: between its 30 and 90 d points
    outside = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
    with open_archive(tmp_path / "elections.db", clock=Clock(inside + 10 * DAY)) as archive, archive.transaction():
        archive.save_articles(
            [
                article(article_id="c1c1c1", published_at=inside.isoformat()),
                article(article_id="e2e2e2", published_at=outside.isoformat()),
            ],
            run_id=1,
        )
    checked_at = Clock(datetime(2026, 11, 28, 1, 0, tzinfo=UTC))  # the day before: unchanged
    with open_archive(tmp_path / "elections.db", clock=checked_at) as archive, archive.transaction():
        archive.save_checks([{"article_id": "c1c1c1", "outcome": "unchanged", "detail": None}], 2)
    for day, watched in (
        (datetime(2026, 11, 29, 1, 0, tzinfo=UTC), True),
        (datetime(2026, 12, 16, 1, 0, tzinfo=UTC), False),
    ):
        with open_archive(tmp_path / "elections.db", clock=Clock(day)) as archive:
            due = archive.due_for_recheck(SCHEDULE, limit=10, edition="en", campaigns=CAMPAIGN)
            assert [(d.article_id, d.campaign) for d in due if d.article_id == "c1c1c1"] == (
                [("c1c1c1", "Majilis 2026")] if watched else []  # then its 90-day point, 18 January
            )
            without = archive.due_for_recheck(SCHEDULE, limit=10, edition="en")
            assert "c1c1c1" not in {d.article_id for d in without}  # its schedule alone: not due for weeks
    # First in the queue, the cap holding: one place, the campaign's article takes it.
    overdue = Due("e2e2e2", "u", datetime(2026, 10, 1, tzinfo=UTC))
    fresh = Due("c1c1c1", "u", datetime(2026, 11, 28, tzinfo=UTC), campaign="Majilis 2026")
    assert choose([overdue, fresh], 1) == [fresh]


def test_a_campaigns_day_is_kazakhstans_and_a_bad_one_is_one_sentence():
    [majilis] = CAMPAIGN
    assert majilis.start == datetime(2026, 9, 30, 19, 0, tzinfo=UTC)  # 00:00 on 1 October in Astana (UTC+5)
    assert majilis.covers(datetime(2026, 11, 15, 18, 59, tzinfo=UTC))
    assert not majilis.covers(datetime(2026, 11, 15, 19, 0, tzinfo=UTC))  # 16 November in Astana
    for bad in ({"x": ["2026-11-15", "2026-10-01"]}, {"x": "2026-10-01"}, {"x": ["1 October", "2026-11-15"]}):
        with pytest.raises(ValueError, match="ELECTIONS_CAMPAIGNS must name each campaign's first and last day"):
            parse_campaigns(bad)
    with pytest.raises(ArgumentError, match="ELECTIONS_CAMPAIGNS must be a JSON object"):
        CrawlArguments.parse(Settings({**DEFAULTS, "ELECTIONS_CAMPAIGNS": "[1, 2"}), {})
