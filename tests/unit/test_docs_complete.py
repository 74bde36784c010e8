"""Lists in the docs that must name everything the code has: a setting or a layout added
without its line fails here, not in a reader's hands."""

import ast
import re
from pathlib import Path

from crawler import settings
from crawler.archive import STEMMED
from crawler.contracts import Layout
from crawler.setting_records import SETTINGS, settings_table
from crawler.site.editions import EDITIONS
from crawler.site.layouts import LAYOUTS

ROOT = Path(__file__).resolve().parents[2]


def table_names(text: str) -> set[str]:
    """The names in the first column of a Markdown table: | `NAME` | …"""
    return set(re.findall(r"^\| `([^`]+)` \|", text, re.MULTILINE))


def test_every_setting_of_ours_is_in_the_settings_table_and_no_other():
    """The table is generated from the records (make docs; make lint checks it is current)."""
    ours = {name for name in vars(settings) if name.startswith("ELECTIONS_")}
    assert {setting.name for setting in SETTINGS if setting.name.startswith("ELECTIONS_")} == ours
    assert table_names((ROOT / "docs" / "usage.md").read_text()) >= {setting.name for setting in SETTINGS}
    assert all(getattr(settings, setting.name) == setting.default for setting in SETTINGS)


def test_each_setting_is_read_where_its_record_says():
    for setting in SETTINGS:
        assert setting.read_by, setting.name
        for reader in setting.read_by:
            if reader == "Scrapy":  # one of Scrapy's own
                assert not setting.name.startswith("ELECTIONS_"), setting.name
            else:
                assert f'"{setting.name}"' in (ROOT / reader).read_text(), (setting.name, reader)


def test_every_layout_is_described_wherever_layouts_are_listed():
    stored = {str(layout.NAME) for layout in LAYOUTS}
    assert len(stored) == len(LAYOUTS) and {Layout.FALLBACK, Layout.GENERIC} <= stored  # the one list of designs
    site = (ROOT / "docs" / "site.md").read_text()
    design_table = set(re.findall(r"^\|[^|\n]+\| `(\w+)` \|", site, re.MULTILINE)) - {"layout"}  # its heading
    assert design_table == stored
    schema_row = next(
        line for line in (ROOT / "docs" / "schema.md").read_text().splitlines() if line.startswith("| `layout` |")
    )
    assert {name for name in stored if f"`{name}`" in schema_row} == stored
    metadata = (ROOT / "explore" / "metadata.yml").read_text()
    [described] = re.findall(r"^ +layout: Page design the crawler recognised \(([^)]*)\)", metadata, re.MULTILINE)
    assert set(described.replace(" ", "").split(",")) == stored


def test_the_settings_table_in_usage_md_is_the_one_the_code_writes():
    """As `make lint` (cog --check) holds it, so that `make test` fails on a drift too."""
    assert settings_table() in (ROOT / "docs" / "usage.md").read_text()
    assert "| `ELECTIONS_DB_BATCH_BYTES` | 16 MiB |" in settings_table()
    assert "| `ELECTIONS_START_URL` | empty |" in settings_table()


def test_every_file_the_docs_point_to_exists():
    cited = set()
    for doc in [ROOT / "README.md", ROOT / "bench" / "README.md", *(ROOT / "docs").glob("*.md")]:
        cited |= set(
            re.findall(r"`((?:crawler|pipelines|tests|replica|bench|explore|docs)/[\w./-]*\w)", doc.read_text())
        )
    assert cited and sorted(path for path in cited if not (ROOT / path).exists()) == []


def recipe_files(heading: str) -> set[str]:
    """The files a recipe of docs/site.md names at the head of its numbered steps."""
    site = (ROOT / "docs" / "site.md").read_text()
    steps = site[site.index(heading) :].split("\n\n")[1]
    heads = re.findall(r"^\d+\. ((?:`[^`]+`(?:,| and)? ?)+)", steps, re.MULTILINE)
    return {path for head in heads for path in re.findall(r"`([^`]+)`", head)}


def code_naming(value: str) -> set[str]:
    """The files of crawler/ and pipelines/ whose code names `value`: a string that is it, or
    a design module of that name imported (docstrings and comments aside)."""
    naming = set()
    for folder in ("crawler", "pipelines"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                named = (isinstance(node, ast.Constant) and node.value == value) or (
                    isinstance(node, ast.ImportFrom)
                    and (node.module or "").startswith("crawler.site.layouts")
                    and value in {alias.name for alias in node.names} | {(node.module or "").rsplit(".", 1)[-1]}
                )
                if named:
                    naming.add(str(path.relative_to(ROOT)))
    return naming


def test_a_new_design_touches_only_the_files_docs_site_md_names():
    steps = recipe_files("**A new page design** touches")
    for layout in LAYOUTS:
        module = layout.__name__.rsplit(".", 1)[-1]
        if layout.NAME in (Layout.FALLBACK, Layout.GENERIC):
            continue  # the crawl's own verdicts: contracts.Layout, read where a page is judged
        touched = code_naming(layout.NAME) | code_naming(module)
        allowed = {step.replace("<name>", module) for step in steps}
        assert touched <= allowed, (module, touched - allowed)
    assert {"crawler/site/layouts/<name>.py", "crawler/site/layouts/__init__.py", "docs/schema.md"} <= steps


def test_a_new_edition_touches_only_the_files_docs_site_md_names():
    steps = recipe_files("**A new edition** touches")
    for code in ("ru", "kk"):  # the English edition is every default besides
        touched = code_naming(code)
        assert touched <= steps, (code, touched - steps)
    languages = {edition.lang for edition in EDITIONS.values()}
    assert set(STEMMED) == languages - {"en"}  # every language has its stemmed index, English the porter one
