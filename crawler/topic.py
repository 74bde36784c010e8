"""The topic rule: which articles of an all-news feed are election articles, for a site that
keeps no Elections listing (docs/topic-rule.md).

An article's score adds, for each electoral term found in a field, the term's weight times
the field's weight, each term counted at most MAX_COUNT times a field. Phrases that use the
words in other senses ("candidate master", "vaccination campaign", "elected chairman of
the board") are taken out before the terms are counted. An article scoring THRESHOLD or more
is an election article. Plain data and arithmetic, so that a verdict can be read and argued
with: each one says which terms made its score.

Change RULE_VERSION with any change here: verdicts record the version that made them, and
`scrapy reparse` judges the kept pages again with the rule of the day.
"""

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

RULE_VERSION = 1
THRESHOLD = 5.0
MAX_COUNT = 3  # a term's occurrences counted in one field: a long body does not outvote the title

# Where a term stands: the title and the tags say what an article is about; the body
# mentions much in passing.
FIELD_WEIGHTS = {"title": 3.0, "tags": 3.0, "lead": 2.0, "body": 1.0}

# Electoral terms, by name: (pattern, weight). Patterns match lower-cased text from the
# start of a word.
TERMS: dict[str, tuple[str, float]] = {
    "election": (r"(?:by-|re-)?elections?\b|electoral|pre-election", 2.0),
    "referendum": (r"referend(?:um|a)", 2.0),
    "election commission": (r"cec\b|central election commission|election commission", 1.0),
    "polling": (r"polling (?:stations?|day|places?|booths?)|polls? (?:open|close)|exit polls?", 2.0),
    "count": (r"recounts?|run-offs?|second round|precincts?|vote count", 1.5),
    "party list": (r"party lists?|self-nominat\w*|single-member districts?|agitation", 1.5),
    "ballot": (r"ballots?\b|ballot box", 1.5),
    "vote": (r"votes?\b|voting|voters?\b|voted\b|electorate", 1.0),
    "candidate": (r"candidates?\b|candidacy|nominee", 1.0),
    "elected": (r"elected\b|re-elected|elect\b", 1.0),
    "turnout": (r"turnout", 1.0),
    "observer": (r"observers?\b|odihr|monitoring mission", 1.0),
    "campaign": (r"campaign", 1.0),
    "mandate": (r"mandates?\b|deputies|deputy seats?|seats? in (?:the )?(?:majilis|mazhilis|parliament|kurultai)", 0.5),
    "assembly": (r"majilis|mazhilis|maslikhats?|kurultai|qurultay", 1.0),
    "party": (r"amanat|ak zhol|auyl|respublica|baitak|people's party|national social democratic party", 0.5),
}

# The same words in other senses: removed from the text before the terms are counted.
OTHER_SENSES = [
    r"candidates? (?:master|for master|of (?:\w+ )?sciences?|of the (?:national|olympic) team)",
    r"candidate (?:country|countries|city|cities|members? of nato|for (?:eu|nato) membership)",
    r"(?:vaccination|immuni[sz]ation|advertising|sowing|harvest(?:ing)?|heating|awareness|information|marketing|"
    r"fundraising|tree-planting|clean-up|spring field|anti-drug|recruitment|crowdfunding|tourist|tourism|military|"
    r"pr|media|charity|promotional|vaccine|ad|social media|export|sales|eradication) campaigns?",
    r"(?:re-)?elected (?:as )?(?:the )?(?:rector|chairman|chairwoman|captain|coach)\b",
    r"(?:re-)?elected by (?:the )?(?:academic council|board|shareholders|general meeting|members of the)",
    r"(?:(?:was|were|is|has been|been|unanimously) )?(?:re-)?elected (?:as )?(?:the )?(?:new )?"
    r"(?:chairman|chairwoman|chair|head|president|secretary general|member|captain|rector)s? of (?:the )?"
    r"(?:\w+ ){0,4}(?:board|federation|council|association|union|club|committee|chamber|academy|company|team)",
    r"observer status",
    r"observer (?:country|state|nation)s?",
    r"(?:fan|spectator|audience|visitor|tourist) turnout",
    r"turnout (?:at|for) (?:the )?(?:\w+ ){0,2}(?:concert|match|festival|marathon|game|fair|exhibition|show|race)",
    r"(?:price|prices|consumer|online|opinion|customer) (?:poll|survey)",
    r"vote of (?:no )?confidence in (?:the )?(?:brand|product)",
    r"(?:people's|audience|viewers'?) choice (?:vote|award)",
]

_TERMS = {name: re.compile(r"\b(?:" + pattern + ")") for name, (pattern, _) in TERMS.items()}
_OTHER_SENSES = re.compile(r"\b(?:" + "|".join(OTHER_SENSES) + ")")


@dataclass(frozen=True)
class Verdict:
    selected: bool
    score: float
    reason: str  # which terms in which fields made the score: "score 9.0 ≥ 6: title election ×1; body vote ×3"
    rule_version: int = RULE_VERSION

    def row(self, article: Mapping[str, Any], listing_url: str) -> dict[str, Any]:
        """The verdict as a topic_verdicts row (crawler/archive/schema.py), but for when and by which
        run it was judged."""
        return {"article_id": article["article_id"], "url": article["url"], "listing_url": listing_url, **asdict(self)}


def field_text(article: Mapping[str, Any], field: str) -> str:
    value = article.get(field) or ""
    if isinstance(value, list):  # tags
        value = " ; ".join(value)
    return _OTHER_SENSES.sub(" ", value.casefold())


def term_counts(text: str) -> dict[str, int]:
    """Electoral term -> occurrences in `text` (at most MAX_COUNT)."""
    counts = {name: min(len(pattern.findall(text)), MAX_COUNT) for name, pattern in _TERMS.items()}
    return {name: count for name, count in counts.items() if count}


def judge(article: Mapping[str, Any]) -> Verdict:
    """The rule's verdict on an article (a dict with title, lead, tags and body)."""
    score, found = 0.0, []
    for field, field_weight in FIELD_WEIGHTS.items():
        counts = term_counts(field_text(article, field))
        score += sum(field_weight * TERMS[name][1] * count for name, count in counts.items())
        if counts:
            found.append(f"{field} " + ", ".join(f"{name} ×{count}" for name, count in counts.items()))
    selected = score >= THRESHOLD
    terms = "; ".join(found) or "no electoral term"
    reason = f"score {score:g} {'≥' if selected else '<'} {THRESHOLD:g}: {terms}"
    return Verdict(selected, round(score, 2), reason, RULE_VERSION)
