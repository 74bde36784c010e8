"""Who the coverage is about (issue 30): the subjects file, the matcher on the forms this
agency's text uses in three languages, and the measures per article and subject."""

from datetime import date
from pathlib import Path

import pytest

from crawler.coverage.forms import kazakh_forms
from crawler.coverage.matcher import MATCHER_VERSION
from crawler.coverage.measure import current_matcher, measure
from crawler.coverage.subjects import SubjectsError, current, load
from crawler.coverage.words import words

AFTER = date(2022, 11, 1)  # Tokayev the President
BEFORE = date(2018, 5, 1)  # Nazarbayev


def found(text: str, lang: str, day: date = AFTER) -> list[tuple[str, bool, str]]:
    """(subject, by title, the words) of each reference, in order."""
    return [(r.subject_id, r.by_title, text[r.start : r.end]) for r in current_matcher().references(text, lang, day)]


@pytest.mark.parametrize(
    "form", ["Токаев", "Токаева", "Токаеву", "Токаевым", "Токаеве", "Касым-Жомарта Токаева", "Касым-Жомарту Токаеву"]
)
def test_every_case_of_a_russian_name_is_found(form):
    assert [subject for subject, _, _ in found(f"Встреча: {form} и делегаты.", "ru")] == ["tokayev"]


@pytest.mark.parametrize(
    ("form", "subject"),
    [
        ("Турсынбековой", "turssynbekova"),
        ("Еспаевой", "yespayeva"),
        ("Кажыкена", "kazhyken"),
        ("Дайрабаеву", "dairabayev"),
        ("Каракат Абден", "abden"),
        ("Нурлана Абдирова", "abdirov"),
        ("Народной партии Казахстана", "peoples_party"),
        ("партии Amanat", "amanat"),
        ("Центральной избирательной комиссией", "cec"),
    ],
)
def test_russian_surnames_female_indeclinable_and_phrases_match_in_every_case(form, subject):
    assert [s for s, _, _ in found(f"Слово взяла {form} вчера.", "ru")] == [subject]


@pytest.mark.parametrize(
    "form", ["Главы государства", "Главой государства", "Президентом", "Президенту", "главе государства"]
)
def test_a_russian_title_in_every_case_is_whoever_held_the_office_that_day(form):
    assert found(f"Встреча с {form} прошла.", "ru") == [("tokayev", True, form)]
    assert found(f"Встреча с {form} прошла.", "ru", BEFORE) == [("nazarbayev", True, form)]


@pytest.mark.parametrize(
    "form",
    ["Тоқаев", "Тоқаевтың", "Тоқаевқа", "Тоқаевты", "Тоқаевтан", "Тоқаевпен", "Тоқаевта", "Қасым-Жомарт Тоқаевтың"],
)
def test_kazakh_names_match_in_each_case_form_by_vowel_harmony(form):
    assert [s for s, _, _ in found(f"Бүгін {form} сөз сөйледі.", "kk")] == ["tokayev"]


@pytest.mark.parametrize(
    ("text", "subject", "title"),
    [
        ("«Аманат» партиясының съезі өтті.", "amanat", False),
        ("«Аманат» партиясынан кандидат.", "amanat", False),
        ("Мемлекет басшысының сөзі.", "tokayev", True),
        ("Мемлекет басшысына хат.", "tokayev", True),
        ("ОСК төрағасы сөйледі.", "abdirov", True),
        ("Орталық сайлау комиссиясының отырысы.", "cec", False),
        ("Елбасының сөзі.", "nazarbayev", False),
        ("«Ауыл» партиясы съезд өткізді.", "auyl", False),
    ],
)
def test_kazakh_phrases_decline_in_their_last_word(text, subject, title):
    [(found_subject, by_title, _)] = found(text, "kk")
    assert (found_subject, by_title) == (subject, title)


def test_kazakh_forms_take_the_harmony_of_the_stem_and_the_sound_it_ends_in():
    assert {"тоқаевтың", "тоқаевқа", "тоқаевты", "тоқаевтан", "тоқаевпен", "тоқаевта"} <= kazakh_forms("Тоқаев")
    assert {"ерманның", "ерманға", "ерманды", "ерманнан", "ерманбен"} <= kazakh_forms("Ерман")
    assert {"қажыкеннің", "қажыкенге", "қажыкенді"} <= kazakh_forms("Қажыкен")  # front
    assert {"басшысының", "басшысына", "басшысын", "басшысынан"} <= kazakh_forms("басшысы")  # after the possessive
    assert "тоқаевтің" not in kazakh_forms("Тоқаев") and "ауылдың" not in kazakh_forms("сайлау")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Uzbek President Shavkat Mirziyoyev arrived.", "en"),
        ("The President of Uzbekistan arrived.", "en"),
        ("Assistant to the President Erlan Karin said.", "en"),
        ("President Putin called.", "en"),
        ("Помощник Президента сообщил.", "ru"),
        ("Президент России прибыл.", "ru"),
        ("Указом Президента назначены выборы.", "ru"),
        ("Выборы главы государства прошли.", "ru"),
        ("Кандидаты на пост главы государства.", "ru"),
        ("Өзбекстан Президенті келді.", "kk"),
        ("Мемлекет басшысы сайлауы өтті.", "kk"),
        ("Мемлекет басшысының жарлығымен тағайындалды.", "kk"),  # a decree of the office
        ("The Kyrgyz CEC said.", "en"),
        ("ЦИК России сообщил.", "ru"),
        ("The decree of the President of the Republic was signed.", "en"),  # the office's decree
        ("ҚР Президентінің кезектен тыс сайлауы өтеді.", "kk"),  # its election, words between
        ("Он стал κандидатом в Президенты.", "ru"),  # every form of a context word, a Greek letter in it
        ("Содружество профсоюзов Казахстана «Аманат» выдвинуло кандидата.", "ru"),  # the unions, not the party
        ("He was nominated by the «Amanat» Union of Trade Unions.", "en"),
    ],
)
def test_a_title_that_is_someone_elses_is_no_reference(text, lang):
    assert found(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "day"),
    [
        ("CEC Chairman Kuandyk Turgankulov opened the conference.", "en", date(2016, 1, 25)),  # before Imashev
        ("Председатель ЦИК Казахстана Куандык Тургонкулов сообщил.", "ru", date(2014, 10, 1)),
        ("The CEC Chairman noted the turnout.", "en", date(2015, 4, 26)),  # nobody of ours held it then
    ],
)
def test_a_title_before_its_holder_took_office_or_before_another_persons_name_is_no_reference(text, lang, day):
    assert found(text, lang, day) == []


def test_an_officials_title_that_names_the_commission_is_the_official_not_the_commission():
    assert found("Member of the Kazakh CEC Yerlan Dauylbayev told a briefing.", "en") == []
    assert found("Сообщил секретарь ЦИК Бахыт Мельдешов.", "ru", date(2016, 3, 20)) == []
    assert found("Деді Орталық сайлау комиссиясының мүшесі Анастасия Щегорцова.", "kk") == []
    assert found("Acting Chairman of the CEC Konstantin Petrov said.", "en") == [("petrov", False, "Konstantin Petrov")]


def test_an_abbreviation_in_brackets_restates_the_reference_before_it():
    assert found("Центральная избирательная комиссия (ЦИК) РК сообщила.", "ru") == [
        ("cec", False, "Центральная избирательная комиссия")
    ]
    assert found("Chairman of the Central Election Commission (CEC) Nurlan Abdirov said.", "en") == [
        ("abdirov", False, "Nurlan Abdirov")
    ]


def article(texts: list[str], lang: str, day: date) -> list[list[tuple[str, bool]]]:
    return [
        [(r.subject_id, r.by_title) for r in references]
        for references in current_matcher().article_references(texts, lang, day)
    ]


def test_an_office_an_article_gives_to_another_country_is_that_ones_where_it_stands_bare():
    russia = [
        "Председатель Центризбиркома России Элла Памфилова выступила.",
        "Глава ЦИК добавила, что у ЦИК нет плана.",
    ]
    assert article(russia, "ru", date(2021, 7, 1)) == [[], []]
    # tied home anywhere in the article: the bare one is this country's
    both = ["ЦИК Казахстана встретил гостей из ЦИК России.", "В ЦИК объяснили порядок."]
    assert article(both, "ru", AFTER) == [[("cec", False)], [("cec", False)]]
    # an article that names the office's holder: the office is home
    visit = ["Нурсултан Назарбаев пожелал Президенту Узбекистана здоровья.", "Глава государства выразил уверенность."]
    assert article(visit, "ru", date(2015, 3, 31)) == [[("nazarbayev", False)], [("nazarbayev", True)]]


def test_a_lower_case_title_of_this_country_is_its_holder_and_a_candidacy_is_not():
    assert found("Поздравили действующего президента Казахстана.", "ru") == [("tokayev", True, "президента Казахстана")]
    assert found("Он выдвинут кандидатом в президенты Казахстана.", "ru") == []
    assert found("Первый президент Казахстана Нурсултан Назарбаев проголосовал.", "ru") == [
        ("nazarbayev", False, "Первый президент Казахстана"),
        ("nazarbayev", False, "Нурсултан Назарбаев"),
    ]


def test_a_title_joined_to_the_subjects_own_name_is_one_reference_by_name():
    assert found("President Kassym-Jomart Tokayev said.", "en") == [("tokayev", False, "Kassym-Jomart Tokayev")]
    assert found("Глава государства Касым-Жомарт Токаев заявил.", "ru") == [("tokayev", False, "Касым-Жомарт Токаев")]
    assert found("Председатель ЦИК Нурлан Абдиров заявил.", "ru") == [("abdirov", False, "Нурлан Абдиров")]
    # beside it in one sentence, an apposition between: one reference, by name
    assert found("The Head of State, Chairman of the Party Nursultan Nazarbayev, spoke.", "en", BEFORE) == [
        ("nazarbayev", False, "Nursultan Nazarbayev")
    ]
    assert found("Mukhtar Yerman, Secretary of the CEC, said.", "en") == [("yerman", False, "Mukhtar Yerman")]
    # in sentences of their own: two
    assert found("The Head of State spoke. Then Tokayev left.", "en") == [
        ("tokayev", True, "Head of State"),
        ("tokayev", False, "Tokayev"),
    ]


def test_text_is_normalised_a_latin_letter_inside_a_cyrillic_word_a_latin_party_name_kept():
    assert [s for s, _, _ in found("Нұрлан Әбдiровке хат.", "kk")] == ["abdirov"]  # a Latin "i" for the Kazakh "і"
    assert [s for s, _, _ in found("Встреча с Тoкаевым.", "ru")] == ["tokayev"]  # a Latin "o"
    assert found("Партия Amanat провела съезд.", "ru") == [("amanat", False, "Amanat")]  # a Latin word stays one
    assert [w.text for w in words("Әбдiров")] == ["Әбдіров"]  # one letter for one: offsets kept
    # as copied texts carry them: Greek letters in Cyrillic words, a Cyrillic one in a Latin word
    assert [w.text for w in words("голοсование Πрезидента «Аmanat»")] == [
        "голосование",
        "Президента",
        "«",
        "Amanat",
        "»",
    ]
    assert [s for s, _, _ in found("Πрезидент Казахстана проголосовал.", "ru")] == ["tokayev"]
    # straight and curly quotation marks read as guillemets: the party, not the village
    assert [s for s, _, _ in found('партии "Ауыл" и партии “Ак жол”', "ru")] == ["auyl", "ak_zhol"]


def test_a_lower_case_word_is_not_a_capitalised_alias():
    assert found("президент компании уволен", "ru") == []
    assert found("ақ жол тілеймін, байтақ дала", "kk") == []
    assert found("the aul of Auyl", "en") == [("auyl", False, "Auyl")]


def test_an_article_is_measured_per_subject():
    article = {
        "article_id": "ru-1",
        "lang": "ru",
        "published_at": "2022-11-10T06:00:00+00:00",
        "title": "Токаев встретился с Абдировым",
        "lead": "Глава государства принял председателя ЦИК.",
        "body": "Президент обсудил выборы. «Всё готово», — сказал Абдиров.\n\nВ регионах работают участки.",
    }
    rows = {row["subject_id"]: row for row in measure(article, current_matcher())}
    assert set(rows) == {"tokayev", "abdirov"}
    tokayev, abdirov = rows["tokayev"], rows["abdirov"]
    assert (tokayev["mentions"], tokayev["by_title"], tokayev["in_headline"], tokayev["in_lead"]) == (3, 2, 1, 1)
    assert (tokayev["words"], tokayev["words_by_name"]) == (5 + 8, 0)  # the lead and the body's first paragraph
    assert (abdirov["mentions"], abdirov["by_title"], abdirov["quoted"], abdirov["words_by_name"]) == (3, 1, 1, 8)
    assert tokayev["article_words"] == 17 and tokayev["significant"] == 1
    assert tokayev["made_by"] == f"subjects {current().version}; matcher {MATCHER_VERSION}"


def test_the_subjects_file_is_read_whole_and_a_bad_one_is_one_line(tmp_path):
    subjects = current()
    kinds = {s.subject_id: s.kind for s in subjects.subjects}
    candidates_2022 = {"tokayev", "dairabayev", "abden", "kazhyken", "auyesbayev", "turssynbekova"}
    assert {e.election_id: set(e.subjects) for e in subjects.elections}["presidential_2022"] == candidates_2022
    assert {kinds[s] for s in ("tokayev", "amanat", "cec")} == {"person", "party", "institution"}
    assert {a.lang for a in subjects.aliases} == {"en", "ru", "kk"}
    bad = tmp_path / "subjects.toml"
    bad.write_text('[[subject]]\nid = "x"\nkind = "robot"\nname = { en = "X", ru = "Х", kk = "Х" }\n')
    with pytest.raises(SubjectsError, match=r"subject 'x': kind must be one of person, party, institution"):
        load(bad)
    election = ["id = 'e'", "name = 'E'", "called = '2022-01-01'", "voted = '2022-02-01'", "incumbent = 'y'"]
    bad.write_text("[[election]]\n" + "\n".join([*election, "subjects = ['y']"]) + "\n")
    with pytest.raises(SubjectsError, match=r"election 'e': names no such subject \(y\)"):
        load(bad)
    assert Path(load.__defaults__[0]).name == "subjects.toml"
