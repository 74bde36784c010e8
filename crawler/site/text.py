"""Plain-text rules shared by every page layout; the words that differ by edition come from
crawler/site/editions.py."""

import hashlib
import re
import unicodedata

from crawler.site.editions import CAPITALS, SITE_NAMES, SOURCES

_SPACE = re.compile(r"[\s\x00]+")  # a NUL byte separates words as a space does
# og:title and <title> may end with " | Kazinform" or " | Qazinform News Agency".
_SITE_SUFFIX = re.compile(rf"\s+[|–—]\s+[^|–—]*(?:{'|'.join(SITE_NAMES)})[^|–—]*$", re.IGNORECASE)
# "ASTANA. KAZINFORM The ...", "NUR-SULTAN. KAZINFORM – Parliamentary ...", "ҚЫЗЫЛОРДА. KAZINFORM — ...".
_DATELINE = re.compile(
    rf"^(?P<dateline>[{CAPITALS}][{CAPITALS}\- ]*[{CAPITALS}])[.,]\s*(?P<source>{'|'.join(SOURCES)})\b\s*(?:[–—-]\s*)?"
)
_AUTHOR_LABEL = re.compile(r"^(?:Author|Автор)\s*:\s*", re.IGNORECASE)
# A picture's credit line set between paragraphs: "Photo credit: Akorda", "Фото: Акорда",
# "Коллаж: Kazinform", "кадр из видео". Short, and never text (docs/site.md).
_CREDIT_LINE = re.compile(
    r"^(?:(?:photo(?: credit)?|photos|фото|коллаж|collage|video|видео)\s*:\s*\S.{0,60}|кадр из видео)$",
    re.IGNORECASE,
)


def clean_text(value: str) -> str | None:
    """Fold every run of whitespace (NBSP included) to one space; None if nothing is left."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", value)).strip()
    return text or None


def strip_site_name(title: str) -> str:
    return _SITE_SUFFIX.sub("", title)


def split_dateline(paragraph: str) -> tuple[str | None, str | None, str]:
    """Return (dateline, source, rest of the paragraph)."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None, None, paragraph
    return match["dateline"], match["source"], paragraph[match.end() :]


def is_credit_line(text: str) -> bool:
    return bool(_CREDIT_LINE.match(text))


def is_author_line(text: str) -> bool:
    return bool(_AUTHOR_LABEL.match(text))


def author_name(text: str) -> str | None:
    """'Author: Aigerim Sadykova' -> 'Aigerim Sadykova'."""
    return clean_text(_AUTHOR_LABEL.sub("", text))


def word_count(text: str) -> int:
    return len(text.split())


def content_hash(title: str | None, lead: str | None, body: str | None) -> str:
    """SHA-256 of the article's text: title, lead and body joined by NUL bytes."""
    text = "\0".join(part or "" for part in (title, lead, body))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
