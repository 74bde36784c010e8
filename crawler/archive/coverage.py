"""The archive's questions and writes about who gets the coverage (issue 30): the subjects as
the repository's file writes them, each article's measures, the shares of a period, and the
tone people coded. The Archive (sqlite.py) inherits them; the SQL of a period's shares is
also Datasette's canned query (explore/metadata.yml, written from here)."""

import random
from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from crawler.archive.schema import LOCAL_TIME, SUBJECT_TABLES
from crawler.clock import Clock

if TYPE_CHECKING:  # the coverage package reads the archive too
    from crawler.coverage.subjects import Subjects


def coverage_period_sql(where: str) -> str:
    """Per edition and subject, over the articles `where` picks (in `articles a`): the space
    and its share of all subjects' space in that edition, by names and titles and by names."""
    return f"""
with counted as (
    select a.edition, m.subject_id, count(*) as articles, sum(m.mentions) as mentions,
           sum(m.by_title) as by_title, sum(m.in_headline) as headlines, sum(m.words) as words,
           sum(m.words_by_name) as words_by_name, sum(m.significant) as significant
    from subject_mentions m join articles a using (article_id)
    where {where}
    group by a.edition, m.subject_id)
select edition, subject_id, s.name_en as subject, s.kind, articles, mentions, by_title,
       mentions - by_title as mentions_by_name, headlines, significant, words, words_by_name,
       round(1.0 * words / nullif(sum(words) over edition_window, 0), 4) as share,
       round(1.0 * words_by_name / nullif(sum(words_by_name) over edition_window, 0), 4) as share_by_name
from counted join subjects s using (subject_id)
window edition_window as (partition by edition)
order by edition, words desc, subject_id""".strip()


LOCAL_DAY = f"date({LOCAL_TIME})"
# The days from :start to :end (Kazakhstan's, YYYY-MM-DD): `scrapy coverage --report`, and
# Datasette's canned query coverage_period (explore/metadata.yml, written from here by cog).
COVERAGE_PERIOD_SQL = coverage_period_sql(f"{LOCAL_DAY} between :start and :end")
# The Coverage dashboard's table: one edition, the days its filters give ([[ ]]: where given).
DASHBOARD_PERIOD_SQL = coverage_period_sql(
    f"a.edition = :edition [[and {LOCAL_DAY} >= :date_start]] [[and {LOCAL_DAY} <= :date_end]]"
)
# A subject's page in the reading room: its articles, newest first.
SUBJECT_ARTICLES_SQL = (
    "select a.article_id, a.title, a.lead, a.body, a.lang, a.edition, a.published_at, m.mentions, m.by_title, "
    "m.words from subject_mentions m join articles a using (article_id) where m.subject_id = :subject_id "
    "order by a.published_at desc limit 100"
)
SUBJECT_ALIASES_SQL = (
    "select lang, alias, by_title, valid_from, valid_to from subject_aliases where subject_id = :subject_id "
    "order by lang, by_title, alias"
)

TONES = ("negative", "neutral", "positive")  # in order: the ordinal scale agreement is measured on
MEASURE_BATCH = 500


class CoverageQueries:
    """Mixed into the Archive: `self.db` is its sqlite-utils Database, `self.clock` its clock."""

    db: Database
    clock: Clock

    def save_subjects(self, subjects: "Subjects") -> None:
        """The subjects, aliases and elections as `subjects` (crawler.coverage.subjects.Subjects)
        has them, in place of what the archive held."""
        for table in SUBJECT_TABLES:
            self.db.execute(f"delete from {table}")
        tables = self.db.table
        tables("subjects").insert_all([asdict(subject) for subject in subjects.subjects])
        tables("subject_aliases").insert_all(
            [
                {
                    "subject_id": alias.subject_id,
                    "lang": alias.lang,
                    "alias": alias.text,
                    "by_title": int(alias.by_title),
                    "valid_from": alias.valid_from and alias.valid_from.isoformat(),
                    "valid_to": alias.valid_to and alias.valid_to.isoformat(),
                    "context": alias.context,
                }
                for alias in subjects.aliases
            ]
        )
        tables("elections").insert_all(
            [
                {
                    "election_id": e.election_id,
                    "name": e.name,
                    "called_on": e.called.isoformat(),
                    "voted_on": e.voted.isoformat(),
                    "incumbent_id": e.incumbent,
                }
                for e in subjects.elections
            ]
        )
        tables("election_subjects").insert_all(
            [{"election_id": e.election_id, "subject_id": s} for e in subjects.elections for s in e.subjects]
        )

    def save_mentions(self, rows_by_article: dict[str, list[dict[str, Any]]]) -> int:
        """Each article's subject_mentions rows in place of what it had. Returns the rows written."""
        ids = list(rows_by_article)
        for start in range(0, len(ids), MEASURE_BATCH):
            batch = ids[start : start + MEASURE_BATCH]
            marks = ", ".join("?" * len(batch))
            self.db.execute(f"delete from subject_mentions where article_id in ({marks})", batch)
        rows = [row for article_rows in rows_by_article.values() for row in article_rows]
        self.db.table("subject_mentions").insert_all(rows)
        return len(rows)

    def articles_to_measure(self) -> Iterator[list[dict[str, Any]]]:
        """Every article's text and time, a batch at a time: no read stays open while the
        caller writes."""
        ids = [row[0] for row in self.db.execute("select article_id from articles order by rowid")]
        for start in range(0, len(ids), MEASURE_BATCH):
            batch = ids[start : start + MEASURE_BATCH]
            marks = ", ".join("?" * len(batch))
            yield list(
                self.db.query(
                    "select article_id, lang, title, lead, body, published_at from articles "
                    f"where article_id in ({marks})",
                    batch,
                )
            )

    def mentions_made_by(self) -> dict[str, int]:
        """What made the archive's subject_mentions rows: made_by -> rows."""
        return {row[0]: row[1] for row in self.db.execute("select made_by, count(*) from subject_mentions group by 1")}

    def coverage_period(self, start: str, end: str) -> list[dict[str, Any]]:
        """COVERAGE_PERIOD_SQL's rows for the days from `start` to `end`."""
        return list(self.db.query(COVERAGE_PERIOD_SQL, {"start": start, "end": end}))

    def coverage_weeks(self, start: str, end: str) -> list[dict[str, Any]]:
        """coverage_weekly's rows of the weeks that begin from `start` to `end`."""
        return list(
            self.db.query(
                "select * from coverage_weekly where week_starting between date(:start, 'weekday 0', '-6 days') "
                "and :end order by week_starting, edition, words desc",
                {"start": start, "end": end},
            )
        )

    def coverage_incumbents(self, start: str, end: str) -> list[dict[str, Any]]:
        """The incumbents' shares of the campaigns that overlap the days from `start` to `end`."""
        return list(
            self.db.query(
                "select e.name, i.* from coverage_incumbents i join elections e using (election_id) "
                "where e.called_on <= :end and e.voted_on >= :start order by e.voted_on, i.edition",
                {"start": start, "end": end},
            )
        )

    def coding_sample(self, size: int, seed: int) -> list[dict[str, Any]]:
        """`size` (article, subject) pairs for coders to code the tone of, drawn at random from
        each edition and subject in turn (a stratified sample: every stratum as equal as its
        pairs allow), each with the paragraphs it is coded on."""
        strata: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in self.db.query(
            "select m.article_id, m.subject_id, s.name_en as subject, a.edition, a.url, a.published_at, a.title "
            "from subject_mentions m join articles a using (article_id) join subjects s using (subject_id) "
            "order by m.article_id, m.subject_id"
        ):
            strata.setdefault((row["edition"], row["subject_id"]), []).append(row)
        rng = random.Random(seed)
        for pairs in strata.values():
            rng.shuffle(pairs)
        chosen: list[dict[str, Any]] = []
        queues = [strata[key] for key in sorted(strata)]
        while len(chosen) < size and any(queues):
            for queue in queues:
                if queue and len(chosen) < size:
                    chosen.append(queue.pop())
        return chosen

    def known_pairs(self, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Of `pairs` (article_id, subject_id), those the archive measured."""
        known = set()
        for start in range(0, len(pairs), MEASURE_BATCH):
            batch = pairs[start : start + MEASURE_BATCH]
            where = " or ".join("(article_id = ? and subject_id = ?)" for _ in batch)
            values = [value for pair in batch for value in pair]
            known |= {
                (r[0], r[1])
                for r in self.db.execute(f"select article_id, subject_id from subject_mentions where {where}", values)
            }
        return known

    def save_tones(self, rows: list[dict[str, Any]]) -> None:
        """Coded tones (article_id, subject_id, coder, tone, source); a pair a coder coded
        again takes the new tone."""
        now = self.clock.iso()
        self.db.table("subject_tones").upsert_all(
            [{**row, "imported_at": now} for row in rows], pk=("article_id", "subject_id", "coder")
        )

    def coded_tones(self) -> list[dict[str, Any]]:
        return list(self.db.query("select article_id, subject_id, coder, tone from subject_tones"))

    def tone_summary(self) -> list[dict[str, Any]]:
        return list(self.db.query("select * from coverage_tones order by pairs_coded desc"))
