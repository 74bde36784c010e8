"""The docs name tests as proof: each name they cite is a test that exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_the_docs_cite_exists():
    defined = {
        name
        for path in (ROOT / "tests").rglob("test_*.py")
        for name in re.findall(r"^def (test_\w+)\(", path.read_text(), re.MULTILINE)
    }
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "README.md"]:
        cited = set(re.findall(r"\b(test_\w+)\b", doc.read_text()))
        cited = {
            name
            for name in cited
            if not (ROOT / "tests" / "e2e" / f"{name}.py").exists()
            and not (ROOT / "tests" / "unit" / f"{name}.py").exists()
        }  # a module's name, not a test's
        assert cited <= defined, (doc.name, sorted(cited - defined))
