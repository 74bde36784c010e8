"""The topic rule (crawler/topic.py) and the pipeline that applies it."""

import json
from pathlib import Path

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler import topic
from crawler.items import Article
from pipelines.topic import NotInSection, TopicPipeline

LABELLED = [json.loads(line) for line in (Path(__file__).parents[1] / "data" / "topic_labelled.jsonl").open()]


def recall_precision(rows: list[dict]) -> tuple[float, float]:
    selected = [row for row in rows if topic.judge(row).selected]
    true = sum(row["label"] for row in selected)
    return true / sum(row["label"] for row in rows), true / len(selected)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_each_languages_labelled_set_is_large_enough_and_a_third_hard_negatives(lang):
    rows = [row for row in LABELLED if row["lang"] == lang]
    assert len(rows) >= 150 and len({row["id"] for row in LABELLED}) == len(LABELLED)
    assert sum(row["kind"] == "hard negative" for row in rows) * 3 >= len(rows)
    assert all(row["label"] == (row["kind"] == "positive") for row in rows)
    assert any(row["source"] != "written" for row in rows)  # real stored pages, named by their URL
    held_out = [row for row in rows if row["split"] == "held_out"]
    assert len(held_out) >= 40 and {row["label"] for row in held_out} == {True, False}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_rule_meets_its_aim_on_the_part_it_was_tuned_on(lang):
    """bench/quality.py reports the held-out part, which no tuning saw (docs/topic-rule.md)."""
    recall, precision = recall_precision([row for row in LABELLED if row["lang"] == lang and row["split"] == "tune"])
    assert recall >= 0.95 and precision >= 0.95


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_change_of_the_rule_keeps_the_held_out_figures_it_was_frozen_with(lang):
    """Rule 2 as frozen: recall 0.944, 0.984, 0.964 and precision 0.986, 0.984, 0.964 (en, ru,
    kk). A change that lowers them fails here; one that raises them is a new rule version,
    its figures measured once on this part and written down."""
    recall, precision = recall_precision(
        [row for row in LABELLED if row["lang"] == lang and row["split"] == "held_out"]
    )
    assert recall >= 0.94 and precision >= 0.96


@pytest.mark.parametrize(
    "article",
    [
        {"title": "Young chess player becomes candidate master", "body": "She earned the title of candidate master."},
        {"title": "Vaccination campaign starts in Turkistan", "body": "The vaccination campaign will last a month."},
        {"title": "Abdirov elected chairman of the board of KTZ", "body": "He was elected chairman of the board."},
        {"title": "Kazakhstan granted observer status", "body": "Observer status gives access to trade forums."},
        {"title": "Fans cast 40,000 votes for the goal of the season", "body": "Three candidates were on the list."},
        {"title": "Majilis passes tax bill", "body": "Deputies voted for the draft law in the first reading."},
        {"lang": "ru", "title": "Зрители проголосовали за лучший фильм", "body": "Кандидатов на приз было пять."},
        {
            "lang": "ru",
            "title": "Борцы выполнили норматив кандидата в мастера спорта",
            "body": "Турнир прошел в Шымкенте.",
        },
        {
            "lang": "ru",
            "title": "Новым председателем правления избран экономист",
            "body": "Совет директоров проголосовал.",
        },
        {"lang": "kk", "title": "Көктемгі егіс науқаны басталды", "body": "Диқандар дән себуді бастады."},
        {"lang": "kk", "title": "Қауымдастық жаңа төрағаны сайлады", "body": "Жиналыста ашық дауыс беру өтті."},
    ],
)
def test_the_words_in_other_senses_score_nothing_without_an_electoral_context(article):
    verdict = topic.judge({"tags": [], **article})
    assert (verdict.selected, verdict.score) == (False, 0)
    assert verdict.lang == article.get("lang", "en")


def test_a_verdict_says_which_words_in_which_fields_made_its_score_and_what_each_was_worth():
    verdict = topic.judge({"title": "CEC registers candidates", "lead": None, "tags": ["CEC"], "body": "Voters vote."})
    assert verdict.selected and verdict.rule_version == topic.RULE_VERSION == 2
    # title: commission 3×1 + candidate 3×1; tags: commission 3×1; body: voters 1×1, vote 1×1
    assert verdict.score == 11
    assert verdict.reason == (
        "score 11 ≥ 5 (en): title election commission ×1 = 3, candidate ×1 = 3; tags election commission ×1 = 3; "
        "body voters ×1 = 1, vote ×1 = 1"
    )
    unheeded = topic.judge({"title": "Fans vote for the best goal", "tags": [], "body": "Candidates: three goals."})
    assert (
        unheeded.reason
        == "score 0 < 5 (en): no electoral word (not counted, no electoral context: vote ×1, candidate ×1)"
    )


def test_each_article_is_judged_in_its_own_language():
    russian = {
        "lang": "ru",
        "title": "Явка на выборах в Мажилис составила 54%",
        "tags": [],
        "body": "Об этом сообщил ЦИК.",
    }
    kazakh = {"lang": "kk", "title": "Мәжіліс сайлауында белсенділік 54 пайыз", "tags": [], "body": "ОСК хабарлады."}
    assert topic.judge(russian).selected and topic.judge(russian).lang == "ru"
    assert topic.judge(kazakh).selected and topic.judge(kazakh).lang == "kk"
    assert topic.judge({**russian, "lang": "zh"}).lang == "en"  # a language without a vocabulary: English's


def article(**fields) -> Article:
    return Article(article_id="0eb7f9", url="https://qazinform.com/news/x-0eb7f9", tags=[], **fields)


def test_the_pipeline_judges_only_articles_of_the_feed():
    pipeline = build_from_crawler(TopicPipeline, get_crawler())
    listed = article(title="Wheat harvest reaches 17 million tonnes", body="Grain.")
    assert pipeline.process_item(listed) is listed and "topic_verdict" not in listed  # the section's own

    feed = "https://qazinform.com/lenta"
    selected = pipeline.process_item(article(title="Polling stations open", body="Voting began.", selected_from=feed))
    assert selected["topic_verdict"]["selected"] and selected["topic_verdict"]["listing_url"] == feed

    rejected = article(title="Wheat harvest reaches 17 million tonnes", body="Grain.", selected_from=feed)
    with pytest.raises(NotInSection, match="not an election article by the topic rule: score 0 < 5"):
        pipeline.process_item(rejected)
    assert rejected["topic_verdict"] == {
        "article_id": "0eb7f9",
        "url": "https://qazinform.com/news/x-0eb7f9",
        "listing_url": feed,
        "selected": False,
        "score": 0,
        "reason": "score 0 < 5 (en): no electoral word",
        "rule_version": topic.RULE_VERSION,
        "lang": "en",
    }
