"""Per article and subject, what observers measure: how often it is referred to, by name and
by title, whether in the headline or the lead, whether quoted, and the space given to it: the
words of the paragraphs that refer to it (the online analogue of print's square centimetres).

An article's paragraphs are its lead and the paragraphs of its body; its headline is counted
apart. A subject is "significant" in an article when those paragraphs hold at least a quarter
of its words (Pew's campaign coverage index). One row per article and subject it refers to,
each recording the subjects file and matcher that made it (`made_by`).
"""

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from crawler.coverage.matcher import MATCHER_VERSION, Matcher, Reference
from crawler.coverage.subjects import Subjects, current
from crawler.coverage.words import QUOTES, word_count

SIGNIFICANT = 0.25  # of an article's words, for a subject to be a significant presence in it
ALMATY = ZoneInfo("Asia/Almaty")


def made_by(subjects: Subjects) -> str:
    """What made a subject_mentions row: the subjects file's version and the matcher's."""
    return f"subjects {subjects.version}; matcher {MATCHER_VERSION}"


_MATCHERS: dict[str, Matcher] = {}


def matcher_of(subjects: Subjects) -> Matcher:
    """The subjects as a matcher, built once a process for each file's version."""
    if subjects.version not in _MATCHERS:
        _MATCHERS[subjects.version] = Matcher(subjects)
    return _MATCHERS[subjects.version]


def current_matcher() -> Matcher:
    """The repository's subjects, as a matcher."""
    return matcher_of(current())


def local_day(published_at: str) -> date:
    """The day in Kazakhstan of an ISO UTC time: the day a title's holder is read for."""
    return datetime.fromisoformat(published_at).astimezone(ALMATY).date()


def paragraphs_of(article: dict) -> list[str]:
    lead, body = article.get("lead"), article.get("body") or ""
    return [p for p in [lead, *body.split("\n\n")] if p]


def referenced_texts(article: dict, matcher: Matcher) -> list[tuple[str, list[Reference]]]:
    """The article's headline and paragraphs, each with its references: the article read whole
    (an office it gives to another country is that one's wherever it stands bare)."""
    texts = [article.get("title") or "", *paragraphs_of(article)]
    day = local_day(article["published_at"])
    return list(zip(texts, matcher.article_references(texts, article.get("lang") or "", day), strict=True))


def measure(article: dict, matcher: Matcher) -> list[dict]:
    """The article's subject_mentions rows (an article: article_id, lang, title, lead, body,
    published_at)."""
    if not article.get("published_at"):
        return []
    (_, headline), *paragraphs = referenced_texts(article, matcher)
    rows: dict[str, dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for reference in headline:
        add(rows[reference.subject_id], reference)
        rows[reference.subject_id]["in_headline"] = 1
    for number, (text, references) in enumerate(paragraphs):
        quoted = bool(QUOTES.search(text))
        for subject_id in {r.subject_id for r in references}:
            row = rows[subject_id]
            own = [r for r in references if r.subject_id == subject_id]
            for reference in own:
                add(row, reference)
            row["words"] += word_count(text)
            if any(not r.by_title for r in own):
                row["words_by_name"] += word_count(text)
            row["in_lead"] |= int(number == 0 and text == article.get("lead"))
            row["quoted"] |= int(quoted)
    total = sum(word_count(text) for text, _ in paragraphs)
    return [
        {
            "article_id": article["article_id"],
            "subject_id": subject_id,
            **row,
            "article_words": total,
            "significant": int(total > 0 and row["words"] >= SIGNIFICANT * total),
            "made_by": made_by(matcher.subjects),
        }
        for subject_id, row in sorted(rows.items())
    ]


COUNTS = ("mentions", "by_title", "in_headline", "in_lead", "quoted", "words", "words_by_name")


def add(row: dict, reference: Reference) -> None:
    row["mentions"] += 1
    row["by_title"] += int(reference.by_title)
