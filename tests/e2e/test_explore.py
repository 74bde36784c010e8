"""make explore: the archive in Datasette, looked at with a real headless browser."""

import html
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter

import pytest

from replica import ReplicaServer, ReplicaSite
from replica.crawling import ROOT, crawl

CHROMIUM = shutil.which("chromium")
if not (CHROMIUM and importlib.util.find_spec("datasette")):
    if os.environ.get("CI"):  # .ci/run installs both: in CI this test must run
        raise RuntimeError("the Datasette browser test needs chromium and datasette")
    pytest.skip("needs Debian's chromium and the explore extra (make test installs it)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def explore(tmp_path_factory):
    """A crawled archive served by explore/serve.py; yields (base URL, ground truth)."""
    folder = tmp_path_factory.mktemp("explore")
    db = folder / "elections.db"
    with ReplicaServer(ReplicaSite(articles=40, seed=8)) as server:
        assert crawl("-a", f"start_url={server.start_url}", db=db).returncode == 0
        truth = server.site.expected_items(server.base_url)
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
    yield base, truth, folder
    process.terminate()
    process.wait()


def rendered(url: str, profile) -> str:
    """The page's DOM after headless Chromium has run its scripts."""
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=8000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_articles_page_lists_the_crawled_articles(explore):
    base, truth, folder = explore
    page = rendered(f"{base}/elections/articles", folder / "profile-1")
    assert "40 rows" in page
    for article in truth.values():
        assert html.escape(article["title"], quote=False) in page


def test_a_search_for_a_word_from_one_article_finds_it(explore):
    base, truth, folder = explore
    words = {
        a["article_id"]: set(re.findall(r"\w+", f"{a['title']} {a['lead'] or ''} {a['body']}".lower()))
        for a in truth.values()
    }
    counts = Counter(word for found in words.values() for word in found)
    article_id, word = min(
        ((i, w) for i, found in words.items() for w in found if len(w) > 4), key=lambda p: counts[p[1]]
    )
    page = rendered(f"{base}/elections/articles?_search={word}", folder / "profile-2")
    assert f'{counts[word]} row{"s" if counts[word] > 1 else ""} where search matches "{word}"' in page
    assert html.escape(truth[article_id]["title"], quote=False) in page


def test_the_weekly_chart_is_drawn(explore):
    base, _truth, folder = explore
    page = rendered(f"{base}/-/dashboards/articles-per-week", folder / "profile-3")
    assert 'id="chart-per-week"' in page
    assert re.search(r'<svg[^>]*class="marks"', page) and "mark-rect" in page  # Vega drew the bars


def test_the_monthly_chart_is_drawn(explore):  # its empty months: tests/unit/test_archive.py
    base, _truth, folder = explore
    page = rendered(f"{base}/-/dashboards/articles-per-month", folder / "profile-4")
    assert 'id="chart-per-month"' in page
    assert re.search(r'<svg[^>]*class="marks"', page) and "mark-rect" in page
