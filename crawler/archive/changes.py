"""What counts as a change of a stored article, and how it is shown.

A change in the words of the title, lead, body, author, tags or time is an edit: the earlier
version is kept. A change of form only (whitespace, punctuation, quote style), or of a field
that is not the text (the image, the dateline as parsed), is a minor edit: recorded, with no
new version. Words are compared case-folded, with difflib (Python's own, well kept, and
word-level with SequenceMatcher), which also makes the reading room's inline diffs.
"""

import difflib
import html
import json
import re
from dataclasses import dataclass
from typing import Any

from crawler.archive.schema import EDITABLE
from crawler.contracts import EventKind

SUBSTANTIVE = ("title", "lead", "body", "author", "tags", "published_at")


def comparable(column: str, value: Any) -> Any:
    """A stored or an extracted value, made comparable: tags as a list, emptiness as None."""
    if column == "tags":
        value = json.loads(value) if isinstance(value, str) else list(value or [])
    return value or None


def changed_fields(old: dict[str, Any], item: dict[str, Any], columns: tuple[str, ...] = EDITABLE) -> list[str]:
    """The columns in which the item differs from the stored article, in any way."""
    return [c for c in columns if comparable(c, old[c]) != comparable(c, item.get(c))]


def words(column: str, value: Any) -> list[str]:
    value = comparable(column, value)
    text = " ".join(value) if isinstance(value, list) else str(value or "")
    return re.findall(r"\w+", text.casefold())


@dataclass(frozen=True)
class Change:
    kind: str  # crawler.contracts.EventKind.EDITED or MINOR_EDIT
    fields: list[str]  # every field that changed, in words or in form
    words_added: int = 0
    words_removed: int = 0


def classify(old: dict[str, Any], item: dict[str, Any]) -> Change | None:
    """The change from the stored article to the item, or None when there is none."""
    fields = changed_fields(old, item)
    if not fields:
        return None
    added = removed = 0
    substantive = False
    for field in fields:
        if field not in SUBSTANTIVE:
            continue
        before, after = words(field, old[field]), words(field, item.get(field))
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
            removed += i2 - i1 if tag in ("delete", "replace") else 0
            added += j2 - j1 if tag in ("insert", "replace") else 0
        substantive = substantive or before != after
    if not substantive:
        return Change(EventKind.MINOR_EDIT, fields)
    return Change(EventKind.EDITED, fields, added, removed)


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")  # a full stop before a space, or a line's end: not "61.2"


def changed_text(
    before: list[str | None], after: list[str | None], fields: tuple[str, ...] = ("title", "lead", "body")
) -> str:
    """An edit in words, as a feed carries it: for each field that changed, the sentences
    taken out and those put in (the title whole), "before: «…» after: «…»"."""
    lines = []
    for field, old, new in zip(fields, before, after, strict=True):
        if (old or "") == (new or ""):
            continue
        old_sentences, new_sentences = (
            [s.strip() for s in _SENTENCE_END.split(text or "") if s.strip()] for text in (old, new)
        )
        went = [s for s in old_sentences if s not in new_sentences]
        came = [s for s in new_sentences if s not in old_sentences]
        lines.append(f"{field}, before: «{' '.join(went)}» after: «{' '.join(came)}»")
    return "\n".join(lines)


def paragraph_diff_html(before: str | None, after: str | None) -> str:
    """A text's change, paragraph by paragraph (paragraphs: blank-line separated): unchanged
    ones folded into a line that counts them, a changed one as its word diff, one taken out or
    put in whole, each a <p>."""
    old, new = (text.split("\n\n") if text else [] for text in (before, after))
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            count = i2 - i1
            parts.append(f'<p class="unchanged">… {count} paragraph{"s" if count > 1 else ""} unchanged …</p>')
            continue
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False)) if tag == "replace" else []
        parts += [f"<p>{word_diff_html(a, b)}</p>" for a, b in pairs]
        parts += [f"<p><del>{html.escape(paragraph)}</del></p>" for paragraph in old[i1 + len(pairs) : i2]]
        parts += [f"<p><ins>{html.escape(paragraph)}</ins></p>" for paragraph in new[j1 + len(pairs) : j2]]
    return "".join(parts)


def word_diff_html(before: str | None, after: str | None) -> str:
    """The text after, with what was taken out struck (<del>) and what was put in marked
    (<ins>), word by word; whitespace as it was."""
    old, new = re.split(r"(\s+)", before or ""), re.split(r"(\s+)", after or "")
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(html.escape("".join(new[j1:j2])))
            continue
        if tag in ("delete", "replace") and "".join(old[i1:i2]).strip():
            parts.append(f"<del>{html.escape(''.join(old[i1:i2]))}</del>")
        if tag in ("insert", "replace") and "".join(new[j1:j2]).strip():
            parts.append(f"<ins>{html.escape(''.join(new[j1:j2]))}</ins>")
        elif tag in ("insert", "replace"):
            parts.append(html.escape("".join(new[j1:j2])))
    return "".join(parts)
