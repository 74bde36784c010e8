"""Signals of our own, sent by one component and received by others."""

# A page could not be fetched or read (HTTP error after retries, timeout, refused
# connection, an exception while it was handled). Arguments: url, article_id, reason.
page_failed = object()

# The archive is open and migrated, once per crawl (crawler.state.OpenArchive). Argument:
# archive, a crawler.archive.Archive that stays open until the engine stops.
archive_opened = object()

# A stored article fetched again (crawler/recheck/schedule.py) stored no page: `outcome` a
# contracts.CheckOutcome (a 304, no answer, forbidden by robots.txt) or one of contracts.GONE
# (removed, redirected, withdrawn), with `detail` saying how. Arguments: article_id, outcome, detail.
article_checked = object()

# An article listed under one id was served under another (an old 6-hex URL that redirects
# to its 8-hex one): the listed id is an alias, known from now on. Arguments: alias_id,
# article_id.
article_moved = object()

# A page robots.txt forbids: the site's choice, not a failure; never fetched, never pending.
# Arguments: url, article_id.
page_excluded = object()

# A crawl opens: what it was told and what it has done so far, sent by the spider as it opens,
# before the archive is (its handler is the first connected: Scrapy builds the spider before
# any other component). Arguments: context, a crawler.crawl.context.CrawlContext; run, the
# crawler.crawl.run.RunState the spider keeps up to date.
crawl_opened = object()
