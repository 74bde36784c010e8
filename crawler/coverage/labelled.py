"""The matcher measured against people: real texts labelled by hand with the subjects they
refer to (tests/data/coverage_labelled.yaml), scored as (article, subject) pairs.

A label is per article and subject: referred to by name, by a title, and in the headline. The
matcher's pairs are the subjects of the rows `measure` makes; a pair is by title when a row
counts a reference by title, in the headline when the headline refers to it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from crawler.coverage.matcher import Matcher
from crawler.coverage.measure import measure

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "data" / "coverage_labelled.yaml"
KINDS = ("pairs", "by title", "in headline")  # what is scored


@dataclass
class Score:
    true: int = 0  # pairs both found
    false: int = 0  # found, not labelled
    missed: int = 0  # labelled, not found

    @property
    def precision(self) -> float:
        return self.true / (self.true + self.false) if self.true + self.false else 1.0

    @property
    def recall(self) -> float:
        return self.true / (self.true + self.missed) if self.true + self.missed else 1.0


@dataclass
class Scored:
    """Per language and kind, the score; and the articles each kind got wrong."""

    scores: dict[tuple[str, str], Score] = field(default_factory=lambda: defaultdict(Score))
    wrong: list[str] = field(default_factory=list)


def labelled(path: Path = LABELLED) -> list[dict]:
    return yaml.safe_load(path.read_text())


def as_article(item: dict) -> dict:
    """A labelled text as a stored article: its headline, its paragraphs as the body."""
    return {
        "article_id": item["url"],
        "lang": item["lang"],
        "title": item["title"],
        "lead": "",
        "body": item["text"].strip(),
        "published_at": f"{item['date']}T06:00:00+00:00",  # noon in Kazakhstan: the day the label is for
    }


def found(item: dict, matcher: Matcher) -> dict[str, set[str]]:
    """Kind -> the subjects the matcher finds in the text."""
    rows = measure(as_article(item), matcher)
    return {
        "pairs": {row["subject_id"] for row in rows},
        "by title": {row["subject_id"] for row in rows if row["by_title"]},
        "in headline": {row["subject_id"] for row in rows if row["in_headline"]},
    }


def wanted(item: dict) -> dict[str, set[str]]:
    """Kind -> the subjects people found in the text."""
    subjects = item["subjects"]
    return {
        "pairs": set(subjects),
        "by title": {s for s, flags in subjects.items() if "title" in flags},
        "in headline": {s for s, flags in subjects.items() if "headline" in flags},
    }


def score(items: list[dict], matcher: Matcher) -> Scored:
    scored = Scored()
    for item in items:
        got, want = found(item, matcher), wanted(item)
        for kind in KINDS:
            each = scored.scores[(item["lang"], kind)]
            each.true += len(got[kind] & want[kind])
            each.false += len(got[kind] - want[kind])
            each.missed += len(want[kind] - got[kind])
            if got[kind] != want[kind]:
                extra, lost = sorted(got[kind] - want[kind]), sorted(want[kind] - got[kind])
                scored.wrong.append(f"{item['lang']} {kind}: found {extra} missed {lost} in {item['url']}")
    return scored
