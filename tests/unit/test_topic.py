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


def test_the_labelled_set_is_large_enough_and_holds_hard_negatives():
    assert len(LABELLED) >= 100 and len({row["id"] for row in LABELLED}) == len(LABELLED)
    held_out = [row for row in LABELLED if row["split"] == "held_out"]
    assert len(held_out) >= 40 and {row["label"] for row in held_out} == {True, False}


@pytest.mark.parametrize("split", ["tune", "held_out"])
def test_the_rule_meets_its_aim_on_the_labelled_set(split):
    """bench/quality.py prints the same figures; this keeps a change of the rule honest."""
    recall, precision = recall_precision([row for row in LABELLED if row["split"] == split])
    assert recall >= 0.95 and precision >= 0.90


@pytest.mark.parametrize(
    "title, body",
    [
        ("Young chess player becomes candidate master", "She earned the title of candidate master."),
        ("Vaccination campaign starts in Turkistan", "The vaccination campaign will last a month."),
        ("Abdirov elected chairman of the board of KTZ", "He was elected chairman of the board."),
        ("Kazakhstan granted observer status", "Observer status gives access to trade forums."),
        ("Record turnout at the Almaty marathon", "The turnout at the marathon beat last year's."),
        ("Scientist becomes candidate of technical sciences", "His thesis deals with mines."),
    ],
)
def test_the_words_in_other_senses_do_not_count(title, body):
    verdict = topic.judge({"title": title, "body": body, "tags": []})
    assert (verdict.selected, verdict.score) == (False, 0)
    assert verdict.reason == "score 0 < 5: no electoral term"


def test_a_verdict_says_which_terms_in_which_fields_made_its_score():
    verdict = topic.judge({"title": "CEC registers candidates", "lead": None, "tags": ["CEC"], "body": "Voters vote."})
    assert verdict.selected and verdict.rule_version == topic.RULE_VERSION
    # title: commission 3×1 + candidate 3×1; tags: commission 3×1; body: vote 1×2
    assert verdict.score == 11
    assert verdict.reason == (
        "score 11 ≥ 5: title election commission ×1, candidate ×1; tags election commission ×1; body vote ×2"
    )


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
        "reason": "score 0 < 5: no electoral term",
        "rule_version": topic.RULE_VERSION,
    }
