"""Contracts of the code's shape, which no crawl would notice breaking."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(folder: str) -> dict[str, set[str]]:
    """Module file -> the top-level packages it imports."""
    found = {}
    for path in (ROOT / folder).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def importers(folder: str, package: str) -> set[str]:
    """The modules under `folder` that import `package` or a module of it."""
    return {
        path
        for path, names in imported_modules(folder).items()
        if any(name == package or name.startswith(package + ".") for name in names)
    }


def test_pipelines_use_the_crawler_package_and_never_the_other_way_round():
    assert importers("crawler", "pipelines") == set()


def test_only_the_archive_package_speaks_sql():
    """Every SQL statement lives in crawler/archive/ (the scheduler's job store aside,
    which is APScheduler's own; the reading room's tag facet runs the archive's SQL through
    Datasette, and writes none)."""
    speakers = set()
    for folder in ("crawler", "pipelines", "explore"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text().lower()
            if any(word in text for word in ('"select ', '"insert ', '"update ', '"delete ', ".execute(")):
                speakers.add(str(path.relative_to(ROOT)))
    in_archive = {speaker for speaker in speakers if speaker.startswith("crawler/archive/")}
    assert in_archive and speakers - in_archive == {"crawler/scheduler/service.py", "explore/plugins/reading.py"}
    assert "apscheduler_jobs" in (ROOT / "crawler/scheduler/service.py").read_text()
    plugin = (ROOT / "explore/plugins/reading.py").read_text().lower()
    assert "tag_counts_sql(" in plugin and not any(word in plugin for word in ('"select ', '"insert ', '"update '))


def test_a_crawl_opens_the_archive_in_one_place():  # read-only opens (status, backup) aside
    """The spider, the ledger and the pipelines are handed the archive (crawler/state.py)."""
    openers = {
        path
        for folder in ("crawler", "pipelines")
        for path in (ROOT / folder).rglob("*.py")
        if "open_archive(" in path.read_text() or "open_existing(" in path.read_text()
    }
    assert {str(path.relative_to(ROOT)) for path in openers} == {
        "crawler/archive/sqlite.py",
        "crawler/state.py",  # the crawl
        "crawler/scheduler/job.py",  # the scheduler's own process
        "crawler/commands/reparse.py",
        "crawler/commands/coverage.py",
        "crawler/commands/export_warc.py",  # commands that read the archive without a crawl
    }


def test_no_benchmark_imports_a_test_module():
    assert importers("bench", "tests") == set()


def test_tests_and_benchmarks_import_the_replica_as_a_package():
    edit = "sys." + "path"  # spelt apart, so that a grep of the tree finds none either
    for folder in ("tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            assert edit not in path.read_text(), path


def test_only_the_archive_package_knows_the_database_is_sqlite():
    """The crawl, the pipelines, the scheduler and the commands catch ArchiveError and hold
    an Archive: a second backend changes crawler/archive/, not them."""
    knowing = importers("crawler", "sqlite3") | importers("crawler", "sqlite_utils") | importers("pipelines", "sqlite3")
    assert knowing | importers("pipelines", "sqlite_utils") == {
        "crawler/archive/coverage.py",
        "crawler/archive/migrations.py",
        "crawler/archive/search.py",
        "crawler/archive/sqlite.py",
    }


def test_what_is_known_of_the_site_runs_no_crawl_and_stores_nothing():
    """crawler/site/ reads responses (scrapy.http, scrapy.utils) into items (scrapy.loader)
    and is read by the spider, the site check, reparse and the replica: it never reaches for
    the engine or the archive."""
    for path, names in imported_modules("crawler/site").items():
        scrapy_parts = {name for name in names if name == "scrapy" or name.startswith("scrapy.")}
        assert all(name.startswith(("scrapy.http", "scrapy.utils", "scrapy.loader")) for name in scrapy_parts), path
        reaching = {name for name in names if name.startswith(("crawler.archive", "crawler.spiders", "pipelines"))}
        assert not reaching, path


def test_no_component_reads_the_spiders_attributes():
    """Scrapy's rule: a component takes its settings in from_crawler and is handed what it
    needs (the crawl_opened and archive_opened signals), never reading another's attributes.
    A spider's name, logger and crawler are Scrapy's own; the commands read the result of the
    spider they run (check_site's problems, save_page's page)."""
    scrapys_own = {"name", "logger", "crawler"}
    readers = set()
    for folder in ("crawler", "pipelines"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if relative.startswith(("crawler/spiders/", "crawler/commands/")) or relative == "crawler/site_check.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                spider = isinstance(node, ast.Attribute) and (
                    (isinstance(node.value, ast.Name) and node.value.id == "spider")
                    or (isinstance(node.value, ast.Attribute) and node.value.attr == "spider")
                )
                read_by_name = (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("getattr", "hasattr")
                    and "spider" in ast.unparse(node.args[0])
                )
                if (spider and node.attr not in scrapys_own) or read_by_name:
                    readers.add(f"{relative}:{node.lineno} {ast.unparse(node)}")
    assert readers == set()
