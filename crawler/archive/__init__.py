"""The archive: the one package that speaks SQL. Its schema (schema.py), created on first use
and migrated in place by named steps (migrations.py); the structures derived from the
tables (full-text index, tag links, views) and their repair; the Archive object, whose
methods are every question and write of the crawl, the ledger, the store, the scheduler and
the commands (sqlite.py); and the one kind of error its callers catch (errors.py).

Times are ISO 8601 text in UTC. The database is the only record of what has been seen:
an article counts as seen once it is stored, never before.
"""

from crawler.archive.changes import *  # noqa: F403 -- the archive's API, one name space
from crawler.archive.coverage import *  # noqa: F403
from crawler.archive.errors import *  # noqa: F403
from crawler.archive.migrations import *  # noqa: F403
from crawler.archive.schema import *  # noqa: F403
from crawler.archive.search import *  # noqa: F403
from crawler.archive.sqlite import *  # noqa: F403
