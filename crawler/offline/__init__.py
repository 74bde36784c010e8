"""Work on what crawls made, with no crawl and no request to the site: re-extraction of the
kept pages (reparse.py) and their export as WARC (warc.py), run by `scrapy reparse` and
`scrapy export_warc` (crawler/commands/)."""
