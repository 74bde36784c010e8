"""Every example of docs/querying.md that runs on the demo database prints what the page says."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from replica.crawling import ROOT

EXAMPLE = re.compile(r"```sh\n(?P<command>[^\n]*data/demo\.db[^\n]*)\n```\n```\n(?P<output>.*?)\n```", re.DOTALL)
EXAMPLES = EXAMPLE.findall((ROOT / "docs" / "querying.md").read_text())


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    """A folder holding data/demo.db as `make demo` makes it, and the reading room."""
    folder = tmp_path_factory.mktemp("demo")
    (folder / "explore").symlink_to(ROOT / "explore")  # the page's commands run from the repository
    subprocess.run(
        [sys.executable, "-m", "replica.demo", "--db", str(folder / "data" / "demo.db")],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return folder


def test_the_querying_page_has_its_examples():
    assert len(EXAMPLES) >= 19


@pytest.mark.parametrize("command, output", EXAMPLES, ids=[f"example {n}" for n in range(1, len(EXAMPLES) + 1)])
def test_a_querying_example_prints_what_the_page_says(demo_dir, command, output):
    command = command.replace(".venv/bin/", f"{Path(sys.executable).parent}/")
    result = subprocess.run(command, shell=True, cwd=demo_dir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    expected = output.splitlines()
    assert [line.rstrip() for line in result.stdout.splitlines()[: len(expected)]] == expected
