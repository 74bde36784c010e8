"""Who the replica's articles refer to (issue 30): the ground truth of subject_mentions,
stated here in the replica's own words, apart from the crawler's matcher.

The replica knows each reference it writes: a person or party it fills in, a subject a
template names (its phrase, written out here), and the sentences of SUBJECT_SENTENCES, which
refer to subjects by title and in the case forms each language gives them, written out by
hand. A title's subject is whoever held the office on the article's day. The truth of an
article is then counted from its texts: each phrase it wrote, where it stands.
"""

from dataclasses import dataclass
from datetime import date

TOKAYEV_FROM = date(2019, 3, 20)  # the President's title is Tokayev's from that day, Nazarbayev's before
ABDIROV_FROM = date(2022, 1, 25)  # the CEC chair's: Abdirov's from that day, Imashev's before


@dataclass(frozen=True)
class Phrase:
    """A reference the replica writes: its words as they stand, its subject (or the office,
    "president" or "cec_chair", whose holder the day decides) and whether it is a title."""

    text: str
    subject: str
    by_title: bool = False


def holder(office_or_subject: str, day: date) -> str:
    if office_or_subject == "president":
        return "tokayev" if day >= TOKAYEV_FROM else "nazarbayev"
    if office_or_subject == "cec_chair":
        return "abdirov" if day >= ABDIROV_FROM else "imashev"
    return office_or_subject


# The people and parties the replica fills in, by the name it writes: their subjects.
FILLED = {
    "Nurlan Abdirov": "abdirov",
    "Mukhtar Yerman": "yerman",
    "Sabila Mustafina": "mustafina",
    "Konstantin Petrov": "petrov",
    "Amanat": "amanat",
    "Ak Zhol": "ak_zhol",
    "People's Party of Kazakhstan": "peoples_party",
    "Auyl": "auyl",
    "Respublica": "respublica",
    "Baitak": "baitaq",
    "National Social Democratic Party": "nsdp",
    "Нурлан Абдиров": "abdirov",
    "Мухтар Ерман": "yerman",
    "Сабила Мустафина": "mustafina",
    "Константин Петров": "petrov",
    "Ак жол": "ak_zhol",
    "Ауыл": "auyl",
    "Байтак": "baitaq",
    "Народная партия Казахстана": "peoples_party",
    "Нұрлан Әбдіров": "abdirov",
    "Мұхтар Ерман": "yerman",
    "Сабила Мұстафина": "mustafina",
    "Ақ жол": "ak_zhol",
    "Байтақ": "baitaq",
}
# A filled-in party the Kazakh templates write as "<party> партиясы": the phrase is both.
KAZAKH_PARTY = "{party} партиясы"

# Subjects the templates name themselves: template -> the phrases, in the order they stand.
NAMED = {
    "CEC accredits {n} foreign observers": [Phrase("CEC", "cec")],
    "CEC registers {n} candidates for Majilis seats": [Phrase("CEC", "cec")],
    "CEC sums up preliminary results of {year} vote": [Phrase("CEC", "cec")],
    "The Central Election Commission accredited {n} observers from {org}, {person} said.": [
        Phrase("Central Election Commission", "cec")
    ],
    "According to the CEC, turnout reached {p}% by noon.": [Phrase("CEC", "cec")],
    "Turnout stands at {p}% at noon, the CEC says.": [Phrase("CEC", "cec")],
    "Центральная избирательная комиссия аккредитовала {n} наблюдателей от {org}, сообщил {person}.": [
        Phrase("Центральная избирательная комиссия", "cec")
    ],
    "По данным ЦИК, к полудню явка составила {p}%.": [Phrase("ЦИК", "cec")],
    "Явка к полудню составила {p}%, передает агентство Kazinform со ссылкой на ЦИК.": [Phrase("ЦИК", "cec")],
    "ЦИК аккредитовал {n} иностранных наблюдателей": [Phrase("ЦИК", "cec")],
    "ЦИК зарегистрировал {n} кандидатов в депутаты Курултая": [Phrase("ЦИК", "cec")],
    "ЦИК подвел предварительные итоги выборов {year} года": [Phrase("ЦИК", "cec")],
    "Орталық сайлау комиссиясы {org} атынан {n} байқаушыны аккредиттеді.": [Phrase("Орталық сайлау комиссиясы", "cec")],
    "ОСК мәліметінше, түскі уақытқа дейін сайлаушылардың {p}% дауыс берді.": [Phrase("ОСК", "cec")],
    "ОСК {n} шетелдік байқаушыны тіркеді": [Phrase("ОСК", "cec")],
}

# Sentences that refer to subjects by title and in their case forms, every form written out;
# and sentences whose title is someone else's (an assistant, another country's president),
# which refer to nobody. Per language: (sentence, its phrases).
SUBJECT_SENTENCES = {
    "en": [
        ("The Head of State signed the decree on the vote.", [Phrase("Head of State", "president", True)]),
        ("The observers were received by the President in Akorda.", [Phrase("President", "president", True)]),
        ("Tokayev's address opened the campaign.", [Phrase("Tokayev", "tokayev")]),
        ("The CEC Chairman briefed the observers on the count.", [Phrase("CEC Chairman", "cec_chair", True)]),
        ("Assistant to the President Erlan Karin said the campaign was calm.", []),
        ("Uzbek President Shavkat Mirziyoyev congratulated the voters.", []),
        (
            "AMANAT held its congress, and Ak Zhol and Respublica named their lists.",
            [Phrase("AMANAT", "amanat"), Phrase("Ak Zhol", "ak_zhol"), Phrase("Respublica", "respublica")],
        ),
    ],
    "ru": [
        ("Глава государства подписал указ о выборах.", [Phrase("Глава государства", "president", True)]),
        ("С Главой государства встретились наблюдатели.", [Phrase("Главой государства", "president", True)]),
        ("Президенту доложили об итогах голосования.", [Phrase("Президенту", "president", True)]),
        ("Встреча с Касым-Жомартом Токаевым прошла в Акорде.", [Phrase("Касым-Жомартом Токаевым", "tokayev")]),
        ("Токаеву доложили о ходе кампании.", [Phrase("Токаеву", "tokayev")]),
        ("По словам Нурлана Абдирова, участки готовы.", [Phrase("Нурлана Абдирова", "abdirov")]),
        ("Слово предоставили Сабиле Мустафиной.", [Phrase("Сабиле Мустафиной", "mustafina")]),
        ("Председатель ЦИК доложил о готовности участков.", [Phrase("Председатель ЦИК", "cec_chair", True)]),
        ("Народной партии Казахстана отвели время в эфире.", [Phrase("Народной партии Казахстана", "peoples_party")]),
        ("Помощник Президента прокомментировал ход выборов.", []),
        ("Президент России поздравил избирателей.", []),
    ],
    "kk": [
        ("Мемлекет басшысы сайлау туралы жарлыққа қол қойды.", [Phrase("Мемлекет басшысы", "president", True)]),
        ("Мемлекет басшысына сайлау қорытындысы баяндалды.", [Phrase("Мемлекет басшысына", "president", True)]),
        ("Тоқаевтың үндеуі жарияланды.", [Phrase("Тоқаевтың", "tokayev")]),
        ("Қасым-Жомарт Тоқаевпен кездесу өтті.", [Phrase("Қасым-Жомарт Тоқаевпен", "tokayev")]),
        ("ОСК төрағасы учаскелердің дайындығын айтты.", [Phrase("ОСК төрағасы", "cec_chair", True)]),
        ("Нұрлан Әбдіровке сұрақ қойылды.", [Phrase("Нұрлан Әбдіровке", "abdirov")]),
        ("«Аманат» партиясының съезі өтті.", [Phrase("«Аманат» партиясының", "amanat")]),
        ("Өзбекстан Президенті сайлаушыларды құттықтады.", []),
        ("Президент көмекшісі сайлау барысын түсіндірді.", []),
    ],
}


def filled_phrases(template: str, values: dict[str, str]) -> list[Phrase]:
    """The references a filled-in template holds: the subjects it names, and the person or
    party filled in (a Kazakh "<party> партиясы" as one phrase)."""
    phrases = list(NAMED.get(template, []))
    for field in ("person", "party"):
        if "{" + field + "}" in template and values[field] in FILLED:
            text = values[field]
            if field == "party" and KAZAKH_PARTY in template and values[field] not in ("Amanat", "Respublica"):
                text = f"{text} партиясы"  # the Kazakh name of a party is the phrase with its word for party
            phrases.append(Phrase(text, FILLED[values[field]]))
    return phrases


def truth(article, base_lang: str) -> dict[str, dict]:
    """What a perfect measure stores for the article (replica.content.ReplicaArticle): per
    subject, its counts as docs/coverage.md defines them, from the phrases it wrote."""
    day = article.published.date()
    phrases = sorted(set(article.phrases), key=lambda p: -len(p.text))
    rows: dict[str, dict] = {}

    def references(text: str) -> list[Phrase]:
        """The phrases in the text, whole words each, the longest first where two overlap."""
        found, taken = [], [False] * len(text)
        for phrase in phrases:
            start = text.find(phrase.text)
            while start != -1:
                end = start + len(phrase.text)
                whole = (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())
                if whole and not any(taken[start:end]):
                    found.append(phrase)
                    taken[start:end] = [True] * (end - start)
                start = text.find(phrase.text, start + 1)
        return found

    def row(subject: str) -> dict:
        return rows.setdefault(subject, dict.fromkeys(COUNTS, 0))

    for phrase in references(article.title):
        r = row(holder(phrase.subject, day))
        r["mentions"] += 1
        r["by_title"] += int(phrase.by_title)
        r["in_headline"] = 1
    paragraphs = [p for p in [article.lead, *article.paragraphs] if p]
    total = sum(len(p.split()) for p in paragraphs)
    for number, paragraph in enumerate(paragraphs):
        found = references(paragraph)
        for subject in {holder(p.subject, day) for p in found}:
            own = [p for p in found if holder(p.subject, day) == subject]
            r = row(subject)
            r["mentions"] += len(own)
            r["by_title"] += sum(p.by_title for p in own)
            r["words"] += len(paragraph.split())
            r["words_by_name"] += len(paragraph.split()) if any(not p.by_title for p in own) else 0
            r["in_lead"] |= int(number == 0 and article.lead is not None)
            r["quoted"] |= int(any(mark in paragraph for mark in '«»“”"'))
    for r in rows.values():
        r["article_words"] = total
        r["significant"] = int(total > 0 and r["words"] >= 0.25 * total)
    return rows


COUNTS = ("mentions", "by_title", "in_headline", "in_lead", "quoted", "words", "words_by_name")
