"""Who got the coverage, as the archive answers it (issue 30): the weekly, campaign and period
shares over a small archive whose every figure is written here, and the round trip of coded
tone through `scrapy coverage`."""

import csv
from pathlib import Path

import pytest

from crawler.archive import open_archive
from crawler.commands.coverage import Command
from crawler.coverage.measure import current_matcher, measure
from crawler.coverage.subjects import current
from tests.checks import run_command

# Four articles of the 2022 campaign (called 21 September, voted 20 November), each sentence a
# paragraph of known words.
ARTICLES = [
    ("en-1", "2022-10-03T06:00:00+00:00", "Tokayev meets voters",
     "The President met voters in Astana today.\n\nAbden spoke too."),
    ("en-2", "2022-10-05T06:00:00+00:00", "CEC registers Dairabayev",
     "Dairabayev was registered by the CEC on Monday."),
    ("en-3", "2022-10-12T06:00:00+00:00", "Campaign goes on",
     "Tokayev visited Shymkent.\n\nKarakat Abden visited Almaty and Aktobe."),
    ("en-4", "2019-01-10T06:00:00+00:00", "Head of State speaks", "The Head of State spoke to the nation."),
]  # fmt: skip


def article(article_id: str, published_at: str, title: str, body: str) -> dict:
    return {
        "article_id": article_id,
        "url": f"https://qazinform.com/news/{article_id}",
        "lang": "en",
        "edition": "en",
        "title": title,
        "lead": None,
        "body": body,
        "published_at": published_at,
        "tags": [],
    }


@pytest.fixture
def archive_path(tmp_path) -> Path:
    path = tmp_path / "elections.db"
    items = [article(*row) for row in ARTICLES]
    for item in items:
        item["subject_mentions"] = measure(item, current_matcher())
    with open_archive(path) as archive, archive.transaction():
        archive.save_subjects(current())
        archive.save_articles(items, run_id=1)
    return path


def test_shares_per_week_campaign_and_period_with_the_names_only_figures_beside(archive_path):
    with open_archive(archive_path) as archive:
        weekly = {(r["week_starting"], r["subject_id"]): r for r in archive.db.query("select * from coverage_weekly")}
        campaigns = {r["subject_id"]: r for r in archive.db.query("select * from coverage_campaigns")}
        [incumbent] = archive.db.query("select * from coverage_incumbents")
        period = {r["subject_id"]: r for r in archive.coverage_period("2022-10-01", "2022-10-31")}
    # The week of Monday 3 October: "The President met voters in Astana today." (7 words, Tokayev
    # by title), "Abden spoke too." (3), "Dairabayev was registered by the CEC on Monday." (8, two subjects).
    assert {key: row["words"] for key, row in weekly.items() if key[0] == "2022-10-03"} == {
        ("2022-10-03", "tokayev"): 7,
        ("2022-10-03", "abden"): 3,
        ("2022-10-03", "dairabayev"): 8,
        ("2022-10-03", "cec"): 8,
    }
    tokayev = weekly[("2022-10-03", "tokayev")]
    assert (tokayev["share"], tokayev["words_by_name"], tokayev["share_by_name"]) == (round(7 / 26, 4), 0, 0)
    assert (tokayev["mentions"], tokayev["by_title"], tokayev["headlines"]) == (2, 1, 1)  # "Tokayev meets voters"
    assert weekly[("2019-01-07", "nazarbayev")]["by_title"] == 2  # the Head of State of 2019: Nazarbayev
    # The campaign: the candidates alone, the CEC no candidate.
    assert set(campaigns) == {"tokayev", "abden", "dairabayev"}
    assert [campaigns[s]["words"] for s in ("tokayev", "abden", "dairabayev")] == [7 + 3, 3 + 6, 8]
    assert (incumbent["incumbent"], incumbent["incumbent_words"], incumbent["others_words"]) == (
        "Kassym-Jomart Tokayev",
        10,
        17,
    )
    assert incumbent["incumbent_share"] == round(10 / 27, 4)
    by_name = round(3 / (3 + 9 + 8), 4)  # Tokayev by name: "Tokayev visited Shymkent." alone
    assert incumbent["incumbent_share_by_name"] == by_name
    assert period["cec"]["share"] == round(8 / (10 + 9 + 8 + 8), 4) and "nazarbayev" not in period


def test_the_coding_round_trip_a_sample_out_two_coders_in_a_bad_row_told_and_the_agreement(
    archive_path, tmp_path, capsys
):
    sample = tmp_path / "sample.csv"
    settings = {"ELECTIONS_DB": str(archive_path)}
    assert run_command(Command, "--sample", str(sample), "--size", "6", **settings) == 0
    rows = list(csv.DictReader(sample.open(encoding="utf-8-sig")))
    assert len(rows) == 6 and {row["tone"] for row in rows} == {""}
    assert all(row["passage"] for row in rows)  # what the coder reads: the paragraphs that refer to the subject
    for coder, tones in (("aigerim", "ppnnpx"), ("dana", "ppnnnp")):
        coded = tmp_path / f"{coder}.csv"
        with coded.open("w", newline="", encoding="utf-8-sig") as file:
            writer = csv.DictWriter(file, rows[0].keys())
            writer.writeheader()
            for row, tone in zip(rows, tones, strict=True):
                writer.writerow({**row, "tone": {"p": "positive", "n": "neutral", "x": "glowing"}[tone]})
        code = run_command(Command, "--import", str(coded), "--coder", coder, **settings)
        said = capsys.readouterr().out
        if coder == "aigerim":  # the bad row is told, by its line, and refused alone
            assert code == 1
            assert f"{coded} line 7: tone must be one of negative, neutral, positive, got 'glowing'" in said
            assert f"coverage: 5 pairs coded by aigerim imported from {coded}, 0 left blank, 1 rows refused" in said
        else:
            assert code == 0 and "6 pairs coded by dana" in said
    report = tmp_path / "report.html"
    assert run_command(Command, "--report", str(report), "--from", "2022-01-01", "--to", "2022-12-31", **settings) == 0
    page = report.read_text()
    assert "5 by two coders" in page and 'class="alpha"' in page and "not measured" not in page
    with open_archive(archive_path) as archive:
        assert len(archive.coded_tones()) == 11  # nothing already imported was lost


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (("--report", "r.html", "--from", "2022-01-01"), "--report needs --from and --to"),
        (("--report", "r.html", "--from", "2022-02-01", "--to", "2022-01-01"), "--to (2022-01-01) comes before --from"),
        (("--import", "x.csv"), "--import needs --coder NAME"),
        (("--sample", "s.csv", "--import", "x.csv", "--coder", "a"), "give one of --report, --sample and --import"),
    ],
)
def test_a_bad_option_is_one_line_and_nothing_is_written(archive_path, tmp_path, capsys, options, said, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_command(Command, *options, ELECTIONS_DB=str(archive_path)) == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "s.csv").exists()
