"""Stored articles fetched again, to catch what the site changes after publication: when each
is due (schedule.py) and the requests and outcomes of a re-check (fetch.py)."""
