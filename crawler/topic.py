"""The topic rule: which articles of an all-news feed are election articles, for a site that
keeps no Elections listing (docs/topic-rule.md). One rule, a vocabulary per language
(English, Russian, Kazakh): an article is judged in its own language.

Each vocabulary sorts its electoral words four ways:
- anchors: electoral in every sense they have (election, referendum, ballot, CEC, polling
  station); they always count;
- openers: electoral beside an elected body (candidates, a campaign, turnout, observers);
- bodies: the elected bodies and the parties (Majilis, maslikhat, deputies, AMANAT);
- plain words: vote, elected; electoral only where the article is.

Words of the last three kinds count only in an article with an electoral context: an anchor
anywhere, or a sentence that holds an opener and a body ("candidates for the Majilis"). So
"fans cast 40,000 votes", "the board elected its chairman", "a vaccination campaign" or
"deputies voted for the budget" score nothing, without a list of every other sense. A short
list of phrases in other senses ("candidate of sciences", "кандидат в мастера спорта",
"егін науқаны") is taken out before anything is counted.

An article's score adds, for each word found in a field, its weight times the field's
weight, each counted at most MAX_COUNT times a field. An article scoring THRESHOLD or more is
an election article. Plain data and arithmetic, so that a verdict can be read and argued
with: each one says which words, in which fields, made its score and what each was worth.

Change RULE_VERSION with any change here: verdicts record the version that made them, and
`scrapy reparse` judges the kept pages again with the rule of the day.
"""

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

RULE_VERSION = 2
THRESHOLD = 5.0
MAX_COUNT = 3  # a word's occurrences counted in one field: a long body does not outvote the title

# Where a word stands: the title and the tags say what an article is about; the body
# mentions much in passing.
FIELD_WEIGHTS = {"title": 3.0, "tags": 3.0, "lead": 2.0, "body": 1.0}

Terms = dict[str, tuple[str, float]]  # name -> (pattern, from the start of a word; weight)


@dataclass(frozen=True)
class Vocabulary:
    anchors: Terms
    openers: Terms
    bodies: Terms
    plain: Terms
    other_senses: tuple[str, ...]

    @cached_property
    def patterns(self) -> dict[str, tuple[re.Pattern[str], float, str]]:
        """name -> (compiled pattern, weight, kind)."""
        kinds = {"anchor": self.anchors, "opener": self.openers, "body": self.bodies, "plain": self.plain}
        return {
            name: (re.compile(r"\b(?:" + pattern + ")"), weight, kind)
            for kind, terms in kinds.items()
            for name, (pattern, weight) in terms.items()
        }

    @cached_property
    def other_sense(self) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + "|".join(self.other_senses) + ")")


ENGLISH = Vocabulary(
    anchors={
        "election": (r"(?:by-|re-)?elections?\b|electoral|pre-election", 2.0),
        "referendum": (r"referend(?:um|a)", 2.0),
        "election commission": (r"cec\b|central election commission|election commission", 1.0),
        "polling": (r"polling (?:stations?|day|places?|booths?)|polls? (?:open|close)|exit polls?", 2.0),
        "count": (r"recounts?|run-offs?|second round|precincts?|vote count", 1.5),
        "party list": (r"party lists?|self-nominat\w*|single-member districts?|agitation", 1.5),
        "ballot": (r"ballots?\b|ballot box", 1.5),
        "voters": (r"voters?\b|electorate", 1.0),
    },
    openers={
        "candidate": (r"candidates?\b|candidacy|nominee", 1.0),
        "campaign": (r"campaign", 1.0),
        "turnout": (r"turnout", 1.0),
        "observer": (r"observers?\b|odihr|monitoring mission", 1.0),
    },
    bodies={
        "assembly": (r"majilis|mazhilis|maslikhats?|kurultai|qurultay|senate|parliament", 1.0),
        "mandate": (r"mandates?\b|deputies|deputy seats?|seats? in (?:the )?(?:majilis|parliament|kurultai)", 0.5),
        "office": (r"presiden(?:cy|tial)|akims?\b", 0.5),
        "party": (
            r"amanat|ak zhol|auyl|respublica|baitak|people's party|national social democratic party|"
            r"political part(?:y|ies)",
            0.5,
        ),
    },
    plain={
        "vote": (r"votes?\b|voting|voted\b", 1.0),
        "elected": (r"elected\b|re-elected|elect\b", 1.0),
    },
    other_senses=(
        r"candidates? (?:master|for master|of (?:\w+ )?sciences?|of the (?:national|olympic) team)",
        r"candidate (?:country|countries|city|cities|members? of nato|for (?:eu|nato) membership)",
        r"(?:vaccination|immuni[sz]ation|advertising|sowing|harvest(?:ing)?|heating|awareness|information) campaigns?",
        r"observer status",
        r"observer (?:country|state|nation)s?",
        r"(?:fan|spectator|audience|visitor|tourist) turnout",
        r"(?:price|prices|consumer|online|opinion|customer) (?:poll|survey)",
    ),
)

RUSSIAN = Vocabulary(
    anchors={
        "выборы": (r"(?:пере|до)?выбор(?:ы|ов|ам|ами|ах)\b|выборн\w*|предвыборн\w*|избирательн\w*", 2.0),
        "референдум": (r"референдум\w*", 2.0),
        "ЦИК": (r"цик\b|центризбирком\w*|избирком\w*|тик\b|уик\b", 1.0),
        "участок": (r"участков\w* комисс\w*|экзит-?пол\w*", 2.0),
        "подсчет": (r"пересчет\w* голос\w*|подсчет\w* голос\w*|втор\w+ тур\w*", 1.5),
        "партийный список": (r"партийн\w+ спис\w*|самовыдвиж\w*|одномандатн\w*|агитаци\w*|мажоритарн\w*", 1.5),
        "бюллетень": (r"бюллетен\w*", 1.5),
        "избиратели": (r"избирател(?!ьн)\w*|электорат\w*", 1.0),
    },
    openers={
        "кандидат": (r"кандидат\w*|претендент\w*", 1.0),
        "кампания": (r"кампани\w*", 1.0),
        "явка": (r"явк\w*", 1.0),
        "наблюдатель": (r"наблюдател\w*|бдипч|миссия обсе", 1.0),
    },
    bodies={
        "собрание": (r"мажилис\w*|маслихат\w*|курултай\w*|курултая|сенат\w*|парламент\w*", 1.0),
        "мандат": (r"мандат\w*|депутат\w*", 0.5),
        "должность": (r"президентск\w*|аким\w*", 0.5),
        "партия": (
            r"аманат\w*|ак жол\w*|ауыл\b|respublica|байтак\w*|народн\w+ парти\w*|осдп|"
            r"нур отан\w*|nur otan|amanat|партийн\w*|парти(?:я|и|ю|ей|ям|ями|ях)\b",
            0.5,
        ),
    },
    plain={
        "голосование": (r"голосова\w*|проголосова\w*|голос(?:а|ов|ами|ам)?\b", 1.0),
        "избран": (r"избран\w*|переизбран\w*|избрать|изберут", 1.0),
    },
    other_senses=(
        r"кандидат\w* (?:\w+ )?наук",
        r"кандидат\w* в мастера спорта|кмс\b",
        r"(?:прививочн|посевн|уборочн|отопительн|рекламн|информационн|благотворительн|маркетингов|туристическ)"
        r"\w* кампани\w*",
        r"кампани\w* по (?:вакцинаци|иммунизаци|профилактик|сбору средств)\w*",
        r"избирательн\w* (?:подход|внимани)\w*|избирательно\b",
        r"статус\w* наблюдател\w*|наблюдател\w* (?:птиц|за птиц)\w*",
        r"явк\w* (?:болельщик|зрител)\w*",
    ),
)

KAZAKH = Vocabulary(
    anchors={
        "сайлау": (r"сайлау\w*|сайлаушы\w*", 2.0),
        "референдум": (r"референдум\w*", 2.0),
        "ОСК": (r"осқ\b|орталық сайлау комиссия\w*|цик\b", 1.0),
        "учаске": (r"учаскелік\w*|exit poll", 2.0),
        "санау": (r"дауыстарды (?:қайта )?сана\w*|екінші тур\w*", 1.5),
        "партиялық тізім": (r"партиялық тізім\w*|өзін-өзі ұсын\w*|бір мандатты\w*|үгіт\w*", 1.5),
        "бюллетень": (r"бюллетен\w*", 1.5),
    },
    openers={
        "кандидат": (r"кандидат\w*|үміткер\w*", 1.0),
        "науқан": (r"науқан\w*", 1.0),
        "белсенділік": (r"белсенділі\w*", 1.0),
        "бақылаушы": (r"бақылаушы\w*|диакб|еқыұ", 1.0),
    },
    bodies={
        "жиналыс": (r"мәжіліс\w*|маслихат\w*|мәслихат\w*|құрылтай\w*|сенат\w*|парламент\w*", 1.0),
        "мандат": (r"мандат\w*|депутат\w*", 0.5),
        "лауазым": (r"президенттік\w*|әкім\w*", 0.5),
        "партия": (r"партия\w*|amanat|аманат\w*|ақ жол\w*|ауыл\b|respublica|байтақ\w*", 0.5),
    },
    plain={
        "дауыс беру": (r"дауыс\w*", 1.0),
        "сайланды": (r"сайлан\w*|сайлады", 1.0),
    },
    other_senses=(
        r"(?:\w+ )?ғылымдар\w* кандидат\w*|ғылым\w* кандидат\w*",
        r"спорт шебер\w* кандидат\w*",
        r"(?:егін|егіс|екпе|вакцина\w*|жарнама\w*|ақпараттық|қайырымдылық|жылыту|жылу|туризм|өңдеу)\w* науқан\w*",
        r"бақылаушы мәртебе\w*|құстарды бақылаушы\w*",
        r"дауыстық\w*",
    ),
)

VOCABULARIES = {"en": ENGLISH, "ru": RUSSIAN, "kk": KAZAKH}
# A sentence, where an opener needs a body beside it: up to . ! ? ; or a line's end.
_SENTENCES = re.compile(r"[^.!?;\n]+")


@dataclass(frozen=True)
class Verdict:
    selected: bool
    score: float
    # which words in which fields made the score, and what each was worth:
    # "score 9 ≥ 5 (en): title election ×1 = 6; body vote ×3 = 3"
    reason: str
    rule_version: int = RULE_VERSION
    lang: str = "en"  # whose vocabulary judged it

    def row(self, article: Mapping[str, Any], listing_url: str) -> dict[str, Any]:
        """The verdict as a topic_verdicts row (crawler/archive/schema.py), but for when and by which
        run it was judged."""
        return {"article_id": article["article_id"], "url": article["url"], "listing_url": listing_url, **asdict(self)}


def vocabulary_of(article: Mapping[str, Any]) -> tuple[str, Vocabulary]:
    """The article's language and its vocabulary: English for a language without one."""
    lang = str(article.get("lang") or "en")
    return (lang, VOCABULARIES[lang]) if lang in VOCABULARIES else ("en", ENGLISH)


def field_text(article: Mapping[str, Any], field: str, vocabulary: Vocabulary = ENGLISH) -> str:
    value = article.get(field) or ""
    if isinstance(value, list):  # tags
        value = " ; ".join(value)
    return vocabulary.other_sense.sub(" ", value.casefold().replace("ё", "е"))


def term_counts(text: str, vocabulary: Vocabulary = ENGLISH) -> dict[str, int]:
    """Electoral word -> occurrences in `text` (at most MAX_COUNT), of every kind."""
    counts = {name: min(len(pattern.findall(text)), MAX_COUNT) for name, (pattern, _, _) in vocabulary.patterns.items()}
    return {name: count for name, count in counts.items() if count}


def electoral_context(texts: list[str], vocabulary: Vocabulary) -> bool:
    """An anchor anywhere, or a sentence with an opener and a body."""
    for text in texts:
        for sentence in _SENTENCES.findall(text):
            kinds = {vocabulary.patterns[name][2] for name in term_counts(sentence, vocabulary)}
            if "anchor" in kinds or {"opener", "body"} <= kinds:
                return True
    return False


def judge(article: Mapping[str, Any]) -> Verdict:
    """The rule's verdict on an article (a dict with title, lead, tags, body and lang)."""
    lang, vocabulary = vocabulary_of(article)
    texts = {field: field_text(article, field, vocabulary) for field in FIELD_WEIGHTS}
    context = electoral_context(list(texts.values()), vocabulary)
    score, found, uncounted = 0.0, [], []
    for field, field_weight in FIELD_WEIGHTS.items():
        counted = []
        for name, count in term_counts(texts[field], vocabulary).items():
            _, weight, kind = vocabulary.patterns[name]
            if kind == "anchor" or context:
                points = field_weight * weight * count
                score += points
                counted.append(f"{name} ×{count} = {points:g}")
            else:
                uncounted.append(f"{name} ×{count}")
        if counted:
            found.append(f"{field} " + ", ".join(counted))
    selected = score >= THRESHOLD
    words = "; ".join(found) or "no electoral word"
    if uncounted:
        words += f" (not counted, no electoral context: {', '.join(uncounted)})"
    reason = f"score {score:g} {'≥' if selected else '<'} {THRESHOLD:g} ({lang}): {words}"
    return Verdict(selected, round(score, 2), reason, RULE_VERSION, lang)
