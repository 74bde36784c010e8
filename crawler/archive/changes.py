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
