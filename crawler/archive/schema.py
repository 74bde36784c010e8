"""The archive's schema on one screen: its tables' columns, its views, its full-text index and
the columns an article's extraction fills (docs/schema.md tells them all)."""

ARTICLES = {
    "article_id": str,  # the site's id: "a3996297" (legacy), "97d5e1" (current)
    "url": str,  # canonical URL
    "lang": str,
    "section": str,
    "title": str,
    "lead": str,
    "body": str,  # paragraphs separated by one blank line
    "dateline": str,
    "source": str,
    "author": str,
    "published_at": str,
    "tags": str,  # JSON array of strings: filter with json_each()
    "image_url": str,
    "word_count": int,
    "layout": str,  # "current", "legacy" or "fallback"
    "content_hash": str,  # SHA-256 hex of title, lead and body
    "scraped_at": str,  # when this version was fetched
    "first_seen_at": str,
    "last_seen_at": str,  # the last fetch, changed or not
    "version_count": int,  # 1 + rows in article_versions
    "run_id": int,  # the crawl run that stored this version
}
ARTICLE_VERSIONS = {  # earlier versions of articles that were edited
    "id": int,
    "article_id": str,
    "content_hash": str,
    "title": str,
    "lead": str,
    "body": str,
    "published_at": str,
    "seen_at": str,  # when this version was last seen
    "run_id": int,  # the run that found it replaced
}
DROPPED_ITEMS = {  # pages that failed, until they are stored
    "url": str,
    "article_id": str,
    "layout": str,
    "reason": str,  # "HTTP 503", "timeout", "missing title", "unknown layout", ...
    "status": str,  # "pending": retried by the next run; "dropped": given up until mode=full
    "attempts": int,  # runs in which it failed
    "first_failed_at": str,
    "last_failed_at": str,
    "run_id": int,  # the last run in which it failed
}
CRAWL_RUNS = {
    "id": int,
    "started_at": str,
    "finished_at": str,
    "trigger": str,  # "manual", "scheduled" or "reparse" (contracts.Trigger)
    "arguments": str,  # JSON object of the spider arguments
    "start_url": str,
    "status": str,  # "running", then "ok", "partial" or "failed"
    "finish_reason": str,  # Scrapy's: "finished", "shutdown", ...
    "requests": int,
    "responses_2xx": int,
    "responses_3xx": int,
    "responses_4xx": int,
    "responses_5xx": int,
    "download_errors": int,  # timeouts, refused connections ...
    "bytes": int,  # response bytes received
    "listing_pages": int,  # listing pages with cards
    "listing_complete": int,  # 1 when the walk reached the listing's end, every page read
    "oldest_card_at": str,  # the oldest publication time on the cards walked
    "articles_new": int,
    "articles_updated": int,
    "articles_unchanged": int,
    "articles_pending": int,
    "articles_dropped": int,
    "healthy": int,  # 1 when every health check passed (crawler/health.py)
    "health_problems": str,  # what failed, "; "-separated
}
CRAWL_RUNS_WALK = {  # schema version 3: how far the walk went, for the next run (crawler/walk.py)
    "walk_stop": str,  # why the walk ended: "end", "known", "max_pages", "since"; null: it broke off
    "walk_top_ids": str,  # JSON array: the article ids on the first listing page read
    "gapless": int,  # 1 when after this run every card of the listing is stored or pending
}
CRAWL_RUNS_COUNTERS = {  # schema version 4
    "counters": str,  # JSON object: the run's own stats (elections/…, validate/…, dedupe/…, store/…)
}
ARTICLE_VERSIONS_FIELDS = {  # schema version 9: every field a version has, not only its text
    "url": str,
    "lang": str,
    "section": str,
    "dateline": str,
    "source": str,
    "author": str,
    "tags": str,
    "image_url": str,
    "word_count": int,
    "layout": str,
}
ARTICLE_ALIASES = {  # schema version 10: ids a listing gave an article that is stored under another
    "alias_id": str,  # the id of the URL the listing gave ("0eb7f9")
    "article_id": str,  # the id it is stored under, after a redirect ("2192502b")
}
CRAWL_RUNS_DOORS = {  # schema version 11
    # where the listing walked was found: "given" (a start URL), or the door it was behind:
    # "menu", "site map page", "tags page", "article page", "home page" (crawler/site/layouts/home.py);
    # or "all-news feed": no section anywhere, its articles chosen by the topic rule
    "listing_found_by": str,
}
CRAWL_RUNS_CHANNEL = {  # schema version 13
    # articles the feeds and sitemaps list, new enough for the walk to have seen, that it
    # missed (fetched by this run); null: the second channel was not read
    "walk_missed": int,
}
ARTICLES_WATCH = {  # schema version 14: what fetching a stored article again found (crawler/recheck/schedule.py)
    "etag": str,  # the validators its last fetch was served with: a re-check asks with them,
    "last_modified": str,  # and an unchanged page can answer 304
    "last_checked_at": str,  # its last fetch, or the last re-check that found it unchanged
    "removed_at": str,  # since when the site no longer serves it (404, 410, an error page, a redirect
    # to no article); null while it does. Its text, versions and raw page stay.
    "listed_in": str,  # the listing it was first found on
    "delisted_at": str,  # when a full walk of that listing no longer listed it
}
ARTICLE_EVENTS = {  # schema version 14: what happened to stored articles, one row each (contracts.EventKind)
    "id": int,
    "article_id": str,
    "kind": str,  # edited, minor_edit, removed, redirected, restored, delisted
    "at": str,  # when the crawl saw it
    "run_id": int,
    "fields": str,  # JSON array: the fields that changed (edited, minor_edit)
    "words_added": int,  # across those fields (edited)
    "words_removed": int,
    "detail": str,  # "HTTP 404", "the site's error page", the URL it was sent to, the listing
}
CRAWL_RUNS_WATCH = {  # schema version 14
    "rechecked": int,  # stored articles fetched again, as the schedule made them due
    "minor_edits": int,  # articles changed in form only (articles_updated counts the edits)
    "removed": int,  # articles found removed or redirected
    "restored": int,  # and found back
}
EDITION = {  # schema version 15, in articles, dropped_items and crawl_runs: en, ru, kk (crawler/site/editions.py)
    "edition": str,
}
ARTICLE_TWINS = {  # schema version 16: an article's versions in other editions, as its page links them
    "article_id": str,
    "twin_id": str,  # the twin's id, as its URL gives it ("ru-4f2a1b9c"), stored or not
    "twin_url": str,  # canonical
    "twin_lang": str,  # its language, as its URL, its hreflang or the switcher names it
    "first_seen_at": str,  # the first fetch that found the link
    "run_id": int,
}
ARTICLES_CHECK_FAILURES = {  # schema version 18: re-checks that got no answer, backed off (crawler/recheck/schedule.py)
    "check_failures": int,  # re-checks in a row that got no answer or no readable page; 0 after one that did
    "check_failed_at": str,  # the last of them: the next waits the schedule's point of their number
}
SEARCH_QUEUE = {  # schema version 18: articles written since the stemmed indexes last caught up (search.py)
    "id": int,
    "article_rowid": int,
    "indexed_lang": str,  # what the indexes held for the row before: its language (null: a new row) ...
    "title": str,
    "lead": str,
    "body": str,
    "article_id": str,
}
SEARCH_STEMMERS = {  # schema version 18: what built each stemmed index (search.STEMMERS_USED)
    "index_name": str,
    "stemmer": str,  # "PyStemmer 3.1.0 russian, less a last vowel or й; ..."
    "built_at": str,
}
SUBJECTS = {  # schema version 19: the political subjects, as crawler/coverage/subjects.toml writes them
    "subject_id": str,  # "tokayev", "amanat", "cec"
    "kind": str,  # person, party, institution
    "name_en": str,
    "name_ru": str,
    "name_kk": str,
}
SUBJECT_ALIASES = {  # schema version 19: what refers to a subject, per language
    "id": int,
    "subject_id": str,
    "lang": str,
    "alias": str,  # in the nominative, as subjects.toml writes it
    "by_title": int,  # 1: a title ("Глава государства"), valid between valid_from and valid_to
    "valid_from": str,  # YYYY-MM-DD, the article's day in Kazakhstan; null: always
    "valid_to": str,
    "context": str,  # the office whose context rules apply ("president")
}
ELECTIONS = {  # schema version 19
    "election_id": str,  # "presidential_2022"
    "name": str,
    "called_on": str,  # its campaign: from the day it was called (YYYY-MM-DD) ...
    "voted_on": str,  # ... to its voting day
    "incumbent_id": str,  # the subject whose share is set against all the others'
}
ELECTION_SUBJECTS = {  # schema version 19: each election's candidates or parties
    "election_id": str,
    "subject_id": str,
}
SUBJECT_MENTIONS = {  # schema version 19: one row per article and subject it refers to (crawler/coverage)
    "article_id": str,
    "subject_id": str,
    "mentions": int,  # references, by name and by title, headline included
    "by_title": int,  # of them, by a title
    "in_headline": int,  # 1 when the headline refers to it
    "in_lead": int,  # 1 when the lead does
    "quoted": int,  # 1 when a paragraph that refers to it holds a quotation
    "words": int,  # the words of the paragraphs (lead and body) that refer to it: its space
    "words_by_name": int,  # of the paragraphs that refer to it by name
    "article_words": int,  # the words of the article's lead and body
    "significant": int,  # 1 when words is at least a quarter of article_words
    "made_by": str,  # "subjects <version>; matcher <version>"
}
SUBJECT_TONES = {  # schema version 19: tone coded by people, per article, subject and coder
    "article_id": str,
    "subject_id": str,
    "coder": str,
    "tone": str,  # positive, neutral, negative
    "imported_at": str,
    "source": str,  # the file it came from
}
TOPIC_VERDICTS = {  # schema version 12: the topic rule's verdict on each article of an all-news feed (crawler/topic.py)
    "article_id": str,
    "url": str,
    "listing_url": str,  # the feed it was listed in
    "rule_version": int,  # topic.RULE_VERSION
    "score": float,
    "selected": int,  # 1: stored in articles; 0: rejected, never fetched again from the feed
    "reason": str,  # "score 9 ≥ 5: title election ×1; body vote ×3"
    "judged_at": str,
    "run_id": int,  # the run (crawl or reparse) that judged it
}
TOPIC_VERDICTS_LANGUAGE = {  # schema version 20 (issue 32): whose vocabulary judged it (topic.VOCABULARIES)
    "lang": str,  # "en", "ru" or "kk"; "en" for every verdict before, made by the English-only rule 1
}
LISTING_WALKS = {  # schema version 22 (issue 32): each election tag a run walked beside its listing
    "id": int,
    "run_id": int,
    "listing_url": str,  # the tag's listing, page 1
    "name": str,  # the tag's name, as the link wrote it
    "found_by": str,  # "election tag"; crawl_runs holds the run's main listing
    "listing_pages": int,  # pages with cards read
    "walk_stop": str,  # as crawl_runs.walk_stop
    "walk_top_ids": str,  # as crawl_runs.walk_top_ids
    "newest_card_at": str,  # the newest card's time on its page 1 (UTC): a tag quiet since is walked weekly
    "gapless": int,  # as crawl_runs.gapless: what the next walk of the tag plans from
}
RAW_PAGES = {  # schema version 5: each article page as the site served it (crawler.items.RawPage)
    "id": int,
    "article_id": str,
    "url": str,  # as requested: the canonical URL
    "final_url": str,  # after redirects
    "status": int,
    "request_headers": str,  # JSON object
    "headers": str,  # JSON object of lists: the response's headers
    "fetched_at": str,
    "body": bytes,  # zlib-compressed
    "body_bytes": int,  # uncompressed
    "run_id": int,  # the run that fetched it
}


# Views for common questions; each recreated if missing.
# A publication time in Kazakhstan's local time, for calendar days and months as a reader
# counts them. SQLite knows no zones: this is Asia/Almaty's rule over the archive's span —
# UTC+6 until 1 March 2024 00:00 local (29 February 18:00 UTC), UTC+5 since — which a unit
# test checks against zoneinfo.
LOCAL_TIME = (
    "datetime(published_at, case when published_at < '2024-02-29T18:00:00' then '+6 hours' else '+5 hours' end)"
)

# articles.published_month since schema version 8: the month in Kazakhstan.
PUBLISHED_MONTH = f"published_month text generated always as (strftime('%Y-%m', {LOCAL_TIME})) virtual"


def per_period(column: str, period: str, following: str) -> str:
    """A view's SQL: articles per calendar period (`period`, an expression on articles),
    newest first, every period from the first to the last there, with 0 when it has none
    (a chart shows the gaps). `following` gives the period after `column`."""
    return f"""
        with recursive counted as (
            select {period} as {column}, count(*) as articles from articles group by {column}
        ), periods({column}) as (
            select min({column}) from counted
            union all
            select {following} from periods where {column} < (select max({column}) from counted)
        )
        select periods.{column}, coalesce(counted.articles, 0) as articles
        from periods left join counted using ({column}) where periods.{column} is not null
        order by periods.{column} desc"""


VIEWS = {
    "articles_per_day": f"""
        select date({LOCAL_TIME}) as day, count(*) as articles
        from articles group by day order by day desc""",
    "articles_per_week": per_period(
        "week_starting", f"date({LOCAL_TIME}, 'weekday 0', '-6 days')", "date(week_starting, '+7 days')"
    ),
    "articles_per_month": per_period("month", "published_month", "strftime('%Y-%m', month || '-01', '+1 month')"),
    # The reader's list in `make explore` (explore/templates/_table.html draws it): one entry
    # per article, its day in Kazakhstan, a summary instead of the body, and the row id that
    # Datasette's search box matches against articles_fts.
    "articles_list": f"""
        select rowid as article_rowid, article_id, date({LOCAL_TIME}) as published_on, published_month,
               title, coalesce(nullif(lead, ''), substr(body, 1, 400)) as summary, tags, author, url, published_at,
               edition, lang,
               case when removed_at is not null then 'removed'
                    when exists (select 1 from article_events e where e.article_id = articles.article_id
                                 and e.kind = 'edited') then 'edited' end as changed,
               body
        from articles""",
    "latest_articles": """
        select published_at, title, author, tags, url, article_id
        from articles order by published_at desc limit 50""",
    # What happened to stored articles, newest first (article_events; docs/schema.md).
    "recent_changes": """
        select e.at, e.kind, e.article_id, a.title, a.url, e.fields, e.words_added, e.words_removed,
               e.detail, e.run_id, e.id as event_id
        from article_events e left join articles a using (article_id) order by e.at desc, e.id desc""",
    # Each edit with the article's texts before it and after it (the next version, or the
    # article as it is): what the changes feed says in words (docs/schema.md).
    "edit_texts": """
        select v.id as version_id, v.article_id, v.run_id,
               v.title as title_before, v.lead as lead_before, v.body as body_before,
               coalesce(n.title, a.title) as title_after, coalesce(n.lead, a.lead) as lead_after,
               coalesce(n.body, a.body) as body_after
        from article_versions v join articles a using (article_id)
        left join article_versions n on n.id = (
            select min(id) from article_versions later where later.article_id = v.article_id and later.id > v.id)""",
    # Each article beside its versions in other editions, whichever page linked the other:
    # one row per pair and direction, the twin's title where it is stored (docs/schema.md).
    "article_translations": """
        select t.article_id, t.twin_id, t.twin_lang, t.twin_url, twin.title as twin_title,
               twin.published_at as twin_published_at
        from (select article_id, twin_id, twin_lang, twin_url from article_twins
              union
              select twin_id, article_id, a.lang, a.url
              from article_twins join articles a using (article_id)) t
        left join articles twin on twin.article_id = t.twin_id""",
    # Observers' measure of coverage (docs/coverage.md): per week (Monday to Sunday in
    # Kazakhstan), edition and subject, the space (words) and its share of all subjects' space,
    # by names and titles and by names alone.
    "coverage_weekly": f"""
        with counted as (
            select date({LOCAL_TIME}, 'weekday 0', '-6 days') as week_starting, a.edition, m.subject_id,
                   count(*) as articles, sum(m.mentions) as mentions, sum(m.by_title) as by_title,
                   sum(m.in_headline) as headlines, sum(m.words) as words, sum(m.words_by_name) as words_by_name
            from subject_mentions m join articles a using (article_id)
            group by week_starting, a.edition, m.subject_id)
        select week_starting, edition, subject_id, s.name_en as subject, s.kind, articles, mentions, by_title,
               mentions - by_title as mentions_by_name, headlines, words, words_by_name,
               round(1.0 * words / nullif(sum(words) over week, 0), 4) as share,
               round(1.0 * words_by_name / nullif(sum(words_by_name) over week, 0), 4) as share_by_name
        from counted join subjects s using (subject_id)
        window week as (partition by week_starting, edition)""",
    # Each election's campaign, from its call to its vote, per edition: its subjects' space
    # and shares among them; `incumbent` marks the one set against the others.
    "coverage_campaigns": f"""
        with counted as (
            select e.election_id, a.edition, m.subject_id, count(*) as articles, sum(m.mentions) as mentions,
                   sum(m.by_title) as by_title, sum(m.in_headline) as headlines, sum(m.words) as words,
                   sum(m.words_by_name) as words_by_name
            from elections e join election_subjects es using (election_id)
            join subject_mentions m on m.subject_id = es.subject_id
            join articles a on a.article_id = m.article_id
            where date({LOCAL_TIME}) between e.called_on and e.voted_on
            group by e.election_id, a.edition, m.subject_id)
        select c.election_id, c.edition, c.subject_id, s.name_en as subject, c.subject_id = e.incumbent_id as incumbent,
               c.articles, c.mentions, c.by_title, c.headlines, c.words, c.words_by_name,
               round(1.0 * c.words / nullif(sum(c.words) over campaign, 0), 4) as share,
               round(1.0 * c.words_by_name / nullif(sum(c.words_by_name) over campaign, 0), 4) as share_by_name
        from counted c join subjects s using (subject_id) join elections e using (election_id)
        window campaign as (partition by c.election_id, c.edition)""",
    # The incumbent's share of the candidates' (or parties') space, against all the others
    # together, per campaign and edition; by names alone beside it.
    "coverage_incumbents": """
        select c.election_id, c.edition, s.name_en as incumbent,
               sum(case when c.incumbent then c.words else 0 end) as incumbent_words,
               sum(case when c.incumbent then 0 else c.words end) as others_words,
               round(1.0 * sum(case when c.incumbent then c.words else 0 end) / nullif(sum(c.words), 0), 4)
                   as incumbent_share,
               round(1.0 * sum(case when c.incumbent then c.words_by_name else 0 end)
                     / nullif(sum(c.words_by_name), 0), 4) as incumbent_share_by_name
        from coverage_campaigns c join elections e using (election_id) join subjects s on s.subject_id = e.incumbent_id
        group by c.election_id, c.edition""",
    # Tone as people coded it (scrapy coverage --import): per subject, the pairs coded, those
    # every coder agreed on, and the agreed tones.
    "coverage_tones": """
        with pairs as (
            select article_id, subject_id, count(*) as coders, min(tone) = max(tone) as agreed, min(tone) as tone
            from subject_tones group by article_id, subject_id)
        select subject_id, s.name_en as subject, count(*) as pairs_coded, sum(coders > 1) as coded_twice,
               sum(agreed) as agreed, sum(agreed and tone = 'positive') as positive,
               sum(agreed and tone = 'neutral') as neutral, sum(agreed and tone = 'negative') as negative
        from pairs join subjects s using (subject_id) group by subject_id""",
    "runs_with_health": """
        select id, started_at, edition, trigger, status, healthy, health_problems,
               articles_new, articles_updated, articles_pending, articles_dropped, requests,
               round((julianday(finished_at) - julianday(started_at)) * 86400) as duration_seconds
        from crawl_runs order by id desc""",
}
# article_tags mirrors articles.tags (JSON) one row per tag, so that a tag can be indexed.
TAG_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS articles_tags_ai AFTER INSERT ON articles BEGIN
  INSERT OR IGNORE INTO article_tags (article_id, tag) SELECT new.article_id, value FROM json_each(new.tags);
END;
CREATE TRIGGER IF NOT EXISTS articles_tags_au AFTER UPDATE OF tags ON articles BEGIN
  DELETE FROM article_tags WHERE article_id = old.article_id;
  INSERT OR IGNORE INTO article_tags (article_id, tag) SELECT new.article_id, value FROM json_each(new.tags);
END;
CREATE TRIGGER IF NOT EXISTS articles_tags_ad AFTER DELETE ON articles BEGIN
  DELETE FROM article_tags WHERE article_id = old.article_id;
END;
"""
# articles_fts, every article's title, lead and body, every language's words in all their
# forms ("observer" finds "observers", "Курултай" "Курултая", "сайлау" "сайлауына"; schema
# version 21, crawler/archive/search.py, every_language_index_sql).
# bm25() weights of title, lead and body: a word in the title counts most (docs/querying.md,
# Datasette's canned queries and the tests write them out).
SEARCH_WEIGHTS = (10.0, 5.0, 1.0)


# The coverage tables the archive keeps as subjects.toml writes them (Archive.save_subjects).
SUBJECT_TABLES = ("subjects", "subject_aliases", "elections", "election_subjects")

# Facts of an article as first stored, which no re-check, refresh or re-read takes from the
# crawl that happens to run (issue 29): the edition it belongs to, the section it was listed in.
STORED_FACTS = ("edition", "section")

# What the parsers make of a page: re-extraction compares and replaces these, and an earlier
# version keeps them all.
EXTRACTED = (
    "url",
    "lang",
    "section",
    "title",
    "lead",
    "body",
    "dateline",
    "source",
    "author",
    "published_at",
    "tags",
    "image_url",
    "word_count",
    "layout",
    "content_hash",
)
VERSIONED = ("article_id", *EXTRACTED)
# A change in any of these is an edit, kept as a version: not the design it is served in, nor
# what follows from the text.
EDITABLE = tuple(column for column in EXTRACTED if column not in ("layout", "word_count", "content_hash"))
