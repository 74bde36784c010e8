import pytest

from crawler.site.dates import parse_published_at
from crawler.site.text import clean_text, content_hash, split_dateline, strip_site_name
from crawler.site.urls import article_id, canonical_url, is_article_url, is_navigation_url, url_language


@pytest.mark.parametrize(
    "text, expected",
    [
        ("8 November 2022, 15:15", "2022-11-08T09:15:00+00:00"),  # UTC+6 before March 2024
        ("16:37, 29 January 2026", "2026-01-29T11:37:00+00:00"),  # UTC+5 since
        ("18:29, 07 January 2021 | GMT +6", "2021-01-07T12:29:00+00:00"),
        ("12:00, 15 June 2021 | GMT +5", "2021-06-15T07:00:00+00:00"),  # a stated offset wins
        ("23:30, 29 February 2024", "2024-02-29T17:30:00+00:00"),  # the last evening at UTC+6
        ("10:00, 1 March 2024", "2024-03-01T05:00:00+00:00"),  # the first morning at UTC+5
        ("10:00, 05 Июнь 2025", "2025-06-05T05:00:00+00:00"),  # Russian nominative
        ("15 августа 2025, 10:00", "2025-08-15T05:00:00+00:00"),  # Russian genitive
        ("10:40, 30 Октябрь 2025 | GMT +5", "2025-10-30T05:40:00+00:00"),  # a ru article's date line
        ("21:38, 18 Августа 2026", "2026-08-18T16:38:00+00:00"),  # a ru 2026 card: genitive, capitalised
        ("21:53, 27 Қазан 2025 | GMT +5", "2025-10-27T16:53:00+00:00"),  # a kk article's date line
        ("09:00, 1 Қаңтар 2024", "2024-01-01T03:00:00+00:00"),  # Kazakh, UTC+6 before March 2024
        ("27 қыркүйекте 2025, 10:00", "2025-09-27T05:00:00+00:00"),  # Kazakh locative
        ("5 желтоқсанның 2025, 10:00", "2025-12-05T05:00:00+00:00"),  # Kazakh genitive
        ("2026-01-29T16:37:00+05:00", "2026-01-29T11:37:00+00:00"),
        ("2022-11-08T09:15:00Z", "2022-11-08T09:15:00+00:00"),
        ("  8\u00a0November 2022,\n 15:15 ", "2022-11-08T09:15:00+00:00"),
    ],
)
def test_published_at_is_utc_by_the_zone_rules(text, expected):
    assert parse_published_at(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31 February 2024, 10:00", "yesterday", "", "8 Brumaire 2022, 15:15", "25:61, 1 May 2024", "2024-13-01T00:00"],
)
def test_a_time_that_is_not_real_is_none(text):
    assert parse_published_at(text) is None


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        (
            "ASTANA. KAZINFORM The Central Election Commission met.",
            ("ASTANA", "KAZINFORM", "The Central Election Commission met."),
        ),
        (
            "NUR-SULTAN. KAZINFORM – Parliamentary elections have begun.",
            ("NUR-SULTAN", "KAZINFORM", "Parliamentary elections have begun."),
        ),
        ("UST-KAMENOGORSK. KAZINFORM - Polls opened.", ("UST-KAMENOGORSK", "KAZINFORM", "Polls opened.")),
        ("АСТАНА. KAZINFORM — Сайлау учаскелері ашылды.", ("АСТАНА", "KAZINFORM", "Сайлау учаскелері ашылды.")),
        ("ҚЫЗЫЛОРДА. KAZINFORM — Облыста сайлау өтті.", ("ҚЫЗЫЛОРДА", "KAZINFORM", "Облыста сайлау өтті.")),
        ("НУР-СУЛТАН. КАЗИНФОРМ – Начались выборы.", ("НУР-СУЛТАН", "КАЗИНФОРМ", "Начались выборы.")),
        ("The CEC met in ASTANA. KAZINFORM reports.", (None, None, "The CEC met in ASTANA. KAZINFORM reports.")),
        ("OSCE. Observers arrived.", (None, None, "OSCE. Observers arrived.")),
    ],
)
def test_a_dateline_and_source_are_split_from_a_paragraph_that_opens_with_them(paragraph, expected):
    assert split_dateline(paragraph) == expected


def test_clean_text_folds_whitespace_and_empties_to_none():
    assert clean_text("  CEC\u00a0accredits \n\t observers ") == "CEC accredits observers"
    assert clean_text(" \u00a0\n") is None


@pytest.mark.parametrize(
    "title, expected",
    [
        ("CEC meets | Kazinform", "CEC meets"),
        ("CEC meets | Qazinform News Agency", "CEC meets"),
        ("Kazinform poll: turnout up", "Kazinform poll: turnout up"),
        ("Ak Zhol | Amanat debate", "Ak Zhol | Amanat debate"),
    ],
)
def test_site_name_is_taken_off_titles(title, expected):
    assert strip_site_name(title) == expected


@pytest.mark.parametrize(
    "url, canonical, expected_id",
    [
        # Each edition numbers its own articles: outside English, the id keeps the edition's code.
        (
            "https://www.inform.kz/ru/vkurultay-izbrany-4f2a1b9c",
            "https://www.inform.kz/ru/vkurultay-izbrany-4f2a1b9c",
            "ru-4f2a1b9c",
        ),
        (
            "https://www.inform.kz/ru/nareferendume_a3996297",
            "https://www.inform.kz/ru/nareferendume_a3996297",
            "ru-a3996297",
        ),
        (
            "https://kaz.inform.kz/news/sailau-otti-3a4b5c6d/",
            "https://kaz.inform.kz/news/sailau-otti-3a4b5c6d/",
            "kk-3a4b5c6d",
        ),
        (
            "https://www.inform.kz/en/cec-accredits_a3996297",
            "https://www.inform.kz/en/cec-accredits_a3996297",
            "a3996297",
        ),
        (
            "https://www.inform.kz/en/cec-accredits_a3996297/amp",
            "https://www.inform.kz/en/cec-accredits_a3996297",
            "a3996297",
        ),
        (
            "https://www.inform.kz/en/amp/cec-accredits_a3996297?utm=x#top",
            "https://www.inform.kz/en/cec-accredits_a3996297",
            "a3996297",
        ),
        (
            "https://en.inform.kz/news/cec-accredits_a3996297/",
            "https://en.inform.kz/news/cec-accredits_a3996297/",
            "a3996297",
        ),
        ("https://qazinform.com/news/cec-meets-97d5e1", "https://qazinform.com/news/cec-meets-97d5e1", "97d5e1"),
        ("https://qazinform.com/amp/cec-meets-97d5e1/", "https://qazinform.com/news/cec-meets-97d5e1", "97d5e1"),
        ("https://en.inform.kz/news/cec-meets-97d5e1/?page=2", "https://en.inform.kz/news/cec-meets-97d5e1/", "97d5e1"),
        (
            "https://qazinform.com/news/voting-in-the-decade",
            "https://qazinform.com/news/voting-in-the-decade",
            "voting-in-the-decade",
        ),
        ("https://qazinform.com/news/amp-rally-3f64c5", "https://qazinform.com/news/amp-rally-3f64c5", "3f64c5"),
        # The 2026 redesign: 8 hex digits; old ids and id-less URLs on qazinform.com too.
        (
            "https://qazinform.com/news/kurultai-vote-2192502b",
            "https://qazinform.com/news/kurultai-vote-2192502b",
            "2192502b",
        ),
        (
            "https://qazinform.com/amp/kurultai-vote-2192502b/",
            "https://qazinform.com/news/kurultai-vote-2192502b",
            "2192502b",
        ),
        (
            "https://qazinform.com/news/cec-accredits_a4017987",
            "https://qazinform.com/news/cec-accredits_a4017987",
            "a4017987",
        ),
        (
            "https://qazinform.com/news/kurultai-campaign-opens",
            "https://qazinform.com/news/kurultai-campaign-opens",
            "kurultai-campaign-opens",
        ),
        ("https://en.inform.kz/amp/cec-meets_a3243251/", "https://en.inform.kz/news/cec-meets_a3243251/", "a3243251"),
        # Ids are case-insensitive: one article, one id.
        (
            "https://qazinform.com/news/kurultai-vote-2192502B",
            "https://qazinform.com/news/kurultai-vote-2192502B",
            "2192502b",
        ),
        ("https://qazinform.com/news/cec-meets-97D5E1?x=1", "https://qazinform.com/news/cec-meets-97D5E1", "97d5e1"),
        # Seven hex digits are no id: the slug is.
        ("https://qazinform.com/news/seven-1234567", "https://qazinform.com/news/seven-1234567", "seven-1234567"),
    ],
)
def test_a_url_gives_its_canonical_form_and_its_article_id(url, canonical, expected_id):
    assert canonical_url(url) == canonical
    assert article_id(url) == expected_id


def test_content_hash_changes_with_the_text_and_only_with_it():
    base = content_hash("Title", None, "Body")
    assert base == content_hash("Title", "", "Body")
    assert base != content_hash("Title", None, "Body.")
    assert base != content_hash("Title", "Body", None)  # fields do not run into each other
    assert len(base) == 64


@pytest.mark.parametrize(
    "url, language",
    [
        ("https://www.inform.kz/en/cec-meets_a3996297", "en"),
        ("https://www.inform.kz/ru/vybory_a3996297", "ru"),
        ("https://kaz.inform.kz/news/sailau-3a4b5c6d/", "kk"),
        ("https://qazinform.com/news/x-2192502b", "en"),
        ("https://en.inform.kz/news/x_a1/", "en"),
        ("https://cn.inform.kz/news/x-2192502b", "zh"),
        ("http://127.0.0.1:8000/news/x_a1/", None),
    ],
)
def test_a_url_tells_its_editions_language_or_none(url, language):
    assert url_language(url) == language


def test_a_nul_byte_separates_words():
    assert clean_text("Turnout\x00reached 70%") == "Turnout reached 70%"


@pytest.mark.parametrize(
    "url, article, navigation",
    [
        ("https://qazinform.com/news/referendum-results-0eb7f9", True, False),
        ("https://qazinform.com/en/article/referendum-results-0eb7f9", True, False),  # a new prefix, an id
        ("https://www.inform.kz/en/news/referendum-results", True, False),  # a news folder, no id
        ("https://www.inform.kz/en/referendum-results_a3996297", True, False),
        ("https://qazinform.com/", False, True),  # a removed article's redirect
        ("https://qazinform.com/?utm_source=telegram", False, True),
        ("https://www.inform.kz/en/", False, True),
        ("https://qazinform.com/category/politics_s12", False, True),
        ("https://qazinform.com/tags/cec", False, True),
        ("https://www.inform.kz/lenta?page=2", False, True),
        ("mailto:info@inform.kz", False, True),
        ("https://qazinform.com/en/story/referendum-results", False, False),  # unknown: an alarm
    ],
)
def test_a_url_is_told_an_article_a_navigation_page_or_neither(url, article, navigation):
    assert (is_article_url(url), is_navigation_url(url)) == (article, navigation)
