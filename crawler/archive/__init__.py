"""The archive: the one package that speaks SQL. Its schema (schema.py), created on first use
and migrated in place (migrations.py); the structures derived from the tables (full-text index, tag links,
views) and their repair; and every question and write of the crawl, the ledger, the store,
the scheduler and `make explore` (sqlite.py).

Times are ISO 8601 text in UTC. The database is the only record of what has been seen:
an article counts as seen once it is stored, never before.
"""

from crawler.archive.migrations import *  # noqa: F403 -- the archive's API, one name space as before
from crawler.archive.schema import *  # noqa: F403
from crawler.archive.sqlite import *  # noqa: F403
