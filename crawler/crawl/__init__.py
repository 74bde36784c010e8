"""The crawl's working parts, beside the spider (crawler/spiders/elections.py) that walks the
listing and calls them: what the crawl was told (context.py), what the run has done so far
(run.py), the search for the section behind its doors (section_search.py), the second
channel (channel.py), and what becomes of a request that brings no article (outcomes.py).
The re-checks are crawler/recheck/."""
