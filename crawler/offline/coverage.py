"""Who gets the coverage, offline (`scrapy coverage`): the whole archive measured again with
today's subjects and matcher, a period's report, and the round trip of tone coded by people —
a stratified sample of (article, subject) pairs out as CSV, each coder's file in, and the
agreement between them (Krippendorff's alpha, the `krippendorff` package)."""

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from crawler.archive import TONES, Archive
from crawler.coverage.matcher import Matcher
from crawler.coverage.measure import made_by, measure, referenced_texts
from crawler.coverage.report import CoverageReport, render
from crawler.coverage.subjects import Subjects

SAMPLE_COLUMNS = ("article_id", "subject_id", "subject", "edition", "published_at", "title", "url", "passage", "tone")


@dataclass
class Measured:
    articles: int = 0
    rows: int = 0
    before: dict[str, int] = field(default_factory=dict)  # made_by -> rows, as the archive held them

    def line(self, subjects: Subjects) -> str:
        earlier = "; ".join(f"{made} ({rows} rows)" for made, rows in sorted(self.before.items())) or "none"
        return (
            f"coverage: {self.articles} articles measured, {self.rows} subject_mentions rows, made by "
            f"{made_by(subjects)}; before: {earlier}"
        )


def remeasure(archive: Archive, matcher: Matcher) -> Measured:
    """Every article measured again, a batch a transaction; the subjects tables as the file has them."""
    measured = Measured(before=archive.mentions_made_by())
    with archive.transaction():
        archive.save_subjects(matcher.subjects)
    for batch in archive.articles_to_measure():
        rows = {article["article_id"]: measure(article, matcher) for article in batch}
        with archive.transaction():
            measured.rows += archive.save_mentions(rows)
        measured.articles += len(batch)
    return measured


def write_sample(archive: Archive, matcher: Matcher, path: Path, size: int, seed: int) -> int:
    """A stratified sample of `size` pairs as CSV, the tone left for a coder to fill in; each
    pair with the paragraphs that refer to its subject (its passage). Returns how many."""
    pairs = archive.coding_sample(size, seed)
    texts = {
        article["article_id"]: article
        for batch in archive.articles_to_measure()
        for article in batch
        if article["article_id"] in {pair["article_id"] for pair in pairs}
    }
    with open(path, "w", newline="", encoding="utf-8-sig") as file:  # a BOM: spreadsheets read Cyrillic right
        writer = csv.DictWriter(file, SAMPLE_COLUMNS)
        writer.writeheader()
        for pair in pairs:
            writer.writerow(
                {**pair, "passage": passage(texts[pair["article_id"]], pair["subject_id"], matcher), "tone": ""}
            )
    return len(pairs)


def passage(article: dict, subject_id: str, matcher: Matcher) -> str:
    """The article's paragraphs that refer to the subject, and its headline if it does."""
    return " ¶ ".join(
        text
        for text, references in referenced_texts(article, matcher)
        if any(r.subject_id == subject_id for r in references)
    )


@dataclass
class Imported:
    coded: int = 0
    blank: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self, path: Path, coder: str) -> str:
        line = f"coverage: {self.coded} pairs coded by {coder} imported from {path}, {self.blank} left blank"
        return line + (f", {len(self.problems)} rows refused" if self.problems else "")


class CodingFileError(ValueError):
    """A coded file that cannot be read at all: nothing of it is imported."""


def import_codes(archive: Archive, path: Path, coder: str) -> Imported:
    """One coder's file: each row with a known pair and a tone is taken (a pair coded again
    takes the new tone); each bad row is one line in `problems`, and nothing already imported
    is touched by it."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
            columns = set(rows[0]) if rows else set()
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CodingFileError(f"{path} cannot be read as CSV ({error})") from None
    missing = {"article_id", "subject_id", "tone"} - columns
    if rows and missing:
        raise CodingFileError(
            f"{path} has no column {', '.join(sorted(missing))}: is it a sample scrapy coverage wrote?"
        )
    imported = Imported()
    good: dict[tuple[str, str], dict] = {}  # pair -> its row
    first_line: dict[tuple[str, str], int] = {}
    known = archive.known_pairs([(row["article_id"], row["subject_id"]) for row in rows])
    for number, row in enumerate(rows, start=2):  # the header is line 1
        pair, tone = (row["article_id"], row["subject_id"]), (row["tone"] or "").strip().lower()
        if not tone:
            imported.blank += 1
        elif tone not in TONES:
            imported.problems.append(
                f"{path} line {number}: tone must be one of {', '.join(TONES)}, got {row['tone']!r}"
            )
        elif pair not in known:
            imported.problems.append(
                f"{path} line {number}: the archive has no article {pair[0]} referring to {pair[1]}"
            )
        elif pair in first_line:
            imported.problems.append(f"{path} line {number}: the pair is coded on line {first_line[pair]} already")
        else:
            first_line[pair] = number
            good[pair] = {
                "article_id": pair[0],
                "subject_id": pair[1],
                "coder": coder,
                "tone": tone,
                "source": str(path),
            }
    with archive.transaction():
        archive.save_tones(list(good.values()))
    imported.coded = len(good)
    return imported


def agreement(archive: Archive) -> tuple[float | None, int]:
    """Krippendorff's alpha (ordinal: negative < neutral < positive) over the pairs two or
    more coders coded, and how many such pairs; None with fewer than two coders on any."""
    import krippendorff  # numpy behind it: only where the agreement is asked for

    coded: dict[tuple[str, str], dict[str, int]] = {}
    for row in archive.coded_tones():
        coded.setdefault((row["article_id"], row["subject_id"]), {})[row["coder"]] = TONES.index(row["tone"])
    twice = {pair: tones for pair, tones in coded.items() if len(tones) > 1}
    coders = sorted({coder for tones in twice.values() for coder in tones})
    if len(coders) < 2:
        return None, len(twice)
    data = [[twice[pair].get(coder, math.nan) for pair in sorted(twice)] for coder in coders]
    values = {value for tones in twice.values() for value in tones.values()}
    if len(values) < 2:  # every coder gave one tone throughout: agreement is perfect, alpha undefined
        return 1.0, len(twice)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")), len(twice)


def write_report(archive: Archive, path: Path, start: str, end: str) -> CoverageReport:
    alpha, coded_twice = agreement(archive)
    report = CoverageReport(
        start,
        end,
        archive.coverage_period(start, end),
        archive.coverage_weeks(start, end),
        archive.coverage_incumbents(start, end),
        archive.tone_summary(),
        alpha,
        coded_twice,
    )
    partial = path.with_name(path.name + ".partial")
    partial.write_text(render(report), encoding="utf-8")
    partial.replace(path)
    return report
