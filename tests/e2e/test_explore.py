"""make explore: the archive in Datasette, as a reader sees it in a real headless browser."""

import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import ROOT, crawl
from tests.checks import search
from tests.e2e.browser import CHROMIUM, HEIGHT, Browser

if not (CHROMIUM and importlib.util.find_spec("datasette")):
    if os.environ.get("CI"):  # .ci/run installs both: in CI this test must run
        raise RuntimeError("the Datasette browser test needs chromium and datasette")
    pytest.skip(
        "needs Chromium (Debian's chromium package, which .ci/run installs) "
        "and the explore extra (make test installs it)",
        allow_module_level=True,
    )

KAZAKHSTAN = ZoneInfo("Asia/Almaty")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A crawled archive and its ground truth."""
    db = tmp_path_factory.mktemp("explore") / "elections.db"
    with ReplicaServer(ReplicaSite(articles=40, seed=8)) as server:
        assert crawl("-a", f"start_url={server.start_url}", db=db).returncode == 0
        truth = server.site.expected_items(server.base_url)
        COVERAGE_TRUTH.update({a.expected_id: a.expected_mentions() for a in server.site.articles})
    return db, truth


COVERAGE_TRUTH: dict[str, dict] = {}  # article -> subject -> counts, as the replica wrote them


@pytest.fixture(scope="module")
def explore(crawled):
    """The crawled archive served by explore/serve.py; yields (base URL, ground truth)."""
    db, truth = crawled
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "explore/serve.py", str(db), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            break
        except OSError:
            assert time.monotonic() < deadline, "Datasette did not start"
            time.sleep(0.3)
    yield base, truth
    process.terminate()
    process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    browser = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.close()


def local(published_at: str) -> datetime:
    return datetime.fromisoformat(published_at).astimezone(KAZAKHSTAN)


def newest_first(truth: dict) -> list[dict]:
    return sorted(truth.values(), key=lambda article: article["published_at"], reverse=True)


# What the reader's list shows, entry by entry, and where on the screen.
LIST_ENTRIES = """[...document.querySelectorAll('.article-list > li')].map(li => ({
    title: li.querySelector('h3').textContent.trim(),
    href: li.querySelector('h3 a').href,
    day: li.querySelector('time').textContent,
    tags: [...li.querySelectorAll('.meta a')].map(a => a.textContent),
    original: li.querySelector('a.original').href,
    top: li.getBoundingClientRect().top,
    bottom: li.getBoundingClientRect().bottom,
}))"""
LIST_READY = "document.querySelector('.article-list, .zero-results')"


def chart_bars(browser: Browser, chart: str, axis: str) -> dict[str, int]:
    """The bars Vega drew, read from their accessible labels ("Month: 2026-03; Articles: 2"):
    {value on the x axis: articles}."""
    labels = browser.evaluate(
        f"[...document.querySelectorAll('#chart-{chart} .mark-rect path')].map(p => p.getAttribute('aria-label'))"
    )
    bars = [dict(field.split(": ", 1) for field in label.split("; ")) for label in labels]
    return {bar[axis]: int(bar["Articles"]) for bar in bars}


def months_between(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04}-{month:02}" <= last:
        months.append(f"{year:04}-{month:02}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def test_the_first_screen_shows_the_search_box_and_the_newest_article(explore, browser):
    base, truth = explore
    for page in ("/", "/elections"):  # the home page and the database's page lead to the list
        browser.open(base + page)
        link = "[...document.querySelectorAll('a')].find(a => a.textContent === 'the articles').href"
        articles = browser.evaluate(link)
        assert articles == f"{base}/elections/articles_list"
    browser.open(articles, ready=LIST_READY)
    search_box = browser.evaluate("document.querySelector('input#_search').getBoundingClientRect().bottom")
    first = browser.evaluate(LIST_ENTRIES)[0]
    assert first["title"] == newest_first(truth)[0]["title"]
    assert search_box <= HEIGHT and first["bottom"] <= HEIGHT, (search_box, first)


def test_the_list_is_compact_and_holds_every_article(explore, browser):
    base, truth = explore
    browser.open(f"{base}/elections/articles_list", ready=LIST_READY)
    entries = browser.evaluate(LIST_ENTRIES)
    expected = newest_first(truth)
    assert [entry["day"] for entry in entries] == [local(a["published_at"]).date().isoformat() for a in expected]
    assert Counter((e["title"], e["original"], tuple(e["tags"])) for e in entries) == Counter(
        (a["title"], a["url"], tuple(a["tags"])) for a in expected
    )
    assert max(entry["bottom"] - entry["top"] for entry in entries) < 150  # a few lines each, never the body


def test_months_facet_newest_first_by_kazakhstans_calendar(explore, browser):
    base, truth = explore
    browser.open(f"{base}/elections/articles_list", ready=LIST_READY)
    shown = browser.evaluate(
        "[...document.querySelectorAll('#facet-published_month li:not(.facet-truncated)')]"
        ".map(li => li.textContent.trim().split(/\\s+/))"
    )
    months = Counter(f"{local(a['published_at']):%Y-%m}" for a in truth.values())
    assert [(month, int(count)) for month, count in shown] == sorted(months.items(), reverse=True)[:6]


def test_a_search_for_a_word_from_one_article_finds_it(explore, crawled, browser):
    base, truth = explore
    words = {
        a["article_id"]: set(re.findall(r"\w+", f"{a['title']} {a['lead'] or ''} {a['body']}".lower()))
        for a in truth.values()
    }
    # The rarest word, counted as the search counts it: stemmed ("comes" finds "come" too).
    counts = {word: len(search(crawled[0], word)) for found in words.values() for word in found if len(word) > 4}
    article_id, word = min(
        ((i, w) for i, found in words.items() for w in found if w in counts), key=lambda p: counts[p[1]]
    )
    browser.open(f"{base}/elections/articles_list?_search={word}", ready=LIST_READY)
    heading = browser.evaluate("document.querySelector('h3').textContent.replace(/\\s+/g, ' ').trim()")
    assert heading.startswith(f'{counts[word]} row{"s" if counts[word] > 1 else ""} where search matches "{word}"')
    assert truth[article_id]["title"] in [entry["title"] for entry in browser.evaluate(LIST_ENTRIES)]


def test_an_article_reads_as_an_article(explore, browser):
    base, truth = explore
    article = next(a for a in newest_first(truth) if a["author"] and a["lead"] and a["body"].count("\n\n") > 1)
    browser.open(f"{base}/elections/articles_list", ready=LIST_READY)
    link = next(entry["href"] for entry in browser.evaluate(LIST_ENTRIES) if entry["title"] == article["title"])
    browser.open(link, ready="document.querySelector('article')")
    page = browser.evaluate("""({
        title: document.querySelector('article h1').textContent,
        meta: document.querySelector('article .meta').textContent.replace(/\\s+/g, ' '),
        lead: document.querySelector('article .lead').textContent,
        paragraphs: [...document.querySelectorAll('article .body p')].map(p => p.textContent),
        original: document.querySelector('article a.original').href,
    })""")
    published = local(article["published_at"])
    assert page["title"] == article["title"]
    assert f"{published.day} {published:%B %Y, %H:%M} (Kazakhstan time) · {article['author']}" in page["meta"]
    assert page["lead"] == article["lead"]
    assert page["paragraphs"] == article["body"].split("\n\n")
    assert page["original"] == article["url"]


def test_the_monthly_chart_counts_every_month(explore, browser):  # its SQL: tests/unit/test_archive.py
    base, truth = explore
    browser.open(f"{base}/-/dashboards/articles-per-month", ready="document.querySelector('#chart-per-month path')")
    months = Counter(f"{local(a['published_at']):%Y-%m}" for a in truth.values())
    assert chart_bars(browser, "per-month", "Month") == {m: months[m] for m in months_between(min(months), max(months))}


def test_the_phrase_chart_counts_the_phrase_by_month(explore, browser):
    base, truth = explore
    mentions = re.compile(r"\bby[- ]elections?\b", re.IGNORECASE)
    months = [f"{local(a['published_at']):%Y-%m}" for a in truth.values()]
    matching = Counter(
        f"{local(a['published_at']):%Y-%m}"
        for a in truth.values()
        if mentions.search(f"{a['title']} {a['lead'] or ''} {a['body']}")
    )
    assert matching  # the replica writes by-elections into some articles
    browser.open(
        f"{base}/-/dashboards/phrase-per-month?phrase=by-election",
        ready="document.querySelector('#chart-phrase-per-month path')",
    )
    assert chart_bars(browser, "phrase-per-month", "Month") == {
        month: matching[month] for month in months_between(min(months), max(months))
    }


def test_the_weekly_chart_counts_every_week(explore, browser):
    base, truth = explore
    browser.open(f"{base}/-/dashboards/articles-per-week", ready="document.querySelector('#chart-per-week path')")
    mondays = Counter(
        local(a["published_at"]).date() - timedelta(days=local(a["published_at"]).weekday()) for a in truth.values()
    )
    weeks = range(0, (max(mondays) - min(mondays)).days + 7, 7)
    expected = {min(mondays) + timedelta(days=days): 0 for days in weeks} | mondays
    assert chart_bars(browser, "per-week", "Week starting") == {f"{day:%b %d, %Y}": n for day, n in expected.items()}


def test_other_rows_keep_datasettes_page(explore, browser):
    base, _truth = explore
    browser.open(f"{base}/elections/crawl_runs/1")
    assert browser.evaluate("document.querySelector('article') === null")
    assert browser.evaluate("document.querySelector('table.rows-and-columns td.col-status').textContent") == "ok"


def weekly_shares_truth(truth: dict) -> dict[tuple[str, str], float]:
    """(week starting, subject id) -> the subject's share of that week's subjects' words."""
    words: Counter = Counter()
    for article_id, subjects in COVERAGE_TRUTH.items():
        day = local(truth[article_id]["published_at"]).date()
        monday = f"{day - timedelta(days=day.weekday())}"
        for subject, counts in subjects.items():
            words[(monday, subject)] += counts["words"]
    totals: Counter = Counter()
    for (week, _), n in words.items():
        totals[week] += n
    return {key: round(n / totals[key[0]], 4) for key, n in words.items() if totals[key[0]]}


def test_the_coverage_page_draws_the_weekly_shares_stacked_as_the_replica_wrote_them(
    explore, crawled, browser, tmp_path
):
    """Issue 30: each subject's share of the space, week by week: the data as Datasette serves
    it against the replica's ground truth, the chart as Chromium draws it."""
    base, truth = explore
    served = json_of(f"{base}/elections/coverage_weekly.json?_shape=array&_size=max&edition=en")
    assert {(row["week_starting"], row["subject_id"]): row["share"] for row in served} == weekly_shares_truth(truth)
    browser.open(
        f"{base}/-/dashboards/coverage?edition=en",
        ready="document.querySelectorAll('#chart-weekly-shares path').length",
    )
    bars = browser.evaluate("document.querySelectorAll('#chart-weekly-shares .mark-rect path').length")
    assert bars == len(served) > 10  # a bar segment per week and subject, stacked
    assert browser.evaluate("document.querySelector('#chart-period-shares table') !== null")
    screenshot = browser.screenshot(tmp_path / "coverage.png")
    assert screenshot.stat().st_size > 20_000  # a chart, not a blank page


def test_a_subjects_page_lists_its_articles_with_each_reference_marked(explore, browser):
    base, truth = explore
    refer = [article for article, subjects in COVERAGE_TRUTH.items() if "cec" in subjects]
    browser.open(f"{base}/elections/subjects/cec", ready="document.querySelector('.subject-page')")
    titles = browser.evaluate("[...document.querySelectorAll('.subject-article h3')].map(h => h.textContent.trim())")
    assert titles == [a["title"] for a in newest_first(truth) if a["article_id"] in refer]
    marks = browser.evaluate("[...document.querySelectorAll('.subject-page mark')].map(m => m.textContent)")
    assert set(marks) <= {"CEC", "Central Election Commission"} and len(marks) >= len(refer)


def test_the_coverage_report_is_one_file_with_its_charts(crawled, browser, tmp_path):
    """`scrapy coverage --report FILE --from --to`: one self-contained HTML file, its stacked
    weekly chart drawn as a browser draws it, its table the archive's figures."""
    db, truth = crawled
    report = tmp_path / "coverage.html"
    command = ["coverage", "--report", str(report), "--from", "2019-01-01", "--to", "2026-12-31"]
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", *command, "-s", f"ELECTIONS_DB={db}"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    page = report.read_text()
    assert "<script" not in page and "http" not in page.split("<body>")[1]  # nothing to fetch, nothing to run
    browser.open(report.as_uri(), ready="document.querySelector('svg.weekly rect')")
    shares = browser.evaluate(
        "[...document.querySelectorAll('svg.weekly rect')].map(r => [r.dataset.subject, r.getAttribute('height')])"
    )
    assert len(shares) == len(weekly_shares_truth(truth))  # a segment per week and subject
    table = browser.evaluate(
        "[...document.querySelectorAll('table.period tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))"
    )
    words: Counter = Counter()
    for subjects in COVERAGE_TRUTH.values():
        for subject, counts in subjects.items():
            words[subject] += counts["words"]
    assert sorted(int(row[6]) for row in table) == sorted(words.values())
    assert browser.screenshot(tmp_path / "report.png").stat().st_size > 20_000


def json_of(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())
