"""Lists in the docs that must name everything the code has: a setting or a layout added
without its line fails here, not in a reader's hands."""

import re
from pathlib import Path

from crawler import settings
from crawler.contracts import Layout
from crawler.settings_table import MEANINGS, settings_table
from crawler.site.layouts import LAYOUTS

ROOT = Path(__file__).resolve().parents[2]


def table_names(text: str) -> set[str]:
    """The names in the first column of a Markdown table: | `NAME` | …"""
    return set(re.findall(r"^\| `([^`]+)` \|", text, re.MULTILINE))


def test_every_setting_of_ours_is_in_the_settings_table_and_no_other():
    """The table is generated from MEANINGS (make docs; make lint checks it is current)."""
    ours = {name for name in vars(settings) if name.startswith("ELECTIONS_")}
    assert {name for name in MEANINGS if name.startswith("ELECTIONS_")} == ours
    assert table_names((ROOT / "docs" / "usage.md").read_text()) >= set(MEANINGS)


def test_every_layout_is_described_wherever_layouts_are_listed():
    stored = {str(layout.NAME) for layout in LAYOUTS}
    assert stored == {str(layout) for layout in Layout} - {Layout.UNKNOWN}  # the registry is the enum
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
