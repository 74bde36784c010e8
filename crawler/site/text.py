"""Plain-text rules shared by every page layout; the words that differ by edition come from
crawler/site/editions.py."""

import hashlib
import re
import unicodedata

from crawler.site.editions import CAPITALS, SITE_NAMES, SOURCES

_SPACE = re.compile(r"[\s\x00]+")  # a NUL byte separates words as a space does
# What is no text: a lone surrogate (half an emoji, cut by a CMS: "\udfff" in its JSON), which
# no encoder takes, and a control character that is not HTML's whitespace (tab, newline, form
# feed, carriage return). Each becomes U+FFFD, so that a page's one bad character is shown as
# one, and never stops a write nor an alert.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
REPLACEMENT = "\ufffd"
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


def valid_text(value: str) -> str:
    """The text as valid Unicode: a lone surrogate or a control character (but HTML's
    whitespace) becomes U+FFFD."""
    return _NOT_TEXT.sub(REPLACEMENT, value)


def clean_text(value: str) -> str | None:
    """Every run of whitespace (NBSP and NUL included) folded to one space, the rest made valid
    text (valid_text); None if nothing is left."""
    text = valid_text(_SPACE.sub(" ", unicodedata.normalize("NFC", value))).strip()
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
