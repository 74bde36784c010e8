"""End to end: election items filed under per-election tags (issue 32, item 3). A tag whose
name names an election is a door, and its articles belong to the archive whatever their
section: each tag is walked, after the section or before the all-news feed, and an article
under two tags is stored once."""

import contextlib
import io
from collections import Counter
from datetime import timedelta

from crawler.scheduler.service import main as scheduler_main
from replica import ReplicaServer, ReplicaSite
from replica.crawling import crawl, crawl_edition, mismatches, rows, stored_articles
from replica.editions import RUSSIAN, TAGS
from replica.pages import tag_path

# The tags of the Russian replica whose names name an election: its per-election tags, and
# those of its tag row and chrome ("Выборы акимов", the menu's "Referendum 2026" ...). "ЦИК",
# "Наблюдатели" and "Kurultai 2026" name none.
RUSSIAN_ELECTION_TAGS = [
    "Выборы в Курултай",
    "Выборы-2023",  # loosely the section's name, but a tag with a year: one election's
    "Референдум 2026",
    "Выборы акимов",
    "Referendum 2026",
    "Election commission",
]


def status(data_dir, db) -> list[str]:
    """The run lines of `scheduler.py status`, newest first."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert scheduler_main(["status", "--data-dir", str(data_dir), "--", "-s", f"ELECTIONS_DB={db}"]) == 0
    return [line for line in output.getvalue().splitlines() if line.strip()[:1].isdigit()]


def under_tags(site: ReplicaSite, names: list[str]) -> dict[str, set[str]]:
    """Each article filed under any of the tags: its id -> the tags' names."""
    found: dict[str, set[str]] = {}
    for name in names:
        for article in site.tagged(name):
            found.setdefault(article.expected_id, set()).add(name)
    return found


def test_with_the_only_door_a_per_election_tag_every_article_under_one_is_stored_once(tmp_path):
    english = ReplicaSite(articles=5, seed=51)
    russian = ReplicaSite(articles=30, seed=52, edition=RUSSIAN, section_at="none", other_news=10, election_tags=2)
    filed = under_tags(russian, RUSSIAN_ELECTION_TAGS)
    assert 10 < len(filed) < 30 and any(len(names) > 1 for names in filed.values())  # some under two, some none
    db = tmp_path / "elections.db"
    with ReplicaServer(english, editions=(russian,)) as server:
        result = crawl_edition(server, russian, db, "-s", "ELECTIONS_TOPIC_RULE=off")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Walking the election tags alone (ELECTIONS_TOPIC_RULE=off)" in result.stderr
        fetched = Counter(russian.requests)
        expected = {
            key: item for key, item in russian.expected_items(server.edition_url(russian)).items() if key in filed
        }
        stored = stored_articles(db)
        assert mismatches(stored, expected) == {}  # every article under a tag, each field its ground truth
        assert all(fetched[a.path] == (a.expected_id in filed) for a in russian.articles)  # each once; no other
        tag_urls = {server.edition_url(russian) + tag_path(name): name for name in RUSSIAN_ELECTION_TAGS}
        assert all(tag_urls[row["listed_in"]] in filed[key] for key, row in stored.items())
        assert rows(db, "topic_verdicts") == []  # an article under an election tag is not the rule's to judge

        [run] = rows(db, "crawl_runs")
        assert (run["listing_found_by"], run["status"], run["healthy"]) == ("election tag", "ok", 1)
        walks = rows(db, "listing_walks")
        assert {run["start_url"], *(walk["listing_url"] for walk in walks)} == set(tag_urls)
        assert all(walk["gapless"] and walk["found_by"] == "election tag" for walk in walks)
        assert status(tmp_path, db)[0].split()[4:8] == ["election", "tag", f"+{len(walks)}", "tags"]

        before = Counter(russian.requests)
        result = crawl_edition(server, russian, db, "-s", "ELECTIONS_TOPIC_RULE=off")
        assert result.returncode == 0, result.stderr[-3000:]
        again = Counter(russian.requests) - before
        assert not any(again[a.path] for a in [*russian.articles, *russian.other_news])  # no article fetched again
        tag_pages = {tag_path(name) for name in tag_urls.values()}
        assert {path.split("?")[0] for path in again} <= {"/robots.txt", "/", *tag_pages, *russian.channel_paths}
        second = rows(db, "crawl_runs")[1]
        assert (second["listing_found_by"], second["status"], second["healthy"]) == ("election tag", "ok", 1)


def test_tags_go_before_the_all_news_feed_whose_rule_judges_only_what_no_tag_holds(tmp_path):
    english = ReplicaSite(articles=5, seed=51)
    russian = ReplicaSite(articles=30, seed=52, edition=RUSSIAN, section_at="none", other_news=10, election_tags=2)
    filed = under_tags(russian, RUSSIAN_ELECTION_TAGS)
    db = tmp_path / "elections.db"
    with ReplicaServer(english, editions=(russian,)) as server:
        result = crawl_edition(server, russian, db, "-s", "ELECTIONS_TOPIC_FIRST_DAYS=3650")
        assert result.returncode == 0, result.stderr[-3000:]
        fetched = Counter(russian.requests)
        assert all(fetched[a.path] == 1 for a in [*russian.articles, *russian.other_news])
        assert mismatches(stored_articles(db), russian.expected_items(server.edition_url(russian))) == {}
    verdicts = {verdict["article_id"]: verdict["selected"] for verdict in rows(db, "topic_verdicts")}
    unfiled = {a.expected_id for a in russian.articles} - set(filed)
    assert {key for key, selected in verdicts.items() if selected} == unfiled
    assert not set(verdicts) & set(filed)
    [run] = rows(db, "crawl_runs")
    assert (run["listing_found_by"], run["status"], run["healthy"]) == ("all-news feed", "ok", 1)


def test_beside_the_section_each_tag_is_walked_and_what_is_filed_elsewhere_is_stored(tmp_path):
    site = ReplicaSite(articles=45, seed=53, election_tags=2)
    elsewhere = site.unlist(3, 17)  # filed under another section: on a tag's listing, not the section's
    assert all(set(a.tags) & set(site.election_tags) for a in elsewhere)
    now = site.articles[0].published + timedelta(days=1)
    db = tmp_path / "elections.db"

    def crawl_at(*arguments: str):
        settings = {"ELECTIONS_SITE_URL": server.home_url, "ELECTIONS_NOW": now.isoformat()}
        result = crawl(*arguments, "-s", "ELECTIONS_SECOND_CHANNEL=False", db=db, **settings)
        assert result.returncode == 0, result.stderr[-3000:]
        run_id = rows(db, "crawl_runs")[-1]["id"]
        return [walk["name"] for walk in rows(db, "listing_walks") if walk["run_id"] == run_id]

    with ReplicaServer(site) as server:
        names = crawl_at()
        fetched = Counter(site.requests)
        assert all(fetched[a.path] == 1 for a in [*site.articles, *elsewhere])
        stored = stored_articles(db)
        assert mismatches(stored, site.expected_items(server.base_url)) == {}
        assert {stored[a.expected_id]["listed_in"] for a in elsewhere} <= {
            server.base_url + tag_path(name) for name in site.election_tags
        }
        [run] = rows(db, "crawl_runs")
        assert (run["listing_found_by"], run["start_url"], run["healthy"]) == ("menu", server.start_url, 1)
        # The search stopped at the menu: its "Referendum 2026" is walked first; the others are
        # found in the tag rows of the articles read, and each is walked once.
        assert names[0] == "Referendum 2026" and len(names) == len(set(names))
        assert set(site.election_tags) <= set(names) <= {"Referendum 2026", *TAGS} - {"CEC", "Observers"}
        assert all(walk["gapless"] for walk in rows(db, "listing_walks"))

        # The next day: page 1 of the section and of each tag, but those quiet for 60 days
        # (ELECTIONS_TAG_QUIET_DAYS), which the weekly full run walks; the menu's, seen again.
        quiet = {name for name in names if site.tagged(name) and site.tagged(name)[0].published < now - timedelta(60)}
        assert quiet and quiet < set(names)
        before = Counter(site.requests)
        assert sorted(crawl_at()) == sorted(name for name in names if name not in quiet)
        again = Counter(site.requests) - before
        assert not any(again[a.path] for a in [*site.articles, *elsewhere])
        empty = [name for name in names if not site.tagged(name)]
        assert sum(again.values()) == 3 + len(names) - len(quiet) + len(empty)  # robots.txt, home, section
        assert sorted(crawl_at("-a", "mode=full")) == sorted(names)


def test_a_tag_whose_listing_went_away_makes_one_run_unhealthy_and_is_then_forgotten(tmp_path):
    site = ReplicaSite(articles=30, seed=54, election_tags=2)
    db = tmp_path / "elections.db"
    now = site.articles[0].published + timedelta(days=1)
    with ReplicaServer(site) as server:
        settings = {"ELECTIONS_SITE_URL": server.home_url, "ELECTIONS_NOW": now.isoformat()}
        options = ("-s", "ELECTIONS_SECOND_CHANNEL=False")
        assert crawl(*options, db=db, **settings).returncode == 0
        gone = site.election_tags[0]
        site.add_fault("status", f"^{tag_path(gone)}$", 404)
        result = crawl(*options, db=db, **settings)
        assert result.returncode == 1  # the alert runs: the run is unhealthy
        failed = rows(db, "crawl_runs")[-1]
        assert (failed["status"], failed["healthy"]) == ("partial", 0)
        assert f"{server.base_url}{tag_path(gone)}: HTTP 404" in failed["health_problems"]
        assert crawl(*options, db=db, **settings).returncode == 0  # no page read links to it again
        last = rows(db, "crawl_runs")[-1]
        walked = [walk["name"] for walk in rows(db, "listing_walks") if walk["run_id"] == last["id"]]
        assert gone not in walked and site.election_tags[1] in walked
        assert (last["status"], last["healthy"]) == ("ok", 1)
