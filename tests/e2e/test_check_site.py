"""make check-site against the replica: a report line per step and per field, a verdict, an
exit status, and nothing written."""

import json
import subprocess
import sys
from datetime import UTC

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import LOCAL_SETTINGS, ROOT


def check_site(tmp_path, server, **settings) -> subprocess.CompletedProcess:
    options = []
    for name, value in {
        **LOCAL_SETTINGS,
        "ELECTIONS_DB": str(tmp_path / "elections.db"),
        "ELECTIONS_SITE_URL": server.home_url,
        **settings,
    }.items():
        options += ["-s", f"{name}={value}"]
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "check_site", *options], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_check_reads_every_step_and_field_and_writes_nothing(tmp_path):
    with ReplicaServer(ReplicaSite(articles=40, seed=5)) as server:
        # The live site's two feed candidates: the replica has the first only.
        result = check_site(tmp_path, server, ELECTIONS_FEEDS="/rss/en.xml,/rss/eng.xml")
        newest = server.site.articles[:3]
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    newest_at = newest[0].published.astimezone(UTC).isoformat()
    assert lines[:6] == [  # the second channel: every feed and sitemap, found or not
        f"robots.txt: HTTP 200, 1 Sitemap line(s): {server.base_url}/sitemap.xml",
        f"sitemap {server.base_url}/sitemap.xml: HTTP 200, a sitemap index of 1 sitemap(s); "
        "make crawl reads the newest 1",
        f"sitemap {server.base_url}/sitemaps/google-news_en.xml: HTTP 200, 40 article(s), 40 filed under 'Elections', "
        f"newest {newest_at}",
        f"feed {server.base_url}/rss/en.xml: HTTP 200, 40 article(s), 40 filed under 'Elections', newest {newest_at}",
        f"feed {server.base_url}/rss/eng.xml: not found (HTTP 404)",
        "second channel: make crawl would cross-check its walk with 3 feed(s) and sitemap(s)",
    ]
    lines = lines[:1] + lines[6:]  # the rest as before the second channel
    assert (
        lines[:11]
        == [
            lines[0],
            f"home page: HTTP 200, {server.home_url}",
            f"door menu: found {server.start_url}",  # every door is reported, the first that answers used
            f"door site map page ({server.base_url}/sitemap): no link named 'Elections'",
            f"door tags page ({server.base_url}/tags): no link named 'Elections'",
            *lines[5:8],  # three article pages the home page links to, each with a category link named so
            "door home page: no link named 'Elections'",
            f"make crawl would use the menu: {server.start_url}",
            lines[10],
        ]
    )
    assert all(
        line.startswith("door article page (") and line.endswith(f": found {server.start_url}") for line in lines[5:8]
    )
    assert lines[10].startswith("listing: HTTP 200, 20 article cards (0 without a readable time), newest ")
    lines = lines[:2] + lines[10:]  # the rest as before the doors
    articles = [line for line in lines if line.startswith("article ")]
    assert [line.split(",")[0] for line in articles] == [
        "article 1: HTTP 200",
        "article 2: HTTP 200",
        "article 3: HTTP 200",
    ]
    for line, article in zip(articles, newest, strict=False):
        assert line.endswith(f"layout {article.layout}, {server.base_url}{article.path}")
    assert [line.split()[0] for line in lines[4:13]] == [
        "title",
        "lead",
        "body",
        "author",
        "published_at",
        "tags",
        "image_url",
        "lang",
        "article",
    ]
    assert f"  title         found: {newest[0].title}" in lines
    assert lines[-1] == "verdict: ready: `make crawl` can read the site as it is today"
    assert not (tmp_path / "elections.db").exists()


def test_with_no_section_the_check_reads_the_all_news_feed_and_gives_the_topic_rules_verdicts(tmp_path):
    site = ReplicaSite(articles=40, seed=5, section_in_menu=False, other_news=40)
    with ReplicaServer(site) as server:
        result = check_site(tmp_path, server)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert "door tags page" in result.stdout and "door home page: no link named 'Elections'" in lines
    feed = server.base_url + "/lenta"
    assert f"make crawl would use the all-news feed, {feed}, keeping what the topic rule selects" in result.stdout
    newest = site.all_news()[:3]
    verdicts = [line.split(": ")[0].strip() for line in lines if line.startswith("  topic rule")]
    assert verdicts == [f"topic rule    {'selected' if a.kind == 'election' else 'rejected'}" for a in newest]
    assert lines[-1] == "verdict: ready: `make crawl` can read the site as it is today"


def test_a_site_with_no_section_and_no_all_news_feed_says_what_to_set(tmp_path):
    with ReplicaServer(ReplicaSite(articles=40, seed=5, section_in_menu=False)) as server:
        server.site.add_fault("status", "^/lenta", 404)
        result = check_site(tmp_path, server)
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if "PROBLEM" in line]
    assert problems == [
        "  PROBLEM: all-news feed failed: HTTP 404",
        "  PROBLEM: no listing to walk: no door leads to the section 'Elections', and the all-news feed "
        f"{server.base_url}/lenta cannot be read; set ELECTIONS_START_URL (-a start_url=) to the section's listing, "
        "ELECTIONS_SECTION to its name as the site writes it, or ELECTIONS_ALL_NEWS_PATH to the feed",
    ]


def test_with_the_topic_rule_off_a_section_found_nowhere_says_what_to_set(tmp_path):
    with ReplicaServer(ReplicaSite(articles=40, seed=5, section_in_menu=False)) as server:
        result = check_site(tmp_path, server, ELECTIONS_TOPIC_RULE="off")
    assert result.returncode == 1
    problem = [line for line in result.stdout.splitlines() if "PROBLEM" in line]
    assert problem == [
        f"  PROBLEM: section 'Elections' not found: no menu link of that name on {server.base_url}/ (it links to: "
        f"Kazakhstan, Politics, Economy, World, Society, Referendum 2026, Kurultai 2026), nor on the site map page "
        f"({server.base_url}/sitemap), nor on the tags page ({server.base_url}/tags), nor on the 3 article "
        "page(s) it links to; set ELECTIONS_SECTION to "
        "the section's name as the menu writes it, or ELECTIONS_START_URL (-a start_url=) to its listing"
    ]
    assert result.stdout.splitlines()[-1].startswith(
        "verdict: NOT READY, 1 problem(s): section 'Elections' not found: no menu link of that name"
    )
    assert not (tmp_path / "elections.db").exists()


def test_a_challenge_is_reported_and_a_dead_site_too(tmp_path):
    with ReplicaServer(ReplicaSite(articles=40, seed=5)) as server:
        server.site.add_fault("challenge", "^/$", 403)
        result = check_site(tmp_path, server)
    assert result.returncode == 1
    assert (
        "  PROBLEM: home page failed: bot challenge (HTTP 403, cf-mitigated: challenge)" in result.stdout.splitlines()
    )
    dead = check_site(tmp_path, server, RETRY_TIMES="0")  # the server is gone
    assert dead.returncode == 1 and "Traceback" not in dead.stdout + dead.stderr
    assert "  PROBLEM: robots.txt failed: " in dead.stdout


def test_an_article_robots_txt_forbids_is_shown_as_excluded_not_as_a_problem(tmp_path):
    """Issue 29: a page the site forbids is the site's choice; the check shows it, as the crawl counts it."""
    site = ReplicaSite(articles=40, seed=5)
    site.disallowed.append(site.articles[1].path)  # the listing's second card
    with ReplicaServer(site) as server:
        result = check_site(tmp_path, server)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    at = lines.index(f"article 2: {server.base_url}{site.articles[1].path}")
    assert (
        lines[at + 1]
        == "  excluded: robots.txt forbids it; make crawl counts it (elections/robots_excluded), no failure"
    )
    assert site.requests[site.articles[1].path] == 0
    assert lines[-1] == "verdict: ready: `make crawl` can read the site as it is today"


def test_a_missing_robots_txt_is_an_answer_not_a_problem(tmp_path):
    with ReplicaServer(ReplicaSite(articles=40, seed=5)) as server:
        server.site.add_fault("status", "^/robots.txt$", 404)
        result = check_site(tmp_path, server)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "robots.txt: HTTP 404, none: every page may be fetched, 0 Sitemap line(s)"
    assert lines[-1] == "verdict: ready: `make crawl` can read the site as it is today"


@pytest.mark.parametrize(
    "place, door", [("site map", "site map page"), ("tags", "tags page"), ("article", "article page")]
)
def test_the_check_says_which_door_the_section_is_behind(tmp_path, place, door):
    with ReplicaServer(ReplicaSite(articles=40, seed=5, section_at=place)) as server:
        result = check_site(tmp_path, server)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert "door menu: no link named 'Elections'" in lines
    assert f"make crawl would use the {door}: {server.start_url}" in lines


def test_save_page_keeps_a_page_and_a_draft_of_its_ground_truth_for_the_tests(tmp_path):
    """scrapy save_page, for the first machine that reaches the site: the page as fetched, in
    its design's folder, and what the crawler reads of it, for a person to check."""
    site = ReplicaSite(articles=20, seed=5)
    article = site.articles[0]

    def save_page(url: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "scrapy", "save_page", url, "--into", str(tmp_path)]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    with ReplicaServer(site) as server:
        saved = save_page(server.base_url + article.path)
        missing = save_page(server.base_url + "/news/no-such-article-0eb7f9")
        expected = article.expected_item(server.base_url)
    assert saved.returncode == 0 and "check every field against the page in a browser" in saved.stdout, saved.stderr
    name = f"{article.layout}/saved_{article.article_id}.html"
    [truth] = json.loads((tmp_path / "ground_truth.json").read_text()).values()
    assert (tmp_path / name).read_bytes() == site.respond(article.path, server.base_url).body
    assert {field: truth[field] for field in ("title", "published_at", "body", "layout")} == {
        field: expected[field] for field in ("title", "published_at", "body", "layout")
    }
    assert missing.returncode == 1 and missing.stderr.strip().endswith("could not be fetched (HTTP 404)")
    assert "Traceback" not in saved.stderr + missing.stderr
